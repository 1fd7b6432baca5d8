from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from news.models import Article

FEED_SIZE = 20


class LatestArticlesFeed(Feed):
    link = reverse_lazy("news:article-list")
    description = _("The latest news and notices.")

    def title(self):
        return settings.KEXIE_SITE_NAME

    def items(self):
        return (
            Article.objects.published()
            .select_related("category")
            .order_by("-publish_at", "-id")[:FEED_SIZE]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.category.name]
