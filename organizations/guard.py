"""Directory content the banned-term guard watches (see kexie.guard)."""

from kexie import guard
from organizations.models import Organization

GUARDED_FIELDS = ["name", "short_name", "description", "address", "contact_person"]


def organization_texts(organization):
    return {
        str(Organization._meta.get_field(name).verbose_name): getattr(organization, name)
        for name in GUARDED_FIELDS
    }


guard.register(Organization, public=Organization.objects.active, texts=organization_texts)
