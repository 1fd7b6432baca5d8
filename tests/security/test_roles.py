"""The permission matrix: each role against each action, allowed and refused.

A refused action must change nothing: the article row, its review history and
the user table stay exactly as they were.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.urls import reverse

from kexie.accounts import roles
from kexie.models import AuditEntry
from news.models import Article, ArticleEvent
from tests.news.factories import ArticleFactory, CategoryFactory
from tests.security.helpers import form_data

pytestmark = pytest.mark.django_db

Status = Article.Status


def _change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def _post_change(client, article, **overrides):
    page = client.get(_change_url(article))
    if page.status_code != 200:
        return client.post(_change_url(article), {"title": "x", **overrides})
    data = form_data(page.text, "article_form", **overrides)
    return client.post(_change_url(article), data)


def save_draft(client):
    category = CategoryFactory()
    url = reverse("admin:news_article_add")
    page = client.get(url)
    data = {"title": "新草稿", "category": category.pk, "_save": "1"}
    if page.status_code == 200:
        data = form_data(page.text, "article_form", **data)
    response = client.post(url, data)
    return response, Article.objects.filter(title="新草稿").exists()


def _transition(start_kwargs, name, expected, **extra):
    def run(client):
        article = ArticleFactory(**start_kwargs)
        response = _post_change(client, article, _transition=name, **extra)
        article.refresh_from_db()
        return response, article.status == expected

    return run


def publish_action(client):
    article = ArticleFactory(pending=True)
    response = client.post(
        reverse("admin:news_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    return response, article.status == Status.PUBLISHED


def forged_status(client):
    article = ArticleFactory(draft=True)
    response = _post_change(client, article, status=Status.PUBLISHED, _save="1")
    article.refresh_from_db()
    return response, article.status == Status.PUBLISHED


def manage_users(client):
    url = reverse("admin:auth_user_add")
    response = client.post(
        url,
        {
            "full_name": "新同事",
            "username": "newcolleague",
            "password1": "Kexie-pass-2025!",
            "password2": "Kexie-pass-2025!",
            "roles": [str(Group.objects.get(name=roles.EDITOR).pk)],
            "_save": "1",
        },
    )
    return response, get_user_model().objects.filter(username="newcolleague").exists()


ACTIONS = {
    "save draft": save_draft,
    "submit": _transition({"draft": True}, "submit", Status.PENDING),
    "publish via button": _transition({"pending": True}, "publish", Status.PUBLISHED),
    "publish via changelist action": publish_action,
    "forged status POST": forged_status,
    "send back": _transition(
        {"pending": True}, "send_back", Status.RETURNED, review_comment="数据需要核实"
    ),
    "withdraw": _transition({}, "withdraw", Status.WITHDRAWN),
    "manage users": manage_users,
}

ALLOWED = {
    roles.EDITOR: {"save draft", "submit"},
    roles.REVIEWER: {
        "save draft",
        "submit",
        "publish via button",
        "publish via changelist action",
        "send back",
        "withdraw",
    },
    roles.SITE_ADMIN: {"manage users"},
}


def _snapshot():
    return (
        sorted(Article.objects.values_list("id", "status", "publish_at", "updated_at", "title")),
        ArticleEvent.objects.count(),
        sorted(get_user_model().objects.values_list("username", flat=True)),
    )


@pytest.mark.parametrize("role", list(ALLOWED))
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(client, make_member, role, action):
    user = make_member(role)
    client.force_login(user)
    allowed = action in ALLOWED[role]
    if allowed:
        response, done = ACTIONS[action](client)
        assert done, (role, action, response.status_code)
        assert response.status_code == 302
        return
    # Refused: the runner creates its starting objects, then posts; compare the
    # database right before the post with the database after it.
    snapshots = []
    original_post = client.post

    def post(*args, **kwargs):
        snapshots.append(_snapshot())
        return original_post(*args, **kwargs)

    client.post = post
    response, done = ACTIONS[action](client)
    assert not done, (role, action)
    assert _snapshot() == snapshots[-1]
    assert response.status_code in {200, 302, 403}, response.status_code
    if response.status_code == 200:
        if action == "publish via changelist action":
            # Django ignores an action the user does not have: it must not be offered.
            assert "publish_selected" not in response.text, role
        else:
            # The page came back saying why: form errors or a message.
            shown = list(get_messages(response.wsgi_request))
            assert shown or response.context.get("errors"), (role, action)


@pytest.mark.parametrize(
    ("role", "has_export"),
    [(roles.EDITOR, False), (roles.REVIEWER, False), (roles.SITE_ADMIN, True)],
)
def test_only_site_admins_may_export_members(make_member, role, has_export):
    user = make_member(role)
    assert user.has_perm("organizations.export_member") is has_export
    assert user.has_perm("organizations.import_member") is has_export


def test_groups_hold_exactly_their_roles_permissions():
    for name, expected in roles.ROLES.items():
        group = Group.objects.get(name=name)
        held = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert held == set(expected), name


def test_every_role_permission_exists():
    for key in set().union(*roles.ROLES.values()):
        app_label, codename = key.split(".")
        assert Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).exists(), key


def test_editor_sees_why_an_article_was_sent_back(client, editor, reviewer):
    article = ArticleFactory(pending=True, title="待审稿件")
    client.force_login(reviewer)
    _post_change(client, article, _transition="send_back", review_comment="请补充活动照片")
    client.force_login(editor)
    page = client.get(_change_url(article))
    assert page.status_code == 200
    assert "请补充活动照片" in page.text


def test_reviewer_finds_what_waits_for_review(client, reviewer):
    ArticleFactory(pending=True, title="等待审核的稿件")
    ArticleFactory(title="已经发布的稿件")
    client.force_login(reviewer)
    response = client.get(reverse("admin:news_article_changelist"), {"status__exact": "pending"})
    assert "等待审核的稿件" in response.text
    assert "已经发布的稿件" not in response.text


def test_transitions_are_recorded_in_history_and_audit(client, reviewer):
    article = ArticleFactory(pending=True)
    client.force_login(reviewer)
    _post_change(client, article, _transition="publish", review_comment="同意发布")
    event = article.events.get(action=ArticleEvent.Action.PUBLISHED)
    assert (event.user, event.comment, event.to_status) == (reviewer, "同意发布", "published")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CONTENT)
    assert entry.user == reviewer
    assert entry.details["step"] == "publish"
    assert entry.ip_address == "127.0.0.1"


def test_site_admin_cannot_make_anyone_superuser(client, site_admin, django_user_model):
    colleague = django_user_model.objects.create_user("colleague", password="x" * 12, is_staff=True)
    client.force_login(site_admin)
    url = reverse("admin:auth_user_change", args=[colleague.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.text, "user_form", is_superuser="on", _save="1")
    client.post(url, data)
    colleague.refresh_from_db()
    assert not colleague.is_superuser


@pytest.mark.parametrize(
    ("role", "can_record", "can_export"),
    [(roles.EDITOR, True, False), (roles.REVIEWER, True, False), (roles.SITE_ADMIN, True, True)],
)
def test_honours_are_recorded_by_staff_and_exported_by_site_admins(
    client, make_member, role, can_record, can_export
):
    user = make_member(role)
    client.force_login(user)
    add = client.get(reverse("admin:awards_honour_add"))
    assert (add.status_code == 200) is can_record
    export = client.post(reverse("admin:awards_honour_export", args=["csv"]))
    assert (export.status_code == 200) is can_export
    assert user.has_perm("awards.export_honour") is can_export


def test_contributors_write_and_submit_but_never_publish(django_user_model):
    contributor = django_user_model.objects.create_user("tongxun", password="x" * 12, is_staff=True)
    contributor.groups.add(Group.objects.get(name=roles.CONTRIBUTOR))
    assert contributor.has_perm("news.add_article")
    assert contributor.has_perm("news.submit_article")
    assert not contributor.has_perm("news.publish_article")
    assert not contributor.has_perm("news.change_category")
    assert not contributor.has_perm("organizations.view_member")
