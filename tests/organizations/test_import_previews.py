"""Import previews live in the database: any app server can confirm, only their owner may."""

import datetime
import io

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from organizations.models import ImportPreview, Member
from tests.organizations.factories import OrganizationFactory
from tests.organizations.test_import import IMPORT_URL, TEA, csv_file, preview, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def importer(make_staff):
    return make_staff(
        "organizations.view_member", "organizations.import_member", username="siteadmin"
    )


@pytest.fixture
def tea():
    return OrganizationFactory(name=TEA)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def confirm(client, token):
    return client.post(IMPORT_URL, {"confirm": "1", "token": token})


def error_messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_preview_on_one_server_confirms_on_another(importer, tea):
    first, second = signed_in(importer), signed_in(importer)  # two sessions, as on two servers
    token = preview(first, csv_file([row("T001", "张三")], name="会员.csv")).context["token"]
    assert ImportPreview.objects.get(token=token).filename == "会员.csv"
    done = confirm(second, token)
    assert done.status_code == 302
    assert Member.objects.get(membership_number="T001").name == "张三"
    assert not ImportPreview.objects.exists()  # deleted on confirm
    again = confirm(first, token)
    assert any("已过期或已经导入" in message for message in error_messages(again))
    assert Member.objects.count() == 1


def test_another_users_confirm_is_refused_and_the_preview_kept(importer, make_staff, tea):
    token = preview(signed_in(importer), csv_file([row("T001")])).context["token"]
    other = make_staff("organizations.import_member", username="other")
    refused = confirm(signed_in(other), token)
    assert refused.status_code == 302
    assert any("另一位用户" in message for message in error_messages(refused))
    assert not Member.objects.exists()
    assert confirm(signed_in(importer), token).status_code == 302
    assert Member.objects.count() == 1


@pytest.mark.parametrize("token", ["", "0" * 32, "../../etc/passwd"])
def test_unknown_tokens_are_refused_with_a_message(importer, tea, token):
    refused = confirm(signed_in(importer), token)
    assert refused.status_code == 302
    assert any("重新上传" in message for message in error_messages(refused))
    assert not Member.objects.exists()


def test_a_preview_with_problems_issues_no_token(importer, tea):
    response = preview(signed_in(importer), csv_file([row("T001"), row("T001", "重复")]))
    assert response.context["report"].problems
    assert "token" not in response.context
    assert 'name="confirm"' not in response.content.decode()
    assert not ImportPreview.objects.exists()


def test_stale_previews_are_refused_and_cleaned_up(importer, tea):
    client = signed_in(importer)
    token = preview(client, csv_file([row("T001")])).context["token"]
    ImportPreview.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    refused = confirm(client, token)
    assert any("已过期" in message for message in error_messages(refused))
    assert not Member.objects.exists()
    # The next upload removes what was abandoned.
    fresh = preview(client, csv_file([row("T002")])).context["token"]
    assert list(ImportPreview.objects.values_list("token", flat=True)) == [fresh]


def test_purge_command_deletes_only_expired_previews(importer, tea):
    client = signed_in(importer)
    kept = preview(client, csv_file([row("T001")])).context["token"]
    abandoned = preview(client, csv_file([row("T002")])).context["token"]
    ImportPreview.objects.filter(token=abandoned).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    call_command("purge_import_previews", stdout=io.StringIO())
    assert list(ImportPreview.objects.values_list("token", flat=True)) == [kept]
