from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from news.models import Article, Category


class ArticleSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Article.objects.published().only("id", "updated_at").order_by("-publish_at", "-id")

    def lastmod(self, item):
        return item.updated_at


class CategorySitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Category.objects.only("slug")


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "home",
            "news:article-list",
            "organizations:organization-list",
            "awards:honour-list",
        ]

    def location(self, item):
        return reverse(item)
