"""Covers, thumbnails, editor images and attachments on a real S3 server, not the disk."""

import io
import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from news.models import Attachment
from tests.news.factories import ArticleFactory, AttachmentFactory
from tests.security.helpers import form_data
from tests.storage.conftest import s3_storages

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(size=(1200, 800)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def stored(s3_media, name):
    """The object's bytes, read from the S3 server itself."""
    response = s3_media["client"].get_object(Bucket=s3_media["bucket"], Key=name)
    return response["Body"].read()


def test_cover_and_its_thumbnail_are_stored_and_read_back(s3_media, admin_client):
    article = ArticleFactory(draft=True)
    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).text, "article_form", _save="1")
    cover = png_bytes()
    data["cover"] = SimpleUploadedFile("封面.png", cover)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content[:500]
    article.refresh_from_db()
    assert stored(s3_media, article.cover.name) == cover
    thumbnail = stored(s3_media, article.cover_thumbnail.name)
    with Image.open(io.BytesIO(thumbnail)) as image:
        assert image.format == "JPEG"
        assert image.size[0] <= 480 and image.size[1] <= 320
    # The storage hands out a URL on the store, not a local /media/ path.
    assert article.cover_thumbnail.url.startswith(s3_media["endpoint"])


def test_public_pages_link_the_stored_thumbnail(s3_media, client):
    article = ArticleFactory(cover=SimpleUploadedFile("a.png", png_bytes()))
    page = client.get(reverse("news:article-list")).text
    assert article.cover_thumbnail.name in page


def test_editor_image_is_stored_and_its_url_serves_it(s3_media, client, make_staff):
    import urllib.request

    client.force_login(make_staff("news.change_article"))
    image = png_bytes((300, 200))
    data = client.post(
        reverse("kexie:editor-upload"), {"upload": SimpleUploadedFile("图.png", image)}
    ).json()
    assert data["uploaded"] == 1, data
    name = data["url"].split(f"/{s3_media['bucket']}/", 1)[1].split("?", 1)[0]
    assert name.startswith("editor/")
    assert stored(s3_media, name) == image
    with urllib.request.urlopen(data["url"], timeout=10) as response:  # noqa: S310 - our test server
        assert response.read() == image


def test_attachment_uploaded_in_the_admin_is_stored_and_downloaded(s3_media, admin_client, client):
    article = ArticleFactory(draft=True)
    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).text, "article_form", _save="1")
    data["attachments-0-file"] = SimpleUploadedFile("实施方案.pdf", PDF)
    data["attachments-0-title"] = "实施方案"
    assert admin_client.post(url, data).status_code == 302
    attachment = article.attachments.get()
    assert attachment.file.name.startswith("attachments/")
    assert attachment.size == len(PDF)
    assert stored(s3_media, attachment.file.name) == PDF

    download = reverse("news:attachment-download", args=[attachment.pk])
    assert client.get(download).status_code == 404  # draft: not for the public
    response = admin_client.get(download)  # staff may read a draft's files
    assert response.status_code == 200
    if not response.has_header("X-Accel-Redirect"):
        assert b"".join(response.streaming_content) == PDF


def test_attachment_factory_file_round_trips(s3_media):
    attachment = AttachmentFactory()
    with attachment.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4\n%%EOF\n"


def unused_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def store_down(settings, s3_server):
    dead = {**s3_server, "endpoint": f"http://127.0.0.1:{unused_port()}"}
    settings.STORAGES = s3_storages(settings, bucket="gone", **dead)


def test_store_down_pages_render_and_uploads_fail_clearly_leaving_nothing(
    store_down, admin_client, client
):
    article = ArticleFactory(title="存储故障时的文章")
    assert client.get(article.get_absolute_url()).status_code == 200
    assert client.get(reverse("news:article-list")).status_code == 200

    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(admin_client.get(url).text, "article_form", _save="1")
    data["title"] = "改了标题"
    data["attachments-0-file"] = SimpleUploadedFile("方案.pdf", PDF)
    response = admin_client.post(url, data)
    assert response.status_code == 503
    assert "文件存储暂时不可用" in response.text
    article.refresh_from_db()
    assert article.title == "存储故障时的文章"  # the whole save was rolled back
    assert not Attachment.objects.exists()

    editor = admin_client.post(
        reverse("kexie:editor-upload"), {"upload": SimpleUploadedFile("x.png", png_bytes((10, 10)))}
    )
    assert editor.status_code == 503
    assert "文件存储暂时不可用" in editor.json()["error"]["message"]
