"""Back up, lose content, restore into an empty site: everything is back byte for byte.

The commands run as an administrator runs them, in their own processes against a
database and media folder of their own (SQLite files, or databases on the PostgreSQL
server of the suite when it runs on PostgreSQL).
"""

import io
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg2
import pytest
from django.conf import settings
from django.db import connection

from kexie.backup import prune

ROOT = Path(settings.BASE_DIR)

CHANGE_AND_DELETE = """
from django.core.files.storage import default_storage
from awards.models import Honour
from news.models import Article, Attachment
from organizations.models import Member
article = Article.objects.order_by("pk").first()
article.title = "被篡改的标题"
article.save()
Member.objects.filter(pk__in=Member.objects.order_by("pk").values("pk")[:5]).delete()
Honour.objects.filter(pk=Honour.objects.order_by("pk").first().pk).delete()
attachment = Attachment.objects.get(title="年度工作报告")
default_storage.delete(attachment.file.name)
attachment.delete()
"""

ADD_ATTACHMENT = """
from django.core.files.base import ContentFile
from news.models import Article, Attachment
attachment = Attachment(article=Article.objects.order_by("pk").first(), title="年度工作报告")
attachment.file.save("年度工作报告.pdf", ContentFile(bytes(range(256)) * 64), save=False)
attachment.save()
"""


class Site:
    """One database and one media folder, driven through manage.py."""

    def __init__(self, database_url, media_root):
        self.env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "AXES_ENABLED": "0",
            "DATABASE_URL": database_url,
            "MEDIA_ROOT": str(media_root),
        }
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.media_root = Path(media_root)

    def manage(self, *args, check=True):
        result = subprocess.run(  # noqa: S603 - our interpreter and manage.py
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result

    def content(self):
        dumped = self.manage("dumpdata", "news", "organizations", "awards", "--indent", "1")
        return json.loads(dumped.stdout)

    def media(self):
        return {
            str(path.relative_to(self.media_root)): path.read_bytes()
            for path in sorted(self.media_root.rglob("*"))
            if path.is_file()
        }


@pytest.fixture
def database_urls(tmp_path):
    """Two empty databases of the suite's kind: the site and the one restored into."""
    if connection.vendor == "sqlite":
        yield [f"sqlite:///{tmp_path / name}.sqlite3" for name in ("site", "restored")]
        return
    params = connection.get_connection_params()
    base = connection.settings_dict["NAME"]
    names = [f"{base}_backup_site", f"{base}_backup_restored"]
    admin = psycopg2.connect(
        **{k: v for k, v in params.items() if k in {"host", "port", "user", "password"}},
        dbname="postgres",
    )
    admin.autocommit = True

    def recreate(drop_only=False):
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
                if not drop_only:
                    cursor.execute(f'CREATE DATABASE "{name}"')

    recreate()
    user = params.get("user") or ""
    password = f":{params['password']}" if params.get("password") else ""
    host = f"{params.get('host') or '127.0.0.1'}:{params.get('port') or 5432}"
    yield [f"postgres://{user}{password}@{host}/{name}" for name in names]
    recreate(drop_only=True)
    admin.close()


def test_backup_then_restore_brings_back_every_row_and_file(tmp_path, database_urls):
    site = Site(database_urls[0], tmp_path / "media")
    site.manage("migrate", "--noinput", "-v", "0")
    site.manage("load_demo")
    site.manage("shell", "-c", ADD_ATTACHMENT)
    before, files = site.content(), site.media()
    assert any(name.startswith("attachments/") for name in files)
    assert len([o for o in before if o["model"] == "organizations.member"]) > 5

    result = site.manage("backup", "--output", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("kexie-backup-*.tar")
    assert str(archive) in result.stdout
    assert archive.stat().st_mode & 0o077 == 0  # personal data: readable by its owner only
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["counts"]["news.Article"] == len(
        [o for o in before if o["model"] == "news.article"]
    )
    assert {entry["name"] for entry in manifest["files"]} == set(files)

    site.manage("shell", "-c", CHANGE_AND_DELETE)
    assert site.content() != before
    assert site.media() != files

    restored = Site(database_urls[1], tmp_path / "restored-media")
    result = restored.manage("restore", str(archive))
    assert "matches" in result.stdout
    assert restored.content() == before
    assert restored.media() == files


def test_restore_refuses_what_is_not_empty_and_detects_damage(tmp_path, database_urls):
    site = Site(database_urls[0], tmp_path / "media")
    site.manage("migrate", "--noinput", "-v", "0")
    (tmp_path / "media").mkdir(exist_ok=True)
    (tmp_path / "media" / "report.pdf").write_bytes(b"%PDF original")
    site.manage("backup", "--output", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("*.tar")

    refused = site.manage("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "The database is not empty" in refused.stderr

    full_storage = Site(database_urls[1], tmp_path / "media")
    refused = full_storage.manage("restore", str(archive), check=False)
    assert refused.returncode != 0
    assert "The media storage is not empty" in refused.stderr

    not_a_backup = tmp_path / "photo.tar"
    with tarfile.open(not_a_backup, "w") as tar:
        tar.add(tmp_path / "media" / "report.pdf", arcname="report.pdf")
    target = Site(database_urls[1], tmp_path / "restored")
    refused = target.manage("restore", str(not_a_backup), check=False)
    assert "no manifest.json" in refused.stderr

    damaged = tmp_path / "damaged.tar"
    damaged.write_bytes(archive.read_bytes().replace(b"%PDF original", b"%PDF tampered"))
    result = target.manage("restore", str(damaged), check=False)
    assert result.returncode != 0
    assert "report.pdf does not match its checksum" in result.stderr
    assert "nothing was restored" in result.stderr
    assert target.media() == {}

    # The database dump is checked the same way.
    wrong_dump = tmp_path / "wrong-dump.tar"
    with tarfile.open(archive) as source, tarfile.open(wrong_dump, "w") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["database"]["sha256"] = "0" * 64
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    result = target.manage("restore", str(wrong_dump), check=False)
    assert "database.sqlite3 does not match" in result.stderr or (
        "database.dump does not match" in result.stderr
    )
    # The database stayed empty, so the intact archive still restores.
    assert "matches" in target.manage("restore", str(archive)).stdout
    assert target.media() == {"report.pdf": b"%PDF original"}


def test_keep_deletes_all_but_the_newest_archives(tmp_path):
    for day in range(1, 6):
        (tmp_path / f"kexie-backup-2026010{day}-020000.tar").write_bytes(b"old")
    (tmp_path / "notes.txt").write_text("not a backup")
    deleted = prune(tmp_path, 2)
    assert len(deleted) == 3
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "kexie-backup-20260104-020000.tar",
        "kexie-backup-20260105-020000.tar",
        "notes.txt",
    ]
