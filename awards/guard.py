"""Honours content the banned-term guard watches (see kexie.guard)."""

from awards.models import Award, Honour
from kexie import guard

AWARD_FIELDS = ["name", "conferring_body", "description"]
HONOUR_FIELDS = ["person_name", "unit_name", "employer", "citation"]

guard.register(Award, AWARD_FIELDS)
guard.register(Honour, HONOUR_FIELDS)
