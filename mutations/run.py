"""
``make mutate``: make each small breakage listed in mutations/*.toml, one at a time, in a
scratch copy of the tree, run the tests named for it, and fail if any breakage survives.

The working tree is never touched: the tree is copied once into a temporary folder (so an
interrupted run leaves nothing broken behind, and uncommitted work is included), each
mutation is applied there and reverted before the next. A mutation whose original text is
no longer in its file, or is there more than once, fails the run loudly: when code moves,
the list must move with it, never skip silently.

    python mutations/run.py              # every mutation
    python mutations/run.py -k guard     # those whose name or file contains "guard"
    python mutations/run.py --list       # list them, check their texts, run nothing

Mutations marked ``database = "postgresql"`` run their tests on PostgreSQL at
``MUTATE_DATABASE_URL`` (default ``postgres://postgres@127.0.0.1:5432/kexie_mutate``).
Written by hand: mutation tools (mutmut, cosmic-ray) generate thousands of blind
mutations; this keeps a reviewed list of breakages that matter, each with its tests.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LISTS = ROOT / "mutations"
IGNORED = shutil.ignore_patterns(
    ".git", ".venv", ".local", "var", "media", "db.sqlite3*", "__pycache__", ".pytest_cache",
    ".ruff_cache", "node_modules", "staticfiles",
)  # fmt: skip
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/kexie_mutate"
TIMEOUT = 900  # seconds per mutation; a breakage that hangs the tests counts as caught


@dataclass
class Mutation:
    name: str
    file: str
    original: str
    replacement: str
    tests: list
    database: str = "sqlite"
    source: str = ""
    problems: list = field(default_factory=list)


def load(pattern=""):
    mutations = []
    for path in sorted(LISTS.glob("*.toml")):
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        for entry in data.get("mutation", []):
            mutation = Mutation(source=path.name, **entry)
            if pattern and pattern not in mutation.name and pattern not in mutation.file:
                continue
            mutations.append(mutation)
    names = [m.name for m in mutations]
    duplicates = {name for name in names if names.count(name) > 1}
    for mutation in mutations:
        if mutation.name in duplicates:
            mutation.problems.append("the name is used twice")
        if not mutation.tests:
            mutation.problems.append("no tests are named")
        if mutation.original == mutation.replacement:
            mutation.problems.append("the replacement is the original")
    return mutations


def check_texts(mutations, tree):
    for mutation in mutations:
        path = tree / mutation.file
        if not path.exists():
            mutation.problems.append(f"{mutation.file} does not exist")
            continue
        found = path.read_text(encoding="utf-8").count(mutation.original)
        if found == 0:
            mutation.problems.append(f"original text not found in {mutation.file}")
        elif found > 1:
            mutation.problems.append(f"original text found {found} times in {mutation.file}")


def pytest_env(database):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DJANGO_DEBUG="1", PYTHONDONTWRITEBYTECODE="1")
    if database == "postgresql":
        env["DATABASE_URL"] = os.environ.get("MUTATE_DATABASE_URL", DEFAULT_POSTGRES)
    return env


def run_tests(tree, tests, env):
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests]
    try:
        result = subprocess.run(  # noqa: S603 - our own interpreter and test paths
            command, cwd=tree, env=env, capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        return "timeout", ""
    return result.returncode, result.stdout[-3000:] + result.stderr[-2000:]


def baseline(tree, mutations):
    """The named tests must pass on the unbroken tree, or every mutation looks caught."""
    for database in ("sqlite", "postgresql"):
        chosen = [m for m in mutations if m.database == database]
        tests = sorted({test for m in chosen for test in m.tests})
        if not tests:
            continue
        code, output = run_tests(tree, tests, pytest_env(database))
        if code != 0:
            print(output)
            print(f"The named tests fail on the unbroken tree ({database}); fix that first.")
            return False
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-k", default="", help="only mutations whose name or file contains this")
    parser.add_argument("--list", action="store_true", help="list and check, run nothing")
    args = parser.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)  # progress shows as it happens, even in a log

    mutations = load(args.k)
    check_texts(mutations, ROOT)
    broken = [m for m in mutations if m.problems]
    if args.list or broken:
        for m in mutations:
            status = "; ".join(m.problems) if m.problems else "ok"
            print(f"{m.source:18} {m.name:60} {m.file:40} {status}")
        if broken:
            print(f"\n{len(broken)} mutation(s) cannot be applied: refresh mutations/*.toml.")
            return 1
        return 0
    if not mutations:
        print("No mutations match.")
        return 1

    with tempfile.TemporaryDirectory(prefix="kexie-mutate-") as scratch:
        tree = Path(scratch) / "tree"
        shutil.copytree(ROOT, tree, ignore=IGNORED, symlinks=True)
        print(f"Scratch copy: {tree}")
        if not baseline(tree, mutations):
            return 1
        survivors = []
        for number, mutation in enumerate(mutations, start=1):
            path = tree / mutation.file
            original = path.read_text(encoding="utf-8")
            path.write_text(
                original.replace(mutation.original, mutation.replacement, 1), encoding="utf-8"
            )
            env = pytest_env(mutation.database)
            started = time.monotonic()
            try:
                code, output = run_tests(tree, mutation.tests, env)
            finally:
                path.write_text(original, encoding="utf-8")
            seconds = time.monotonic() - started
            caught = code != 0 and code != 5  # 5: pytest collected no tests
            verdict = "caught" if caught else "SURVIVED"
            print(f"[{number:2}/{len(mutations)}] {verdict:8} {seconds:5.1f}s  {mutation.name}")
            if not caught:
                survivors.append(mutation)
                print(output)
        print()
        if survivors:
            print(f"{len(survivors)} of {len(mutations)} mutations survived:")
            for mutation in survivors:
                print(f"  - {mutation.name} ({mutation.source}: {mutation.file})")
            return 1
        print(f"All {len(mutations)} mutations were caught.")
        return 0


if __name__ == "__main__":
    sys.exit(main())
