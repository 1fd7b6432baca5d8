"""The production settings blocks: object storage, Redis cache, database connections."""

import json
import os
import socket
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.cache import caches
from django.urls import reverse

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "p" * 20 + "-a-long-random-production-secret-value-0123456789",
    "DJANGO_ALLOWED_HOSTS": "kexie.example.org",
}
PROBE = (
    "import json, kexie.settings as s; print(json.dumps({'storage': s.STORAGES['default'], "
    "'media_url': s.MEDIA_URL, 'cache': s.CACHES['default']['BACKEND'], "
    "'ignore': s.CACHES['default'].get('OPTIONS', {}).get('IGNORE_EXCEPTIONS'), "
    "'age': s.DATABASES['default']['CONN_MAX_AGE'], "
    "'checks': s.DATABASES['default']['CONN_HEALTH_CHECKS']}))"
)


def production_settings(**extra):
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KEXIE_", "REDIS_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={**clean, **PRODUCTION, **extra},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_production_keeps_health_checked_connections_and_local_media_by_default():
    probe = production_settings()
    assert probe["age"] == 60 and probe["checks"] is True
    assert probe["storage"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    assert probe["cache"].endswith("LocMemCache")


def test_the_s3_and_redis_variables_switch_media_and_cache():
    probe = production_settings(
        KEXIE_S3_ENDPOINT_URL="http://127.0.0.1:9000",
        KEXIE_S3_BUCKET="media",
        KEXIE_S3_ACCESS_KEY_ID="key",
        KEXIE_S3_SECRET_ACCESS_KEY="secret",
        KEXIE_S3_PUBLIC_URL="https://www.example.org/media",
        REDIS_URL="redis://127.0.0.1:6379/2",
        DJANGO_CONN_MAX_AGE="300",
    )
    options = probe["storage"]["OPTIONS"]
    assert probe["storage"]["BACKEND"] == "storages.backends.s3.S3Storage"
    assert options["bucket_name"] == "media" and options["endpoint_url"] == "http://127.0.0.1:9000"
    assert options["custom_domain"] == "www.example.org/media"
    assert options["querystring_auth"] is False
    assert probe["media_url"] == "https://www.example.org/media/"
    assert probe["cache"] == "django_redis.cache.RedisCache" and probe["ignore"] is True
    assert probe["age"] == 300


def dead_redis_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/2"


@pytest.mark.django_db
def test_with_redis_down_the_cache_misses_and_pages_still_render(settings, client, admin_client):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": dead_redis_url(),
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.2},
        }
    }
    cache = caches["default"]
    cache.set("greeting", "你好")
    assert cache.get("greeting") is None
    for url in ["/", reverse("news:article-list"), "/search/?q=科协", "/healthz"]:
        assert client.get(url).status_code == 200, url
    assert admin_client.get("/admin/").status_code == 200
