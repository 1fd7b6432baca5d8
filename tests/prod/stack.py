"""
Talking to the running rehearsal stack (make prod-up) from the outside.

Everything goes over real sockets: HTTPS to nginx, plain HTTP to each app
server, with a chosen loopback source address so that nginx sees different
clients (127.0.0.2, 127.0.0.3 … all reach 127.0.0.1 under Linux). Setup that
needs the database runs ``manage.py shell`` with the stack's environment.
"""

import gzip
import http.client
import json
import os
import re
import ssl
import subprocess
import sys
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent.parent
ENV_FILE = ROOT / ".local" / "prod.env"
VAR = ROOT / "var" / "prod"


def load_env():
    values = {}
    for line in ENV_FILE.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    return values


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self):
        data = self.body
        if self.headers.get("content-encoding") == "gzip":
            data = gzip.decompress(data)
        return data.decode("utf-8", errors="replace")

    def header(self, name):
        return self.headers.get(name.lower(), "")


@dataclass
class Client:
    """One browser: a base URL, a loopback source address and its cookies."""

    base: str
    source: str = "127.0.0.1"
    cookies: dict = field(default_factory=dict)
    extra_headers: dict = field(default_factory=dict)
    # What the browser believes it talks to (the app servers sit behind TLS).
    origin: str = ""

    def _connection(self):
        parts = urlsplit(self.base)
        if parts.scheme == "https":
            context = ssl.create_default_context()
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
            return http.client.HTTPSConnection(
                parts.hostname,
                parts.port,
                timeout=20,
                context=context,
                source_address=(self.source, 0),
            )
        return http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=20, source_address=(self.source, 0)
        )

    def request(self, method, path, *, body=None, headers=None, gzip_ok=False):
        connection = self._connection()
        parts = urlsplit(self.base)
        sent = {
            "Host": parts.netloc,
            "Accept-Encoding": "gzip" if gzip_ok else "identity",
            **self.extra_headers,
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            data = raw.read()
            headers_out = {}
            for key, value in raw.getheaders():
                key = key.lower()
                if key == "set-cookie":
                    cookie = SimpleCookie()
                    cookie.load(value)
                    for name, morsel in cookie.items():
                        if morsel.value and morsel["max-age"] != "0":
                            self.cookies[name] = morsel.value
                        else:
                            self.cookies.pop(name, None)
                headers_out[key] = headers_out[key] + ", " + value if key in headers_out else value
            return Response(raw.status, headers_out, data)
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path, data, *, referer=None):
        return self.request(
            "POST",
            path,
            body=urlencode(data, doseq=True),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": referer or self._origin() + path,
                "Origin": self._origin(),
            },
        )

    def _origin(self):
        return self.origin or self.base.rstrip("/")

    def csrf_token(self, path):
        page = self.get(path)
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert match, f"no CSRF token on {path} ({page.status})"
        return match.group(1)

    def sign_in(self, username, password, *, token=None):
        token = token or self.csrf_token("/admin/login/")
        return self.post_form(
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": token,
                "username": username,
                "password": password,
                "next": "/admin/",
            },
        )


def site(env, **kwargs):
    return Client(env["PROD_SITE_URL"], **kwargs)


def app_server(env, number, **kwargs):
    """An app server reached directly, as nginx would reach it (X-Forwarded-Proto: https)."""
    port = env["PROD_APP_PORTS"].split(",")[number - 1]
    client = Client(f"http://127.0.0.1:{port}/", **kwargs)
    client.extra_headers["X-Forwarded-Proto"] = "https"
    client.origin = f"https://127.0.0.1:{port}"
    return client


def manage_shell(env, code):
    """Run Python in ``manage.py shell`` against the stack; return what it printed as JSON."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "KEXIE_"))}
    clean.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    last = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "null"
    return json.loads(last)
