from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        from kexie import pagecache
        from news.models import Article, Attachment, Category

        pagecache.register(
            Category, Article, Attachment, next_change=Article.objects.next_scheduled_time
        )
