from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = _("Site and single pages")

    def ready(self):
        from kexie import db, pagecache
        from pages import chrome
        from pages.models import FriendLink, Page, SiteSettings

        # The header, navigation and footer of every public page come from these rows.
        pagecache.register(SiteSettings, FriendLink, Page)
        # The busy page (database down) names the site as 站点设置 does.
        db.read_site_name_with(chrome.stored_site_name)
