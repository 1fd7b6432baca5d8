"""报送统计 in the admin: a report under 新闻, its exports and its printable version."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from kexie import exports
from kexie.admin_site import ReportAdmin
from news import submission_stats
from news.models import SubmissionStatistics
from organizations.models import Organization


@admin.register(SubmissionStatistics)
class SubmissionStatisticsAdmin(ReportAdmin):
    """The changelist is the report (see ReportAdmin), for 编辑, 审核 and 站点管理员."""

    report_template = "admin/news/submissionstatistics/report.html"
    print_template = "admin/news/submissionstatistics/print.html"
    # What the report reads; anything else (a lookup such as id__regex) is refused.
    report_parameters = frozenset(
        {"period", "year", "quarter", "month", "start", "end", "kind", "print"}
    )

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name="{}_{}_changelist".format(*info)),
            path("print/", view(self.print_view), name="{}_{}_print".format(*info)),
            path("export/<str:fmt>/", view(self.export_view), name="{}_{}_export".format(*info)),
        ]

    def _report(self, request, *, notify=True):
        if not self.has_view_permission(request):
            raise PermissionDenied
        period, problems = submission_stats.parse_period(request.GET)
        kind, kind_problems = submission_stats.parse_kind(request.GET)
        if notify:
            for problem in [*problems, *kind_problems]:
                messages.warning(request, problem)
        return submission_stats.build_report(period, kind=kind)

    def _context(self, request, report):
        params = report.period.query()
        if report.kind:
            params["kind"] = report.kind
        return {
            "report": report,
            "title": _("Submission statistics"),
            "heading": _("%(period)s submission statistics") % {"period": report.period.label},
            "query": urlencode(params),
            "params": params,
            "period_kinds": submission_stats.PERIOD_KINDS.items(),
            "org_kinds": Organization.Kind.choices,
            "quarters": range(1, 5),
            "months": range(1, 13),
            "columns": len(report.categories) + 9,
        }

    def changelist_view(self, request, extra_context=None):
        if refusal := self.refusal(request):
            return refusal
        report = self._report(request)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "has_view_permission": True,
            **self._context(request, report),
            "export_url": reverse("admin:news_submissionstatistics_export", args=["csv"]),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.report_template, context)

    def print_view(self, request):
        report = self._report(request, notify=False)
        context = {
            "site_header": self.admin_site.site_header,
            "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            **self._context(request, report),
        }
        return TemplateResponse(request, self.print_template, context)

    def export(self, request, fmt):
        report = self._report(request, notify=False)
        headers, rows = submission_stats.table(report)
        exports.record_export(
            request, self.opts, fmt=fmt, filters=request.GET.dict(), rows=len(report.rows)
        )
        name = _("Submission statistics")
        return exports.table_response(
            fmt,
            f"{name}-{report.period.label}",
            headers,
            rows,
            sheet_name=name,
        )
