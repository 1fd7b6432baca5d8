import csv
import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import FileField
from django.test import RequestFactory
from django.urls import reverse

from kexie.models import AuditEntry
from organizations import imports
from organizations.exports import MEMBER_COLUMNS
from organizations.models import Member
from tests.organizations.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("admin:organizations_member_import")
HEADERS = [str(column.header) for column in MEMBER_COLUMNS]
TEA = "恩施州茶叶学会"


def row(number, name="张三", organization=TEA, **values):
    data = dict.fromkeys(HEADERS, "")
    data.update({HEADERS[0]: organization, HEADERS[1]: number, HEADERS[2]: name})
    for index, value in values.items():
        data[HEADERS[int(index[1:])]] = value
    return [data[header] for header in HEADERS]


def csv_file(rows, headers=HEADERS, name="members.csv", encoding="utf-8-sig"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding), "text/csv")


def xlsx_file(rows, headers=HEADERS, name="members.xlsx"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def importer(make_staff):
    return make_staff(
        "organizations.view_member",
        "organizations.import_member",
        "organizations.export_member",
        username="siteadmin",
    )


@pytest.fixture
def tea():
    return OrganizationFactory(name=TEA)


def preview(client, upload):
    response = client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    return response


def confirm(client, response):
    return client.post(
        IMPORT_URL,
        {
            "confirm": "1",
            "token": response.context["token"],
            "filename": response.context["filename"],
        },
    )


def problems(response):
    return dict(response.context["report"].problem_rows)


def test_import_page_needs_permission(client, make_staff):
    client.force_login(make_staff("organizations.view_member", username="editor"))
    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"file": csv_file([])}).status_code == 403


def test_preview_writes_nothing_then_confirm_imports(client, importer, tea):
    client.force_login(importer)
    assert client.get(IMPORT_URL).status_code == 200
    upload = csv_file(
        [
            row(
                "T001",
                "张三",
                c3=str(Member.Gender.FEMALE.label),
                c9="139 0000 1234",
                c5="2019-03-01",
                c11=str(Member.Status.ACTIVE.label),
            ),
            row("T002", "李四", c3="male", c9="13900005678"),
        ]
    )
    response = preview(client, upload)
    report = response.context["report"]
    assert (report.total, report.new, report.problems) == (2, 2, {})
    assert not Member.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()

    done = confirm(client, response)
    assert done.status_code == 302
    zhang = Member.objects.get(membership_number="T001")
    assert (zhang.name, zhang.gender, zhang.mobile, str(zhang.joined_on)) == (
        "张三",
        "female",
        "13900001234",
        "2019-03-01",
    )
    assert zhang.status == "active"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.IMPORT)
    assert entry.user == importer
    assert (entry.details["rows"], entry.details["new"]) == (2, 2)


def test_preview_lists_every_rows_problems_with_row_numbers(client, importer, tea):
    client.force_login(importer)
    upload = xlsx_file(
        [
            row("T001", "张三"),  # row 2: fine
            row("T002", ""),  # row 3: missing name
            row("T003", "王五", c9="12345"),  # row 4: bad phone
            row("T004", "赵六", organization="不存在的学会"),  # row 5: unknown organization
            row("T001", "张三又一次"),  # row 6: duplicate number in the file
            row("T006", "钱七", c10="not-an-email", c4="2999-01-01"),  # row 7
            row("T007", "孙八", c3="unknown"),  # row 8: bad gender
        ]
    )
    response = preview(client, upload)
    found = problems(response)
    assert sorted(found) == [3, 4, 5, 6, 7, 8]
    assert any(HEADERS[2] in message for message in found[3])
    assert any(HEADERS[9] in message for message in found[4])
    assert any("不存在的学会" in message for message in found[5])
    assert any("T001" in message and "2" in message for message in found[6])
    assert len(found[7]) == 2  # bad email and a birth date in the future
    assert "Confirm" not in response.text and 'name="confirm"' not in response.text
    for line in (3, 4, 5, 6, 7, 8):
        assert f"<td>{line}</td>" in response.text
    assert not Member.objects.exists()


def test_exported_file_reimports_as_updates_not_duplicates(client, importer, tea):
    MemberFactory(organization=tea, membership_number="T001", name="张三", employer="=1+1")
    MemberFactory(organization=tea, membership_number="T002", name="李四")
    client.force_login(importer)
    for fmt in ("csv", "xlsx"):
        exported = client.post(reverse("admin:organizations_member_export", args=[fmt]))
        data = b"".join(exported.streaming_content)
        response = preview(client, SimpleUploadedFile(f"export.{fmt}", data))
        report = response.context["report"]
        assert (report.total, report.new, report.updated, report.unchanged) == (2, 0, 0, 2), fmt
        assert report.problems == {}
        confirm(client, response)
    assert Member.objects.count() == 2
    assert Member.objects.get(membership_number="T001").employer == "=1+1"  # un-neutralized


def test_reimport_with_changes_updates_existing_member(client, importer, tea):
    MemberFactory(organization=tea, membership_number="T001", name="张三", title="讲师")
    client.force_login(importer)
    response = preview(client, csv_file([row("T001", "张三", c7="教授"), row("T009", "新人")]))
    report = response.context["report"]
    assert (report.new, report.updated) == (1, 1)
    confirm(client, response)
    assert Member.objects.get(membership_number="T001").title == "教授"
    assert Member.objects.count() == 2


def test_confirm_is_all_or_nothing(client, importer, tea):
    """If the data changed since the preview, the confirmed import writes nothing."""
    doomed = OrganizationFactory(name="恩施州临时学会")
    client.force_login(importer)
    response = preview(
        client,
        csv_file(
            [
                row("T001", "张三"),
                row("T002", "李四"),
                row("X001", "王五", organization=doomed.name),
            ]
        ),
    )
    assert response.context["report"].problems == {}
    doomed.delete()
    rejected = confirm(client, response)
    assert rejected.status_code == 200
    assert rejected.context["rejected"] is True
    assert 4 in problems(rejected)
    assert not Member.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()


def test_confirm_with_unknown_or_foreign_token_is_refused(client, importer, make_staff, tea):
    client.force_login(importer)
    response = preview(client, csv_file([row("T001")]))
    other = make_staff("organizations.import_member", username="other")
    client.force_login(other)
    assert confirm(client, response).status_code == 302  # back to the upload form
    client.post(IMPORT_URL, {"confirm": "1", "token": "../../etc/passwd", "filename": "x"})
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("members.csv", b""), str(FileField.default_error_messages["empty"])),
        (SimpleUploadedFile("members.csv", b"   \r\n"), "空"),
        (SimpleUploadedFile("members.xlsx", b"this is not a workbook"), "Excel"),
        (SimpleUploadedFile("members.xlsx", b"PK\x03\x04broken zip"), "Excel"),
        (SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00"), ".xlsx"),
        (
            SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
            ".xls",
        ),
        (SimpleUploadedFile("members.csv", b"\x00\x01\x02binary\x00"), "CSV"),
    ],
)
def test_bad_files_get_a_clear_error(client, importer, tea, upload, message):
    client.force_login(importer)
    response = client.post(IMPORT_URL, {"file": upload})
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    assert "report" not in response.context


def test_wrong_headers_are_named(client, importer, tea):
    client.force_login(importer)
    response = client.post(IMPORT_URL, {"file": csv_file([["a", "b"]], headers=["foo", "bar"])})
    error = response.context["form"].errors["file"][0]
    assert "foo" in error and "bar" in error and HEADERS[2] in error
    missing = (
        client.post(IMPORT_URL, {"file": csv_file([["张三"]], headers=[HEADERS[2]])})
        .context["form"]
        .errors["file"][0]
    )
    assert HEADERS[0] in missing and HEADERS[1] in missing


def test_header_only_file_is_refused(client, importer, tea):
    client.force_login(importer)
    response = client.post(IMPORT_URL, {"file": csv_file([])})
    assert response.context["form"].errors["file"]


def test_too_large_file_is_refused(client, importer, tea, monkeypatch):
    monkeypatch.setattr(imports, "MAX_IMPORT_BYTES", 100)
    client.force_login(importer)
    response = client.post(IMPORT_URL, {"file": csv_file([row(f"T{n:03d}") for n in range(20)])})
    assert re.search(r"100\s*(bytes|字节)", response.context["form"].errors["file"][0])


def test_too_many_rows_are_refused(client, importer, tea, monkeypatch):
    monkeypatch.setattr(imports, "MAX_IMPORT_ROWS", 5)
    client.force_login(importer)
    for upload in (
        csv_file([row(f"T{n:03d}") for n in range(10)]),
        xlsx_file([row(f"T{n:03d}") for n in range(10)]),
    ):
        response = client.post(IMPORT_URL, {"file": upload})
        assert "5" in response.context["form"].errors["file"][0]


def test_gbk_csv_from_excel_is_read(client, importer, tea):
    client.force_login(importer)
    response = preview(client, csv_file([row("T001", "张三")], encoding="gb18030"))
    assert response.context["report"].problems == {}
    assert response.context["report"].new == 1


def test_confirm_of_a_file_whose_only_problem_is_a_repeated_number_writes_nothing(tea):
    # django-import-export saves the valid rows and knows nothing of the repeat (our own
    # check finds it), so only the transaction around the confirm keeps those rows out.
    upload = imports.read_upload(
        csv_file([row("T001", "张三"), row("T002", "李四"), row("T002", "王五")])
    )
    with pytest.raises(imports.ImportRejected) as rejected:
        imports.import_members(
            request=RequestFactory().post(IMPORT_URL), upload=upload, filename="members.csv"
        )
    assert rejected.value.report.problems
    assert not Member.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.IMPORT).exists()
