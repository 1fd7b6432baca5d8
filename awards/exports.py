"""Honours export: columns declared once for CSV and XLSX, every export audited."""

from django.utils.translation import gettext as _

from awards.models import Level, RecipientKind
from kexie.audit import record
from kexie.exports import Column, csv_response, xlsx_response
from kexie.models import AuditEntry
from organizations.models import County

FORMATS = ("csv", "xlsx")


def columns():
    # Built per request so the headers follow the active language (Chinese on the site).
    return [
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
    ]


def export(request, queryset, *, fmt, filename):
    record(
        action=AuditEntry.Action.EXPORT,
        request=request,
        target="awards.Honour",
        details={
            "format": fmt,
            "rows": queryset.count(),
            "filters": {key: request.GET.getlist(key) for key in request.GET},
        },
    )
    if fmt == "xlsx":
        return xlsx_response(filename, columns(), queryset, sheet_name=_("Honours"))
    return csv_response(filename, columns(), queryset)
