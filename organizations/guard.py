"""Directory content the banned-term guard watches (see kexie.guard)."""

from kexie import guard
from organizations.models import Organization

GUARDED_FIELDS = [
    "name", "short_name", "slug", "description", "address", "contact_person", "public_phone",
    "website", "party_guide", "host", "lead_expert",
]  # fmt: skip

guard.register(Organization, GUARDED_FIELDS, public=Organization.objects.active)
