from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from kexie.i18n import apply_fragments


class Command(BaseCommand):
    help = (
        "Collect the project's strings into locale/zh_Hans, fill them from "
        "locale/fragments/*.json and compile the catalog. Needs GNU gettext (xgettext)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-extract", action="store_true", help="only fill and compile, skip makemessages"
        )

    def handle(self, *args, no_extract=False, **options):
        if not no_extract:
            call_command(
                "makemessages",
                locale=["zh_Hans"],
                no_location=True,
                no_obsolete=True,
                ignore_patterns=[".venv/*", "bench/*", "tests/*"],
                verbosity=0,
            )
        missing = apply_fragments()
        if missing:
            raise CommandError(
                "Untranslated strings (add them to a file in locale/fragments/):\n"
                + "\n".join(missing)
            )
        self.stdout.write(self.style.SUCCESS("The Chinese catalog is complete and compiled."))
