import time

from django.core.management.base import BaseCommand, CommandError

from kexie import search
from kexie.db import analyze
from kexie.models import SearchEntry


class Command(BaseCommand):
    help = (
        "Rebuild the site-search index from the content (all kinds, or those named). "
        "Searching keeps working meanwhile: each kind is swapped in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "kinds",
            nargs="*",
            help="kinds to rebuild: {} (default: all)".format(
                ", ".join(kind.name for kind in search.registered_kinds())
            ),
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, kinds=(), batch_size=500, **options):
        known = {kind.name for kind in search.registered_kinds()}
        unknown = sorted(set(kinds) - known)
        if unknown:
            raise CommandError(f"Unknown kinds: {', '.join(unknown)}")
        started = time.perf_counter()
        counts = search.rebuild(kinds or None, batch_size=batch_size)
        # Searches join the fresh entries with the content tables: plan them on fresh statistics.
        rebuilt = [search.get_kind(name).model for name in counts]
        analyze([SearchEntry, *rebuilt])
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"Search index rebuilt in {elapsed:.1f} s."))
