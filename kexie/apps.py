from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class KexieConfig(AppConfig):
    default = True
    name = "kexie"
    verbose_name = _("Site")

    def ready(self):
        from kexie import search
        from kexie.accounts import privilege
        from kexie.audit import signals

        signals.connect()
        privilege.connect()
        # Each app's guard module registers the public content the term guard watches.
        autodiscover_modules("guard")
        # ... and its figures module the blocks of 数说科协 (kexie.figures).
        autodiscover_modules("figures")
        post_migrate.connect(_sync_figure_blocks, sender=self)
        search.register_defaults()


def _sync_figure_blocks(**kwargs):
    from kexie import figures
    from kexie.models import FigureBlock

    figures.sync_choices(FigureBlock)


class KexieStaticFilesConfig(StaticFilesConfig):
    # Never collect the editor's bundled demo, test and sample pages.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "samples", "tests", "*.md"]


class KexieAdminConfig(admin_apps.AdminConfig):
    default = False
    # Every model admin refuses lookups its list filters do not offer (kexie.admin_site).
    default_site = "kexie.admin_site.KexieAdminSite"
