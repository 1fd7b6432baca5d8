"""Debug only when asked for by name: a forgotten environment file is production."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

PROBE = "import kexie.settings as s; print(s.DEBUG)"
SECRET = "k" * 20 + "-a-long-random-production-secret-value-0123456789"


def settings_debug(**env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_unset_debug_is_production_and_refuses_the_development_key():
    result = settings_debug()
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("value", ["", "0", "true", "yes", "on"])
def test_only_the_value_1_turns_debug_on(value):
    result = settings_debug(
        DJANGO_DEBUG=value, DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="kexie.example.org"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_debug_1_is_development():
    result = settings_debug(DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_test_suite_runs_the_development_configuration():
    # pytest-env sets it from pyproject.toml, the Makefile for `make run`/`make test`.
    assert os.environ.get("DJANGO_DEBUG") == "1"
