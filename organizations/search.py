"""Directory content the site search finds (see kexie.search)."""

from django.utils.translation import gettext_lazy as _

from kexie import search
from kexie.richtext import html_to_text
from organizations.models import Organization


def organization_document(organization):
    body = [organization.short_name, html_to_text(organization.description)]
    return search.Document(title=organization.name, body="\n".join(part for part in body if part))


search.register(
    "organization",
    Organization,
    document=organization_document,
    public=Organization.objects.active,
    label=_("Organizations"),
    order=10,
)
