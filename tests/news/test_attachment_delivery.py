"""Attachments leave only through the download view's permission check."""

import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage

from tests.news.factories import ArticleFactory, AttachmentFactory

pytestmark = pytest.mark.django_db

PAYLOAD = b"%PDF-1.4 \xe5\x86\x85\xe9\x83\xa8\xe6\x9d\x90\xe6\x96\x99 secret body"


class NoLocalPathStorage(InMemoryStorage):
    """Like S3Storage: files can be opened, but there is no local path to read."""

    def path(self, name):
        raise NotImplementedError("This backend doesn't support absolute paths.")

    def _relative_path(self, name):
        # InMemoryStorage resolves names through path(); keep that inside the backend.
        return os.path.relpath(super().path(name), self.location)


@pytest.fixture
def accel(settings):
    settings.KEXIE_ACCEL_REDIRECT_PREFIX = "/_protected/"


def attachment_of(article):
    attachment = AttachmentFactory(article=article, title="内部材料")
    attachment.file.save("内部材料.pdf", ContentFile(PAYLOAD))
    attachment.original_name = "内部材料.pdf"
    attachment.save()
    return attachment


def test_behind_nginx_the_view_hands_over_with_x_accel_redirect(client, accel):
    attachment = attachment_of(ArticleFactory())
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"].startswith("/_protected/attachments/")
    assert response["X-Accel-Redirect"].endswith(".pdf")
    assert attachment.file.name.split("/")[-1].split(".")[0] in response["X-Accel-Redirect"]
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%86%85%E9%83%A8%E6%9D%90%E6%96%99.pdf" in disposition


def test_behind_nginx_an_unpublished_attachment_is_not_handed_over(client, accel, make_staff):
    attachment = attachment_of(ArticleFactory(draft=True))
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 404
    assert "X-Accel-Redirect" not in response
    client.force_login(make_staff("news.view_article"))
    staff = client.get(attachment.get_absolute_url())
    assert staff["X-Accel-Redirect"].startswith("/_protected/attachments/")
    assert "no-store" in staff["Cache-Control"] and "private" in staff["Cache-Control"]


def test_without_the_prefix_the_file_is_streamed_from_storage(client):
    attachment = attachment_of(ArticleFactory())
    response = client.get(attachment.get_absolute_url())
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == PAYLOAD
    assert "%E5%86%85%E9%83%A8%E6%9D%90%E6%96%99.pdf" in response["Content-Disposition"]


def test_streaming_works_on_a_storage_without_local_paths(client, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.NoLocalPathStorage"},
    }
    attachment = attachment_of(ArticleFactory())
    with pytest.raises(NotImplementedError):
        attachment.file.path  # noqa: B018 - proves the storage has no local file
    response = client.get(attachment.get_absolute_url())
    assert b"".join(response.streaming_content) == PAYLOAD


def test_a_missing_file_is_not_found_not_an_error(client):
    attachment = attachment_of(ArticleFactory())
    attachment.file.storage.delete(attachment.file.name)
    assert client.get(attachment.get_absolute_url()).status_code == 404
