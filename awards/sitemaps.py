from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import reverse

from awards.models import Honour


class HonourSitemap(Sitemap):
    """One entry per recipient page: honours have no page of their own."""

    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            Honour.objects.order_by("recipient_key")
            .values("recipient_key")
            .annotate(lastmod=Max("updated_at"))
        )

    def location(self, item):
        return reverse("awards:recipient-detail", kwargs={"key": item["recipient_key"]})

    def lastmod(self, item):
        return item["lastmod"]
