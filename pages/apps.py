from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Site and single pages")

    def ready(self):
        from kexie import pagecache
        from pages.models import FriendLink, Page, SiteSettings

        # The header, navigation and footer of every public page come from these rows.
        pagecache.register(SiteSettings, FriendLink, Page)
