"""Tests against the running rehearsal stack (make prod-up; make prod-test)."""

import pytest

from tests.prod.stack import ENV_FILE, load_env, manage_shell, site


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/prod/" in str(item.fspath):
            item.add_marker(pytest.mark.prod)


@pytest.fixture(scope="session")
def stack():
    if not ENV_FILE.exists():
        pytest.fail(f"{ENV_FILE} is missing: start the stack with `make prod-up` first")
    env = load_env()
    health = site(env).get("/healthz")
    if health.status != 200:
        pytest.fail(f"the stack at {env['PROD_SITE_URL']} does not answer ({health.status})")
    return env


STAFF_CODE = """
import json
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
User = get_user_model()
user, _ = User.objects.get_or_create(username={username!r})
user.set_password({password!r})
user.is_staff = True
user.is_active = True
user.is_superuser = {superuser!r}
user.save()
print(json.dumps(user.pk))
"""


@pytest.fixture(scope="session")
def make_stack_staff(stack):
    def make(username, password="Rehearsal-pass-2026!", superuser=False):
        manage_shell(
            stack, STAFF_CODE.format(username=username, password=password, superuser=superuser)
        )
        return username, password

    return make


@pytest.fixture
def reset_lockouts(stack):
    manage_shell(stack, "from axes.utils import reset; reset(); print('null')")
    yield
    manage_shell(stack, "from axes.utils import reset; reset(); print('null')")
