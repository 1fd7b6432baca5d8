"""What news adds to an organization's public page (see organizations/pages.py)."""

from django.db.models import Q

from news.models import Article
from organizations import pages

MENTIONS_SHOWN = 5


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
