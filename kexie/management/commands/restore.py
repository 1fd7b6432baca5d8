from django.core.management.base import BaseCommand, CommandError

from kexie.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an empty database and an empty media "
        "storage, then check every row count and file checksum against its manifest. "
        "Run `migrate` afterwards if the code is newer than the backup."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar file written by `manage.py backup`")

    def handle(self, *args, archive, **options):
        try:
            manifest = restore_backup(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows and {len(manifest['files'])} files; "
                "every count and checksum matches the manifest."
            )
        )
