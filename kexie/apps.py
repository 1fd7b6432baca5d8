from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.contrib.staticfiles.apps import StaticFilesConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPConfig


class KexieConfig(AppConfig):
    default = True
    name = "kexie"
    verbose_name = _("Site")

    def ready(self):
        from kexie.accounts import privilege
        from kexie.accounts import signals as account_signals
        from kexie.accounts.permissions import translate_permission_names
        from kexie.audit import signals

        signals.connect()
        account_signals.connect()
        privilege.connect()
        # After auth's own receiver (its app is ready first) has created them.
        post_migrate.connect(translate_permission_names, dispatch_uid="kexie_permission_names")
        # Each app registers, in its own modules, the public content the term guard
        # watches (guard.py), what the site search finds (search.py) and the blocks of
        # 数说科协 (figures.py): shared code never imports an app.
        autodiscover_modules("guard")
        autodiscover_modules("search")
        autodiscover_modules("figures")
        post_migrate.connect(_sync_figure_blocks, sender=self)
        self.register_public_pages()

    def register_public_pages(self):
        from kexie import pagecache
        from kexie.models import BannedTerm, FigureBlock

        # A new or changed term must reach every cached page (they are rescanned).
        pagecache.register(BannedTerm, FigureBlock)


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


class KexieAxesConfig(AxesAppConfig):
    # axes names its admin section "Axes"; staff know it as the sign-in lockouts.
    verbose_name = _("Sign-in lockouts")


# django-otp names its sections "Otp_Totp" and "Otp_Static" and its models in
# English ("TOTP device"); the group and user forms list their permissions by
# those names. Only _meta's display names are set here, never the Meta options
# migrations record (``original_attrs``), so no migration of django-otp changes.
def _name_models(app_config, names):
    for model_name, (singular, plural) in names.items():
        opts = app_config.get_model(model_name)._meta
        opts.verbose_name = singular
        opts.verbose_name_plural = plural


class KexieOTPTOTPConfig(OTPTOTPConfig):
    verbose_name = _("Authenticator apps")

    def ready(self):
        super().ready()
        _name_models(self, {"totpdevice": (_("authenticator app"), _("authenticator apps"))})


class KexieOTPStaticConfig(OTPStaticConfig):
    verbose_name = _("Recovery codes")

    def ready(self):
        super().ready()
        _name_models(
            self,
            {
                "staticdevice": (_("recovery code set"), _("recovery code sets")),
                "statictoken": (_("recovery code"), _("recovery codes")),
            },
        )
