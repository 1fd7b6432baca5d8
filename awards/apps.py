from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards and honours")

    def ready(self):
        from awards.models import Award, Honour
        from kexie import pagecache

        pagecache.register(Award, Honour)
