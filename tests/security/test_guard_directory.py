"""The banned-term guard also covers the directory and the honours (descriptions, citations)."""

import io

import pytest
from django.core.management import CommandError, call_command

from awards.admin import AwardAdminForm, HonourAdminForm
from awards.forms import GroupEntryForm
from awards.models import Honour
from organizations.admin import OrganizationAdminForm
from organizations.models import Organization
from tests.awards.factories import AwardFactory, HonourFactory
from tests.awards.test_admin import post_group
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def test_organization_description_with_a_disguised_brand_is_refused():
    form = OrganizationAdminForm(
        data={
            "name": "湖北某电气科技有限公司科协",
            "short_name": "",
            "description": "<p>欢迎访问新<b>蒲</b>京官方版</p>",
            "address": "",
            "contact_person": "",
        }
    )
    assert not form.is_valid()
    message = form.errors.as_text()
    assert "新蒲京" in message and "简介" in message


def test_honour_citation_in_full_width_is_refused():
    form = HonourAdminForm(
        data={
            "person_name": "易美军",
            "unit_name": "",
            "employer": "",
            "citation": "推荐单位：８８８０５ＴＣＣＮ",
        }
    )
    assert not form.is_valid()
    assert "88805tccn" in form.errors.as_text().lower()


def test_award_name_is_guarded():
    form = AwardAdminForm(
        data={"name": "新 蒲 京 官 方 版 荣誉", "conferring_body": "", "description": ""}
    )
    assert not form.is_valid()


def test_group_entry_form_refuses_a_banned_name():
    award = AwardFactory()
    form = GroupEntryForm(data={"award": award.pk, "lines": "丛欣\n新蒲京官方版，某公司"})
    assert not form.is_valid()
    assert "新蒲京" in form.errors.as_text()


def test_group_entry_confirmed_with_a_banned_name_writes_nothing(client, superuser):
    # Through the admin view, confirming at once (skipping the preview): the clean
    # first line must not be written either.
    award = AwardFactory()
    client.force_login(superuser)
    response = post_group(client, award, "丛欣\n新蒲京官方版，某公司", confirm=True)
    assert response.status_code == 200
    assert "新蒲京" in response.text
    assert not Honour.objects.exists()


def test_scan_content_finds_terms_written_into_the_directory_and_honours():
    organization = OrganizationFactory(name="恩施州茶叶学会")
    Organization.objects.filter(pk=organization.pk).update(description="<p>新蒲京官方版</p>")
    honour = HonourFactory(citation="表彰")
    Honour.objects.filter(pk=honour.pk).update(citation="88805tccn 赞助")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("scan_content", stdout=out)
    report = out.getvalue()
    assert "恩施州茶叶学会" in report and "简介" in report
    assert f"#{honour.pk}" in report and "88805tccn" in report


def test_scan_content_reads_every_public_field_of_the_directory_and_categories():
    from news.models import Category
    from tests.news.factories import CategoryFactory

    workstation = OrganizationFactory(kind=Organization.Kind.WORKSTATION)
    category = CategoryFactory()
    # Straight into the database, past every form.
    Organization.objects.filter(pk=workstation.pk).update(
        host="新蒲京官方版", website="https://88805tccn.example.com/"
    )
    Category.objects.filter(pk=category.pk).update(name="新\u3164蒲京")
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("scan_content", stdout=out)
    report = out.getvalue()
    assert f"#{workstation.pk}" in report and f"#{category.pk}" in report
    assert "依托单位" in report and "网站" in report


def test_category_name_with_a_brand_is_refused_in_the_admin(client, superuser):
    client.force_login(superuser)
    response = client.post(
        "/admin/news/category/add/",
        {"name": "新蒲京", "slug": "xinpujing", "order": 0, "description": ""},
    )
    assert response.status_code == 200
    assert "新蒲京" in response.content.decode() and "违规词" in response.content.decode()
