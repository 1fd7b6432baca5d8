from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class KexieConfig(AppConfig):
    default = True
    name = "kexie"
    verbose_name = _("Site")

    def ready(self):
        from kexie.audit import signals

        signals.connect()
        # Each app registers, in its own modules, the public content the term guard
        # watches (guard.py) and what the site search finds (search.py): shared code
        # never imports an app.
        autodiscover_modules("guard")
        autodiscover_modules("search")


class KexieStaticFilesConfig(StaticFilesConfig):
    # Never collect the editor's bundled demo, test and sample pages.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "samples", "tests", "*.md"]
