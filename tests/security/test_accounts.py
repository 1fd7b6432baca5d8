"""Sign-in lockout, password rules, idle logout and the production settings."""

import datetime
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from kexie.models import AuditEntry

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
OFFICE = "203.0.113.7"
HOME = "198.51.100.20"
BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def colleagues(django_user_model):
    return [
        django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)
        for name in ("alice", "bob")
    ]


def login(client, username, password, address=OFFICE):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


def signed_in(response):
    return response.status_code == 302 and response.url == "/admin/"


def _fail(client, username, times, address=OFFICE):
    for _ in range(times):
        response = login(client, username, "wrong-password", address)
    return response


def test_account_and_address_locked_after_five_failures(client, colleagues):
    assert _fail(client, "alice", 4).status_code == 200
    locked = _fail(client, "alice", 1)
    assert locked.status_code == 429
    assert "registration/lockout.html" in [t.name for t in locked.templates]
    # Even the right password is refused while locked.
    assert login(client, "alice", PASSWORD).status_code == 429


def test_pair_lock_spares_colleagues_and_other_addresses(client, colleagues):
    _fail(client, "alice", 5)
    assert signed_in(login(client, "bob", PASSWORD))
    client.logout()
    assert signed_in(login(client, "alice", PASSWORD, address=HOME))


def test_address_alone_locks_only_after_many_more_failures(
    client, colleagues, settings, django_user_model
):
    settings.KEXIE_ADDRESS_FAILURE_LIMIT = 12
    sprayed = [f"staff{number}" for number in range(6)]
    for name in sprayed:
        django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)
    for number in range(11):  # passwords sprayed over six real accounts, two tries each at most
        _fail(client, sprayed[number % 6], 1)
    assert signed_in(login(client, "bob", PASSWORD))
    client.logout()
    _fail(client, sprayed[0], 1)
    assert login(client, "alice", PASSWORD).status_code == 429
    assert signed_in(login(client, "alice", PASSWORD, address=HOME))


def test_made_up_user_names_never_lock_a_real_account(client, colleagues, settings):
    settings.KEXIE_ADDRESS_FAILURE_LIMIT = 12
    for number in range(30):
        _fail(client, f"guess{number}", 1)
    assert signed_in(login(client, "alice", PASSWORD))


def test_with_the_default_limits_an_office_address_locks_at_the_fiftieth_failure(
    client, colleagues, django_user_model
):
    # The address-only limit counts failures for existing accounts (made-up names never
    # lock a real account): forty-nine failures from one shared address, sprayed over real
    # accounts under five each, leave a colleague free to sign in; the fiftieth locks the
    # address, for that colleague too, while the colleague's home address stays open.
    sprayed = [f"staff{number}" for number in range(13)]
    for name in sprayed:
        django_user_model.objects.create_user(name, password=PASSWORD, is_staff=True)
    for number in range(49):
        _fail(client, sprayed[number % 13], 1)
    assert signed_in(login(client, "bob", PASSWORD))
    client.logout()
    assert _fail(client, sprayed[49 % 13], 1).status_code == 429
    assert login(client, "bob", PASSWORD).status_code == 429
    assert signed_in(login(client, "bob", PASSWORD, address=HOME))


def test_with_the_default_limits_made_up_names_never_lock_an_office_address(client, colleagues):
    for number in range(60):
        _fail(client, f"guess{number % 20}", 1)
    assert signed_in(login(client, "bob", PASSWORD))


def test_with_the_default_cool_off_a_lock_lasts_thirty_minutes(client, colleagues):
    _fail(client, "alice", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=29))
    assert login(client, "alice", PASSWORD).status_code == 429


def test_lock_ends_after_the_cool_off(client, colleagues):
    _fail(client, "alice", 5)
    assert login(client, "alice", PASSWORD).status_code == 429
    earlier = timezone.now() - datetime.timedelta(minutes=31)
    AccessAttempt.objects.update(attempt_time=earlier)
    assert signed_in(login(client, "alice", PASSWORD))


def test_site_admin_unlocks_in_the_admin(client, colleagues, site_admin):
    _fail(client, "alice", 5)
    attempt = AccessAttempt.objects.get(username="alice")
    client.force_login(site_admin)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 200
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    client.logout()
    assert signed_in(login(client, "alice", PASSWORD))


def test_editors_cannot_unlock(client, colleagues, editor):
    _fail(client, "alice", 5)
    client.force_login(editor)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def test_sign_ins_failures_and_lockouts_are_audited(client, colleagues):
    _fail(client, "alice", 5)
    assert signed_in(login(client, "bob", PASSWORD))
    client.post(reverse("admin:logout"))
    failed = AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED)
    assert failed.count() == 5
    assert set(failed.values_list("username", "ip_address")) == {("alice", OFFICE)}
    lockout = AuditEntry.objects.get(action=AuditEntry.Action.LOCKOUT)
    assert (lockout.username, lockout.ip_address) == ("alice", OFFICE)
    success = AuditEntry.objects.get(action=AuditEntry.Action.LOGIN)
    assert (success.user.username, success.ip_address) == ("bob", OFFICE)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.LOGOUT, username="bob").exists()


@pytest.mark.parametrize(
    "password", ["short1!", "password123", "1234567890123", "qwertyuiop", "alice-alice"]
)
def test_weak_passwords_are_refused(django_user_model, password):
    user = django_user_model(username="alice-alice")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_good_password_is_accepted(django_user_model):
    user = django_user_model(username="alice")
    assert validate_password("科协-Enshi-2025-年会", user) is None


# --- Idle logout -------------------------------------------------------------------


def _later(minutes):
    moment = timezone.now() + datetime.timedelta(minutes=minutes)
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_session_cookie_lasts_thirty_idle_minutes(client, colleagues):
    response = login(client, "alice", PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["max-age"] == 1800
    assert cookie["httponly"]


def test_staff_are_signed_out_after_thirty_idle_minutes(client, colleagues):
    assert signed_in(login(client, "alice", PASSWORD))
    with _later(31):
        response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response.url


def test_activity_keeps_the_session_alive(client, colleagues):
    assert signed_in(login(client, "alice", PASSWORD))
    with _later(25):
        assert client.get(reverse("admin:index")).status_code == 200
    with _later(50):  # 25 idle minutes after the last request
        assert client.get(reverse("admin:index")).status_code == 200
    with _later(81):
        assert client.get(reverse("admin:index")).status_code == 302


# --- Production settings -------------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 20 + "-production-secret-for-the-settings-test-" + "z" * 20,
    "DJANGO_ALLOWED_HOSTS": "kexie.example.org",
}


def _run(args, **env):
    environment = {**os.environ, **env}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_check_passes_under_production_settings():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret():
    env = {**PRODUCTION_ENV, "DJANGO_SECRET_KEY": ""}
    result = _run(["manage.py", "check"], **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


PROBE = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "kexie.settings"
django.setup()
from django.conf import settings
from django.test import Client
response = Client().get("/robots.txt", secure=True, HTTP_HOST="kexie.example.org")
plain = Client().get("/robots.txt", HTTP_HOST="kexie.example.org")
print(response.status_code, plain.status_code, plain.get("Location"))
print(response.get("Strict-Transport-Security"))
print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY)
"""


def test_production_sends_hsts_redirects_to_https_and_secures_cookies():
    result = _run(["-c", PROBE], **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    statuses, hsts, cookies = result.stdout.strip().splitlines()[-3:]
    assert statuses.split()[:2] == ["200", "301"]
    assert statuses.split()[2].startswith("https://")
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts
    assert cookies == "True True True"
