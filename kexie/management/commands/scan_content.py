from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kexie import guard

EXCERPT_CONTEXT = 12


def excerpt(text, term):
    spans = guard.locate(text, term)
    if not spans:
        return ""
    start, end = spans[0]
    before = text[max(0, start - EXCERPT_CONTEXT) : start]
    after = text[end : end + EXCERPT_CONTEXT]
    return " ".join(f"…{before}{text[start:end]}{after}…".split())


class Command(BaseCommand):
    help = _(
        "Report every published item whose public text contains a blocking banned term; "
        "exit with status 1 if there is any."
    )

    def handle(self, *args, **options):
        found = 0
        checked = 0
        for content in guard.scanned():
            for obj in content.public().iterator(chunk_size=500):
                checked += 1
                texts = content.texts(obj)
                hits = guard.blocking(guard.check(texts))
                if not hits:
                    continue
                found += 1
                for hit in hits:
                    self.stdout.write(
                        _("%(model)s #%(pk)s “%(item)s” · %(field)s · “%(term)s” · %(excerpt)s")
                        % {
                            "model": obj._meta.verbose_name,
                            "pk": obj.pk,
                            "item": obj,
                            "field": hit.field,
                            "term": hit.term,
                            "excerpt": excerpt(str(texts[hit.field]), hit.term),
                        }
                    )
        if found:
            raise CommandError(
                ngettext(
                    "%(found)d of %(checked)d published items contains blocking terms.",
                    "%(found)d of %(checked)d published items contain blocking terms.",
                    found,
                )
                % {"found": found, "checked": checked},
                returncode=1,
            )
        self.stdout.write(
            ngettext(
                "Checked %(checked)d published item: no blocking terms.",
                "Checked %(checked)d published items: no blocking terms.",
                checked,
            )
            % {"checked": checked}
        )
