"""The nginx site that deploy/nginx.py renders: valid for nginx, in step with the settings."""

import subprocess

import pytest

from deploy import nginx
from deploy.stack import nginx_binary

MAIN = """
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{}}
http {{
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {site};
}}
"""


def render(settings, tmp_path, **extra):
    return nginx.render(
        settings=settings,
        server_name="www.example.org",
        certificate="/etc/ssl/certs/ssl-cert-snakeoil.pem",
        certificate_key="/etc/ssl/private/ssl-cert-snakeoil.key",
        app_servers=["127.0.0.1:8001", "127.0.0.1:8002"],
        micro_cache_dir=tmp_path / "cache",
        **extra,
    )


def s3(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"endpoint_url": "http://127.0.0.1:8333", "bucket_name": "media"},
        },
    }


@pytest.mark.parametrize("storage", ["disk", "s3"])
def test_the_site_is_accepted_by_nginx(settings, tmp_path, storage):
    if nginx_binary() is None:
        pytest.skip("nginx is not installed")
    if storage == "s3":
        s3(settings)
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",  # noqa: S607
         "-subj", "/CN=test", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    site = nginx.render(
        settings=settings,
        server_name="www.example.org",
        certificate=cert,
        certificate_key=key,
        app_servers=["127.0.0.1:8001"],
        listen="127.0.0.1:18443",
        micro_cache_dir=tmp_path / "cache",
        redirect_http=False,
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(MAIN.format(tmp=tmp_path, site=tmp_path / "site.conf"))
    binary = nginx_binary()
    result = subprocess.run(  # noqa: S603
        [binary, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_upload_limit_follows_the_settings(settings, tmp_path):
    settings.KEXIE_MAX_ATTACHMENT_BYTES = 80 * 1024 * 1024
    assert "client_max_body_size 82m;" in render(settings, tmp_path)
    settings.KEXIE_MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
    assert "client_max_body_size 22m;" in render(settings, tmp_path)


@pytest.mark.parametrize("storage", ["disk", "s3"])
def test_attachments_leave_only_through_the_internal_location(settings, tmp_path, storage):
    if storage == "s3":
        s3(settings)
    site = render(settings, tmp_path)
    refused = site.split("location ^~ /media/attachments/ {", 1)[1].split("}", 1)[0]
    assert "return 404;" in refused
    protected = site.split("/_protected/", 1)[1].split("}", 1)[0]
    assert "internal;" in protected
    if storage == "disk":
        assert f"alias {settings.MEDIA_ROOT}/;" in protected
    else:
        assert "proxy_pass http://kexie_s3/media/$1;" in protected


def test_the_client_address_is_the_tcp_peer_never_a_forwarded_header(settings, tmp_path):
    site = render(settings, tmp_path)
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in site
    assert "$proxy_add_x_forwarded_for" not in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
