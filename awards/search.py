"""Honours the site search finds (see kexie.search)."""

from django.utils.translation import gettext_lazy as _

from awards.models import Honour
from kexie import search


def honour_document(honour):
    award = honour.award
    body = [award.name, award.conferring_body, honour.employer, honour.citation]
    body += [str(honour.year) if honour.year else ""]
    return search.Document(
        title=f"{honour.recipient_name} · {award.name}",
        body="\n".join(part for part in body if part),
    )


def public_honours():
    return Honour.objects.select_related("award")


search.register(
    "honour",
    Honour,
    document=honour_document,
    public=public_honours,
    label=_("Honours"),
    order=20,
)
