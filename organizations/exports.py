"""The member and organization lists as files: columns declared once, for export and import."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kexie.exports import Column
from organizations.models import County, Member, Organization

# The headers are the models' verbose names, translated when the file is written,
# so an exported file re-imports as it is.
MEMBER_COLUMNS = (
    Column(_("organization"), "organization__name"),
    Column(_("membership number"), "membership_number"),
    Column(_("full name"), "name"),
    Column(_("gender"), "gender", dict(Member.Gender.choices)),
    Column(_("birth date"), "birth_date"),
    Column(_("joined"), "joined_on"),
    Column(_("employer"), "employer"),
    Column(_("professional title"), "title"),
    Column(_("position"), "position"),
    Column(_("mobile phone"), "mobile"),
    Column(_("email"), "email"),
    Column(_("status"), "status", dict(Member.Status.choices)),
)

ORGANIZATION_COLUMNS = (
    Column(_("name"), "name"),
    Column(_("short name"), "short_name"),
    Column(_("kind"), "kind", dict(Organization.Kind.choices)),
    Column(_("county or region"), "county", dict(County.choices)),
    Column(_("parent organization"), "parent__name"),
    Column(_("founded"), "founded_on"),
    Column(_("address"), "address"),
    Column(_("contact person"), "contact_person"),
    Column(_("public phone"), "public_phone"),
    Column(_("website"), "website"),
    Column(_("active"), "is_active", {True: _("Yes"), False: _("No")}),
    Column(_("active members"), "active_member_count"),
    Column(_("all members"), "member_count"),
)


def with_member_counts(queryset):
    """Annotate ``active_member_count`` and ``member_count`` with one subquery each.

    Subqueries, not a join with GROUP BY: a page of organizations then counts
    only its own members, and ``count()`` on the queryset drops them.
    """

    def count(condition=None):
        members = Member.objects.filter(organization=OuterRef("pk"))
        if condition is not None:
            members = members.filter(condition)
        counted = members.order_by().values("organization").annotate(n=Count("pk")).values("n")
        return Coalesce(Subquery(counted, output_field=IntegerField()), 0)

    return queryset.annotate(
        active_member_count=count(Q(status=Member.Status.ACTIVE)), member_count=count()
    )
