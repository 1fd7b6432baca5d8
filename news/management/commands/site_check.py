from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from news import site_check


class Command(BaseCommand):
    help = _(
        "The site self-check (网站自查) of the admin dashboard: list what needs fixing; "
        "exit with status 1 if anything is found."
    )

    def handle(self, *args, **options):
        findings = site_check.run()
        for label, items in site_check.grouped(findings):
            self.stdout.write(f"{label} ({len(items)})")
            for finding in items:
                self.stdout.write(f"  {finding.item} · {finding.problem} · {finding.fix_url}")
        if findings:
            raise CommandError(
                ngettext(
                    "The site self-check found %(count)d problem.",
                    "The site self-check found %(count)d problems.",
                    len(findings),
                )
                % {"count": len(findings)},
                returncode=1,
            )
        self.stdout.write(_("The site self-check found nothing to fix."))
