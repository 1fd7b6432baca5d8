from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from kexie.db import analyze


class Command(BaseCommand):
    help = "Load the demo content (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        self.load()
        # After the transaction: ANALYZE sees the committed rows.
        analyze(
            model
            for label in ("kexie", "news", "organizations", "awards")
            for model in apps.get_app_config(label).get_models()
        )
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))

    @transaction.atomic
    def load(self):
        # Each local app may ship a ``demo`` module with ``load(stdout)``; order
        # follows INSTALLED_APPS so organizations exist before the honours citing them.
        # A module's optional ``load_late(stdout)`` runs after every app's ``load``
        # (news's 信息报送 submissions need the organizations, which come after news).
        late = []
        for app_config in apps.get_app_configs():
            if app_config.name not in settings.LOCAL_APPS:
                continue
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app_config.name}.demo":
                    raise
                continue
            module.load(self.stdout)
            if hasattr(module, "load_late"):
                late.append(module.load_late)
        for load_late in late:
            load_late(self.stdout)
