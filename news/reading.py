"""
阅读统计: the most-read articles of a day, week, month or range, from the site's own
daily view counts (ArticleDailyView; counted by news.views.article_views).

``Selection.from_query`` reads the report's query string and never fails: a value it
cannot use is named in ``problems`` and the default (the last seven days, every
category) is taken instead. ``Report`` computes everything the page shows from three
queries, whatever the number of articles or days.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Case, CharField, F, Sum, Value, When, Window
from django.db.models.functions import Concat, RowNumber, TruncDate
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kexie.exports import Column
from kexie.figures.charts import build_chart
from news.models import Article, ArticleDailyView

DEFAULT_DAYS = 7
MAX_DAYS = 366
EARLIEST = datetime.date(2000, 1, 1)
TOP = 20
# The daily chart has one bar per day up to a month, then one per week, then per month.
DAILY_UP_TO = 31
WEEKLY_UP_TO = 26 * 7
# Categories stacked in the chart beyond this many are drawn together as 其他栏目.
CHART_SERIES = 8

DAY, WEEK, MONTH, RANGE = "day", "week", "month", "range"
KINDS = {
    DAY: gettext_lazy("Day"),
    WEEK: gettext_lazy("Week"),
    MONTH: gettext_lazy("Month"),
    RANGE: gettext_lazy("Date range"),
}


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date  # included

    @classmethod
    def last_days(cls, today, days=DEFAULT_DAYS):
        return cls(RANGE, today - datetime.timedelta(days=days - 1), today)

    @classmethod
    def of_day(cls, day):
        return cls(DAY, day, day)

    @classmethod
    def of_week(cls, day):
        monday = day - datetime.timedelta(days=day.weekday())
        return cls(WEEK, monday, monday + datetime.timedelta(days=6))

    @classmethod
    def of_month(cls, day):
        first = day.replace(day=1)
        following = (first + datetime.timedelta(days=32)).replace(day=1)
        return cls(MONTH, first, following - datetime.timedelta(days=1))

    @property
    def days(self):
        return (self.end - self.start).days + 1

    def dates(self):
        return [self.start + datetime.timedelta(days=n) for n in range(self.days)]

    def label(self):
        if self.kind == DAY:
            return date_format(self.start, "Y-m-d l")
        if self.kind == WEEK:
            year, week, _weekday = self.start.isocalendar()
            return _("Week %(week)s of %(year)s (%(start)s to %(end)s)") % {
                "week": week,
                "year": year,
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
            }
        if self.kind == MONTH:
            return date_format(self.start, "YEAR_MONTH_FORMAT")
        return _("%(start)s to %(end)s") % {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    def file_label(self):
        """The period in an export's file name, without characters a file system refuses."""
        if self.kind == DAY:
            return self.start.isoformat()
        if self.kind == WEEK:
            year, week, _weekday = self.start.isocalendar()
            return _("%(year)s week %(week)s") % {"year": year, "week": week}
        if self.kind == MONTH:
            return self.start.strftime("%Y-%m")
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def shifted(self, steps):
        """The period as long as this one, ``steps`` periods later (earlier when negative)."""
        if self.kind == MONTH:
            day = self.start
            for _step in range(abs(steps)):
                day = (
                    (day + datetime.timedelta(days=32)).replace(day=1)
                    if steps > 0
                    else (day - datetime.timedelta(days=1)).replace(day=1)
                )
            return Period.of_month(day)
        delta = datetime.timedelta(days=self.days * steps)
        return Period(self.kind, self.start + delta, self.end + delta)

    def query(self):
        """The query-string parameters that choose this period."""
        if self.kind in (DAY, WEEK):
            return {"period": self.kind, "day": self.start.isoformat()}
        if self.kind == MONTH:
            return {"period": MONTH, "month": self.start.strftime("%Y-%m")}
        return {"period": RANGE, "start": self.start.isoformat(), "end": self.end.isoformat()}


def _parse_date(raw):
    try:
        return datetime.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        return None


def _parse_month(raw):
    try:
        year, month = raw.split("-") if len(raw) == 7 and raw[4] == "-" else ("", "")
        return (
            datetime.date(int(year), int(month), 1) if year.isdigit() and month.isdigit() else None
        )
    except ValueError:
        return None


@dataclass
class Selection:
    period: Period
    category: object = None  # a Category, or None for all
    problems: list = field(default_factory=list)

    @classmethod
    def from_query(cls, query, *, today, categories):
        """Read ``period``, ``day``, ``month``, ``start``, ``end`` and ``category``.

        ``categories``: every Category (the filter's choices; no query is made here).
        """
        problems = []
        period = cls._period(query, today, problems)
        if period is None:
            period = Period.last_days(today)
        category = None
        raw = query.get("category", "").strip()
        if raw:
            by_id = {str(c.pk): c for c in categories}
            category = by_id.get(raw)
            if category is None:
                problems.append(
                    _("There is no category “%(value)s”; every category is shown.")
                    % {"value": raw[:40]}
                )
        return cls(period=period, category=category, problems=problems)

    @staticmethod
    def _period(query, today, problems):
        kind = query.get("period", "").strip()
        if not kind:
            return None
        if kind not in KINDS:
            problems.append(_default_note(_("“%(value)s” is not a period.") % {"value": kind[:20]}))
            return None
        if kind == MONTH:
            raw = query.get("month", "").strip()
            month = _parse_month(raw)
            if month is None:
                problems.append(
                    _default_note(_("“%(value)s” is not a month (YYYY-MM).") % {"value": raw[:20]})
                )
                return None
            if not EARLIEST <= month <= today:
                problems.append(_default_note(_out_of_range(raw, today)))
                return None
            return Period.of_month(month)
        names = ("day",) if kind in (DAY, WEEK) else ("start", "end")
        dates = []
        for name in names:
            raw = query.get(name, "").strip()
            day = _parse_date(raw)
            if day is None:
                problems.append(
                    _default_note(
                        _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": raw[:20]}
                    )
                )
                return None
            if not EARLIEST <= day <= today:
                problems.append(_default_note(_out_of_range(raw, today)))
                return None
            dates.append(day)
        if kind == DAY:
            return Period.of_day(dates[0])
        if kind == WEEK:
            return Period.of_week(dates[0])
        start, end = dates
        if start > end:
            problems.append(_default_note(_("The start date comes after the end date.")))
            return None
        if (end - start).days + 1 > MAX_DAYS:
            problems.append(
                _default_note(_("A range may cover at most %(days)s days.") % {"days": MAX_DAYS})
            )
            return None
        return Period(RANGE, start, end)

    def query(self):
        params = self.period.query()
        if self.category is not None:
            params["category"] = str(self.category.pk)
        return params


def _out_of_range(raw, today):
    return _("“%(value)s” is outside %(earliest)s to %(today)s.") % {
        "value": raw[:20],
        "earliest": EARLIEST.isoformat(),
        "today": today.isoformat(),
    }


def _default_note(problem):
    return _("%(problem)s The last %(days)s days are shown instead.") % {
        "problem": problem,
        "days": DEFAULT_DAYS,
    }


# --- The report --------------------------------------------------------------


@dataclass
class CategoryRow:
    category: object
    views: int
    share: float  # percent of the period's views
    children: list = field(default_factory=list)


class Report:
    def __init__(self, selection, *, categories):
        self.selection = selection
        self.period = selection.period
        self.categories = {c.pk: c for c in categories}
        views = ArticleDailyView.objects.between(self.period.start, self.period.end).in_category(
            selection.category
        )
        # One query: views per day and category; the totals, the category table and
        # the chart are all sums of these rows.
        self.cells = list(
            views.values_list("date", "article__category")
            .annotate(views=Sum("views"))
            .order_by("date", "article__category")
        )
        self.total = sum(count for _date, _category, count in self.cells)
        self.article_count = views.values("article").distinct().count()
        self.top = list(ranking(selection).select_related("category__parent").defer("body")[:TOP])

    @property
    def daily_average(self):
        return round(self.total / self.period.days, 1)

    def by_category(self):
        """Top-level categories, most read first, each with its children; a parent's
        number includes its children's."""
        own = {}
        for _date, category_id, count in self.cells:
            own[category_id] = own.get(category_id, 0) + count
        tops = {}
        for category_id, count in own.items():
            category = self.categories[category_id]
            top_id = category.parent_id or category.pk
            row = tops.get(top_id)
            if row is None:
                row = tops[top_id] = CategoryRow(self.categories[top_id], 0, 0.0)
            row.views += count
            if category.parent_id:
                row.children.append(CategoryRow(category, count, self._share(count)))
        rows = sorted(tops.values(), key=lambda row: (-row.views, row.category.pk))
        for row in rows:
            row.share = self._share(row.views)
            row.children.sort(key=lambda child: (-child.views, child.category.pk))
        return rows

    def _share(self, count):
        return round(100 * count / self.total, 1) if self.total else 0.0

    def bucket_unit(self):
        if self.period.days <= DAILY_UP_TO:
            return DAY
        return WEEK if self.period.days <= WEEKLY_UP_TO else MONTH

    def _bucket(self, day):
        """The first day of the chart row ``day`` falls in."""
        unit = self.bucket_unit()
        if unit == DAY:
            return day
        if unit == WEEK:
            return max(day - datetime.timedelta(days=day.weekday()), self.period.start)
        return max(day.replace(day=1), self.period.start)

    def _bucket_label(self, first):
        unit = self.bucket_unit()
        if unit == DAY:
            return date_format(first, "m-d D")
        if unit == WEEK:
            last = min(first + datetime.timedelta(days=6 - first.weekday()), self.period.end)
            return _("%(start)s to %(end)s") % {
                "start": first.strftime("%m-%d"),
                "end": last.strftime("%m-%d"),
            }
        return date_format(first, "YEAR_MONTH_FORMAT")

    def chart(self):
        """Views per day (or week, or month) stacked by category, a row for every day
        of the period (none with no view at all)."""
        own = {}
        for _date, category_id, count in self.cells:
            own[category_id] = own.get(category_id, 0) + count
        ranked = sorted(own, key=lambda pk: (-own[pk], pk))
        shown = ranked if len(ranked) <= CHART_SERIES else ranked[: CHART_SERIES - 1]
        other = "other"
        series = [(str(pk), self.categories[pk].name) for pk in shown]
        if len(ranked) > len(shown):
            series.append((other, _("Other categories")))
        keys = {pk: str(pk) for pk in shown}
        buckets = {}
        for day in self.period.dates():
            buckets.setdefault(self._bucket(day), {})
        for day, category_id, count in self.cells:
            counts = buckets[self._bucket(day)]
            key = keys.get(category_id, other)
            counts[key] = counts.get(key, 0) + count
        rows = [(self._bucket_label(first), counts) for first, counts in buckets.items()]
        return build_chart(rows, series, keep_empty=self.total > 0)


def ranking(selection):
    """Every article read in the period, most read first (the page shows the top)."""
    articles = Article.objects.read_between(selection.period.start, selection.period.end)
    if selection.category is not None:
        articles = articles.in_category(selection.category)
    return articles


EXPORT_COLUMNS = (
    Column(gettext_lazy("Rank"), "rank"),
    Column(gettext_lazy("title"), "title"),
    Column(gettext_lazy("category"), "category_label"),
    Column(gettext_lazy("Publish date"), "publish_date"),
    Column(gettext_lazy("Views in the period"), "period_views"),
    Column(gettext_lazy("Total views"), "view_count"),
)


def export_queryset(selection):
    return ranking(selection).annotate(
        rank=Window(
            RowNumber(), order_by=[F("period_views").desc(), F("view_count").desc(), F("id").asc()]
        ),
        category_label=Case(
            When(
                category__parent__isnull=False,
                then=Concat(
                    "category__parent__name",
                    Value(" / "),
                    "category__name",
                    output_field=CharField(),
                ),
            ),
            default=F("category__name"),
            output_field=CharField(),
        ),
        publish_date=TruncDate("publish_at"),
    )
