import stat
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def local_password_file(tmp_path, monkeypatch):
    from kexie.management.commands import ensure_admin

    path = tmp_path / "admin-password"
    monkeypatch.setattr(ensure_admin, "PASSWORD_FILE", path)
    return path


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_create_admin_creates_a_superuser_once_and_keeps_the_password_in_the_file(
    tmp_path, django_user_model
):
    password_file = tmp_path / "secrets" / "admin-password"
    output = run("create_admin", "--username", "chief", "--password-file", str(password_file))
    password = password_file.read_text().strip()
    assert len(password) >= 12
    assert f"password: {password}" in output
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    chief = django_user_model.objects.get(username="chief")
    assert chief.is_superuser and chief.is_staff and chief.is_active
    assert chief.check_password(password)


@pytest.mark.django_db
def test_create_admin_without_a_file_prints_a_fresh_password(django_user_model):
    output = run("create_admin")
    password = output.split("password: ", 1)[1].split()[0]
    assert django_user_model.objects.get(username="admin").check_password(password)


@pytest.mark.django_db
def test_create_admin_never_resets_reenables_or_promotes_an_existing_account(
    tmp_path, django_user_model
):
    password_file = tmp_path / "admin-password"
    run("create_admin", "--password-file", str(password_file))
    admin = django_user_model.objects.get(username="admin")
    admin.set_password("changed-by-its-owner-2026")
    admin.is_active = False
    admin.save()
    password_file.unlink()  # a lost file must not be a way back in

    output = run("create_admin", "--password-file", str(password_file))
    assert "already exists" in output and "password:" not in output
    admin.refresh_from_db()
    assert admin.check_password("changed-by-its-owner-2026")
    assert not admin.is_active

    someone = django_user_model.objects.create_user(username="someone", password="x" * 12)
    run("create_admin", "--username", "someone")
    someone.refresh_from_db()
    assert not someone.is_superuser and someone.check_password("x" * 12)


@pytest.mark.django_db
def test_ensure_admin_leaves_a_changed_password_and_a_disabled_admin_alone(
    local_password_file, django_user_model
):
    first = run("ensure_admin")
    password = local_password_file.read_text().strip()
    assert f"password: {password}" in first

    admin = django_user_model.objects.get(username="admin")
    admin.set_password("changed-by-its-owner-2026")
    admin.is_active = False
    admin.save()

    again = run("ensure_admin")
    admin.refresh_from_db()
    assert admin.check_password("changed-by-its-owner-2026")
    assert not admin.is_active
    assert password not in again  # the stale password is not offered as working
    assert "left unchanged" in again


@pytest.mark.django_db
def test_ensure_admin_says_when_the_admin_is_disabled(local_password_file, django_user_model):
    run("ensure_admin")
    django_user_model.objects.filter(username="admin").update(is_active=False)
    output = run("ensure_admin")
    assert "stays disabled" in output
    assert not django_user_model.objects.get(username="admin").is_active
