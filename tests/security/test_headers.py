"""Security headers on public and admin pages; the admin's looser policy stays in the admin."""

import pytest
from django.urls import reverse

from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def directives(response):
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = set(values)
    return parsed


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    policy = directives(response)
    assert policy["object-src"] == {"'none'"}
    assert policy["frame-ancestors"] == {"'none'"}
    assert policy["base-uri"] == {"'self'"}
    return policy


@pytest.fixture
def article():
    return ArticleFactory()


def public_urls(article):
    return [
        reverse("home"),
        reverse("news:article-list"),
        article.category.get_absolute_url(),
        article.get_absolute_url(),
        reverse("robots-txt"),
        reverse("healthz"),
        "/news/999999.html",  # the 404 page too
    ]


def test_public_pages_allow_no_inline_script(client, article):
    for url in public_urls(article):
        policy = assert_common_headers(client.get(url))
        assert policy["script-src"] == {"'self'"}, url
        assert policy["style-src"] == {"'self'"}, url
        assert "'unsafe-inline'" not in policy["default-src"]


def test_public_pages_need_no_inline_script(client, article):
    # The policy would block any inline script, so the pages must not carry one.
    for url in public_urls(article)[:4]:
        html = client.get(url).text
        assert "<script>" not in html and "<style" not in html, url
        assert " onclick=" not in html and " onload=" not in html


def test_admin_pages_allow_inline_styles_but_no_inline_script(admin_client):
    for url in [reverse("admin:index"), reverse("admin:news_article_changelist")]:
        policy = assert_common_headers(admin_client.get(url))
        assert policy["script-src"] == {"'self'"}, url
        assert "'unsafe-inline'" in policy["style-src"]


def test_only_editor_pages_allow_what_ckeditor_needs(admin_client, article):
    response = admin_client.get(reverse("admin:news_article_change", args=[article.pk]))
    policy = assert_common_headers(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]


def test_login_page_is_strict(client):
    policy = assert_common_headers(client.get(reverse("admin:login")))
    assert policy["script-src"] == {"'self'"}


def test_public_page_pretending_to_be_an_editor_stays_strict(client):
    # The looser policy depends on the area, not on what the page contains.
    # The article page shows the body, so the marker is really in the response.
    article = ArticleFactory(title="编辑器标记", body='<p>data-type="ckeditortype"</p>')
    response = client.get(article.get_absolute_url())
    assert b'data-type="ckeditortype"' in response.content
    policy = directives(response)
    assert policy["script-src"] == {"'self'"}
    assert "'unsafe-inline'" not in policy.get("script-src", set())
