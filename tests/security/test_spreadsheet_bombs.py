"""Hostile .xlsx files are refused before openpyxl unpacks them."""

import io
import os
import time
import zipfile

import openpyxl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.organizations.factories import OrganizationFactory
from tests.organizations.test_import import HEADERS, IMPORT_URL, TEA, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(make_staff):
    return make_staff("organizations.view_member", "organizations.import_member")


@pytest.fixture
def tea():
    return OrganizationFactory(name=TEA)


def excel_workbook(rows):
    """A workbook as Excel writes it: texts in a shared-strings part (openpyxl inlines them)."""
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer) as workbook:
        sheet = workbook.add_worksheet()
        sheet.write_row(0, 0, HEADERS)
        for number, values in enumerate(rows, start=1):
            sheet.write_row(number, 0, values)
    return buffer.getvalue()


def _with_entries(extra, *, replace=None):
    """A real workbook with ``extra`` entries added and ``replace`` entries swapped."""
    source = excel_workbook([row("T001")])
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as original,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as rebuilt,
    ):
        for item in original.infolist():
            data = (replace or {}).get(item.filename, original.read(item.filename))
            rebuilt.writestr(item.filename, data)
        for name, data in extra.items():
            rebuilt.writestr(name, data)
    return SimpleUploadedFile("members.xlsx", buffer.getvalue())


def shared_strings(count, text=b"a"):
    items = b"".join(b"<si><t>" + text + b"</t></si>" for _ in range(count))
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + items
        + b"</sst>"
    )


@pytest.fixture
def no_parsing(monkeypatch):
    """Fail the test if the workbook reaches openpyxl."""

    def refuse(*args, **kwargs):
        raise AssertionError("the workbook was parsed")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


def _refusal(client, importer, upload):
    client.force_login(importer)
    response = client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    assert "report" not in response.context
    return " ".join(response.context["form"].errors["file"])


def test_the_reported_shared_strings_bomb_is_refused_at_once(client, importer, tea, no_parsing):
    # About 50 MB of shared strings packed into about 100 KB, as reported.
    bomb = _with_entries({}, replace={"xl/sharedStrings.xml": shared_strings(2_800_000)})
    assert bomb.size < 200 * 1024
    started = time.perf_counter()
    message = _refusal(client, importer, bomb)
    assert time.perf_counter() - started < 5
    assert "解压" in message or "压缩" in message


def test_a_part_compressed_too_far_is_refused(client, importer, tea, no_parsing):
    upload = _with_entries({"xl/media/padding.bin": b"\0" * (3 * 1024 * 1024)})
    assert "压缩" in _refusal(client, importer, upload)


def test_a_workbook_that_unpacks_too_large_is_refused(client, importer, tea, settings, no_parsing):
    settings.KEXIE_MAX_XLSX_UNCOMPRESSED_BYTES = 1024 * 1024
    # Random bytes: no compression ratio to speak of, only the size.
    upload = _with_entries({"xl/media/photo.bin": os.urandom(2 * 1024 * 1024)})
    assert "解压" in _refusal(client, importer, upload)


def test_too_many_shared_strings_are_refused(client, importer, tea, settings, no_parsing):
    settings.KEXIE_MAX_XLSX_SHARED_STRINGS = 50
    rows = [row(f"T{n:03d}", name=f"会员{n}") for n in range(60)]
    upload = SimpleUploadedFile("members.xlsx", excel_workbook(rows))
    assert "不同" in _refusal(client, importer, upload)


def test_ordinary_workbooks_still_import(client, importer, tea):
    client.force_login(importer)
    rows = [row(f"T{n:03d}", name=f"会员{n}") for n in range(200)]
    upload = SimpleUploadedFile("members.xlsx", excel_workbook(rows))
    response = client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    assert response.context["report"].new == 200
