"""The demo's reading figures: plausible, the same on every run, never counted twice."""

import datetime

import pytest
from django.db.models import Sum

from news.demo_views import fill_demo_views
from news.models import Article, ArticleDailyView
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture
def articles():
    old = ArticleFactory(
        view_count=1000, publish_at=datetime.datetime(2023, 1, 5, tzinfo=datetime.UTC)
    )
    fresh = ArticleFactory(
        view_count=0, publish_at=datetime.datetime(2026, 6, 25, 2, tzinfo=datetime.UTC)
    )
    draft = ArticleFactory(draft=True)
    return old, fresh, draft


def rows():
    return list(
        ArticleDailyView.objects.order_by("article", "date").values_list("article", "date", "views")
    )


def test_fills_the_last_sixty_days_of_published_articles_only(articles):
    old, fresh, draft = articles
    assert fill_demo_views(today=TODAY) > 0
    dates = ArticleDailyView.objects.filter(article=old).values_list("date", flat=True)
    assert min(dates) >= TODAY - datetime.timedelta(days=59)
    assert max(dates) <= TODAY
    # Nothing before the article was published, nothing for a draft.
    assert min(ArticleDailyView.objects.filter(article=fresh).values_list("date", flat=True)) >= (
        datetime.date(2026, 6, 25)
    )
    assert not ArticleDailyView.objects.filter(article=draft).exists()


def test_totals_cover_the_daily_rows_and_keep_a_larger_total(articles):
    old, fresh, _draft = articles
    fill_demo_views(today=TODAY)
    for article in (old, fresh):
        daily = ArticleDailyView.objects.filter(article=article).aggregate(n=Sum("views"))["n"]
        assert Article.objects.get(pk=article.pk).view_count == max(article.view_count, daily)
    # The fresh article had no total: it now equals its daily views.
    assert Article.objects.get(pk=fresh.pk).view_count > 0


def test_a_new_article_is_read_most_in_its_first_days(articles):
    _old, fresh, _draft = articles
    fill_demo_views(today=TODAY)
    by_day = dict(ArticleDailyView.objects.filter(article=fresh).values_list("date", "views"))
    assert by_day[datetime.date(2026, 6, 25)] > by_day.get(datetime.date(2026, 6, 30), 0)


def test_same_numbers_every_time_and_a_second_run_adds_nothing(articles):
    fill_demo_views(today=TODAY)
    first = rows()
    totals = list(Article.objects.order_by("pk").values_list("view_count", flat=True))
    assert fill_demo_views(today=TODAY) == 0
    assert rows() == first
    assert list(Article.objects.order_by("pk").values_list("view_count", flat=True)) == totals
    ArticleDailyView.objects.all().delete()
    fill_demo_views(today=TODAY)
    assert rows() == first  # seeded: the same figures again


def test_real_counts_are_left_alone(articles):
    old, _fresh, _draft = articles
    ArticleDailyView.objects.create(article=old, date=TODAY, views=3)
    fill_demo_views(today=TODAY)
    assert ArticleDailyView.objects.get(article=old, date=TODAY).views == 3
