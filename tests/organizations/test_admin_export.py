import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from kexie.models import AuditEntry
from organizations.exports import MEMBER_COLUMNS, ORGANIZATION_COLUMNS
from organizations.models import County, Member, Organization
from tests.organizations.factories import MemberFactory, OrganizationFactory
from tests.security.helpers import export

pytestmark = pytest.mark.django_db


CHANGELIST = reverse("admin:organizations_member_changelist")
EXPORT_CSV = reverse("admin:organizations_member_export", args=["csv"])
EXPORT_XLSX = reverse("admin:organizations_member_export", args=["xlsx"])
MEMBER_PERMS = ("organizations.view_member", "organizations.view_organization")


@pytest.fixture
def exporter(make_staff):
    return make_staff(*MEMBER_PERMS, "organizations.export_member", username="siteadmin")


@pytest.fixture
def members():
    tea = OrganizationFactory(name="恩施州茶叶学会", county=County.PREFECTURE)
    lichuan = OrganizationFactory(
        name="利川市科学技术协会", kind=Organization.Kind.COUNTY, county=County.LICHUAN
    )
    MemberFactory(organization=tea, name="张三", membership_number="T001", employer="=HYPERLINK()")
    MemberFactory(organization=tea, name="李四", membership_number="T002", gender="male")
    MemberFactory(organization=tea, name="王五", membership_number="T003", status="left")
    MemberFactory(organization=lichuan, name="赵六", membership_number="L001")
    return tea, lichuan


def read_csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def headers(columns):
    return [str(column.header) for column in columns]


# --- Changelist -------------------------------------------------------------------


def test_changelist_search_and_filters_load(client, superuser, members):
    client.force_login(superuser)
    assert client.get(CHANGELIST).status_code == 200
    for params, expected in [
        ({"q": "张三"}, ["张三"]),
        ({"q": "T002"}, ["李四"]),
        ({"status__exact": "left"}, ["王五"]),
        ({"gender__exact": "male"}, ["李四"]),
        ({"organization__county__exact": "lichuan"}, ["赵六"]),
        ({"organization__kind__exact": "county"}, ["赵六"]),
        ({"joined_year": "2020", "organization__id__exact": members[1].pk}, ["赵六"]),
        ({"joined_year": "1999"}, []),
        ({"joined_year": "junk"}, ["张三", "李四", "王五", "赵六"]),
    ]:
        response = client.get(CHANGELIST, params)
        assert response.status_code == 200, params
        shown = sorted(m.name for m in response.context["cl"].result_list)
        assert shown == sorted(expected), params


def test_changelist_query_count_does_not_grow_with_rows(
    client, superuser, members, django_assert_max_num_queries
):
    client.force_login(superuser)
    client.get(CHANGELIST)  # warm the session and permission caches
    with django_assert_max_num_queries(12) as small:
        client.get(CHANGELIST)
    MemberFactory.create_batch(40, organization=members[0])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == 44


def test_member_add_page_and_organization_autocomplete(client, superuser, members):
    client.force_login(superuser)
    assert client.get(reverse("admin:organizations_member_add")).status_code == 200
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "茶叶",
            "app_label": "organizations",
            "model_name": "member",
            "field_name": "organization",
        },
    )
    assert [item["text"] for item in response.json()["results"]] == ["恩施州茶叶学会"]


def test_organization_changelist_shows_member_counts(client, superuser, members):
    client.force_login(superuser)
    response = client.get(reverse("admin:organizations_organization_changelist"))
    assert response.status_code == 200
    counts = {org.name: org.active_member_count for org in response.context["cl"].result_list}
    assert counts == {"恩施州茶叶学会": 2, "利川市科学技术协会": 1}


def test_member_form_rejects_bad_mobile_and_future_dates(client, superuser, members):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:organizations_member_add"),
        {
            "organization": members[0].pk,
            "membership_number": "T009",
            "name": "新会员",
            "status": "active",
            "mobile": "12345",
            "joined_on": "2999-01-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "mobile" in errors and "joined_on" in errors
    duplicate = client.post(
        reverse("admin:organizations_member_add"),
        {
            "organization": members[0].pk,
            "membership_number": "T001",
            "name": "重号",
            "status": "active",
        },
    )
    assert duplicate.status_code == 200
    assert not Member.objects.filter(name="重号").exists()


# --- Export -----------------------------------------------------------------------


def test_csv_export_is_exactly_the_filtered_list(client, exporter, members):
    client.force_login(exporter)
    response = export(client, EXPORT_CSV, {"organization__id__exact": members[0].pk, "q": "T00"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0] == headers(MEMBER_COLUMNS)
    assert [row[2] for row in rows[1:]] == ["张三", "李四", "王五"]
    zhang = dict(zip(rows[0], rows[1], strict=True))
    # A value a spreadsheet would run as a formula is neutralized.
    assert zhang[str(MEMBER_COLUMNS[6].header)] == "'=HYPERLINK()"
    assert zhang[str(MEMBER_COLUMNS[0].header)] == "恩施州茶叶学会"
    assert zhang[str(MEMBER_COLUMNS[3].header)] == str(Member.Gender.FEMALE.label)

    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.user == exporter
    assert entry.details["format"] == "csv"
    assert entry.details["rows"] == 3
    assert entry.details["filters"] == {"organization__id__exact": str(members[0].pk), "q": "T00"}


def test_xlsx_export_opens_in_openpyxl(client, exporter, members):
    client.force_login(exporter)
    response = export(client, EXPORT_XLSX, {"status__exact": "active"})
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert list(rows[0]) == headers(MEMBER_COLUMNS)
    assert sorted(row[2] for row in rows[1:]) == ["张三", "李四", "赵六"]
    assert AuditEntry.objects.get(action=AuditEntry.Action.EXPORT).details["format"] == "xlsx"


def test_selected_rows_export_as_admin_action(client, exporter, members):
    client.force_login(exporter)
    chosen = Member.objects.filter(name__in=["李四", "赵六"])
    response = client.post(
        CHANGELIST,
        {
            "action": "export_selected_csv",
            "_selected_action": [str(pk) for pk in chosen.values_list("pk", flat=True)],
        },
    )
    assert response.status_code == 200
    assert sorted(row[2] for row in read_csv(response)[1:]) == ["李四", "赵六"]
    assert AuditEntry.objects.get(action=AuditEntry.Action.EXPORT).details["filters"] == {
        "selected": True
    }


def test_export_needs_its_own_permission(client, make_staff, members):
    editor = make_staff(*MEMBER_PERMS, username="editor")
    client.force_login(editor)
    assert export(client, EXPORT_CSV).status_code == 403
    assert export(client, EXPORT_XLSX).status_code == 403
    response = client.get(CHANGELIST)
    assert EXPORT_CSV not in response.text
    assert "export_selected_csv" not in response.text
    # Posting the action anyway exports nothing.
    forged = client.post(
        CHANGELIST,
        {"action": "export_selected_csv", "_selected_action": [str(Member.objects.first().pk)]},
    )
    assert not forged.get("Content-Disposition")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_export_buttons_carry_the_current_filters(client, exporter, members):
    client.force_login(exporter)
    response = client.get(CHANGELIST, {"status__exact": "left", "p": "1"})
    assert f"{EXPORT_CSV}?status__exact=left" in response.text
    assert "p=1" not in response.text.split(EXPORT_CSV, 1)[1].split('"', 1)[0]


def test_export_with_invalid_filter_redirects_with_message(client, exporter, members):
    client.force_login(exporter)
    response = export(client, EXPORT_CSV, {"no_such_field": "1"})
    assert response.status_code == 302
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_organizations_export_with_member_counts(client, exporter, members):
    client.force_login(exporter)
    response = export(
        client,
        reverse("admin:organizations_organization_export", args=["csv"]),
        {"kind__exact": "society"},
    )
    assert response.status_code == 200
    rows = read_csv(response)
    assert rows[0] == headers(ORGANIZATION_COLUMNS)
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record[str(ORGANIZATION_COLUMNS[0].header)] == "恩施州茶叶学会"
    assert record[str(ORGANIZATION_COLUMNS[-2].header)] == "2"
    assert record[str(ORGANIZATION_COLUMNS[-1].header)] == "3"
    assert (
        AuditEntry.objects.get(action=AuditEntry.Action.EXPORT).details["model"]
        == "organizations.organization"
    )


def test_export_record_is_readable_but_not_editable_in_admin(client, superuser, exporter, members):
    client.force_login(exporter)
    export(client, EXPORT_CSV)
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    client.force_login(superuser)
    changelist = client.get(reverse("admin:kexie_auditentry_changelist"))
    assert changelist.status_code == 200
    assert "siteadmin" in changelist.text
    detail = client.get(reverse("admin:kexie_auditentry_change", args=[entry.pk]))
    assert detail.status_code == 200
    assert 'name="_save"' not in detail.text
    client.post(reverse("admin:kexie_auditentry_delete", args=[entry.pk]), {"post": "yes"})
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_organization_add_and_change_pages_load(client, superuser, members):
    client.force_login(superuser)
    assert client.get(reverse("admin:organizations_organization_add")).status_code == 200
    change = reverse("admin:organizations_organization_change", args=[members[0].pk])
    assert client.get(change).status_code == 200
