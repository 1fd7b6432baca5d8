"""What news adds to an organization's public page (see organizations/pages.py)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.http import urlencode

from news import tamper
from news.models import Article
from organizations import pages

MENTIONS_SHOWN = 5
SUBMISSIONS_SHOWN = 8


@pages.register
def mentions(organization):
    """The latest published articles whose title names the organization: one bounded query."""
    names = Q(title__contains=organization.name)
    if organization.short_name:
        names |= Q(title__contains=organization.short_name)
    articles = (
        Article.objects.published()
        .filter(names)
        .only("title", "publish_at")
        .order_by("-publish_at", "-id")[:MENTIONS_SHOWN]
    )
    return {"mentions": articles}


@pages.register
def submissions(organization):
    """信息报送: the news this organization sent in that was accepted (published), newest first.

    One query, bounded: one row more than shown tells whether the full list
    (/news/?org=<slug>) has more.
    """
    rows = list(
        Article.objects.published()
        .filter(organization=organization)
        .select_related("category")
        .defer("body")
        .order_by("-publish_at", "-id")[: SUBMISSIONS_SHOWN + 1]
    )
    shown = tamper.vet(rows[:SUBMISSIONS_SHOWN])
    return {
        "submissions": shown,
        "more_submissions": len(rows) > SUBMISSIONS_SHOWN,
        "submissions_url": f"{reverse('news:article-list')}?{urlencode({'org': organization.slug})}",
    }
