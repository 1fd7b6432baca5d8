from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards and honours")

    def ready(self):
        # Awards builds on the directory: it adds its part to organization pages.
        from awards import organization_pages  # noqa: F401
        from awards.models import Award, Honour
        from kexie import pagecache

        pagecache.register(Award, Honour)
