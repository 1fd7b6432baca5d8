from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class KexieConfig(AppConfig):
    default = True
    name = "kexie"
    verbose_name = _("Site")

    def ready(self):
        from django.db.models.signals import post_migrate

        from kexie import search
        from kexie.accounts import signals as account_signals
        from kexie.accounts.permissions import translate_permission_names
        from kexie.audit import signals

        signals.connect()
        account_signals.connect()
        # Each app's guard module registers the public content the term guard watches.
        autodiscover_modules("guard")
        search.register_defaults()
        # After auth's own receiver (its app is ready first) has created them.
        post_migrate.connect(translate_permission_names, dispatch_uid="kexie_permission_names")


class KexieStaticFilesConfig(StaticFilesConfig):
    # Never collect the editor's bundled demo, test and sample pages.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "samples", "tests", "*.md"]


class KexieAxesConfig(AxesAppConfig):
    # axes names its admin section "Axes"; staff know it as the sign-in lockouts.
    verbose_name = _("Sign-in lockouts")
