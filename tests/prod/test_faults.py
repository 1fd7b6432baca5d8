"""
Faults in the rehearsal stack: the database restarted, Redis stopped, the object store down.

These stop and start the servers the stack's URLs point at. On the machine's
shared PostgreSQL (5432) or Redis (6379) they run only when
KEXIE_PROD_TEST_RESTART_SHARED=1 says that nothing else uses them (CI runs
alone); while developing, point the stack at your own servers with
PROD_DATABASE_URL / PROD_REDIS_URL.
"""

import io
import json
import os
import re
import subprocess
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from PIL import Image

from tests.prod.stack import VAR, Client, app_server, manage_shell, site
from tests.security.helpers import form_data

CHINESE = re.compile(r"[\u4e00-\u9fff]{4,}")
SHARED_PORTS = {5432, 6379}


def may_restart(port, what):
    if port in SHARED_PORTS and os.environ.get("KEXIE_PROD_TEST_RESTART_SHARED") != "1":
        pytest.skip(
            f"the stack uses the machine's shared {what} (port {port}); set "
            "KEXIE_PROD_TEST_RESTART_SHARED=1 when nothing else uses it (CI), or point the "
            "stack at your own server (PROD_DATABASE_URL / PROD_REDIS_URL)"
        )


def fresh(path):
    """A URL that the 1-second micro-cache cannot have seen."""
    return f"{path}{'&' if '?' in path else '?'}nocache={uuid.uuid4().hex}"


def every_front(stack):
    return [site(stack), app_server(stack, 1), app_server(stack, 2)]


def wait_for(check, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def signed_in_superuser(stack, make_stack_staff, client):
    username, password = make_stack_staff(f"ops{uuid.uuid4().hex[:6]}", superuser=True)
    assert client.sign_in(username, password).status == 302
    return client


class Traffic(threading.Thread):
    """Requests in a loop while a fault happens; remembers every status seen."""

    def __init__(self, clients, paths):
        super().__init__(daemon=True)
        self.clients, self.paths = clients, paths
        self.statuses = []
        self.bad_bodies = []
        self.running = True

    def run(self):
        while self.running:
            for client in self.clients:
                for path in self.paths:
                    try:
                        response = client.get(fresh(path))
                    except OSError:
                        self.statuses.append("connection error")
                        continue
                    self.statuses.append(response.status)
                    if response.status == 503 and not CHINESE.search(response.text):
                        self.bad_bodies.append(response.text[:300])
            time.sleep(0.05)

    def stop(self):
        self.running = False
        self.join(timeout=30)


# --- PostgreSQL -----------------------------------------------------------------------


def postgres_cluster(port):
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in listing.splitlines():
        version, name, cluster_port, *_ = line.split()
        if int(cluster_port) == port:
            return version, name
    pytest.skip(f"no local PostgreSQL cluster on port {port} to restart")


def pg_ctl(version, name, action):
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action, "-m", "fast"],  # noqa: S607
        check=True,
        capture_output=True,
    )


def test_postgres_restart_gives_chinese_503s_and_the_site_recovers_by_itself(stack):
    port = urlsplit(stack["DATABASE_URL"]).port or 5432
    may_restart(port, "PostgreSQL")
    version, name = postgres_cluster(port)
    paths = ["/", "/news/"]
    for client in every_front(stack):
        assert client.get(fresh("/news/")).status == 200

    traffic = Traffic(every_front(stack), paths)
    traffic.start()
    try:
        pg_ctl(version, name, "stop")
        time.sleep(1)
        for client in every_front(stack):
            for path in paths:
                response = client.get(fresh(path))
                assert response.status == 503, (client.base, path, response.status)
                assert CHINESE.search(response.text), response.text[:300]
        assert site(stack).get("/healthz").status == 503
    finally:
        pg_ctl(version, name, "start")
    started = time.monotonic()
    for client in every_front(stack):
        assert wait_for(lambda client=client: client.get(fresh("/")).status == 200, 15)
    recovered_in = time.monotonic() - started
    # Every worker's kept connection was broken: each must notice and reconnect.
    for client in every_front(stack):
        for _ in range(12):
            assert client.get(fresh("/news/")).status == 200
    traffic.stop()
    assert recovered_in < 15
    assert set(traffic.statuses) <= {200, 503}, sorted(set(map(str, traffic.statuses)))
    assert not traffic.bad_bodies

    # A quick restart while nobody asks: every worker's kept connection is now dead
    # without it knowing. The health check finds out before use, so no visitor sees it.
    pg_ctl(version, name, "restart")
    subprocess.run(
        ["pg_isready", "-h", "127.0.0.1", "-p", str(port), "-t", "15"],  # noqa: S607
        check=True,
        capture_output=True,
    )
    for client in every_front(stack):
        statuses = [client.get(fresh("/news/")).status for _ in range(12)]
        assert statuses == [200] * 12, (client.base, statuses)


# --- Redis ---------------------------------------------------------------------------


def redis_cli(port, *args):
    return subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(port), *args],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
        timeout=10,
    ).stdout.strip()


def redis_setting(port, name):
    lines = redis_cli(port, "CONFIG", "GET", name).splitlines()
    return lines[1] if len(lines) > 1 else ""


CACHE_CODE = """
import json
from django.core.cache import cache
cache.set("kexie-prod-test", "{value}", 60)
print(json.dumps(cache.get("kexie-prod-test")))
"""


def test_redis_stopped_pages_and_admin_keep_working_and_the_cache_returns(stack, make_stack_staff):
    port = urlsplit(stack["REDIS_URL"]).port or 6379
    may_restart(port, "Redis")
    assert redis_cli(port, "PING") == "PONG"
    restart = [
        "redis-server",
        "--daemonize",
        "yes",
        "--bind",
        "127.0.0.1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
    ]
    for name in ("dir", "logfile", "pidfile"):
        if value := redis_setting(port, name):
            restart += [f"--{name}", value]
    admin = signed_in_superuser(stack, make_stack_staff, site(stack))

    redis_cli(port, "SHUTDOWN", "NOSAVE")
    try:
        assert wait_for(lambda: redis_cli(port, "PING") != "PONG", 10)
        for client in every_front(stack):
            for path in [
                "/",
                "/news/",
                "/organizations/",
                "/honours/",
                "/search/?q=%E7%A7%91%E5%8D%8F",
            ]:
                assert client.get(fresh(path)).status == 200, (client.base, path)
        assert admin.get("/admin/").status == 200
        assert admin.get("/admin/news/article/").status == 200
        assert manage_shell(stack, CACHE_CODE.format(value="during")) is None
    finally:
        subprocess.run(restart, check=True, capture_output=True)  # noqa: S603
    assert wait_for(lambda: redis_cli(port, "PING") == "PONG", 10)
    assert manage_shell(stack, CACHE_CODE.format(value="after")) == "after"
    for client in every_front(stack):
        assert client.get(fresh("/")).status == 200
    assert admin.get("/admin/").status == 200


# --- Object store ---------------------------------------------------------------------


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    body = io.BytesIO()
    for name, value in fields.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        )
        body.write(str(value).encode() + b"\r\n")
    for name, (filename, content) in files.items():
        body.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def post_multipart(client: Client, path, fields, files):
    body, content_type = multipart(fields, files)
    return client.request(
        "POST",
        path,
        body=body,
        headers={
            "Content-Type": content_type,
            "Referer": client._origin() + path,
            "Origin": client._origin(),
            "X-CSRFToken": client.cookies.get("csrftoken", ""),
        },
    )


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 60)).save(buffer, "PNG")
    return buffer.getvalue()


STATE_CODE = """
import json
from news.models import Article, Attachment
article = Article.objects.published().filter(cover__gt="").first()
print(json.dumps({"attachments": Attachment.objects.count(), "pk": article.pk,
                  "title": article.title}))
"""


def test_object_store_down_pages_render_uploads_fail_clearly_nothing_half_written(
    stack, make_stack_staff
):
    from deploy import stack as rehearsal

    pid = int((VAR / "run" / "weed.pid").read_text())
    staff = signed_in_superuser(stack, make_stack_staff, app_server(stack, 1))
    before = manage_shell(stack, STATE_CODE)
    change = f"/admin/news/article/{before['pk']}/change/"
    os.killpg(pid, 9)
    try:
        time.sleep(1)
        for client in every_front(stack):
            for path in ["/", "/news/", f"/news/{before['pk']}.html"]:
                response = client.get(fresh(path))
                assert response.status == 200, (client.base, path)

        editor = post_multipart(staff, "/admin/editor/upload/", {}, {"upload": ("a.png", png())})
        assert editor.status == 503
        assert "文件存储暂时不可用" in json.loads(editor.text)["error"]["message"]

        data = form_data(staff.get(change).text, "article_form", _save="1")
        data["title"] = before["title"] + "（改）"
        data["attachments-TOTAL_FORMS"] = str(int(data.get("attachments-TOTAL_FORMS", 0)) + 1)
        index = int(data["attachments-TOTAL_FORMS"]) - 1
        data[f"attachments-{index}-title"] = "新附件"
        response = post_multipart(
            staff,
            change,
            data,
            {f"attachments-{index}-file": ("方案.pdf", b"%PDF-1.4\n%%EOF\n")},
        )
        assert response.status == 503
        assert "文件存储暂时不可用" in response.text
        after = manage_shell(stack, STATE_CODE)
        assert after == before  # neither the title nor an attachment row was written
    finally:
        env = dict(stack)
        rehearsal.start_object_store(env)
    again = post_multipart(staff, "/admin/editor/upload/", {}, {"upload": ("a.png", png())})
    assert again.status == 200 and json.loads(again.text)["uploaded"] == 1
