"""阅读统计 in the admin: a report page in place of a changelist, and its export."""

import datetime

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kexie.admin_site import ReportAdmin
from kexie.exports import export_response, record_export
from news import reading
from news.models import Category, ReadingStatistics


@admin.register(ReadingStatistics)
class ReadingStatisticsAdmin(ReportAdmin):
    """The changelist is the report (see ReportAdmin)."""

    # What the report reads; anything else (a lookup such as id__regex) is refused.
    report_parameters = frozenset({"period", "day", "month", "start", "end", "category"})

    def get_urls(self):
        return [
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="news_readingstatistics_export",
            ),
            *super().get_urls(),
        ]

    def _selection(self, request, categories):
        return reading.Selection.from_query(
            request.GET, today=timezone.localdate(), categories=categories
        )

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        if refusal := self.refusal(request):
            return refusal
        categories = list(
            Category.objects.select_related("parent").order_by(
                "parent__order", "parent_id", "order", "id"
            )
        )
        selection = self._selection(request, categories)
        report = reading.Report(selection, categories=categories)
        today = timezone.localdate()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Reading statistics"),
            "selection": selection,
            "period": selection.period,
            "report": report,
            "chart": report.chart(),
            "category_rows": report.by_category(),
            "categories": categories,
            "kinds": reading.KINDS,
            "quick_links": self._quick_links(selection, today),
            "steps": self._steps(selection, today),
            "query": urlencode(selection.query()),
            "today": today,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/news/readingstatistics/report.html", context)

    @staticmethod
    def _link(selection, period):
        params = period.query()
        if selection.category is not None:
            params["category"] = selection.category.pk
        return "?" + urlencode(params)

    def _quick_links(self, selection, today):
        yesterday = today - datetime.timedelta(days=1)
        choices = [
            (_("Today"), reading.Period.of_day(today)),
            (_("Yesterday"), reading.Period.of_day(yesterday)),
            (_("This week"), reading.Period.of_week(today)),
            (_("Last week"), reading.Period.of_week(today).shifted(-1)),
            (_("This month"), reading.Period.of_month(today)),
            (_("Last month"), reading.Period.of_month(today).shifted(-1)),
            (_("Last 7 days"), reading.Period.last_days(today, 7)),
            (_("Last 30 days"), reading.Period.last_days(today, 30)),
            (_("Last 365 days"), reading.Period.last_days(today, 365)),
        ]
        return [
            {
                "label": label,
                "url": self._link(selection, period),
                "selected": period == selection.period,
            }
            for label, period in choices
        ]

    def _steps(self, selection, today):
        """Links to the period before and after (none after a period reaching today)."""
        earlier = selection.period.shifted(-1)
        later = selection.period.shifted(1)
        return {
            "earlier": self._link(selection, earlier) if earlier.start >= reading.EARLIEST else "",
            "later": self._link(selection, later) if later.start <= today else "",
        }

    def export(self, request, fmt):
        categories = list(Category.objects.select_related("parent"))
        selection = self._selection(request, categories)
        queryset = reading.export_queryset(selection)
        record_export(request, self.opts, fmt=fmt, filters=selection.query(), rows=queryset.count())
        name = _("Most read %(period)s") % {"period": selection.period.file_label()}
        if selection.category is not None:
            name = f"{name}-{selection.category.name.replace('/', '-')}"
        return export_response(
            fmt,
            name,
            reading.EXPORT_COLUMNS,
            queryset,
            sheet_name=_("Most read"),
        )
