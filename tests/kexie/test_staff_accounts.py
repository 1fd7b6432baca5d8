"""Staff accounts: one form, role implies staff, every failed sign-in audited, names shown."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from kexie.accounts import roles
from kexie.models import AuditEntry, StaffProfile
from tests.organizations.factories import OrganizationFactory

PASSWORD = "a-long-test-password"


@pytest.fixture
def site_admin(django_user_model):
    user = django_user_model.objects.create_user(username="guanli01", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.SITE_ADMIN))
    return django_user_model.objects.get(pk=user.pk)


def test_site_admin_creates_a_staff_member_in_one_form(client, site_admin, django_user_model):
    county = OrganizationFactory(name="恩施市科学技术协会")
    client.force_login(site_admin)
    editor_group = Group.objects.get(name=roles.EDITOR)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "full_name": "张小编",
            "username": "bianji01",
            "password1": "Kexie-2026-editor",
            "password2": "Kexie-2026-editor",
            "roles": [editor_group.pk],
            "organization": county.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = django_user_model.objects.get(username="bianji01")
    assert user.is_staff and not user.is_superuser
    assert list(user.groups.all()) == [editor_group]
    assert user.first_name == "张小编"
    assert StaffProfile.objects.get(user=user).organization == county
    # …and the new colleague can sign in to the back office straight away.
    client.logout()
    signed_in = client.post(
        reverse("admin:login"), {"username": "bianji01", "password": "Kexie-2026-editor"}
    )
    assert signed_in.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_form_asks_for_a_role(client, site_admin, django_user_model):
    client.force_login(site_admin)
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "full_name": "李四",
            "username": "lisi",
            "password1": "Kexie-2026-editor",
            "password2": "Kexie-2026-editor",
        },
    )
    assert response.status_code == 200
    assert "请至少选择一个角色" in response.content.decode()
    assert not django_user_model.objects.filter(username="lisi").exists()


def test_a_role_implies_staff_status_and_removing_every_role_removes_it(django_user_model):
    user = django_user_model.objects.create_user(username="bianji02", password=PASSWORD)
    editor, reviewer = (Group.objects.get(name=name) for name in (roles.EDITOR, roles.REVIEWER))
    user.groups.add(editor)  # as the README says: put them in 编辑
    user.refresh_from_db()
    assert user.is_staff
    user.groups.add(reviewer)
    user.groups.remove(editor)
    user.refresh_from_db()
    assert user.is_staff  # still a reviewer
    user.groups.clear()
    user.refresh_from_db()
    assert not user.is_staff
    # From the group's side too, and when a role is deleted.
    reviewer.user_set.add(user)
    user.refresh_from_db()
    assert user.is_staff
    reviewer.delete()
    user.refresh_from_db()
    assert not user.is_staff


def test_a_superuser_keeps_staff_status_without_roles(django_user_model):
    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    root.groups.add(Group.objects.get(name=roles.EDITOR))
    root.groups.clear()
    root.refresh_from_db()
    assert root.is_staff


def _failed(username):
    return AuditEntry.objects.filter(action=AuditEntry.Action.LOGIN_FAILED, username=username)


def _sign_in(client, username, password):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


@pytest.mark.parametrize(
    "kind", ["wrong password", "unknown user", "inactive user", "not staff", "locked out"]
)
def test_every_kind_of_failed_sign_in_is_audited(client, django_user_model, settings, kind):
    user = django_user_model.objects.create_user(username="zhangsan", password=PASSWORD)
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    username, password = "zhangsan", PASSWORD
    if kind == "wrong password":
        password = "not-the-password"
    elif kind == "unknown user":
        username = "nobody"
    elif kind == "inactive user":
        user.is_active = False
        user.save()
    elif kind == "not staff":
        user.groups.clear()
    elif kind == "locked out":
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _sign_in(client, username, "not-the-password")
        assert AuditEntry.objects.filter(action=AuditEntry.Action.LOCKOUT).exists()
    before = _failed(username).count()
    response = _sign_in(client, username, password)
    assert response.status_code in (200, 429)  # refused, never signed in
    assert "_auth_user_id" not in client.session
    assert _failed(username).count() == before + 1


def test_audit_log_names_the_person_changed(client, site_admin, django_user_model):
    user = django_user_model.objects.create_user(
        username="bianji03", password=PASSWORD, first_name="王小编"
    )
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCOUNT).first()
    assert entry.target == "用户：王小编（bianji03）"
    client.force_login(site_admin)
    page = client.get(reverse("admin:kexie_auditentry_changelist")).content.decode()
    assert "王小编（bianji03）" in page


def test_account_form_has_one_full_name_field(client, site_admin, django_user_model):
    user = django_user_model.objects.create_user(username="bianji04", first_name="赵小编")
    client.force_login(site_admin)
    page = client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert 'name="first_name"' in page and 'name="last_name"' not in page
    assert "姓名" in page
    changelist = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "赵小编" in changelist
