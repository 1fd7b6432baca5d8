from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        # News builds on the directory: it adds its part to organization pages.
        from kexie import pagecache
        from news import organization_pages  # noqa: F401
        from news.models import Article, Attachment, Category

        pagecache.register(
            Category, Article, Attachment, next_change=Article.objects.next_scheduled_time
        )
