"""
报送统计: what each organization sent in (信息报送) and what was accepted, per period.

Definitions (README "报送统计"; the admin page repeats them). For an organization and a
period [start, end) in local time (Asia/Shanghai):

- 报送 submitted: distinct articles of the organization with a SUBMITTED event in the period
  (an article sent back and submitted again in the same period counts once);
- 采用 accepted: articles of the organization whose *first* PUBLISHED event falls in the
  period (republishing after a withdrawal does not count twice);
- 退回 returned: SENT_BACK events in the period;
- 不予采用 declined: DECLINED events in the period;
- accepted per category: accepted articles by their current category.

"Of the organization" means the article's 报送单位 (``Article.organization``). The whole
report costs three queries at any size: one aggregate over the events, one over the
accepted articles, one for the organizations.
"""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from news.models import ArticleEvent
from organizations.models import Organization

Kind = Organization.Kind
Action = ArticleEvent.Action

# Kinds assessed on what they report; any other organization that did submit is listed too.
EXPECTED_KINDS = (
    Kind.COUNTY,
    Kind.TOWNSHIP,
    Kind.SOCIETY,
    Kind.UNIVERSITY,
    Kind.INSTITUTE,
    Kind.ENTERPRISE,
    Kind.PARK,
)
PERIOD_KINDS = {
    "year": gettext_lazy("By year"),
    "quarter": gettext_lazy("By quarter"),
    "month": gettext_lazy("By month"),
    "range": gettext_lazy("By date range"),
}
FIRST_YEAR = 2000
LONGEST_RANGE_DAYS = 366 * 20


@dataclass(frozen=True)
class Period:
    kind: str  # one of PERIOD_KINDS
    start: datetime.date
    end: datetime.date  # exclusive

    @property
    def last_day(self):
        return self.end - datetime.timedelta(days=1)

    @property
    def label(self):
        if self.kind == "year":
            return _("Year %(year)s (submissions)") % {"year": self.start.year}
        if self.kind == "quarter":
            return _("Quarter %(quarter)s of %(year)s (submissions)") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        if self.kind == "month":
            return _("Month %(month)s of %(year)s (submissions)") % {
                "year": self.start.year,
                "month": self.start.month,
            }
        return _("From %(start)s to %(end)s (submissions)") % {
            "start": self.start.isoformat(),
            "end": self.last_day.isoformat(),
        }

    def bounds(self):
        """[start, end) as aware datetimes: midnights in the site's time zone."""
        zone = timezone.get_default_timezone()
        return tuple(
            datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
            for day in (self.start, self.end)
        )

    def query(self):
        """The query string that selects this period again."""
        params = {"period": self.kind, "year": self.start.year}
        if self.kind == "quarter":
            params["quarter"] = (self.start.month - 1) // 3 + 1
        elif self.kind == "month":
            params["month"] = self.start.month
        elif self.kind == "range":
            params = {
                "period": "range",
                "start": self.start.isoformat(),
                "end": self.last_day.isoformat(),
            }
        return params


def year_period(year):
    return Period("year", datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1))


def quarter_period(year, quarter):
    start = datetime.date(year, 3 * quarter - 2, 1)
    end = datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    return Period("quarter", start, end)


def month_period(year, month):
    days = calendar.monthrange(year, month)[1]
    start = datetime.date(year, month, 1)
    return Period("month", start, start + datetime.timedelta(days=days))


def _number(raw, low, high):
    raw = (raw or "").strip()
    if raw.isascii() and raw.isdigit() and len(raw) <= 4 and low <= int(raw) <= high:
        return int(raw)
    return None


def _date(raw):
    raw = (raw or "").strip()
    if not raw.isascii() or len(raw) != 10:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        return None


def parse_period(params, *, today=None):
    """(Period, problems) from the query string; anything unusable gives this year."""
    today = today or timezone.localdate()
    default = year_period(today.year)
    kind = (params.get("period") or "year").strip()
    if kind not in PERIOD_KINDS:
        return default, [_("Unknown period; showing this year.")]
    if kind == "range":
        start, end = _date(params.get("start")), _date(params.get("end"))
        if start is None or end is None:
            return default, [_("Give both dates as YYYY-MM-DD; showing this year.")]
        if end < start:
            return default, [_("The end date is before the start date; showing this year.")]
        if (end - start).days > LONGEST_RANGE_DAYS or start.year < FIRST_YEAR:
            return default, [_("That date range is too long; showing this year.")]
        return Period("range", start, end + datetime.timedelta(days=1)), []
    year = _number(params.get("year") or str(today.year), FIRST_YEAR, today.year + 1)
    if year is None:
        return default, [_("Unknown year; showing this year.")]
    if kind == "year":
        return year_period(year), []
    if kind == "quarter":
        quarter = _number(params.get("quarter"), 1, 4)
        if quarter is None:
            return year_period(year), [_("Choose a quarter from 1 to 4; showing the whole year.")]
        return quarter_period(year, quarter), []
    month = _number(params.get("month"), 1, 12)
    if month is None:
        return year_period(year), [_("Choose a month from 1 to 12; showing the whole year.")]
    return month_period(year, month), []


def parse_kind(params):
    """(kind or "", problems): the organization-kind filter."""
    kind = (params.get("kind") or "").strip()
    if not kind or kind in Kind.values:
        return kind, []
    return "", [_("Unknown kind of organization; showing all kinds.")]


# --- Counting -----------------------------------------------------------------


def first_publications():
    """PUBLISHED events with no earlier PUBLISHED event of the same article: 采用."""
    earlier = ArticleEvent.objects.filter(
        article=OuterRef("article"), action=Action.PUBLISHED, created_at__lt=OuterRef("created_at")
    )
    return ArticleEvent.objects.filter(action=Action.PUBLISHED).exclude(Exists(earlier))


@dataclass
class Row:
    organization_id: int
    name: str
    kind: str
    kind_label: str
    county_label: str
    submitted: int = 0
    accepted: int = 0
    returned: int = 0
    declined: int = 0
    by_category: dict = field(default_factory=dict)
    by_category_list: list = field(default_factory=list)  # in the report's column order
    rank: int = 0

    @property
    def rate(self):
        """采用率 in percent, or None when nothing was submitted in the period."""
        return round(100 * self.accepted / self.submitted) if self.submitted else None

    def category_counts(self, categories):
        return [self.by_category.get(pk, 0) for pk, _name in categories]


@dataclass
class Report:
    period: Period
    kind: str
    rows: list
    categories: list  # [(id, name)] of the categories something was accepted into
    totals: Row

    @property
    def silent(self):
        """未报送单位: organizations that submitted nothing in the period."""
        return sorted((row for row in self.rows if not row.submitted), key=lambda r: r.name)


def build_report(period, *, kind=""):
    start, end = period.bounds()
    in_period = Q(created_at__gte=start, created_at__lt=end)
    events = (
        ArticleEvent.objects.filter(in_period, article__organization__isnull=False)
        .filter(action__in=[Action.SUBMITTED, Action.SENT_BACK, Action.DECLINED])
        .order_by()
        .values_list("article__organization")
        .annotate(
            submitted=Count("article", distinct=True, filter=Q(action=Action.SUBMITTED)),
            returned=Count("id", filter=Q(action=Action.SENT_BACK)),
            declined=Count("id", filter=Q(action=Action.DECLINED)),
        )
    )
    activity = {org: counts for org, *counts in events}
    accepted_rows = (
        first_publications()
        .filter(in_period, article__organization__isnull=False)
        .order_by()
        .values_list(
            "article__organization",
            "article__category",
            "article__category__name",
            "article__category__order",
        )
        .annotate(n=Count("article", distinct=True))
    )
    accepted, categories = {}, {}
    for org, category, name, order, n in accepted_rows:
        accepted.setdefault(org, {})[category] = n
        categories[category] = (order, name)
    active_ids = set(activity) | set(accepted)
    organizations = Organization.objects.filter(
        Q(kind__in=EXPECTED_KINDS, is_active=True) | Q(pk__in=active_ids)
    )
    if kind:
        organizations = organizations.filter(kind=kind)
    kinds, counties = dict(Kind.choices), dict(Organization._meta.get_field("county").choices)
    rows = []
    for pk, name, org_kind, county in organizations.order_by().values_list(
        "pk", "name", "kind", "county"
    ):
        submitted, returned, declined = activity.get(pk, (0, 0, 0))
        by_category = accepted.get(pk, {})
        rows.append(
            Row(
                organization_id=pk,
                name=name,
                kind=org_kind,
                kind_label=str(kinds.get(org_kind, org_kind)),
                county_label=str(counties.get(county, "")),
                submitted=submitted,
                accepted=sum(by_category.values()),
                returned=returned,
                declined=declined,
                by_category=by_category,
            )
        )
    rows.sort(key=lambda row: (-row.accepted, -row.submitted, row.name))
    previous, rank = None, 0
    for position, row in enumerate(rows, start=1):
        # Equal figures share a place (1, 2, 2, 4); the name only orders them.
        if (row.accepted, row.submitted) != previous:
            rank, previous = position, (row.accepted, row.submitted)
        row.rank = rank
    columns = sorted(categories.items(), key=lambda item: (item[1][0], item[1][1], item[0]))
    totals = Row(0, _("Total"), "", "", "")
    for row in rows:
        totals.submitted += row.submitted
        totals.accepted += row.accepted
        totals.returned += row.returned
        totals.declined += row.declined
        for category, n in row.by_category.items():
            totals.by_category[category] = totals.by_category.get(category, 0) + n
    categories = [(pk, name) for pk, (_order, name) in columns]
    for row in [*rows, totals]:
        row.by_category_list = row.category_counts(categories)
    return Report(period=period, kind=kind, rows=rows, categories=categories, totals=totals)


def table(report):
    """(headers, rows) for the export: the page's table, figures as numbers."""
    headers = [
        _("Rank"),
        _("Submitting organization"),
        _("Kind"),
        _("County or region"),
        _("Articles submitted"),
        _("Articles accepted"),
        _("Times returned"),
        _("Times declined"),
        _("Acceptance rate (%)"),
        *[name for _pk, name in report.categories],
    ]

    def cells(row, rank):
        return [
            rank,
            row.name,
            row.kind_label,
            row.county_label,
            row.submitted,
            row.accepted,
            row.returned,
            row.declined,
            "" if row.rate is None else row.rate,
            *row.by_category_list,
        ]

    rows = [cells(row, row.rank) for row in report.rows]
    rows.append(cells(report.totals, ""))
    return headers, rows
