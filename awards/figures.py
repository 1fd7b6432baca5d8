"""Blocks of 数说科协 (kexie.figures) about honours; recipients count each group's full size."""

from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from awards.charts import LEVEL_SERIES, year_rows
from awards.models import Honour, Level
from kexie import figures

RECIPIENTS = [("count", _("Recipients"))]
TOP_BODIES = 10


def _honours(year):
    honours = Honour.objects.order_by()
    return honours.filter(year=year) if year else honours


@figures.register_years
def honour_years():
    return Honour.objects.order_by().exclude(year=None).values_list("year", flat=True).distinct()


@figures.register(
    "honours-by-level", title=_("Honours by level"), row_heading=_("Level"), order=50, by_year=True
)
def honours_by_level(year):
    counts = dict(
        _honours(year).values_list("award__level").annotate(n=Sum("group_size")).order_by()
    )
    return [(label, {"count": counts.get(level, 0)}) for level, label in Level.choices], RECIPIENTS


@figures.register("honours-by-year", title=_("Honours by year"), row_heading=_("Year"), order=60)
def honours_by_year(year):
    return year_rows(Honour.objects.per_year_and_level()), LEVEL_SERIES


@figures.register(
    "honours-by-body",
    title=_("Honours by conferring body"),
    row_heading=_("Conferring body"),
    order=70,
    by_year=True,
)
def honours_by_body(year):
    counts = list(
        _honours(year)
        .values_list("award__conferring_body")
        .annotate(n=Sum("group_size"))
        .order_by("-n", "award__conferring_body")
    )
    rows = [(body or _("Not given"), {"count": n}) for body, n in counts[:TOP_BODIES]]
    rest = sum(n for _body, n in counts[TOP_BODIES:])
    if rest:
        rows.append((_("Others"), {"count": rest}))
    return rows, RECIPIENTS
