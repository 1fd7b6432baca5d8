"""Only superusers grant rights; members stay private; exports need a POST with CSRF."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kexie.accounts import roles
from kexie.audit import write_deferred
from kexie.middleware import _current_request
from kexie.models import AuditEntry
from tests.awards.factories import AwardFactory, MemberFactory
from tests.security.helpers import form_data

pytestmark = pytest.mark.django_db

PUBLISH = "news.publish_article"


def refusals(event=None):
    entries = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED)
    return [e for e in entries if event is None or e.details.get("event") == event]


def _permission(key):
    app_label, codename = key.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


# --- Groups and memberships ---------------------------------------------------------


def test_site_admin_cannot_grant_their_group_the_publish_permission(client, site_admin):
    group = Group.objects.get(name=roles.SITE_ADMIN)
    client.force_login(site_admin)
    url = reverse("admin:auth_group_change", args=[group.pk])
    assert client.get(url).status_code == 200  # may look
    response = client.post(
        url, {"name": group.name, "permissions": [str(_permission(PUBLISH).pk)], "_save": "1"}
    )
    assert response.status_code == 403
    assert not group.permissions.filter(codename="publish_article").exists()
    assert refusals("protected_group")


def test_site_admin_cannot_grant_permissions_to_any_group(client, site_admin):
    group = Group.objects.create(name="宣传组")
    client.force_login(site_admin)
    url = reverse("admin:auth_group_change", args=[group.pk])
    page = client.get(url)
    assert 'name="permissions"' not in page.text  # shown read-only
    client.post(
        url, {"name": group.name, "permissions": [str(_permission(PUBLISH).pk)], "_save": "1"}
    )
    assert not group.permissions.exists()
    assert refusals("group_permissions")


def test_site_admin_cannot_make_themselves_a_reviewer(client, site_admin, django_user_model):
    colleague = django_user_model.objects.create_user("colleague", password="x" * 12, is_staff=True)
    reviewers = Group.objects.get(name=roles.REVIEWER)
    editors = Group.objects.get(name=roles.EDITOR)
    client.force_login(site_admin)
    url = reverse("admin:auth_user_change", args=[colleague.pk])
    page = client.get(url)
    assert f'value="{reviewers.pk}"' not in page.text  # not offered
    assert f'value="{editors.pk}"' in page.text
    data = form_data(page.text, "user_form", _save="1")
    data["groups"] = [str(reviewers.pk)]
    response = client.post(url, data)
    assert response.status_code == 200  # the form is shown again with the error
    assert not colleague.groups.exists()
    assert refusals("protected_membership")
    # An ordinary role can be given.
    data["groups"] = [str(editors.pk)]
    assert client.post(url, data).status_code == 302
    assert list(colleague.groups.all()) == [editors]


def test_members_of_protected_groups_are_read_only_for_site_admins(client, site_admin, reviewer):
    client.force_login(site_admin)
    url = reverse("admin:auth_user_change", args=[reviewer.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.text
    data = {"username": "reviewer", "is_active": "", "_save": "1"}
    assert client.post(url, data).status_code == 403
    reviewer.refresh_from_db()
    assert reviewer.is_active
    password_url = reverse("admin:auth_user_password_change", args=[reviewer.pk])
    response = client.post(
        password_url, {"password1": "n3w-Pass-w0rd!", "password2": "n3w-Pass-w0rd!"}
    )
    assert response.status_code == 403
    assert refusals("protected_member") and refusals("protected_member_password")


def test_superuser_grants_and_appoints(client, superuser, site_admin):
    reviewers = Group.objects.get(name=roles.REVIEWER)
    client.force_login(superuser)
    url = reverse("admin:auth_user_change", args=[site_admin.pk])
    data = form_data(client.get(url).text, "user_form", _save="1")
    data["groups"] = [str(Group.objects.get(name=roles.SITE_ADMIN).pk), str(reviewers.pk)]
    assert client.post(url, data).status_code == 302
    assert site_admin.groups.filter(pk=reviewers.pk).exists()
    assert not refusals()


def test_any_other_path_in_a_request_is_refused_too(rf, site_admin, editor):
    """The model-level backstop: code run for a non-superuser's request cannot grant."""
    request = rf.post("/anything/")
    request.user = site_admin
    attempts = [
        lambda: Group.objects.get(name=roles.EDITOR).permissions.add(_permission(PUBLISH)),
        lambda: editor.groups.add(Group.objects.get(name=roles.REVIEWER)),
        lambda: Group.objects.get(name=roles.REVIEWER).user_set.add(editor),
        lambda: editor.user_permissions.add(_permission(PUBLISH)),
        lambda: Group.objects.get(name=roles.SITE_ADMIN).delete(),
    ]
    token = _current_request.set(request)
    try:
        for attempt in attempts:
            with pytest.raises(PermissionDenied), transaction.atomic():
                attempt()
    finally:
        _current_request.reset(token)
    write_deferred(request)  # as the middleware does when the request ends
    assert not editor.groups.filter(name=roles.REVIEWER).exists()
    assert len(refusals()) == 5


# --- The honour form's member choice ---------------------------------------------------


def test_honour_form_offers_members_only_to_those_who_may_see_them(client, editor, site_admin):
    member = MemberFactory(name="韦秘密", membership_number="SECRET-001")
    award = AwardFactory()
    client.force_login(editor)
    url = reverse("admin:awards_honour_add")
    page = client.get(url)
    assert 'name="member"' not in page.text
    # Posting a member anyway reads nothing back and links nothing.
    response = client.post(url, {"award": award.pk, "year": "", "member": member.pk})
    assert "韦秘密" not in response.text and "SECRET-001" not in response.text
    assert refusals("member_choice")
    client.force_login(site_admin)
    assert 'name="member"' in client.get(url).text


# --- Exports ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["organizations_member_export", "organizations_organization_export", "awards_honour_export"],
)
def test_exports_refuse_get_and_posts_without_the_csrf_token(site_admin, name):
    url = reverse(f"admin:{name}", args=["csv"])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(site_admin)
    assert browser.get(url).status_code == 405
    assert browser.post(url).status_code == 403  # no token: a post from another site
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
    changelist = reverse(f"admin:{name.removesuffix('_export')}_changelist")
    page = browser.get(changelist).text
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    assert f'<form method="post" class="export-form" action="{url}' in page
    assert browser.post(url, {"csrfmiddlewaretoken": token}).status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 1
