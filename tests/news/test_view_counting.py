"""Views are counted exactly by site.js's request, while the page itself is cached."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.models import Article, ArticleDailyView
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"


def count(client, article, **headers):
    url = reverse("news:article-views", kwargs={"pk": article.pk})
    return client.post(url, headers={"user-agent": BROWSER, **headers})


def test_each_reading_counts_once_and_answers_the_current_total(client):
    article = ArticleFactory(view_count=10)
    answers = [count(client, article).json()["views"] for _ in range(3)]
    assert answers == [11, 12, 13]
    article.refresh_from_db()
    assert article.view_count == 13
    today = ArticleDailyView.objects.get(article=article, date=timezone.localdate())
    assert today.views == 3


def test_the_count_is_one_atomic_update_not_a_read_and_a_write(client):
    # SQLite serializes writers, so the race cannot show here; the SQL shows it cannot happen.
    article = ArticleFactory()
    count(client, article)  # today's row exists from now on
    with CaptureQueriesContext(connection) as queries:
        count(client, article)
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2
    assert '"view_count" = ("news_article"."view_count" + 1)' in updates[0]
    assert '"views" = ("news_articledailyview"."views" + 1)' in updates[1]


def test_page_requests_do_not_count_so_the_page_can_be_cached(client):
    article = ArticleFactory(view_count=7)
    for _ in range(2):
        assert client.get(article.get_absolute_url()).status_code == 200
    assert client.head(article.get_absolute_url()).status_code == 200
    article.refresh_from_db()
    assert article.view_count == 7


def test_daily_rows_split_by_local_date():
    article = ArticleFactory()
    day = datetime.date(2026, 3, 1)
    for date in [day, day, day + datetime.timedelta(days=1)]:
        ArticleDailyView.objects.add_view(article_id=article.pk, date=date)
    rows = dict(ArticleDailyView.objects.filter(article=article).values_list("date", "views"))
    assert rows == {day: 2, day + datetime.timedelta(days=1): 1}


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; Baiduspider/2.0)",
        "curl/8.5.0",
        "python-requests/2.32",
    ],
)
def test_obvious_bots_are_not_counted(client, agent):
    article = ArticleFactory(view_count=5)
    response = count(client, article, **{"user-agent": agent})
    assert response.status_code == 200
    assert response.json() == {"views": 5}
    article.refresh_from_db()
    assert article.view_count == 5
    assert not ArticleDailyView.objects.exists()


@pytest.mark.parametrize("trait", ["draft", "pending", "withdrawn", "scheduled"])
def test_unpublished_articles_are_not_counted(client, trait):
    article = ArticleFactory(**{trait: True}, view_count=0)
    assert count(client, article).status_code == 404
    article.refresh_from_db()
    assert article.view_count == 0


def test_only_a_same_site_post_counts(client):
    article = ArticleFactory(view_count=0)
    url = reverse("news:article-views", kwargs={"pk": article.pk})
    assert client.get(url, headers={"user-agent": BROWSER}).status_code == 405
    assert count(client, article, **{"sec-fetch-site": "cross-site"}).status_code == 403
    assert count(client, article, **{"sec-fetch-site": "same-origin"}).status_code == 200
    article.refresh_from_db()
    assert article.view_count == 1


def test_counting_needs_no_csrf_token_and_sets_no_cookie(client):
    client = client.__class__(enforce_csrf_checks=True)
    article = ArticleFactory()
    response = count(client, article)
    assert response.status_code == 200
    assert not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_instance_count_view_keeps_its_meaning():
    article = ArticleFactory(view_count=3)
    article.count_view()
    assert article.view_count == 4
    assert Article.objects.get(pk=article.pk).view_count == 4


def test_a_head_request_to_the_counter_does_not_count(client):
    article = ArticleFactory(view_count=2)
    url = reverse("news:article-views", kwargs={"pk": article.pk})
    assert client.head(url, headers={"user-agent": BROWSER}).status_code == 405
    article.refresh_from_db()
    assert article.view_count == 2
    assert not ArticleDailyView.objects.exists()


def test_a_staff_preview_neither_counts_nor_asks_to_be_counted(client, make_staff):
    article = ArticleFactory(view_count=4)
    client.force_login(make_staff("news.view_article"))
    response = client.get(article.get_preview_url(), headers={"user-agent": BROWSER})
    assert response.status_code == 200
    assert "data-count-url" not in response.content.decode()
    # The public page of the same article does ask site.js to count it.
    public = client.get(article.get_absolute_url(), headers={"user-agent": BROWSER})
    assert "data-count-url" in public.content.decode()
    article.refresh_from_db()
    assert article.view_count == 4
    assert not ArticleDailyView.objects.exists()
