import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Article, ArticleEvent
from tests.news.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

EDITOR_PERMS = [
    "news.view_article",
    "news.add_article",
    "news.change_article",
    "news.submit_article",
    "news.view_category",
    "news.add_attachment",
    "news.change_attachment",
    "news.view_attachment",
]
REVIEWER_PERMS = [*EDITOR_PERMS, "news.publish_article"]


def form_data(article=None, **overrides):
    category = article.category if article else CategoryFactory()
    data = {
        "title": article.title if article else "新稿件",
        "subtitle": "",
        "category": category.pk,
        "publish_at_0": "",
        "publish_at_1": "",
        "summary": "",
        "body": "<p>正文</p>",
        "source": "",
        "author": "",
        "responsible_editor": "",
        "review_comment": "",
        "opened_version": article.version if article else "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_admin_is_in_chinese_with_the_associations_name(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:index"))
    assert "恩施州科协 内容管理" in response.text
    assert "Django" not in response.text.split("<title>")[1].split("</title>")[0]


def test_changelist_search_filters_and_add_page_work(client, superuser):
    ArticleFactory(title="科普日活动报道")
    ArticleFactory(title="学会年会", draft=True)
    client.force_login(superuser)
    url = reverse("admin:news_article_changelist")
    assert "科普日活动报道" in client.get(url).text
    found = client.get(url, {"q": "科普日"}).text
    assert "科普日活动报道" in found and "学会年会" not in found
    drafts = client.get(url, {"status__exact": "draft"}).text
    assert "学会年会" in drafts and "科普日活动报道" not in drafts
    assert client.get(reverse("admin:news_article_add")).status_code == 200


def test_editor_saves_a_draft_and_submits_it(client, make_staff):
    editor = make_staff(*EDITOR_PERMS, username="editor")
    client.force_login(editor)
    response = client.post(reverse("admin:news_article_add"), form_data(title="编辑的新稿件"))
    assert response.status_code == 302
    article = Article.objects.get(title="编辑的新稿件")
    assert article.status == Article.Status.DRAFT
    assert article.created_by == editor
    url = reverse("admin:news_article_change", args=[article.pk])
    response = client.post(url, form_data(article, _transition="submit"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING
    assert article.events.filter(action=ArticleEvent.Action.SUBMITTED, user=editor).exists()


def test_editor_cannot_publish_by_button_forged_field_or_action(client, make_staff):
    editor = make_staff(*EDITOR_PERMS, username="editor")
    article = ArticleFactory(pending=True, title="待审稿件")
    client.force_login(editor)
    url = reverse("admin:news_article_change", args=[article.pk])

    response = client.post(url, form_data(article, _transition="publish", title="改过的标题"))
    assert response.status_code == 200  # the form comes back with the error
    assert "没有执行此操作的权限" in response.text

    response = client.post(url, form_data(article, status="published", title="改过的标题"))
    assert response.status_code == 200
    assert "不能直接修改状态" in response.text

    response = client.post(
        reverse("admin:news_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == Article.Status.PENDING
    assert article.title == "待审稿件"
    assert not article.events.filter(action=ArticleEvent.Action.PUBLISHED).exists()


def test_reviewer_publishes_and_the_time_defaults_to_now(client, make_staff):
    reviewer = make_staff(*REVIEWER_PERMS, username="reviewer")
    article = ArticleFactory(pending=True)
    client.force_login(reviewer)
    before = timezone.now()
    response = client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        form_data(article, _transition="publish", review_comment="同意发布"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.publish_at >= before
    event = article.events.get(action=ArticleEvent.Action.PUBLISHED)
    assert (event.user, event.comment) == (reviewer, "同意发布")
    assert client.get(article.get_absolute_url()).status_code == 200


def test_send_back_needs_a_reason_and_keeps_the_edit(client, make_staff):
    reviewer = make_staff(*REVIEWER_PERMS, username="reviewer")
    article = ArticleFactory(pending=True, title="原标题")
    client.force_login(reviewer)
    url = reverse("admin:news_article_change", args=[article.pk])
    response = client.post(url, form_data(article, _transition="send_back", title="新标题"))
    assert response.status_code == 200
    assert "请填写退回原因" in response.text
    assert 'value="新标题"' in response.text  # nothing typed is lost
    response = client.post(
        url, form_data(article, _transition="send_back", review_comment="数据需核实")
    )
    article.refresh_from_db()
    assert article.status == Article.Status.RETURNED
    assert article.events.get(action=ArticleEvent.Action.SENT_BACK).comment == "数据需核实"


def test_publish_withdraw_pin_actions(client, make_staff):
    reviewer = make_staff(*REVIEWER_PERMS, username="reviewer")
    pending, published = ArticleFactory(pending=True), ArticleFactory()
    client.force_login(reviewer)
    changelist = reverse("admin:news_article_changelist")
    client.post(changelist, {"action": "publish_selected", "_selected_action": [pending.pk]})
    client.post(changelist, {"action": "withdraw_selected", "_selected_action": [published.pk]})
    client.post(changelist, {"action": "pin_selected", "_selected_action": [pending.pk]})
    pending.refresh_from_db()
    published.refresh_from_db()
    assert pending.status == Article.Status.PUBLISHED and pending.is_pinned
    assert published.status == Article.Status.WITHDRAWN
    assert client.get(published.get_absolute_url()).status_code == 404


def test_editing_a_published_article_is_recorded(client, make_staff):
    reviewer = make_staff(*REVIEWER_PERMS, username="reviewer")
    article = ArticleFactory(title="已发布")
    client.force_login(reviewer)
    client.post(
        reverse("admin:news_article_change", args=[article.pk]),
        form_data(article, title="已发布（更正）"),
    )
    assert article.events.filter(action=ArticleEvent.Action.EDITED_AFTER_PUBLISHING).exists()


def test_change_page_shows_history_and_preview_link(client, superuser):
    article = ArticleFactory(draft=True)
    client.force_login(superuser)
    text = client.get(reverse("admin:news_article_change", args=[article.pk])).text
    assert article.get_preview_url() in text
    assert "审核记录" in text


def test_reviewers_see_what_waits_for_them_on_the_dashboard(client, make_staff):
    ArticleFactory(pending=True, title="等待审核的稿件")
    ArticleFactory(draft=True, title="还没提交的草稿")
    client.force_login(make_staff(*REVIEWER_PERMS, username="reviewer"))
    text = client.get(reverse("admin:index")).text
    assert "1 篇文章等待审核" in text
    assert "等待审核的稿件" in text and "还没提交的草稿" not in text

    client.force_login(make_staff(*EDITOR_PERMS, username="editor"))
    assert "等待审核的稿件" not in client.get(reverse("admin:index")).text


def test_body_is_edited_with_the_rich_text_editor(client, superuser):
    client.force_login(superuser)
    text = client.get(reverse("admin:news_article_add")).text
    assert 'data-type="ckeditortype"' in text
    assert "kexie/admin/editor-upload.js" in text
    assert reverse("kexie:editor-upload") in text
