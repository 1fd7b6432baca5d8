"""Optional two-factor sign-in for superusers and site admins (KEXIE_REQUIRE_2FA=1)."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from kexie.models import AuditEntry

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")
SETUP = reverse("kexie:2fa-setup")
VERIFY = reverse("kexie:2fa-verify")


def code(device, ahead=0):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, ahead):06d}"


def sign_in(client, user):
    client.force_login(user)  # the password step; a new session each time


@pytest.fixture
def required(settings):
    settings.KEXIE_REQUIRE_2FA = True
    # django-otp slows retries after a wrong code (1 s, doubling); the tests
    # try a wrong code and the right one at once.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_without_the_setting_nothing_changes(client, superuser):
    sign_in(client, superuser)
    assert client.get(ADMIN).status_code == 200


def test_editors_are_not_asked(client, required, editor):
    sign_in(client, editor)
    assert client.get(ADMIN).status_code == 200


def test_superuser_sets_up_the_app_and_gets_recovery_codes(client, required, superuser):
    sign_in(client, superuser)
    response = client.get(ADMIN)
    assert response.status_code == 302 and response["Location"].startswith(SETUP)
    page = client.get(response["Location"])
    assert "<svg" in page.text and "扫描" in page.text  # the QR code, in Chinese
    device = TOTPDevice.objects.get(user=superuser, confirmed=False)
    # A wrong code is refused with a message and audited.
    wrong = client.post(SETUP, {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and wrong.context["form"].errors
    done = client.post(SETUP, {"token": code(device), "next": ADMIN})
    assert done.status_code == 200
    codes = done.context["codes"]
    assert len(codes) == 10 and all(c in done.text for c in codes)
    assert client.get(ADMIN).status_code == 200  # this session is verified
    assert AuditEntry.objects.filter(details__event="2fa_enabled").exists()


def test_next_sign_in_asks_for_a_code_and_recovery_codes_work_once(client, required, site_admin):
    sign_in(client, site_admin)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=site_admin)
    codes = client.post(SETUP, {"token": code(device)}).context["codes"]
    client.logout()

    sign_in(client, site_admin)
    response = client.get(reverse("admin:auth_user_changelist"))
    assert response["Location"].startswith(VERIFY)
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # no second device by the back door
    bad = client.post(VERIFY, {"token": "12345678"})
    assert bad.status_code == 200 and bad.context["form"].errors
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED, details__event="2fa_failed")
    good = client.post(VERIFY, {"token": code(device, ahead=1), "next": ADMIN})
    assert good.status_code == 302 and good["Location"] == ADMIN
    assert client.get(ADMIN).status_code == 200
    client.logout()

    sign_in(client, site_admin)
    assert client.post(VERIFY, {"token": codes[0]}).status_code == 302
    client.logout()
    sign_in(client, site_admin)
    reused = client.post(VERIFY, {"token": codes[0]})
    assert reused.status_code == 200  # a recovery code works once
    assert client.get(ADMIN).status_code == 302


def test_next_cannot_send_anyone_elsewhere(client, required, superuser):
    sign_in(client, superuser)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=superuser)
    page = client.post(SETUP, {"token": code(device), "next": "https://evil.example/"})
    assert not re.search(r'href="https://evil', page.text)


def test_a_lost_phone_is_reset_from_the_command_line(client, required, superuser):
    import io

    from django.core.management import call_command

    sign_in(client, superuser)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=superuser)
    client.post(SETUP, {"token": code(device)})
    out = io.StringIO()
    call_command("reset_2fa", superuser.username, stdout=out)
    assert "已重置" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=superuser).exists()
    client.logout()
    sign_in(client, superuser)
    assert client.get(ADMIN)["Location"].startswith(SETUP)
