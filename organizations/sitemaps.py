from django.contrib.sitemaps import Sitemap

from organizations.models import Organization


class OrganizationSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Organization.objects.active().only("slug", "updated_at").order_by("id")

    def lastmod(self, item):
        return item.updated_at
