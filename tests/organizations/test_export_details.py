"""Export files as an office expects them: Chinese names, readable XLSX, 姓名."""

import datetime
import io
from urllib.parse import quote

import openpyxl
import pytest
from django.urls import reverse

from tests.organizations.factories import MemberFactory, OrganizationFactory
from tests.security.helpers import export

pytestmark = pytest.mark.django_db

EXPORT = "admin:organizations_member_export"


@pytest.fixture
def exporter(make_staff):
    return make_staff(
        "organizations.view_member",
        "organizations.view_organization",
        "organizations.export_member",
        username="siteadmin",
    )


@pytest.fixture
def member():
    return MemberFactory(
        organization=OrganizationFactory(name="恩施州茶叶学会"),
        name="张三",
        employer="恩施州农业科学院茶叶研究所",
        birth_date=datetime.date(1980, 5, 17),
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_files_are_named_in_chinese(client, exporter, member, fmt):
    client.force_login(exporter)
    response = export(client, reverse(EXPORT, args=[fmt]))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    # RFC 6266: the UTF-8 name travels in filename*.
    assert f"filename*=utf-8''{quote('会员')}-" in disposition
    assert disposition.endswith(f".{fmt}")


def test_xlsx_has_a_frozen_header_real_dates_and_fitting_widths(client, exporter, member):
    client.force_login(exporter)
    response = export(client, reverse(EXPORT, args=["xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert "姓名" in header and "名称" not in header
    birth = sheet.cell(row=2, column=header.index("出生日期") + 1)
    assert birth.is_date
    assert birth.value.date() == datetime.date(1980, 5, 17)
    employer = header.index("工作单位") + 1
    letter = openpyxl.utils.get_column_letter(employer)
    # 13 Chinese characters take 26 columns of width.
    assert sheet.column_dimensions[letter].width >= 26


def test_member_names_are_labelled_as_a_persons_name(client, superuser, member):
    client.force_login(superuser)
    changelist = client.get(reverse("admin:organizations_member_changelist")).content.decode()
    assert "姓名" in changelist
    form = client.get(
        reverse("admin:organizations_member_change", args=[member.pk])
    ).content.decode()
    assert "姓名" in form
