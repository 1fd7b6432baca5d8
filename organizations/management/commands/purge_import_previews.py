from django.core.management.base import BaseCommand

from organizations.models import ImportPreview


class Command(BaseCommand):
    help = "Delete member-import previews older than a day (each new upload also does)."

    def handle(self, *args, **options):
        deleted, _rows = ImportPreview.objects.expired().delete()
        self.stdout.write(f"Deleted {deleted} expired import preview(s).")
