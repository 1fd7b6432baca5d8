from django.contrib.sitemaps import Sitemap

from pages.models import Page


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.published().only("slug", "updated_at").order_by("order", "id")

    def lastmod(self, page):
        return page.updated_at
