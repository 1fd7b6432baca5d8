"""A site admin filters the member list and downloads exactly that list as CSV and Excel."""

import csv
import io

import openpyxl
import pytest
from django.db.models import Q
from playwright.sync_api import expect

from organizations.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_filters_members_and_exports_csv_and_xlsx(page, site, login, make_staff):
    login(make_staff(username="siteadmin", superuser=True))
    page.goto(f"{site}/admin/organizations/member/")
    page.locator("#changelist-filter a", has_text="女").first.click()
    page.fill("#searchbar", "恩施")
    page.press("#searchbar", "Enter")
    expect(page.locator("#result_list")).to_be_visible()

    search = Q()
    for field in ["name", "mobile", "employer", "membership_number"]:
        search |= Q(**{f"{field}__icontains": "恩施"})
    expected = set(
        Member.objects.filter(search, gender=Member.Gender.FEMALE).values_list(
            "membership_number", "name"
        )
    )
    assert expected, "the demo data should have women employed in 恩施"

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="导出为 CSV").click()
    raw = csv_download.value.path().read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows the Chinese intact
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert {(row["会员编号"], row["姓名"]) for row in rows} == expected
    assert {row["性别"] for row in rows} == {"女"}

    with page.expect_download() as xlsx_download:
        page.get_by_role("button", name="导出为 Excel").click()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx")
    workbook = io.BytesIO(xlsx_download.value.path().read_bytes())
    sheet = openpyxl.load_workbook(workbook, read_only=True).active
    header, *data = list(sheet.iter_rows(values_only=True))
    number, name = header.index("会员编号"), header.index("姓名")
    assert {(row[number], row[name]) for row in data} == expected
