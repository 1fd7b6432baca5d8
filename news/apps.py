from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")

    def ready(self):
        # News builds on the directory: it adds its part to organization pages.
        from news import organization_pages  # noqa: F401
