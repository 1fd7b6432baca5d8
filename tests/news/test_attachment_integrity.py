"""Attachments carry their own approval: a row changed past the application is not served.

An attachment's title, file and size are shown on its article's page and its file
is what the download delivers; an UPDATE straight in the database must not put a
gambling advertisement or another stored file there.
"""

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from kexie.models import AuditEntry
from news.models import Attachment, TamperAlert
from tests.news.factories import ArticleFactory, AttachmentFactory
from tests.news.test_admin import REVIEWER_PERMS, form_data

pytestmark = pytest.mark.django_db

GAMBLING = "新蒲京娱乐场报名表"


def tamper(attachment, **fields):
    assert Attachment.objects.filter(pk=attachment.pk).update(**fields) == 1


def run_verify(capsys):
    try:
        call_command("verify_published")
    except SystemExit as exit_:
        return exit_.code, capsys.readouterr().out
    return 0, capsys.readouterr().out


@pytest.fixture
def attachment():
    attachment = AttachmentFactory(article=ArticleFactory(title="科普日活动通知"), title="活动方案")
    attachment.file.save("活动方案.pdf", ContentFile(b"%PDF-1.4 approved %%EOF"))
    return attachment


def test_an_untouched_attachment_is_served(client, attachment, capsys):
    assert attachment.approval_problems() == []
    page = client.get(attachment.article.get_absolute_url()).text
    assert "活动方案" in page and attachment.get_absolute_url() in page
    assert client.get(attachment.get_absolute_url()).status_code == 200
    assert run_verify(capsys)[0] == 0


def test_a_title_changed_in_the_database_is_caught(client, superuser, attachment, capsys):
    tamper(attachment, title=GAMBLING)
    page = client.get(attachment.article.get_absolute_url())
    assert page.status_code == 200
    assert "科普日活动通知" in page.text  # the article itself is served
    assert "新蒲京" not in page.text
    assert attachment.get_absolute_url() not in page.text
    assert client.get(attachment.get_absolute_url()).status_code == 404

    alert = TamperAlert.objects.get(attachment=attachment)
    assert alert.article_id == attachment.article_id
    assert alert.fields == ["attachments.title"]
    entry = AuditEntry.objects.get(details__step="tampered")
    assert f"#{attachment.pk}" in entry.target
    client.get(attachment.article.get_absolute_url())
    assert TamperAlert.objects.count() == 1  # seen again, not recorded again

    code, out = run_verify(capsys)
    assert code == 1 and GAMBLING in out and "附件标题" in out

    client.force_login(superuser)
    dashboard = client.get(reverse("admin:index")).text
    assert 'id="tamper-alerts"' in dashboard and "附件标题" in dashboard
    # Staff still reach the row as it is, to see what happened.
    assert client.get(attachment.get_absolute_url()).status_code == 200


def test_another_stored_file_put_in_its_place_is_not_delivered(client, attachment):
    from django.core.files.storage import default_storage

    other = default_storage.save("attachments/other.exe", ContentFile(b"MZ not the approved file"))
    tamper(attachment, file=other)
    assert client.get(attachment.get_absolute_url()).status_code == 404
    assert TamperAlert.objects.get(attachment=attachment).fields == ["attachments.file"]


def test_a_reviewers_edit_in_the_admin_is_approved(client, make_staff, attachment):
    article = attachment.article
    client.force_login(make_staff(*REVIEWER_PERMS, "news.delete_attachment"))
    data = form_data(
        article,
        **{
            "attachments-TOTAL_FORMS": "1",
            "attachments-INITIAL_FORMS": "1",
            "attachments-0-id": str(attachment.pk),
            "attachments-0-article": str(article.pk),
            "attachments-0-title": "活动方案（修订）",
            "attachments-0-order": "0",
        },
    )
    response = client.post(reverse("admin:news_article_change", args=[article.pk]), data)
    assert response.status_code == 302, response.text[:3000]
    attachment.refresh_from_db()
    assert attachment.title == "活动方案（修订）"
    assert attachment.approval_problems() == []
    client.logout()
    assert "活动方案（修订）" in client.get(article.get_absolute_url()).text
    assert not TamperAlert.objects.exists()


def test_the_migration_approves_attachments_as_they_stand(attachment):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("news.migrations.0010_attachment_approval")
    Attachment.objects.filter(pk=attachment.pk).update(approved_digests={}, approved_fingerprint="")
    attachment.refresh_from_db()
    assert attachment.approval_problems()
    migration.approve_existing(apps, None)
    attachment.refresh_from_db()
    assert attachment.approval_problems() == []
