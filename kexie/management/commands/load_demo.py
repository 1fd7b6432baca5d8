from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the demo content (idempotent: running it again changes nothing)."

    @transaction.atomic
    def handle(self, *args, **options):
        # Each local app may ship a ``demo`` module with ``load(stdout)``; order
        # follows INSTALLED_APPS so organizations exist before the honours citing them.
        for app_config in apps.get_app_configs():
            if not app_config.name.startswith(("news", "organizations", "awards", "pages")):
                continue
            try:
                module = import_module(f"{app_config.name}.demo")
            except ModuleNotFoundError as error:
                if error.name != f"{app_config.name}.demo":
                    raise
                continue
            module.load(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))
