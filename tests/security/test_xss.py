"""The XSS corpus through every text field, rendered on every public and admin page."""

from xml.etree import ElementTree

import pytest
from django.urls import reverse

from news.models import Article, Attachment, Category
from tests.news.factories import ArticleFactory, AttachmentFactory, CategoryFactory
from tests.security.helpers import active_content
from tests.security.xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

ARTICLE_TEXT_FIELDS = [
    "title", "subtitle", "summary", "body", "source", "author", "responsible_editor",
]  # fmt: skip


def _fit(model, field, value):
    return value[: model._meta.get_field(field).max_length or None]


def _hostile_article(payload):
    category = CategoryFactory(name=_fit(Category, "name", payload), show_on_home=True)
    article = ArticleFactory(
        category=category,
        is_headline=True,
        **{field: _fit(Article, field, payload) for field in ARTICLE_TEXT_FIELDS},
    )
    AttachmentFactory(article=article, title=_fit(Attachment, "title", payload))
    return article


def _pages(article):
    category = article.category
    return {
        "home": reverse("home"),
        "news list": reverse("news:article-list"),
        "category": category.get_absolute_url(),
        "article": article.get_absolute_url(),
        "admin article changelist": reverse("admin:news_article_changelist"),
        "admin article change": reverse("admin:news_article_change", args=[article.pk]),
        "admin category changelist": reverse("admin:news_category_changelist"),
        "admin category change": reverse("admin:news_category_change", args=[category.pk]),
        "admin review history": reverse("admin:news_articleevent_changelist"),
        "staff preview": article.get_preview_url(),
    }


def _render_all(client, article):
    problems = {}
    for name, url in _pages(article).items():
        response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        found = active_content(response.text)
        if found:
            problems[name] = found
    return problems


def test_pages_without_payload_have_no_active_content(admin_client):
    article = ArticleFactory(
        body="<p>全州科技工作者</p>", category=CategoryFactory(show_on_home=True)
    )
    AttachmentFactory(article=article)
    assert _render_all(admin_client, article) == {}


def test_the_checker_would_notice_active_content():
    assert active_content('<img src=x onerror="alert(1)">')
    assert active_content('<a href=" jav&#x09;ascript:alert(1)">x</a>')
    assert active_content("<script>alert(1)</script>")
    assert active_content('<meta http-equiv="refresh" content="0">')
    assert not active_content("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_everywhere(admin_client, payload):
    article = _hostile_article(payload)
    assert _render_all(admin_client, article) == {}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_inert_in_the_feed(client, payload):
    _hostile_article(payload)
    response = client.get(reverse("news:feed"))
    assert response.status_code == 200
    channel = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed.find("channel")
    for item in channel.iter("item"):
        # Feed readers render the description as HTML: no active markup in it.
        assert active_content(item.findtext("description") or "") == []


@pytest.mark.parametrize("payload", PAYLOADS[:40])
def test_body_entered_in_the_admin_is_sanitized_before_storage(admin_client, payload):
    article = ArticleFactory(draft=True)
    from tests.security.helpers import form_data

    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).text, "article_form", body=payload, _save="1")
    assert admin_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert active_content(article.body) == []
