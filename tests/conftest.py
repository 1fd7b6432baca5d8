from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission

from kexie.accounts import roles


def pytest_configure(config):
    # The SQLite test database is a file in var/ (see settings), shared with the live server.
    (Path(__file__).resolve().parent.parent / "var").mkdir(exist_ok=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    # Transactional tests (the browser suite, concurrency) flush the database when they
    # end, taking the data migrations' groups and banned terms with it: run them last.
    def transactional(item):
        marker = item.get_closest_marker("django_db")
        flagged = bool(marker and marker.kwargs.get("transaction"))
        fixtures = getattr(item, "fixturenames", ())
        return flagged or "transactional_db" in fixtures or "live_server" in fixtures

    items.sort(key=transactional)


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    # Cached pages live in process memory and outlast each test's rolled-back data.
    from kexie import pagecache

    pagecache.clear()
    yield
    pagecache.clear()


@pytest.fixture
def render_every_request(settings):
    """Query budgets count what rendering a page costs: no page comes from the cache.

    The first request after a change also loads the banned-term list for the
    response scan, once per content generation: a test warms that up first.
    """
    settings.KEXIE_PAGE_CACHE_ENABLED = False


@pytest.fixture
def make_staff(django_user_model):
    """A staff user holding exactly the given permissions ("app.codename")."""

    def make(*perms, username="staff", superuser=False):
        user = django_user_model.objects.create_user(
            username=username, password="a-long-test-password", is_staff=True
        )
        user.is_superuser = superuser
        user.save()
        for perm in perms:
            app_label, codename = perm.split(".")
            user.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
        return django_user_model.objects.get(pk=user.pk)  # fresh permission cache

    return make


@pytest.fixture
def superuser(make_staff):
    return make_staff(username="root", superuser=True)


# --- Site chrome (pages app) -------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_site_chrome():
    # The header and footer are cached across requests; a test's rolled-back rows must
    # not outlive it in the (process-wide) cache.
    from django.core.cache import cache

    from pages import chrome

    cache.delete_many([chrome.CACHE_KEY, chrome.ADMIN_NAME_KEY])
    yield
    cache.delete_many([chrome.CACHE_KEY, chrome.ADMIN_NAME_KEY])


@pytest.fixture
def warm_site_chrome(db):
    """For query budgets: the header and footer come from the cache, as on a running site."""
    from pages import chrome

    chrome.get()


# --- Staff in the role groups (kexie.accounts.roles) ----------------------------


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
