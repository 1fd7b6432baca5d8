"""The mutation runner refuses, loudly, a breakage it cannot apply exactly."""

import importlib.util

from django.conf import settings

spec = importlib.util.spec_from_file_location("mutate_run", settings.BASE_DIR / "mutations/run.py")
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)


def mutation(**values):
    return run.Mutation(
        **{"name": "m", "file": "code.py", "original": "a = 1", "replacement": "a = 2"}
        | {"tests": ["tests/x.py"]}
        | values
    )


def test_an_original_text_not_found_or_found_twice_is_a_problem(tmp_path):
    (tmp_path / "code.py").write_text("a = 1\nb = 1\nb = 1\n", encoding="utf-8")
    present, missing, doubled, no_file = (
        mutation(),
        mutation(original="c = 1"),
        mutation(original="b = 1"),
        mutation(file="gone.py"),
    )
    run.check_texts([present, missing, doubled, no_file], tmp_path)
    assert present.problems == []
    assert missing.problems == ["original text not found in code.py"]
    assert doubled.problems == ["original text found 2 times in code.py"]
    assert no_file.problems == ["gone.py does not exist"]


def test_every_kept_mutation_names_tests_and_changes_something():
    mutations = run.load()
    assert len(mutations) >= 17
    assert all(m.tests and m.original != m.replacement for m in mutations)
    assert len({m.name for m in mutations}) == len(mutations)
