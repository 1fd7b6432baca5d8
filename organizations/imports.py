"""
Member import: read an uploaded spreadsheet, preview every row's problems, then
write it in one transaction.

The row work (finding the member by organization + membership number, setting
fields, model validation, create or update, skipping unchanged rows) is
django-import-export's ``ModelResource``. Reading the file, the header check,
duplicate numbers within the file and the row numbers users see are ours: the
messages must name the spreadsheet row and the column as the admin sees them.
"""

import csv
import datetime
import io
import re
import secrets
from dataclasses import dataclass, field

import openpyxl
import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, tmp_storages, widgets

from kexie.audit import record
from kexie.db import analyze
from kexie.exports import unneutralize
from kexie.models import AuditEntry
from kexie.uploads import check_xlsx_archive
from organizations.exports import MEMBER_COLUMNS
from organizations.models import ImportPreview, Member, Organization

MAX_IMPORT_BYTES = getattr(settings, "KEXIE_MAX_IMPORT_BYTES", 5 * 1024 * 1024)
MAX_IMPORT_ROWS = getattr(settings, "KEXIE_MAX_IMPORT_ROWS", 20_000)
REQUIRED_FIELDS = ("organization", "membership_number", "name")
# An import adding this many members refreshes the table's planner statistics.
ANALYZE_AFTER_NEW_ROWS = 1000


class ImportFileError(Exception):
    """The file as a whole cannot be imported; the message says why."""


class ImportRejected(Exception):
    """Rows have problems; nothing was written."""

    def __init__(self, report):
        super().__init__("import rejected")
        self.report = report


# --- Widgets: one cell to one value, with messages an admin understands -------


def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number Excel stored as 13900001234.0
    return str(value).strip()


class TextWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        return _cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class MobileWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        text = re.sub(r"[\s\-]", "", _cell_text(value))
        return text.removeprefix("+86")


class ChoiceWidget(widgets.Widget):
    """Accepts the label as exported ("男") or the stored value ("male")."""

    def __init__(self, choices, default=""):
        super().__init__()
        self.choices = choices
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = _cell_text(value)
        if not text:
            return self.default
        for stored, label in self.choices:
            if text in (stored, str(label)):
                return stored
        raise ValueError(
            _("“%(value)s” is not one of: %(allowed)s.")
            % {"value": text, "allowed": "、".join(str(label) for _v, label in self.choices)}
        )

    def render(self, value, obj=None, **kwargs):
        return str(dict(self.choices).get(value, value or ""))


class DateWidget(widgets.Widget):
    FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d")

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _cell_text(value)
        if not text:
            return None
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 - a date
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date; write it as 2020-03-01.") % {"value": text})

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%Y-%m-%d") if value else ""


class OrganizationWidget(widgets.ForeignKeyWidget):
    """Organization by its full name, looked up once per import rather than per row."""

    def __init__(self):
        super().__init__(Organization, field="name")
        self._by_name = None

    def clean(self, value, row=None, **kwargs):
        name = _cell_text(value)
        if not name:
            raise ValueError(_("The organization is missing."))
        if self._by_name is None:
            self._by_name = {org.name: org for org in Organization.objects.only("name")}
        try:
            return self._by_name[name]
        except KeyError:
            raise ValueError(
                _("There is no organization named “%(name)s”.") % {"name": name}
            ) from None


# --- The resource --------------------------------------------------------------

_WIDGETS = {
    "organization": OrganizationWidget,
    "gender": lambda: ChoiceWidget(Member.Gender.choices),
    "status": lambda: ChoiceWidget(Member.Status.choices, default=Member.Status.ACTIVE),
    "birth_date": DateWidget,
    "joined_on": DateWidget,
    "mobile": MobileWidget,
}


class MemberResource(resources.ModelResource):
    """Members keyed by organization + membership number: re-importing updates, never duplicates.

    Column names are the export's headers in the active language, set per instance
    so that a file exported in Chinese is read with Chinese headers.
    """

    class Meta:
        model = Member
        fields = tuple(column.path.split("__")[0] for column in MEMBER_COLUMNS)
        import_id_fields = ("organization", "membership_number")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        use_transactions = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fields = {}
        for column in MEMBER_COLUMNS:
            name = column.path.split("__")[0]
            widget = _WIDGETS.get(name, TextWidget)()
            self.fields[name] = fields.Field(
                attribute=name, column_name=str(column.header), widget=widget
            )
        self.headers = {str(column.header): column.path.split("__")[0] for column in MEMBER_COLUMNS}

    def get_instance(self, instance_loader, row):
        # An unknown organization or a blank key is reported by import_instance()
        # as a field error of that row; here it only means "a new member".
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None


# --- Reading the file ------------------------------------------------------------


@dataclass
class Upload:
    dataset: tablib.Dataset
    lines: list  # spreadsheet row number of each dataset row (the header is row 1)
    headers: list


def read_upload(uploaded):
    """Turn an uploaded CSV or XLSX file into a dataset, or raise ``ImportFileError``."""
    name = (getattr(uploaded, "name", "") or "").lower()
    if uploaded.size > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("The file is %(size)s; imports may be at most %(limit)s.")
            % {"size": filesizeformat(uploaded.size), "limit": filesizeformat(MAX_IMPORT_BYTES)}
        )
    data = uploaded.read(MAX_IMPORT_BYTES + 1)
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("This is an old Excel 97-2003 (.xls) file. Save it as .xlsx or .csv and try again.")
        )
    if data.startswith(b"PK\x03\x04"):
        rows = _xlsx_rows(data)
    elif name.endswith(".xlsx"):
        raise ImportFileError(_("This file is not a readable Excel workbook."))
    elif name.endswith((".csv", ".txt")):
        rows = _csv_rows(data)
    else:
        raise ImportFileError(_("Upload an Excel workbook (.xlsx) or a CSV file (.csv)."))
    return _build_dataset(rows)


def _xlsx_rows(data):
    try:
        # Zip bombs are refused before openpyxl unpacks anything.
        check_xlsx_archive(io.BytesIO(data))
    except ValidationError as error:
        raise ImportFileError(" ".join(error.messages)) from None
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # zipfile, openpyxl and XML errors: any damaged workbook
        raise ImportFileError(_("This file is not a readable Excel workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        for count, row in enumerate(sheet.iter_rows(values_only=True)):
            if count > MAX_IMPORT_ROWS + 1:
                raise ImportFileError(_too_many_rows())
            yield row
    finally:
        workbook.close()


def _csv_rows(data):
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("This file is not a text CSV file."))
    if "\x00" in text:
        raise ImportFileError(_("This file is not a text CSV file."))
    try:
        for count, row in enumerate(csv.reader(io.StringIO(text, newline=""))):
            if count > MAX_IMPORT_ROWS + 1:
                raise ImportFileError(_too_many_rows())
            yield row
    except csv.Error as error:
        raise ImportFileError(
            _("This CSV file cannot be read: %(error)s") % {"error": error}
        ) from error


def _too_many_rows():
    return _("The file has more than %(max)s rows; split it into smaller files.") % {
        "max": MAX_IMPORT_ROWS
    }


def _clean_cell(value):
    if isinstance(value, str):
        return unneutralize(value.strip())
    return value


def _is_blank(row):
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in row)


def _build_dataset(rows):
    rows = iter(rows)
    header_row = None
    line = 0
    for line, row in enumerate(rows, start=1):  # noqa: B007 - line is used below
        if not _is_blank(row):
            header_row = row
            break
    if header_row is None:
        raise ImportFileError(_("The file is empty."))
    headers = [_cell_text(value) for value in header_row]
    while headers and not headers[-1]:
        headers.pop()
    _check_headers(headers)
    width = len(headers)
    dataset = tablib.Dataset(headers=headers)
    lines = []
    for number, row in enumerate(rows, start=line + 1):
        cells = list(row)[:width]
        if _is_blank(cells) and _is_blank(list(row)):
            continue
        cells += [""] * (width - len(cells))
        dataset.append([_clean_cell(value) for value in cells])
        lines.append(number)
    if not lines:
        raise ImportFileError(_("The file has a header row but no members."))
    return Upload(dataset=dataset, lines=lines, headers=headers)


def _check_headers(headers):
    expected = [str(column.header) for column in MEMBER_COLUMNS]
    known = set(expected)
    unknown = [header for header in headers if header not in known]
    if unknown:
        raise ImportFileError(
            _(
                "Unknown columns: %(unknown)s. The first row must hold the columns "
                "of an export: %(expected)s."
            )
            % {
                "unknown": "、".join(h or _("(empty)") for h in unknown),
                "expected": "、".join(expected),
            }
        )
    duplicated = sorted({header for header in headers if headers.count(header) > 1})
    if duplicated:
        raise ImportFileError(
            _("Columns appear twice: %(columns)s.") % {"columns": "、".join(duplicated)}
        )
    by_field = {column.path.split("__")[0]: str(column.header) for column in MEMBER_COLUMNS}
    missing = [by_field[name] for name in REQUIRED_FIELDS if by_field[name] not in headers]
    if missing:
        raise ImportFileError(
            _("Required columns are missing: %(missing)s.") % {"missing": "、".join(missing)}
        )


# --- Preview and import ----------------------------------------------------------


@dataclass
class Report:
    total: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: dict = field(default_factory=dict)  # spreadsheet row -> list of messages

    @property
    def problem_rows(self):
        return sorted(self.problems.items())

    def add(self, line, message):
        self.problems.setdefault(line, []).append(message)


def _duplicates_in_file(upload, report):
    org_header = _header_for("organization")
    number_header = _header_for("membership_number")
    seen = {}
    for line, row in zip(upload.lines, upload.dataset.dict, strict=True):
        key = (_cell_text(row.get(org_header)), _cell_text(row.get(number_header)))
        if not key[1]:
            continue
        if key in seen:
            report.add(
                line,
                _("Membership number %(number)s of %(organization)s also appears in row %(row)s.")
                % {"number": key[1], "organization": key[0], "row": seen[key]},
            )
        else:
            seen[key] = line


def _header_for(field_name):
    for column in MEMBER_COLUMNS:
        if column.path.split("__")[0] == field_name:
            return str(column.header)
    raise KeyError(field_name)


def _run(upload, *, dry_run):
    resource = MemberResource()
    report = Report(total=len(upload.dataset))
    _duplicates_in_file(upload, report)
    result = resource.import_data(
        upload.dataset,
        dry_run=dry_run,
        use_transactions=True,
        raise_errors=False,
        rollback_on_validation_errors=True,
    )
    labels = {name: header for header, name in resource.headers.items()}
    for invalid in result.invalid_rows:
        line = upload.lines[invalid.number - 1]
        for name, messages in invalid.error_dict.items():
            label = labels.get(name) if name != NON_FIELD_ERRORS else None
            for message in messages:
                report.add(line, f"{label}：{message}" if label else str(message))
    for number, errors in result.row_errors():
        line = upload.lines[number - 1] if number else 0
        for error in errors:
            report.add(line, _("This row could not be saved: %(error)s") % {"error": error.error})
    if result.base_errors:
        for error in result.base_errors:
            report.add(0, _("The import failed: %(error)s") % {"error": error.error})
    totals = result.totals
    report.new = totals.get("new", 0)
    report.updated = totals.get("update", 0)
    report.unchanged = totals.get("skip", 0)
    return report


def preview_members(upload):
    """Check every row and count what would change; nothing is written."""
    return _run(upload, dry_run=True)


def import_members(*, request, upload, filename):
    """Write the whole file or nothing; raise ``ImportRejected`` if any row has a problem."""
    with transaction.atomic():
        report = _run(upload, dry_run=False)
        if report.problems:
            raise ImportRejected(report)  # leaving the atomic block rolls every row back
        record(
            action=AuditEntry.Action.IMPORT,
            request=request,
            target=Member._meta.verbose_name_plural,
            details={
                "model": Member._meta.label_lower,
                "file": filename,
                "rows": report.total,
                "new": report.new,
                "updated": report.updated,
                "unchanged": report.unchanged,
            },
        )
        if report.new >= ANALYZE_AFTER_NEW_ROWS:
            transaction.on_commit(lambda: analyze([Member]))
    return report


FILE_HELP = gettext_lazy("An .xlsx or .csv file with the columns of a member export.")


# --- The uploaded file between preview and confirmation ---------------------------


class PreviewUnavailable(Exception):
    """The confirmation names no preview this user may import; the message says why."""


class DatabaseTempStorage(tmp_storages.BaseStorage):
    """django-import-export's temporary-storage interface, kept in the database.

    Its own stores do not fit: TempFolderStorage writes world-readable files in one
    server's /tmp, CacheStorage may evict personal data or lose it with Redis, and
    MediaStorage would put it under the public media. Here the file is a row bound
    to the user who uploaded it; ``name`` is the confirmation token.
    """

    def __init__(self, *, user, filename="", **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.filename = filename

    def save(self, data):
        # Abandoned previews go with the next upload, so no cron job is needed.
        ImportPreview.objects.expired().delete()
        self.name = secrets.token_hex(16)
        ImportPreview.objects.create(
            token=self.name, user=self.user, filename=self.filename[:200], data=data
        )

    def read(self):
        preview = ImportPreview.objects.usable_by(self.user).filter(token=self.name or "").first()
        if preview is None:
            if ImportPreview.objects.filter(token=self.name or "").exclude(user=self.user).exists():
                raise PreviewUnavailable(
                    _("This preview belongs to another user. Upload the file yourself.")
                )
            raise PreviewUnavailable(
                _("This preview has expired or was already imported; upload the file again.")
            )
        self.filename = preview.filename
        return bytes(preview.data)

    def remove(self):
        """Delete the preview; False if it was gone already (confirmed twice at once)."""
        deleted, _rows = ImportPreview.objects.filter(
            token=self.name or "", user=self.user
        ).delete()
        return bool(deleted)
