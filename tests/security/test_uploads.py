"""Upload attacks on cover images, the editor's image upload and attachments."""

import io
import json
import random
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.news.factories import ArticleFactory, AttachmentFactory
from tests.security.helpers import form_data

pytestmark = pytest.mark.django_db


def png_bytes(size=(8, 8), color="red"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(width=60_000, height=60_000):
    """A few hundred bytes claiming billions of pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _chunk(b"IEND", b"")
    )


def noise_image(image_format, size=(64, 64)):
    """An image that compresses poorly, so cutting or damaging it hits pixel data."""
    rng = random.Random(7)
    pixels = bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(buffer, image_format)
    return buffer.getvalue()


def corrupted_png():
    """Damaged pixel data inside chunks whose checksums are right: only decoding tells."""
    data, position, out = noise_image("PNG"), 8, b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if kind == b"IDAT":
            middle = len(body) // 2
            body = (
                body[:middle]
                + bytes(b ^ 0xFF for b in body[middle : middle + 64])
                + body[middle + 64 :]
            )
        out += _chunk(kind, body)
        position += 12 + length
    return data[:8] + out


HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="8" height="8"/></svg>'
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

BAD_IMAGES = {
    "html renamed .jpg": ("photo.jpg", HTML),
    "svg": ("logo.svg", SVG),
    "svg renamed .png": ("logo.png", SVG),
    "png with html appended (polyglot)": ("photo.png", png_bytes() + HTML),
    "gif/javascript polyglot": ("photo.gif", b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00;*/=alert(1);"),
    "decompression bomb": ("huge.png", bomb_png()),
    "too many pixels": ("big.png", bomb_png(8_000, 8_000)),
    "exe renamed .jpg": ("setup.jpg", EXE),
    "empty file": ("empty.png", b""),
    "truncated png": ("cut.png", noise_image("PNG")[:-300]),
    "truncated jpeg": ("cut.jpg", noise_image("JPEG")[:-600]),
    "corrupted png pixels": ("damaged.png", corrupted_png()),
}


# --- Cover images through the admin --------------------------------------------


def _post_cover(client, name, content):
    article = ArticleFactory(draft=True)
    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(client.get(url).text, "article_form", _save="1")
    data["cover"] = SimpleUploadedFile(name, content)
    return article, client.post(url, data)


@pytest.mark.parametrize("case", list(BAD_IMAGES))
def test_bad_cover_images_are_refused_with_a_message(admin_client, case):
    name, content = BAD_IMAGES[case]
    article, response = _post_cover(admin_client, name, content)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors.get("cover"), case
    article.refresh_from_db()
    assert not article.cover


def test_cover_image_gets_a_generated_name(admin_client):
    article, response = _post_cover(admin_client, "../../../../etc/cover.png", png_bytes())
    assert response.status_code == 302
    article.refresh_from_db()
    name = article.cover.name
    assert name.startswith("covers/") and name.endswith(".png")
    assert ".." not in name and "cover.png" not in name


def test_too_large_cover_says_the_limit(admin_client, settings):
    settings.KEXIE_MAX_IMAGE_BYTES = 1000
    content = png_bytes((200, 200), "blue") + b"\x00" * 2000
    _, response = _post_cover(admin_client, "big.png", content)
    message = " ".join(response.context["adminform"].form.errors["cover"])
    assert "1000" in message.replace("\xa0", " ") or "1,000" in message or "KB" in message


# --- The editor's image upload -------------------------------------------------


def _editor_upload(client, name, content):
    return client.post(
        reverse("kexie:editor-upload"), {"upload": SimpleUploadedFile(name, content)}
    )


@pytest.mark.parametrize("case", list(BAD_IMAGES))
def test_editor_upload_refuses_bad_images(admin_client, case):
    name, content = BAD_IMAGES[case]
    response = _editor_upload(admin_client, name, content)
    payload = json.loads(response.content)
    assert payload["uploaded"] == 0
    assert payload["error"]["message"]


def test_editor_upload_names_files_itself(admin_client):
    first = json.loads(_editor_upload(admin_client, "../../evil.html", png_bytes()).content)
    second = json.loads(_editor_upload(admin_client, "../../evil.html", png_bytes()).content)
    assert first["uploaded"] == second["uploaded"] == 1
    for result in (first, second):
        assert result["url"].endswith(".png")
        assert ".." not in result["url"] and "evil" not in result["url"]
    assert first["url"] != second["url"]


def test_editor_upload_needs_staff_rights_and_csrf(client, admin_user, make_staff):
    assert _editor_upload(client, "a.png", png_bytes()).status_code == 403
    reader = make_staff("news.view_article", username="reader")
    client.force_login(reader)
    assert _editor_upload(client, "a.png", png_bytes()).status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(admin_user)
    assert _editor_upload(strict, "a.png", png_bytes()).status_code == 403
    assert strict.get(reverse("kexie:editor-upload")).status_code == 405


def test_editor_upload_too_large(admin_client, settings):
    settings.KEXIE_MAX_IMAGE_BYTES = 100
    payload = json.loads(_editor_upload(admin_client, "a.png", png_bytes((64, 64))).content)
    assert payload["uploaded"] == 0
    assert payload["error"]["message"]


# --- Attachments -----------------------------------------------------------------

BAD_ATTACHMENTS = {
    "exe renamed .pdf": ("report.pdf", EXE),
    "html renamed .pdf": ("report.pdf", HTML),
    "html renamed .docx": ("report.docx", HTML),
    "html as .txt": ("notes.txt", HTML),
    "svg renamed .txt": ("notes.txt", SVG),
    "svg": ("drawing.svg", SVG),
    "html": ("page.html", HTML),
    "exe": ("setup.exe", EXE),
    "no extension": ("README", PDF),
    "double extension": ("report.pdf.exe", PDF),
    "zip renamed .docx": ("report.docx", b"PK\x03\x04" + b"\x00" * 40),
    "fake image": ("scan.jpg", HTML),
}


def _post_attachment(client, name, content, title=""):
    article = ArticleFactory(draft=True)
    url = reverse("admin:news_article_change", args=[article.pk])
    data = form_data(client.get(url).text, "article_form", _save="1")
    data["attachments-0-file"] = SimpleUploadedFile(name, content)
    data["attachments-0-title"] = title
    return article, client.post(url, data)


@pytest.mark.parametrize("case", list(BAD_ATTACHMENTS))
def test_bad_attachments_are_refused_with_a_message(admin_client, case):
    name, content = BAD_ATTACHMENTS[case]
    article, response = _post_attachment(admin_client, name, content)
    assert response.status_code == 200, case
    formset = next(
        f for f in response.context["inline_admin_formsets"] if f.formset.prefix == "attachments"
    )
    assert formset.formset.forms[0].errors.get("file"), case
    assert not article.attachments.exists()


@pytest.mark.parametrize(
    "name", ["../../../etc/passwd.pdf", "..\\..\\windows\\system.pdf", "/abs/path.pdf"]
)
def test_attachment_path_traversal_gets_a_generated_name(admin_client, name):
    article, response = _post_attachment(admin_client, name, PDF)
    assert response.status_code == 302
    attachment = article.attachments.get()
    assert attachment.file.name.startswith("attachments/")
    assert ".." not in attachment.file.name
    assert "/" not in attachment.original_name


def test_attachments_are_downloaded_never_displayed(client):
    attachment = AttachmentFactory(article=ArticleFactory())
    attachment.original_name = 'report"; filename="evil.html'
    attachment.save()
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="evil.html"' not in disposition
    assert response["X-Content-Type-Options"] == "nosniff"
    response.close()


def test_two_uploads_with_one_name_never_overwrite(admin_client):
    first, _ = _post_attachment(admin_client, "通知.pdf", PDF)
    second, _ = _post_attachment(admin_client, "通知.pdf", PDF + b"%second\n")
    names = {first.attachments.get().file.name, second.attachments.get().file.name}
    assert len(names) == 2


EXPECTED_CODES = {
    "html renamed .jpg": "image_markup",
    "svg": "image_markup",
    "svg renamed .png": "image_markup",
    "png with html appended (polyglot)": "image_markup",
    "gif/javascript polyglot": "invalid_image",
    "decompression bomb": "too_many_pixels",
    "too many pixels": "too_many_pixels",
    "exe renamed .jpg": "invalid_image",
    "empty file": "invalid_image",
    "truncated png": "invalid_image",
    "truncated jpeg": "invalid_image",
    "corrupted png pixels": "invalid_image",
}


@pytest.mark.parametrize("case", list(BAD_IMAGES))
def test_each_image_refusal_says_what_is_wrong(case):
    from django.core.exceptions import ValidationError

    from kexie.uploads import inspect_image

    name, content = BAD_IMAGES[case]
    with pytest.raises(ValidationError) as error:
        inspect_image(SimpleUploadedFile(name, content))
    assert error.value.code == EXPECTED_CODES[case]


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("exe renamed .pdf", "attachment_content"),
        ("html renamed .docx", "attachment_content"),
        ("html as .txt", "attachment_content"),
        ("svg", "attachment_type"),
        ("exe", "attachment_type"),
        ("double extension", "attachment_type"),
    ],
)
def test_each_attachment_refusal_says_what_is_wrong(case, code):
    from django.core.exceptions import ValidationError

    from kexie.uploads import validate_attachment

    name, content = BAD_ATTACHMENTS[case]
    with pytest.raises(ValidationError) as error:
        validate_attachment(SimpleUploadedFile(name, content))
    assert error.value.code == code


@pytest.mark.parametrize(
    ("model", "field"), [("organizations.Organization", "logo"), ("awards.Honour", "photo")]
)
def test_logos_and_honour_photos_get_the_same_image_checks(model, field):
    from django.apps import apps
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    model_field = apps.get_model(model)._meta.get_field(field)
    fake = SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>", "image/png")
    with pytest.raises(ValidationError):
        for validator in model_field.validators:
            validator(fake)
    svg = SimpleUploadedFile("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>')
    with pytest.raises(ValidationError):
        for validator in model_field.validators:
            validator(svg)
    assert model_field.upload_to("x", "../../etc/passwd.png").count("..") == 0


# --- Stored images that went bad ---------------------------------------------------


def test_a_damaged_stored_cover_never_breaks_a_page_or_a_save(client, admin_client):
    article = ArticleFactory(cover=SimpleUploadedFile("ok.png", noise_image("PNG")))
    assert article.cover_thumbnail
    # The stored file is damaged afterwards (a bad disk, a copy cut short).
    with article.cover.storage.open(article.cover.name, "wb") as stored:
        stored.write(noise_image("PNG")[:-300])
    article.cover_thumbnail.storage.delete(article.cover_thumbnail.name)
    article.cover_thumbnail = ""
    article.save()  # makes the thumbnail again: fails softly
    assert not article.cover_thumbnail
    for url in [article.get_absolute_url(), reverse("news:article-list"), reverse("home")]:
        assert client.get(url).status_code == 200, url
    change = reverse("admin:news_article_change", args=[article.pk])
    assert admin_client.get(change).status_code == 200


THUMBNAIL_MEMORY_SCRIPT = """
import io, os, resource
import django
from PIL import Image
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
django.setup()
from django.core.files.base import ContentFile
from kexie.uploads import make_thumbnail
buffer = io.BytesIO()
Image.new("RGB", (6000, 4000), "teal").save(buffer, "JPEG")
cover = ContentFile(buffer.getvalue(), name="cover.jpg")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
thumbnail = make_thumbnail(cover, (480, 320))
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(thumbnail), (after - before) // 1024)
"""


def test_a_big_jpeg_cover_is_thumbnailed_in_little_memory():
    import subprocess
    import sys

    # 6000×4000, the pixel limit, in a fresh process so the peak is its own:
    # the thumbnail adds a few MB. Converting the whole image before shrinking
    # it (as before) held two copies: about 190 MB.
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", THUMBNAIL_MEMORY_SCRIPT], capture_output=True, text=True, check=True
    )
    size, grown_mb = map(int, result.stdout.split())
    assert size > 0
    assert grown_mb < 40, f"the thumbnail of a 24-megapixel JPEG took {grown_mb} MB"


def _damaged_pngs():
    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 50).convert("RGB").save(buffer, "PNG")
    png = buffer.getvalue()
    corrupted = bytearray(png)
    corrupted[png.index(b"IDAT") + 20] ^= 0xFF  # a flipped byte: the chunk's CRC fails
    return {
        "truncated": png[: len(png) // 2],
        "corrupted": bytes(corrupted),
        "without its end": png[:-12],
    }


@pytest.mark.parametrize("case", ["truncated", "corrupted", "without its end"])
def test_damaged_pngs_are_refused_as_images(case):
    # Their header opens fine in Pillow: only reading the whole file finds the damage.
    from django.core.exceptions import ValidationError

    from kexie.uploads import inspect_image

    with pytest.raises(ValidationError) as error:
        inspect_image(SimpleUploadedFile("photo.png", _damaged_pngs()[case]))
    assert error.value.code == "invalid_image"


def test_damaged_png_in_the_editor_upload_gets_a_message(admin_client):
    response = _editor_upload(admin_client, "photo.png", _damaged_pngs()["truncated"])
    payload = json.loads(response.content)
    assert payload["uploaded"] == 0
    assert payload["error"]["message"]
