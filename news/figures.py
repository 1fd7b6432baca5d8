"""The news block of 数说科协 (kexie.figures): published articles per category and year."""

from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext_lazy as _

from kexie import figures
from news.models import Article, Category
from news.submission_stats import first_publications
from organizations.models import County


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


@figures.register(
    "submissions-by-county",
    title=_("Accepted submissions per county"),
    row_heading=_("Year"),
    order=90,
    by_year=True,
    note=_(
        "Accepted submissions of organizations, counted in the year they were first "
        "published and only while still public; organizations without a county count as "
        "prefecture level."
    ),
)
def submissions_by_county(year):
    # 报送采用 as in 报送统计 (news.submission_stats): the year of an article's first
    # publication, by its organization's county. Only articles the public can read count.
    accepted = (
        first_publications()
        .filter(article__organization__isnull=False, article__in=Article.objects.published())
        .order_by()
        .annotate(year=ExtractYear("created_at"))
    )
    if year:
        accepted = accepted.filter(year=year)
    by_year = {}
    rows = accepted.values_list("year", "article__organization__county").annotate(
        n=Count("article", distinct=True)
    )
    for accepted_year, county, n in rows:
        counts = by_year.setdefault(accepted_year, {})
        county = county or County.PREFECTURE
        counts[county] = counts.get(county, 0) + n
    return [(str(y), by_year[y]) for y in sorted(by_year, reverse=True)], County.choices
