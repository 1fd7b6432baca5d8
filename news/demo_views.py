"""
Daily views for the demo site, so 阅读统计 has something to show.

``fill_demo_views`` gives every published article a plausible count for each of the
last ``days`` days: a popularity of its own, fewer readers at weekends, a burst in
the days after publication. The numbers come from a generator seeded with the
article's id and the date, so they are the same on every run and machine;
rows that exist are left alone (a second run the same day adds nothing), and each
article's total is raised, where needed, to cover its daily rows.
"""

import datetime
import random

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Greatest
from django.utils import timezone

from news.models import Article, ArticleDailyView

DEMO_DAYS = 60
WEEKEND_FACTOR = 0.45
FRESH_DAYS = 10


def _views(article_id, publish_date, day):
    # Seeded, not secret: the demo must come out the same everywhere.
    rng = random.Random(f"kexie-demo-views:{article_id}:{day.isoformat()}")  # noqa: S311
    popularity = random.Random(f"kexie-demo-popularity:{article_id}").choice(  # noqa: S311
        [1, 2, 3, 4, 6, 9, 14, 22]
    )
    expected = popularity * (WEEKEND_FACTOR if day.weekday() >= 5 else 1.0)
    age = (day - publish_date).days
    if age < FRESH_DAYS:
        expected += popularity * 12 * 0.6**age  # news is read most in its first days
    return max(0, round(rng.gauss(expected, expected * 0.35 + 0.5)))


@transaction.atomic
def fill_demo_views(*, days=DEMO_DAYS, today=None):
    """Create the missing daily rows of the last ``days`` days; returns how many."""
    today = today or timezone.localdate()
    first = today - datetime.timedelta(days=days - 1)
    articles = list(Article.objects.published().values_list("pk", "publish_at"))
    existing = set(
        ArticleDailyView.objects.filter(date__range=(first, today)).values_list(
            "article_id", "date"
        )
    )
    rows = []
    added = {}
    for article_id, publish_at in articles:
        published = timezone.localdate(publish_at)
        start = max(first, published)
        for offset in range((today - start).days + 1):
            day = start + datetime.timedelta(days=offset)
            if (article_id, day) in existing:
                continue
            views = _views(article_id, published, day)
            if views:
                rows.append(ArticleDailyView(article_id=article_id, date=day, views=views))
                added[article_id] = added.get(article_id, 0) + views
    ArticleDailyView.objects.bulk_create(rows, batch_size=1000)
    # An article's total must cover its daily rows; a total that already does (the
    # seed article's 16,389, copied from the real page) is kept as it is.
    # view_count is not part of an article's approved content (news.integrity).
    daily = dict(
        ArticleDailyView.objects.filter(article_id__in=added)
        .values("article_id")
        .annotate(n=Sum("views"))
        .values_list("article_id", "n")
    )
    for article_id, views in daily.items():
        Article.objects.filter(pk=article_id).update(view_count=Greatest(F("view_count"), views))
    return len(rows)
