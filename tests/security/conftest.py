import pytest
from django.contrib.auth.models import Group

from kexie import guard
from kexie.accounts import roles


@pytest.fixture(autouse=True)
def _fresh_guard():
    # Each test starts from the term list in its own database state.
    guard.invalidate()
    yield
    guard.invalidate()


@pytest.fixture
def make_member(django_user_model):
    """A staff account in one of the role groups created by the roles migration."""

    def make(role, username=None):
        user = django_user_model.objects.create_user(
            username=username or f"user-{role}",
            password="a-long-test-password",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        return django_user_model.objects.get(pk=user.pk)

    return make


@pytest.fixture
def editor(make_member):
    return make_member(roles.EDITOR, "editor")


@pytest.fixture
def reviewer(make_member):
    return make_member(roles.REVIEWER, "reviewer")


@pytest.fixture
def site_admin(make_member):
    return make_member(roles.SITE_ADMIN, "siteadmin")
