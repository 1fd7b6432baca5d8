import csv
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils.translation import gettext

from awards.models import Honour, Level
from kexie.models import AuditEntry
from tests.awards.factories import AwardFactory, HonourFactory, OrganizationFactory
from tests.security.helpers import export

pytestmark = pytest.mark.django_db


GROUP_URL = "/admin/awards/honour/group-entry/"


def test_admin_pages_load(client, superuser):
    honour = HonourFactory(person_name="吴双清", employer="恩施州农科院")
    client.force_login(superuser)
    for url in [
        reverse("admin:awards_award_changelist"),
        reverse("admin:awards_award_add"),
        reverse("admin:awards_award_change", args=[honour.award.pk]),
        reverse("admin:awards_honour_changelist"),
        reverse("admin:awards_honour_add"),
        reverse("admin:awards_honour_change", args=[honour.pk]),
        GROUP_URL,
    ]:
        assert client.get(url).status_code == 200, url
    response = client.get(
        reverse("admin:awards_honour_changelist"),
        {"q": "吴双清", "award__level__exact": "provincial", "year": "2022"},
    )
    assert "吴双清" in response.text
    assert response.context["cl"].result_count == 1


def test_admin_add_honour_checks_the_recipient_against_the_award(client, superuser):
    award = AwardFactory(for_units=True)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:awards_honour_add"),
        {"award": award.pk, "year": "2022", "person_name": "张三", "group_size": "1"},
    )
    assert response.status_code == 200
    assert gettext("This award is given to units; leave the person and member empty.") in (
        response.text
    )
    assert not Honour.objects.exists()


def post_group(client, award, lines, *, confirm=False, year="2022", **extra):
    data = {"award": award.pk, "year": year, "lines": lines, **extra}
    data["_confirm" if confirm else "_preview"] = "1"
    return client.post(GROUP_URL, data)


def test_group_entry_previews_then_creates_every_line_in_one_step(client, superuser):
    award = AwardFactory(name="湖北省企业“创新达人”", level=Level.PROVINCIAL)
    client.force_login(superuser)
    lines = (
        "丛欣，恩施德源硒材料工程科技有限公司\n"
        "刘华英,恩施州农科院\n"
        "邓绍南、湖北某公司\n"
        "高融\t某研究所\n"
        "田宗仁　　某医院\n"
        "\n"
        "马焱雷等9人\n"
    )
    response = post_group(client, award, lines)
    assert response.status_code == 200
    assert 'id="group-preview"' in response.text and "_confirm" in response.text
    assert not Honour.objects.exists()  # a preview writes nothing

    response = post_group(client, award, lines, confirm=True, county="badong", citation="推荐获评")
    assert response.status_code == 302
    honours = {h.person_name: h for h in Honour.objects.filter(award=award, year=2022)}
    assert set(honours) == {"丛欣", "刘华英", "邓绍南", "高融", "田宗仁", "马焱雷"}
    assert honours["丛欣"].employer == "恩施德源硒材料工程科技有限公司"
    assert honours["刘华英"].employer == "恩施州农科院"
    assert honours["邓绍南"].employer == "湖北某公司"
    assert honours["高融"].employer == "某研究所"
    assert honours["田宗仁"].employer == "某医院"
    assert honours["马焱雷"].group_size == 9
    assert {h.county for h in honours.values()} == {"badong"}
    assert {h.created_by for h in honours.values()} == {superuser}


def test_group_entry_refuses_bad_lines_and_writes_nothing(client, superuser):
    award = AwardFactory()
    HonourFactory(award=award, year=2022, person_name="已获奖")
    client.force_login(superuser)
    lines = "\n".join(
        [
            "张三",
            "张三",  # twice
            "李四1",  # digits: a missing separator
            "王" * 60,  # too long
            "已获奖",  # already recorded for 2022
            "赵六等1人",  # a group of one
        ]
    )
    for confirm in (False, True):
        response = post_group(client, award, lines, confirm=confirm)
        assert response.status_code == 200
        assert "_confirm" not in response.text
        text = response.text
        for message in [
            gettext("The same recipient is already on line %(line)d.") % {"line": 1},
            gettext("A name cannot contain digits; check the separator."),
            gettext("A name can have at most %(max)d characters.") % {"max": 50},
            gettext("This recipient already has this award for this year."),
            gettext("A group size must be between 2 and 10000."),
        ]:
            assert message in text
    assert gettext("Nothing was saved. Correct the lines marked below and preview again.") in text
    assert Honour.objects.count() == 1


def test_group_entry_for_units_links_organizations_in_the_directory(client, superuser):
    organization = OrganizationFactory(name="咸丰县科学技术协会", short_name="咸丰县科协")
    award = AwardFactory(for_units=True, name="全国科普日活动优秀组织单位")
    client.force_login(superuser)
    response = post_group(client, award, "咸丰县科协\n恩施市 航空路社区", confirm=True, year="")
    assert response.status_code == 302
    linked = Honour.objects.get(organization=organization)
    assert linked.unit_name == "咸丰县科协" and linked.year is None
    assert Honour.objects.filter(unit_name="恩施市 航空路社区", organization=None).exists()


def test_group_entry_needs_the_add_permission(client, make_staff):
    client.force_login(make_staff("awards.view_honour"))
    assert client.get(GROUP_URL).status_code == 403
    award = AwardFactory()
    assert post_group(client, award, "张三", confirm=True).status_code == 403
    assert not Honour.objects.exists()


def test_export_csv_follows_the_changelist_filters_and_is_audited(client, make_staff):
    HonourFactory(person_name="丛欣", employer="=HYPERLINK(1)", year=2022, group_size=1)
    HonourFactory(person_name="吴双清", year=2021)
    user = make_staff("awards.view_honour", "awards.export_honour")
    client.force_login(user)
    response = export(client, "/admin/awards/honour/export/csv/", {"year": "2022"})
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:3] == [gettext("Year"), gettext("Award"), gettext("Level")]
    assert len(rows) == 2
    assert "丛欣" in rows[1] and "'=HYPERLINK(1)" in rows[1]
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.user == user
    assert entry.details["rows"] == 1 and entry.details["format"] == "csv"


def test_export_xlsx(client, make_staff):
    HonourFactory(person_name="易美军", year=2022)
    client.force_login(make_staff("awards.view_honour", "awards.export_honour"))
    response = export(client, "/admin/awards/honour/export/xlsx/")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    values = list(workbook.active.values)
    assert len(values) == 2 and "易美军" in values[1]
    assert AuditEntry.objects.filter(details__format="xlsx").count() == 1


def test_export_needs_its_own_permission(client, make_staff):
    HonourFactory()
    client.force_login(make_staff("awards.view_honour"))
    assert export(client, "/admin/awards/honour/export/csv/").status_code == 403
    response = client.get(reverse("admin:awards_honour_changelist"))
    assert "/export/csv/" not in response.text
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()
    client.force_login(make_staff("awards.view_honour", "awards.export_honour", username="x"))
    assert export(client, "/admin/awards/honour/export/pdf/").status_code == 404
