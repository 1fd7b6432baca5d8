from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class KexieConfig(AppConfig):
    default = True
    name = "kexie"
    verbose_name = _("Site")

    def ready(self):
        from kexie import search
        from kexie.audit import signals

        signals.connect()
        # Each app's guard module registers the public content the term guard watches.
        autodiscover_modules("guard")
        search.register_defaults()
        self.register_public_pages()

    def register_public_pages(self):
        from kexie import pagecache
        from kexie.models import BannedTerm

        # A new or changed term must reach every cached page (they are rescanned).
        pagecache.register(BannedTerm)


class KexieStaticFilesConfig(StaticFilesConfig):
    # Never collect the editor's bundled demo, test and sample pages.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "samples", "tests", "*.md"]
