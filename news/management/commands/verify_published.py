import sys

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from news import tamper
from news.templatetags.news_admin import field_labels


class Command(BaseCommand):
    help = _(
        "Check every published article against its approved fingerprint; list each one "
        "changed outside the review workflow and exit with status 1 if there is any."
    )

    def handle(self, *args, **options):
        found = tamper.problems()
        for article, fields in found:
            tamper.report(article, fields)
            self.stdout.write(
                _("Article #%(pk)s “%(title)s” · changed fields: %(fields)s")
                % {"pk": article.pk, "title": article.title, "fields": field_labels(fields)}
            )
        attachments = tamper.attachment_problems()
        for attachment, fields in attachments:
            tamper.report_attachment(attachment, fields)
            names = [tamper.ATTACHMENT_PREFIX + name for name in fields]
            self.stdout.write(
                _(
                    "Attachment #%(pk)s “%(title)s” of article #%(article)s · "
                    "changed fields: %(fields)s"
                )
                % {
                    "pk": attachment.pk,
                    "title": attachment.title,
                    "article": attachment.article_id,
                    "fields": field_labels(names),
                }
            )
        if found:
            self.stderr.write(
                ngettext(
                    "%(n)d article was changed outside the review workflow.",
                    "%(n)d articles were changed outside the review workflow.",
                    len(found),
                )
                % {"n": len(found)}
            )
        if attachments:
            self.stderr.write(
                ngettext(
                    "%(n)d attachment was changed outside the review workflow.",
                    "%(n)d attachments were changed outside the review workflow.",
                    len(attachments),
                )
                % {"n": len(attachments)}
            )
        if found or attachments:
            sys.exit(1)
        self.stdout.write(_("Every published article matches its approved fingerprint."))
