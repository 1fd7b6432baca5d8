"""Review of every change: no request an editor can make changes what the public sees.

Editors and reviewers are accounts in the role groups of the roles migration, and
every form is posted as a browser would post it (read from the page), with forged
fields added where a hostile editor would add them.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kexie.accounts import roles
from news import services
from news.models import Article, ArticleEvent, ArticleRevision
from tests.news.factories import ArticleFactory, AttachmentFactory
from tests.security.helpers import form_data

pytestmark = pytest.mark.django_db

Status = Article.Status


@pytest.fixture
def member(django_user_model):
    def make(role, username, full_name=""):
        user = django_user_model.objects.create_user(
            username=username,
            password="a-long-test-password",
            is_staff=True,
            first_name=full_name,
        )
        user.groups.add(Group.objects.get(name=role))
        return django_user_model.objects.get(pk=user.pk)

    return make


@pytest.fixture
def editor(member):
    return member(roles.EDITOR, "bianji01", "张小编")


@pytest.fixture
def reviewer(member):
    return member(roles.REVIEWER, "shenhe01", "李审核")


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def post_form(client, article, **overrides):
    """Open the change form, then post it back with ``overrides``, as a browser would."""
    page = client.get(change_url(article))
    assert page.status_code == 200
    return client.post(change_url(article), form_data(page.text, "article_form", **overrides))


def public_text(client, article):
    client.logout()
    return client.get(article.get_absolute_url()).text


def test_editors_edit_of_a_published_article_waits_for_review(client, editor, reviewer):
    article = ArticleFactory(title="原来的标题", body="<p>原来的正文。</p>")
    client.force_login(editor)
    response = post_form(client, article, title="编辑改过的标题", body="<p>改过的正文。</p>")
    assert response.status_code == 302

    article.refresh_from_db()
    assert (article.title, article.status) == ("原来的标题", Status.PUBLISHED)
    text = public_text(client, article)
    assert "原来的标题" in text and "编辑改过的标题" not in text and "改过的正文" not in text
    revision = article.revisions.get(status=ArticleRevision.Status.PENDING)
    assert revision.created_by == editor
    assert revision.data["title"] == "编辑改过的标题"
    assert article.events.filter(action=ArticleEvent.Action.PROPOSED, user=editor).exists()

    # The reviewer finds it on the dashboard, reads the diff and publishes it.
    client.force_login(reviewer)
    assert "原来的标题" in client.get(reverse("admin:index")).text
    diff_url = reverse("admin:news_article_revision", args=[article.pk, revision.pk])
    page = client.get(diff_url).text
    assert "<del>原来</del><ins>编辑改过</ins>的标题" in page
    assert "<del>原来</del><ins>改过</ins>的正文" in page
    response = client.post(diff_url, {"_step": "publish", "review_comment": "同意"})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "编辑改过的标题"
    assert "改过的正文" in public_text(client, article)
    revision.refresh_from_db()
    assert (revision.status, revision.reviewed_by) == (ArticleRevision.Status.APPROVED, reviewer)
    assert article.approval_problems() == []


def test_an_editor_opening_the_article_again_works_on_their_pending_change(client, editor):
    article = ArticleFactory(title="原来的标题")
    client.force_login(editor)
    post_form(client, article, title="第一次修改")
    page = client.get(change_url(article)).text
    assert 'value="第一次修改"' in page
    post_form(client, article, title="第二次修改")
    pending = article.revisions.filter(status=ArticleRevision.Status.PENDING)
    assert [r.data["title"] for r in pending] == ["第二次修改"]
    assert Article.objects.get(pk=article.pk).title == "原来的标题"


def test_editor_cannot_move_pin_or_feature_by_forged_fields(client, editor):
    embargoed = ArticleFactory(
        title="定时发布",
        publish_at=timezone.now() + datetime.timedelta(days=3000),
        is_pinned=False,
        is_headline=False,
    )
    client.force_login(editor)
    page = client.get(change_url(embargoed)).text
    assert 'name="publish_at_0"' not in page and 'name="is_pinned"' not in page
    forged = {
        "publish_at_0": "2020-01-01",
        "publish_at_1": "08:00:00",
        "is_pinned": "on",
        "is_headline": "on",
    }
    response = post_form(client, embargoed, title="定时发布（改）", **forged)
    assert response.status_code == 302
    embargoed.refresh_from_db()
    assert embargoed.publish_at > timezone.now()
    assert not embargoed.is_pinned and not embargoed.is_headline
    proposal = embargoed.revisions.get(status=ArticleRevision.Status.PENDING)
    assert proposal.data["is_pinned"] is False and proposal.data["is_headline"] is False
    assert datetime.datetime.fromisoformat(proposal.data["publish_at"]) > timezone.now()
    assert client.get(embargoed.get_absolute_url()).status_code == 404

    # The same on a draft the editor writes: placement stays the reviewer's call.
    draft = ArticleFactory(draft=True)
    post_form(client, draft, **forged)
    draft.refresh_from_db()
    assert (draft.publish_at, draft.is_pinned, draft.is_headline) == (None, False, False)


def test_editor_cannot_change_attachments_of_a_published_article(client, editor):
    article = ArticleFactory()
    attachment = AttachmentFactory(article=article, title="原附件")
    client.force_login(editor)
    page = client.get(change_url(article))
    data = form_data(page.text, "article_form")
    data.update(
        {
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            "attachments-0-article": str(article.pk),
            "attachments-0-title": "被换掉的附件",
            "attachments-0-order": "0",
            "attachments-0-DELETE": "on",
        }
    )
    client.post(change_url(article), data)
    attachment.refresh_from_db()
    assert attachment.title == "原附件"


def test_editor_cannot_publish_a_change_by_forged_review_post(client, editor):
    article = ArticleFactory(title="原来的标题")
    client.force_login(editor)
    post_form(client, article, title="想直接发布")
    revision = article.revisions.get(status=ArticleRevision.Status.PENDING)
    url = reverse("admin:news_article_revision", args=[article.pk, revision.pk])
    assert "发布此修改" not in client.get(url).text
    client.post(url, {"_step": "publish"})
    client.post(
        reverse("admin:news_article_changelist"),
        {"action": "pin_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.title == "原来的标题" and not article.is_pinned
    revision.refresh_from_db()
    assert revision.status == ArticleRevision.Status.PENDING
    assert "想直接发布" not in public_text(client, article)


def test_editor_transition_on_a_published_article_is_refused(client, editor):
    article = ArticleFactory(title="已发布")
    client.force_login(editor)
    for step in ("publish", "withdraw", "submit"):
        post_form(client, article, _transition=step, title=f"改{step}")
    article.refresh_from_db()
    assert (article.status, article.title) == (Status.PUBLISHED, "已发布")


def test_a_stale_form_is_refused_and_loses_nothing(client, editor, reviewer):
    article = ArticleFactory(draft=True, title="草稿")
    client.force_login(editor)
    stale_page = client.get(change_url(article)).text
    # Meanwhile a reviewer changes the article.
    services.save_article(
        article=Article.objects.get(pk=article.pk),
        user=reviewer,
        expected_version=article.version,
    )
    response = client.post(
        change_url(article), form_data(stale_page, "article_form", title="我的修改")
    )
    assert response.status_code == 200
    assert "已有其他人修改了它" in response.text
    assert 'value="我的修改"' in response.text  # what the editor typed is still there
    article.refresh_from_db()
    assert article.title == "草稿"


def test_service_refuses_a_stale_version_under_the_lock(editor):
    article = ArticleFactory(draft=True, title="草稿")
    opened = article.version
    services.save_article(article=Article.objects.get(pk=article.pk), user=editor,
                          expected_version=opened)  # fmt: skip
    late = Article.objects.get(pk=article.pk)
    late.title = "晚到的修改"
    with pytest.raises(services.StaleEdit):
        services.save_article(article=late, user=editor, expected_version=opened)
    assert Article.objects.get(pk=article.pk).title == "草稿"


def test_restoring_an_earlier_revision_makes_a_pending_revision(client, editor, reviewer):
    article = ArticleFactory(title="第一版")
    first = article.revisions.get()
    client.force_login(reviewer)
    post_form(client, article, title="第二版")
    article.refresh_from_db()
    assert article.title == "第二版"

    client.force_login(editor)
    url = reverse("admin:news_article_revision", args=[article.pk, first.pk])
    response = client.post(url, {"_step": "restore"})
    assert response.status_code == 302
    restored = article.revisions.get(status=ArticleRevision.Status.PENDING)
    assert restored.data["title"] == "第一版" and restored.restored_from == first
    assert Article.objects.get(pk=article.pk).title == "第二版"
    assert "第二版" in public_text(client, article)


def test_every_save_records_a_revision_with_who_and_the_body(client, editor):
    client.force_login(editor)
    page = client.get(reverse("admin:news_article_add")).text
    category = ArticleFactory().category
    client.post(
        reverse("admin:news_article_add"),
        form_data(page, "article_form", title="新稿", category=category.pk, body="<p>一</p>"),
    )
    article = Article.objects.get(title="新稿")
    post_form(client, article, body="<p>二</p>")
    revisions = list(article.revisions.order_by("number"))
    assert [r.data["body"] for r in revisions] == ["<p>一</p>", "<p>二</p>"]
    assert {r.created_by for r in revisions} == {editor}
    history = client.get(reverse("admin:news_article_revisions", args=[article.pk])).text
    assert "#1" in history and "#2" in history and "张小编" in history


def test_a_returned_article_has_its_own_status_and_reaches_its_editor(client, editor, reviewer):
    client.force_login(editor)
    article = ArticleFactory(draft=True, title="要退回的稿件", created_by=editor)
    post_form(client, article, _transition="submit")
    client.force_login(reviewer)
    post_form(client, article, _transition="send_back", review_comment="数据需要核实")
    article.refresh_from_db()
    assert article.status == Status.RETURNED
    assert article.get_status_display() == "退回"
    changelist = client.get(reverse("admin:news_article_changelist")).text
    assert "退回" in changelist

    client.force_login(editor)
    dashboard = client.get(reverse("admin:index")).text
    assert "退回给您的稿件" in dashboard
    assert "要退回的稿件" in dashboard and "数据需要核实" in dashboard
    # Fixed and submitted again, it leaves the list.
    post_form(client, article, _transition="submit")
    assert 'id="sent-back-to-me"' not in client.get(reverse("admin:index")).text


def test_a_sent_back_change_reaches_its_editor_with_the_reason(client, editor, reviewer):
    article = ArticleFactory(title="已发布的稿件")
    client.force_login(editor)
    post_form(client, article, title="改了标题")
    revision = article.revisions.get(status=ArticleRevision.Status.PENDING)
    client.force_login(reviewer)
    url = reverse("admin:news_article_revision", args=[article.pk, revision.pk])
    client.post(url, {"_step": "send_back", "review_comment": ""})
    revision.refresh_from_db()
    assert revision.status == ArticleRevision.Status.PENDING  # a reason is required
    client.post(url, {"_step": "send_back", "review_comment": "标题不准确"})
    revision.refresh_from_db()
    assert revision.status == ArticleRevision.Status.RETURNED
    client.force_login(editor)
    dashboard = client.get(reverse("admin:index")).text
    assert "标题不准确" in dashboard
    assert Article.objects.get(pk=article.pk).title == "已发布的稿件"


def test_status_changes_lock_the_row(reviewer):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks; checked on PostgreSQL")
    article = ArticleFactory(pending=True)
    with CaptureQueriesContext(connection) as queries:
        services.publish(article=article, user=reviewer)
    locks = [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "news_article"' in query["sql"] and "FOR UPDATE" in query["sql"]
    ]
    assert locks, "the article row is read without a lock"


def test_the_service_keeps_placement_whatever_an_editor_sends(editor):
    article = ArticleFactory(draft=True)
    article.is_pinned = article.is_headline = True
    article.publish_at = timezone.now() - datetime.timedelta(days=1)
    services.save_article(article=article, user=editor, expected_version=article.version)
    article.refresh_from_db()
    assert (article.publish_at, article.is_pinned, article.is_headline) == (None, False, False)
    article.status = Status.PUBLISHED  # a forged status on the instance is ignored too
    services.save_article(article=article, user=editor, expected_version=article.version)
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_reviewer_sees_what_a_resubmitted_article_changed(client, editor, reviewer):
    article = ArticleFactory(draft=True, title="初稿标题", body="<p>第一段。</p>")
    client.force_login(editor)
    post_form(client, article, _transition="submit")
    client.force_login(reviewer)
    post_form(client, article, _transition="send_back", review_comment="补充第二段")
    client.force_login(editor)
    post_form(client, article, body="<p>第一段。</p><p>第二段。</p>", _transition="submit")

    client.force_login(reviewer)
    page = client.get(change_url(article)).text
    latest = article.revisions.order_by("-number").first()
    diff_url = reverse("admin:news_article_revision", args=[article.pk, latest.pk])
    assert diff_url in page
    diff = client.get(diff_url).text
    assert "<ins>第二段。</ins>" in diff and "第一段。" in diff


def test_a_new_cover_proposed_by_an_editor_appears_only_once_published(client, editor, reviewer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.security.test_uploads import png_bytes

    article = ArticleFactory(title="带封面的文章")
    client.force_login(editor)
    page = client.get(change_url(article))
    data = form_data(page.text, "article_form")
    data["cover"] = SimpleUploadedFile("新封面.png", png_bytes((64, 48)), "image/png")
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert not article.cover and not article.cover_thumbnail
    revision = article.revisions.get(status=ArticleRevision.Status.PENDING)
    assert revision.data["cover"]

    services.publish_revision(revision=revision, user=reviewer)
    article.refresh_from_db()
    assert article.cover.name == revision.data["cover"]
    assert article.cover_thumbnail and article.cover_thumbnail.storage.exists(
        article.cover_thumbnail.name
    )
    assert article.approval_problems() == []
    assert article.cover_thumbnail.url in client.get(reverse("news:article-list")).text


def test_a_reviewer_saving_the_change_form_publishes_the_proposal_it_shows(
    client, editor, reviewer
):
    article = ArticleFactory(title="原标题")
    client.force_login(editor)
    post_form(client, article, title="编辑提议的标题")
    client.force_login(reviewer)
    page = client.get(change_url(article)).text
    assert 'value="编辑提议的标题"' in page
    post_form(client, article, _continue="1")
    article.refresh_from_db()
    assert article.title == "编辑提议的标题" and article.approval_problems() == []
    assert not article.revisions.filter(status=ArticleRevision.Status.PENDING).exists()
    assert article.events.filter(action=ArticleEvent.Action.EDITED_AFTER_PUBLISHING).exists()
    assert "编辑提议的标题" in public_text(client, article)


def test_public_changes_are_announced_after_commit_and_proposals_are_not(
    editor, reviewer, django_capture_on_commit_callbacks
):
    from news.signals import public_content_changed

    heard = []

    def receiver(sender, article_id, **kwargs):
        heard.append(article_id)

    public_content_changed.connect(receiver)
    try:
        article = ArticleFactory(pending=True)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.publish(article=article, user=reviewer)
        assert heard == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert heard == [article.pk]

        heard.clear()
        article.refresh_from_db()
        article.title = "编辑的提议"
        with django_capture_on_commit_callbacks(execute=True):
            services.save_article(article=article, user=editor, expected_version=article.version)
        assert heard == []  # the public sees nothing new yet
        revision = article.revisions.get(status=ArticleRevision.Status.PENDING)
        with django_capture_on_commit_callbacks(execute=True):
            services.publish_revision(revision=revision, user=reviewer)
        with django_capture_on_commit_callbacks(execute=True):
            services.withdraw(article=article, user=reviewer)
        assert heard == [article.pk, article.pk]
    finally:
        public_content_changed.disconnect(receiver)
