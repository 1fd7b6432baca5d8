"""The news block of 数说科协 (kexie.figures): published articles per category and year."""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from kexie import figures
from news.models import Article, Category


@figures.register_years
def news_years():
    return (
        Article.objects.published()
        .order_by()
        .annotate(year=ExtractYear("publish_at"))
        .values_list("year", flat=True)
        .distinct()
    )


@figures.register(
    "news-by-category",
    title=_("News per category and year"),
    row_heading=_("Year"),
    order=80,
    by_year=True,
)
def news_by_category(year):
    # Articles count towards their top-level category, the one the navigation shows.
    articles = Article.objects.published().order_by().annotate(year=ExtractYear("publish_at"))
    if year:
        articles = articles.filter(year=year)
    rows = articles.values_list("year", "category__parent_id", "category_id").annotate(
        n=Count("id")
    )
    by_year = {}
    for article_year, parent_id, category_id, n in rows:
        counts = by_year.setdefault(article_year, {})
        key = parent_id or category_id
        counts[key] = counts.get(key, 0) + n
    series = list(Category.objects.filter(parent=None).values_list("id", "name"))
    return [(str(y), by_year[y]) for y in sorted(by_year, reverse=True)], series
