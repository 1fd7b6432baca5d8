"""The audit trail: account and permission changes, and browsing it in the admin."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils import timezone

from kexie import audit
from kexie.accounts import roles
from kexie.models import AuditEntry
from tests.security.helpers import form_data

pytestmark = pytest.mark.django_db

Action = AuditEntry.Action


def account_events():
    return [
        (entry.details["event"], entry.username)
        for entry in AuditEntry.objects.filter(action=Action.ACCOUNT).order_by("id")
    ]


def test_account_changes_in_the_admin_are_attributed(client, site_admin, django_user_model):
    client.force_login(site_admin)
    AuditEntry.objects.all().delete()
    response = client.post(
        reverse("admin:auth_user_add"),
        {
            "full_name": "新同事",
            "username": "newcolleague",
            "password1": "Kexie-pass-2025!",
            "password2": "Kexie-pass-2025!",
            "roles": [str(Group.objects.get(name=roles.EDITOR).pk)],
            "_save": "1",
        },
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(username="newcolleague")
    url = reverse("admin:auth_user_change", args=[user.pk])
    # Taking the only role away takes staff status with it, recorded as the admin's doing.
    data = form_data(client.get(url).text, "user_form", _save="1")
    data.pop("groups", None)
    assert client.post(url, data).status_code == 302
    events = account_events()
    assert ("user_created", "siteadmin") in events
    assert ("user_changed", "siteadmin") in events
    assert ("user_groups_changed", "siteadmin") in events
    changed = AuditEntry.objects.get(details__event="user_changed")
    assert changed.details["fields"] == ["is_staff"]
    assert changed.ip_address == "127.0.0.1"
    added, removed = AuditEntry.objects.filter(details__event="user_groups_changed").order_by("id")
    assert added.details["objects"] == removed.details["objects"] == [roles.EDITOR]
    assert removed.details["change"] == "remove"
    assert "newcolleague" in removed.target


def test_password_change_is_recorded_without_the_hash(django_user_model):
    user = django_user_model.objects.create_user("alice", password="first-password-1")
    user.set_password("second-password-2")
    user.save()
    entry = AuditEntry.objects.get(details__event="user_changed")
    assert entry.details["fields"] == ["password"]
    assert "pbkdf2" not in str(entry.details) and "md5" not in str(entry.details)


def test_sign_in_does_not_count_as_an_account_change(client, django_user_model):
    django_user_model.objects.create_user("alice", password="a-long-test-password", is_staff=True)
    AuditEntry.objects.all().delete()
    client.post(reverse("admin:login"), {"username": "alice", "password": "a-long-test-password"})
    assert list(AuditEntry.objects.values_list("action", flat=True)) == [Action.LOGIN]


def test_group_permission_and_deletion_changes_are_recorded(django_user_model):
    group = Group.objects.create(name="临时组")
    permission = Permission.objects.get(codename="publish_article")
    group.permissions.add(permission)
    group.permissions.remove(permission)
    user = django_user_model.objects.create_user("bob")
    user.user_permissions.add(permission)
    group.user_set.add(user)
    user.delete()
    group.delete()
    events = [event for event, _ in account_events()]
    assert events == [
        "group_created",
        "group_permissions_changed",
        "group_permissions_changed",
        "user_created",
        "user_permissions_changed",
        "user_groups_changed",
        "user_changed",  # a role implies staff status
        "user_deleted",
        "group_deleted",
    ]
    added, removed = AuditEntry.objects.filter(details__event="group_permissions_changed").order_by(
        "id"
    )
    assert (added.details["change"], removed.details["change"]) == ("add", "remove")
    assert added.details["objects"] == [str(permission)]


def test_site_admins_browse_the_audit_log_with_filters(client, site_admin, editor):
    audit.record(action=Action.LOGIN, user=editor)
    old = audit.record(action=Action.EXPORT, user=site_admin, target="members.csv")
    AuditEntry.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    client.force_login(site_admin)
    url = reverse("admin:kexie_auditentry_changelist")
    assert client.get(url).status_code == 200
    by_action = client.get(url, {"action__exact": Action.EXPORT})
    assert list(by_action.context["cl"].result_list) == [old]
    by_user = client.get(url, {"user__id__exact": editor.pk})
    assert {e.user for e in by_user.context["cl"].result_list} == {editor}
    since = (timezone.localtime() - datetime.timedelta(days=7)).isoformat()
    recent = client.get(url, {"created_at__gte": since})
    assert old not in recent.context["cl"].result_list
    assert len(recent.context["cl"].result_list) >= 1


def test_the_audit_log_is_read_only_even_for_site_admins(client, site_admin):
    entry = audit.record(action=Action.LOGIN, user=site_admin)
    client.force_login(site_admin)
    assert client.get(reverse("admin:kexie_auditentry_add")).status_code == 403
    change = client.get(reverse("admin:kexie_auditentry_change", args=[entry.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.text
    delete = client.post(reverse("admin:kexie_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert delete.status_code == 403
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.parametrize("role", [roles.EDITOR, roles.REVIEWER])
def test_editors_and_reviewers_cannot_read_the_audit_log(client, make_member, role):
    client.force_login(make_member(role))
    assert client.get(reverse("admin:kexie_auditentry_changelist")).status_code == 403


def test_site_admins_manage_banned_terms(client, site_admin):
    client.force_login(site_admin)
    response = client.post(
        reverse("admin:kexie_bannedterm_add"),
        {"term": "六合彩", "category": "gambling", "action": "block", "is_active": "on"},
    )
    assert response.status_code == 302
    from kexie import guard

    assert guard.check({"title": "六 合 彩开奖"})


def test_editors_cannot_change_banned_terms(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:kexie_bannedterm_changelist")).status_code == 403
