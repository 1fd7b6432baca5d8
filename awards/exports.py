"""Honours export columns, declared once for CSV and XLSX (see kexie.exports)."""

from django.utils.translation import gettext_lazy as _

from awards.models import Level, RecipientKind
from kexie.exports import Column
from organizations.models import County

HONOUR_COLUMNS = (
    Column(_("Year"), "year"),
    Column(_("Award"), "award__name"),
    Column(_("Level"), "award__level", dict(Level.choices)),
    Column(_("Conferring body"), "award__conferring_body"),
    Column(_("Recipient kind"), "award__recipient_kind", dict(RecipientKind.choices)),
    Column(_("Person's name"), "person_name"),
    Column(_("Unit name"), "unit_name"),
    Column(_("Organization in the directory"), "organization__name"),
    Column(_("Employer as cited"), "employer"),
    Column(_("County or region"), "county", dict(County.choices)),
    Column(_("Group size"), "group_size"),
    Column(_("Citation"), "citation"),
)
