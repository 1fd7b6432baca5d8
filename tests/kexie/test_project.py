import os
import subprocess
import sys
from io import BytesIO, StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image

from kexie.i18n import catalog_problems
from news.models import Article, Category

ROOT = Path(settings.BASE_DIR)


def png_bytes(size=(40, 30)):
    buffer = BytesIO()
    Image.new("RGB", size, (200, 10, 10)).save(buffer, "PNG")
    return buffer.getvalue()


def run_settings(env):
    """Import the settings in a fresh interpreter with the given environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "-c", "import kexie.settings"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_chinese_catalog_is_complete_and_compiled():
    assert catalog_problems() == []


@pytest.mark.parametrize(
    "env",
    [
        {"DJANGO_DEBUG": "0", "DJANGO_ALLOWED_HOSTS": "kexie.example.org"},
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "short", "DJANGO_ALLOWED_HOSTS": "a.org"},
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60},
        {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "*"},
    ],
)
def test_production_refuses_an_insecure_configuration(env):
    result = run_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr


def test_production_with_the_required_variables_passes_the_deploy_check():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="k" * 20 + "-a-long-random-production-secret-value-0123456789",
        DJANGO_ALLOWED_HOSTS="kexie.example.org",
        DJANGO_SETTINGS_MODULE="kexie.settings",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_editor_sample_and_test_pages_are_never_served():
    assert finders.find("ckeditor/ckeditor/ckeditor.js") is not None
    assert finders.find("ckeditor/ckeditor/plugins/preview/preview.html") is None
    hidden = "ckeditor/ckeditor/plugins/exportpdf/tests/manual/integration.html"
    assert finders.find(hidden) is None
    listed = {path for finder in finders.get_finders() for path, _ in finder.list([])}
    assert not any("/tests/" in path or "samples" in path for path in listed)


@pytest.mark.django_db
class TestEditorUpload:
    url = reverse("kexie:editor-upload")

    def test_staff_upload_a_real_image(self, client, make_staff):
        client.force_login(make_staff("news.change_article"))
        upload = SimpleUploadedFile("照片.png", png_bytes(), content_type="image/png")
        data = client.post(self.url, {"upload": upload}).json()
        assert data["uploaded"] == 1
        assert data["url"].startswith("/media/editor/") and data["url"].endswith(".png")
        assert "照片" not in data["url"]  # generated name

    def test_a_fake_image_is_refused_with_a_message(self, client, make_staff):
        client.force_login(make_staff("news.change_article"))
        upload = SimpleUploadedFile("x.png", b"<html><script>alert(1)</script>", "image/png")
        data = client.post(self.url, {"upload": upload}).json()
        assert data["uploaded"] == 0
        assert "不能作为图片上传" in data["error"]["message"]

    def test_the_public_and_staff_without_rights_cannot_upload(self, client, make_staff):
        upload = SimpleUploadedFile("a.png", png_bytes(), "image/png")
        assert client.post(self.url, {"upload": upload}).status_code == 403
        client.force_login(make_staff(username="nobody"))
        assert client.post(self.url, {"upload": upload}).status_code == 403

    def test_upload_needs_the_csrf_token(self, make_staff):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(make_staff("news.change_article"))
        upload = SimpleUploadedFile("a.png", png_bytes(), "image/png")
        assert client.post(self.url, {"upload": upload}).status_code == 403


@pytest.mark.django_db
def test_cover_gets_a_thumbnail(client):
    from tests.news.factories import ArticleFactory

    article = ArticleFactory(cover=SimpleUploadedFile("封面.png", png_bytes((1200, 800))))
    assert article.cover_thumbnail
    with Image.open(article.cover_thumbnail) as thumb:
        assert thumb.size[0] <= 480 and thumb.size[1] <= 320
    assert article.cover_thumbnail.url in client.get(reverse("news:article-list")).text


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_publishes_the_seed_article(client):
    call_command("load_demo", stdout=StringIO())
    counts = (Category.objects.count(), Article.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (Category.objects.count(), Article.objects.count()) == counts

    seed = Article.objects.get(pk=488)
    assert seed.title == "回望五年奋斗路，这份答卷请审阅！"
    assert seed.category.name == "新闻资讯" and seed.category.parent.name == "新闻中心"
    assert seed.view_count == 16389
    response = client.get("/news/488.html")
    assert response.status_code == 200
    assert "2022-12-17 09:53:03" in response.text
    assert "<h2>坚持思想政治引领</h2>" in response.text
    for spam in ["新蒲京", "88805tccn", "官方版"]:
        assert spam not in seed.title + seed.body
    # The new articles do not collide with the legacy id.
    assert Article.objects.create(title="新稿件", category=seed.category).pk != 488


@pytest.mark.django_db
def test_ensure_admin_prints_the_credentials_once_generated(
    tmp_path, monkeypatch, django_user_model
):
    from kexie.management.commands import ensure_admin

    monkeypatch.setattr(ensure_admin, "PASSWORD_FILE", tmp_path / "admin-password")
    out = StringIO()
    call_command("ensure_admin", stdout=out)
    password = (tmp_path / "admin-password").read_text().strip()
    assert f"password: {password}" in out.getvalue()
    again = StringIO()
    call_command("ensure_admin", stdout=again)
    assert f"password: {password}" in again.getvalue()  # the same password, not a new one
    admin = django_user_model.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)
