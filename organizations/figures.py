"""Blocks of 数说科协 (kexie.figures) about the directory: counts only, never people."""

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from kexie import figures
from organizations.models import County, Member, Organization

Kind = Organization.Kind
COUNT = [("count", _("Number"))]
# Blank means "not given"; build_chart leaves out rows that count nothing.
COUNTIES = [*County.choices, ("", _("Not given"))]
DISCIPLINES = [*Organization.Discipline.choices, ("", _("Not given"))]


def _directory():
    return Organization.objects.active().order_by()


@figures.register(
    "organizations-by-kind", title=_("Organizations by kind"), row_heading=_("Kind"), order=10
)
def organizations_by_kind(year):
    counts = dict(
        _directory().exclude(kind=Kind.GROUP_MEMBER).values_list("kind").annotate(n=Count("id"))
    )
    return [(label, {"count": counts.get(kind, 0)}) for kind, label in Kind.choices], COUNT


@figures.register(
    "organizations-by-county",
    title=_("Organizations by county"),
    row_heading=_("County"),
    order=20,
)
def organizations_by_county(year):
    by_county = {}
    rows = _directory().exclude(kind=Kind.GROUP_MEMBER).values_list("county", "kind")
    for county, kind, n in rows.annotate(n=Count("id")):
        by_county.setdefault(county, {})[kind] = n
    rows = [(label, by_county.get(county, {})) for county, label in COUNTIES]
    return rows, [(kind, label) for kind, label in Kind.choices if kind != Kind.GROUP_MEMBER]


@figures.register(
    "societies", title=_("Learned societies by discipline"), row_heading=_("Discipline"), order=30
)
def societies(year):
    counts = dict(
        _directory().filter(kind=Kind.SOCIETY).values_list("discipline").annotate(n=Count("id"))
    )
    return [(label, {"count": counts.get(key, 0)}) for key, label in DISCIPLINES], COUNT


@figures.register(
    "members", title=_("Individual and group members"), row_heading=_("County"), order=40
)
def members(year):
    # Individual members by the county of the organization they belong to; group members
    # are organizations of their own kind. Two aggregates, one query each: counts only.
    people = dict(
        Member.objects.active()
        .filter(organization__is_active=True)
        .order_by()
        .values_list("organization__county")
        .annotate(n=Count("id"))
    )
    groups = dict(
        _directory().filter(kind=Kind.GROUP_MEMBER).values_list("county").annotate(n=Count("id"))
    )
    rows = [
        (label, {"people": people.get(county, 0), "groups": groups.get(county, 0)})
        for county, label in COUNTIES
    ]
    return rows, [("people", _("Individual members")), ("groups", _("Group members"))]
