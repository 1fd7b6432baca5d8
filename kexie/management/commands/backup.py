from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kexie.backup import BackupError, create_backup, prune


class Command(BaseCommand):
    help = (
        "Write one archive (tar) of the database (pg_dump -Fc or SQLite's online backup), "
        "every media file of the configured storage and a manifest with row counts and "
        "SHA-256 checksums. The site may keep running meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.BASE_DIR) / "var" / "backups"),
            help="directory for the archive (default: var/backups in the project)",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="afterwards delete all but this many newest archives in that directory",
        )

    def handle(self, *args, output, keep, **options):
        try:
            path = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backup written: {path}"))
        if keep > 0:
            for old in prune(output, keep):
                self.stdout.write(f"Deleted old backup {old}")
