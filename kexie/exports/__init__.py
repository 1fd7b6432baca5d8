"""
Streaming CSV and XLSX exports, written by hand on purpose.

django-import-export builds the whole file in memory through tablib, which at
100,000 rows takes seconds and hundreds of MiB (see bench/). Here rows come
from one ``values_list(...).iterator()`` query: CSV is streamed line by line,
XLSX is written by XlsxWriter in constant-memory mode to a temporary file that
is then streamed. Columns are declared once and shared by both formats.
"""

import csv
import datetime
import io
import tempfile
import unicodedata
from dataclasses import dataclass, field

import xlsxwriter
from django.contrib import messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from kexie.audit import record
from kexie.models import AuditEntry

CHUNK_SIZE = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST_CHARACTERS = frozenset("".join(FORMULA_PREFIXES))
ROWS_PER_WRITE = 500  # CSV lines joined per chunk of the streamed response
MAX_COLUMN_WIDTH = 60  # XLSX: long texts (citations) wrap rather than widen forever


def _render_value(value):
    if value is None:
        return ""
    if type(value) is str:
        return value
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


@dataclass(frozen=True)
class Column:
    header: str
    path: str  # a values_list() lookup, e.g. "organization__name"
    choices: dict = field(default_factory=dict)  # stored value -> label

    def renderer(self):
        """A function from a stored value to its text, made once per export.

        Choice labels are translated here, once, not for every row.
        """
        if not self.choices:
            return _render_value
        labels = {key: str(label) for key, label in self.choices.items()}

        def render_choice(value):
            label = labels.get(value)
            return _render_value(value) if label is None else label

        return render_choice


def neutralize(text):
    """Stop a spreadsheet from running a cell as a formula (CSV injection)."""
    if text and text[0] in FORMULA_FIRST_CHARACTERS:
        return "'" + text
    return text


def unneutralize(text):
    """Undo ``neutralize`` when a file we exported comes back in an import."""
    if text and text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def iter_rows(columns, queryset, *, cell=None):
    """Rows of text from one query; ``cell`` post-processes every rendered value."""
    renderers = [column.renderer() for column in columns]
    if cell is not None:
        renderers = [_then(render, cell) for render in renderers]
    paths = [column.path for column in columns]
    for values in queryset.values_list(*paths).iterator(chunk_size=CHUNK_SIZE):
        yield [render(value) for render, value in zip(renderers, values, strict=True)]


def _then(render, cell):
    return lambda value: cell(render(value))


def csv_response(filename, columns, queryset):
    """UTF-8 with a BOM, so Excel on Chinese Windows opens it without mojibake."""
    headers = [str(column.header) for column in columns]
    return _csv_stream(filename, headers, iter_rows(columns, queryset, cell=neutralize))


def _csv_stream(filename, headers, rows):
    def chunks():
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write("\ufeff")
        writer.writerow(headers)
        for number, row in enumerate(rows, start=1):
            writer.writerow(row)
            if number % ROWS_PER_WRITE == 0:
                yield buffer.getvalue().encode("utf-8")
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode("utf-8")

    response = StreamingHttpResponse(chunks(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def display_width(text):
    """Columns a text takes in a spreadsheet: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _typed_cells(columns, queryset):
    """Rows for XLSX: dates and times stay dates and times (local, as Excel has no
    time zones), choices become their labels, text is text."""
    renderers = [column.renderer() for column in columns]
    paths = [column.path for column in columns]
    for values in queryset.values_list(*paths).iterator(chunk_size=CHUNK_SIZE):
        row = []
        for column, render, value in zip(columns, renderers, values, strict=True):
            if isinstance(value, datetime.datetime) and not column.choices:
                value = timezone.localtime(value).replace(tzinfo=None)
            elif not (isinstance(value, datetime.date) and not column.choices):
                value = render(value)
            row.append(value)
        yield row


def xlsx_response(filename, columns, queryset, *, sheet_name="Sheet1"):
    headers = [str(column.header) for column in columns]
    return _xlsx_file(filename, headers, _typed_cells(columns, queryset), sheet_name=sheet_name)


def _xlsx_file(filename, headers, rows, *, sheet_name):
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    workbook = xlsxwriter.Workbook(
        handle,
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    widths = [display_width(header) for header in headers]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    # The header stays in view while scrolling.
    sheet.freeze_panes(1, 0)
    for row_number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(row_number, col, value, datetime_format)
                width = 19
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row_number, col, value, date_format)
                width = 10
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(row_number, col, value)
                width = len(str(value))
            elif value:  # an empty cell is simply not written
                sheet.write_string(row_number, col, value)
                width = display_width(value)
            else:
                continue
            widths[col] = max(widths[col], width)
    # Wide enough for what is in the column (constant-memory mode writes the
    # column settings at close, so they may come after the rows).
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(max(width, 6) + 2, MAX_COLUMN_WIDTH))
    workbook.close()
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def table_response(fmt, filename, headers, rows, *, sheet_name="Sheet1"):
    """A report that is not one queryset (totals, ranks): ``rows`` of numbers and texts.

    Numbers stay numbers in XLSX; texts are neutralized in CSV as in every export.
    """
    headers = [str(header) for header in headers]
    if fmt == "xlsx":
        typed = (
            [value if isinstance(value, int | float) else str(value) for value in row]
            for row in rows
        )
        return _xlsx_file(f"{filename}.xlsx", headers, typed, sheet_name=sheet_name)
    texts = (
        [
            neutralize(_render_value(value)) if isinstance(value, str) else _render_value(value)
            for value in row
        ]
        for row in rows
    )
    return _csv_stream(f"{filename}.csv", headers, texts)


FORMATS = ("csv", "xlsx")


def export_response(fmt, filename, columns, queryset, **kwargs):
    """``fmt`` is "csv" or "xlsx"; ``filename`` is given without its extension."""
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", columns, queryset, **kwargs)
    return csv_response(f"{filename}.csv", columns, queryset)


def record_export(request, opts, *, fmt, filters, rows):
    """The audit entry every export writes: who took which model's rows, filtered how, how many."""
    record(
        action=AuditEntry.Action.EXPORT,
        request=request,
        target=str(opts.verbose_name_plural),
        details={"model": opts.label_lower, "format": fmt, "filters": filters, "rows": rows},
    )


class ExportAdminMixin:
    """Export what a changelist shows (its filters and search) or the selected rows.

    Declare ``export_columns`` (a sequence of ``Column``) and ``export_permission``
    ("app.codename"); override ``get_export_queryset`` to add annotations the
    columns need. Every export is recorded in the audit log with its format,
    filters and row count. The changelist template posts (with the CSRF token;
    templates/admin/includes/export_buttons.html) to the URLs named
    ``admin:<app>_<model>_export`` with the format as argument; a GET is
    refused, so no link from another site can start an export.
    """

    export_columns = ()
    export_permission = None
    export_filename = None

    def has_export_permission(self, request):
        return bool(self.export_permission) and request.user.has_perm(self.export_permission)

    def get_export_queryset(self, request, queryset):
        return queryset

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "export/<str:fmt>/",
                self.admin_site.admin_view(self.export_view),
                name="{}_{}_export".format(*info),
            ),
            *super().get_urls(),
        ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_export_permission(request):
            for fmt, label in (
                ("csv", _("Export selected as CSV")),
                ("xlsx", _("Export selected as Excel")),
            ):
                name = f"export_selected_{fmt}"
                actions[name] = (self._export_action(fmt), name, label)
        return actions

    def _export_action(self, fmt):
        def action(modeladmin, request, queryset):
            return modeladmin.export(request, queryset, fmt=fmt, filters={"selected": True})

        return action

    def changelist_view(self, request, extra_context=None):
        query = request.GET.copy()
        for key in ("p", "e"):
            query.pop(key, None)
        extra_context = {
            "has_export_permission": self.has_export_permission(request),
            "export_query": query.urlencode(),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context=extra_context)

    def export_view(self, request, fmt):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_export_permission(request):
            raise PermissionDenied
        if fmt not in FORMATS:
            raise Http404
        try:
            changelist = self.get_changelist_instance(request)
        except (IncorrectLookupParameters, DisallowedModelAdminLookup) as error:
            if isinstance(error, DisallowedModelAdminLookup):
                record(
                    action=AuditEntry.Action.DENIED,
                    request=request,
                    target=self.opts.verbose_name_plural,
                    details={"event": "export_lookup", "filters": request.GET.dict()},
                )
            messages.error(request, _("These filters are not valid; nothing was exported."))
            info = self.opts.app_label, self.opts.model_name
            return HttpResponseRedirect(reverse("admin:{}_{}_changelist".format(*info)))
        filters = {
            key: values if len(values) > 1 else values[0] for key, values in request.GET.lists()
        }
        return self.export(request, changelist.queryset, fmt=fmt, filters=filters)

    def export(self, request, queryset, *, fmt, filters):
        queryset = self.get_export_queryset(request, queryset)
        row_count = queryset.count()
        record_export(request, self.opts, fmt=fmt, filters=filters, rows=row_count)
        # Named in Chinese ("会员-20261201-093000.xlsx"); the response sends it with
        # RFC 6266's filename* so browsers keep the characters.
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        filename = f"{self.export_filename or self.opts.verbose_name_plural}-{stamp}"
        return export_response(
            fmt,
            filename,
            self.export_columns,
            queryset,
            sheet_name=str(self.opts.verbose_name_plural),
        )
