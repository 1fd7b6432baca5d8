"""
Public pages beside the floor, served by gunicorn in production settings.

``python -m bench.run pages`` (PostgreSQL; set ``DATABASE_URL`` to a database of
your own, e.g. ``postgres://postgres@127.0.0.1:5432/kexie_bench_speed``, and
``REDIS_URL``, default ``redis://127.0.0.1:6379/3``). It loads the demo content
plus 1,000 articles of ~1,500 characters, starts gunicorn (2 sync workers,
``DJANGO_DEBUG=0``, persistent connections, the Redis cache) with a benchmark
URLconf that adds two yardsticks, and runs ``wrk`` against:

- the floor: a Django view returning fixed bytes, through the same middleware;
- a plain Django view: one query and a template;
- each public page *warm* (served from the page cache), *edited* (an article is
  saved every second during the run, so each app server renders the page anew
  after each edit) and *cold* (every request is a page never seen before: a
  unique junk query parameter per request makes the page render, be scanned
  for banned terms, compressed and stored, as the first request after an edit
  does);
- site search over 20,000 articles (19,000 more are added for that row).

It prints req/s, p50 and p99 and each row's ratio to the floor measured in the
same run (the mean of the floor before and after), checks that the view count
grows by exactly the number of readings sent, and prints, in-process with debug
off, what rendering each page costs (not in the cache, and right after an edit)
and what the banned-term scan and gzip add (paid once per cached version).
This process and the app servers share the secret key (articles are approved
with it) and the cache configuration (so the edits made here reach them).

``BENCH_SECONDS`` (default 5) and ``BENCH_ROUNDS`` (default 1) tune the run.
"""

import datetime
import gzip
import http.client
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from bench.search import CHARS, FILLER
from kexie import pagecache, search
from kexie.pagecache import scan
from news import services
from news.models import Article, ArticleDailyView, Category
from organizations.models import Organization

ROOT = Path(__file__).resolve().parent.parent
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1"))
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36"
PAGE_ARTICLES = 1_000
SEARCH_ARTICLES = 20_000
BODY_CHARS = 1_500
COUNT_READINGS = 800
COUNT_THREADS = 8

COLD_LUA = """
local n = 0
local sep = string.find(wrk.path, "?", 1, true) and "&" or "?"
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
request = function()
  n = n + 1
  return wrk.format(nil, wrk.path .. sep .. "cold=%(token)s-" .. tid .. "-" .. n)
end
"""


# --- Content ------------------------------------------------------------------


def make_articles(count, rng, *, start=0):
    categories = list(Category.objects.filter(parent__isnull=False)) or list(Category.objects.all())
    now = timezone.now()
    articles = []
    for number in range(start, start + count):
        words, length = [], 0
        while length < BODY_CHARS:
            word = "".join(rng.choices(CHARS, k=rng.choice((2, 2, 3, 4))))
            if rng.random() < 0.3:
                word = rng.choice(FILLER)
            if rng.random() < 0.01:
                word = "科普"
            words.append(word)
            length += len(word)
        paragraphs = ["".join(words[i : i + 120]) + "。" for i in range(0, len(words), 120)]
        articles.append(
            Article(
                title=f"州科协工作动态第{number}期：" + "".join(rng.sample(words, 3))[:20],
                category=categories[number % len(categories)],
                body="".join(f"<p>{paragraph}</p>" for paragraph in paragraphs),
                summary="".join(words[:40])[:120],
                status=Article.Status.PUBLISHED,
                publish_at=now - datetime.timedelta(minutes=number + 10),
                is_headline=number % 97 == 0,
                source="恩施州科协",
                author="办公室",
            )
        )
    Article.objects.bulk_create(articles, batch_size=500)
    # bulk_create bypasses save(): approve the loaded rows, or public pages withhold them.
    services.approve_loaded(Article.objects.all())


def populate():
    rng = random.Random(11)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    make_articles(PAGE_ARTICLES, rng)
    # One scheduled article, so entries carry a real next-change time.
    scheduled = Article.objects.order_by("pk").first()
    scheduled.publish_at = timezone.now() + datetime.timedelta(days=2)
    scheduled.save()  # through the model, so the approval follows the new time
    search.rebuild(["article"])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return rng


def pages():
    article = Article.objects.published().order_by("-publish_at")[PAGE_ARTICLES // 2]
    category = (
        Category.objects.filter(parent__isnull=True, children__articles__isnull=False)
        .distinct()
        .first()
    )
    organization = Organization.objects.active().order_by("pk").first()
    return {
        "home": "/",
        "news list": "/news/",
        "category": category.get_absolute_url(),
        "article": article.get_absolute_url(),
        "honours": "/honours/",
        "directory": "/organizations/",
        "organization": organization.get_absolute_url(),
    }


# --- The server ---------------------------------------------------------------


def free_port():
    for port in range(9100, 9200):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 9100-9199")


# One key for this process and the app servers: the articles are approved here (an HMAC
# with the secret key, news.integrity), and app servers holding another key would take
# every article for a row changed in the database and serve its recorded revision.
SECRET_KEY = secrets.token_urlsafe(60)


def production_env():
    settings = connection.settings_dict
    database_url = (
        f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_CONN_MAX_AGE": "600",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "AXES_ENABLED": "0",
        "PYTHONPATH": str(ROOT),
    }
    return env


class Gunicorn:
    def __init__(self, env):
        self.env = env
        self.port = free_port()
        self.process = None

    def __enter__(self):
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(gunicorn),
                "kexie.wsgi",
                "--workers=2",
                "--worker-class=sync",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.get("/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(timeout=20)

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{quote(path, safe='/?=&')}"

    def get(self, path):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", quote(path, safe="/?=&"), headers={"User-Agent": BROWSER})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()


# --- Measuring ----------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * _UNITS[unit]


def wrk(url, *, script=None):
    command = [
        "wrk",
        "-t2",
        "-c16",
        f"-d{SECONDS}s",
        "--latency",
        "-H",
        "Accept-Encoding: gzip",
        "-H",
        f"User-Agent: {BROWSER}",
    ]
    if script:
        command += ["-s", script]
    output = subprocess.run(  # noqa: S603
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": _ms(re.search(r"\n\s+50%\s+(\S+)", output).group(1)),
        "p99": _ms(re.search(r"\n\s+99%\s+(\S+)", output).group(1)),
        "errors": int(errors.group(1)) if errors else 0,
    }


def cold_script(directory):
    path = Path(directory) / f"cold-{secrets.token_hex(4)}.lua"
    path.write_text(COLD_LUA % {"token": secrets.token_hex(4)})
    return str(path)


class Editor(threading.Thread):
    """Saves an article once a second (a real edit: signals, search index, generation)."""

    def __init__(self, article):
        super().__init__(daemon=True)
        self.article = article
        self.stop = threading.Event()
        self.edits = 0

    def run(self):
        try:
            while not self.stop.wait(1.0):
                self.article.save()
                self.edits += 1
        finally:
            connection.close()

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.join()


def measure_round(server, urls, workdir):
    rows = []
    edited = Article.objects.published().order_by("pk").last()
    floor_before = wrk(server.url("/bench/floor/"))
    rows.append(("plain view (1 query + template)", "", wrk(server.url("/bench/plain/"))))
    for name, path in urls.items():
        assert server.get(path)[0] == 200, path  # fills the cache
        rows.append((name, "warm", wrk(server.url(path))))
        with Editor(edited):
            rows.append((name, "edited/s", wrk(server.url(path))))
        rows.append((name, "cold", wrk(server.url(path), script=cold_script(workdir))))
    floor_after = wrk(server.url("/bench/floor/"))
    floor = {
        key: statistics.mean([floor_before[key], floor_after[key]])
        for key in ("rps", "p50", "p99", "errors")
    }
    return [("floor (fixed bytes)", "", floor), *rows]


def print_table(rows):
    floor = rows[0][2]["rps"]
    print("| page | cache | req/s | p50 ms | p99 ms | × floor | errors |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for name, mode, result in rows:
        print(
            f"| {name} | {mode} | {result['rps']:,.0f} | {result['p50']:.2f} | "
            f"{result['p99']:.2f} | {result['rps'] / floor:.2f} | {result['errors']:.0f} |"
        )
    sys.stdout.flush()


def check_view_counts(server, article):
    """Readings sent from several threads at once; the count must grow by exactly that many."""
    before = Article.objects.get(pk=article.pk).view_count
    daily_before = sum(
        ArticleDailyView.objects.filter(article=article).values_list("views", flat=True)
    )
    path = f"/news/{article.pk}/views/"
    failures = []

    def reader(readings):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        for _ in range(readings):
            conn.request("POST", path, headers={"User-Agent": BROWSER, "Content-Length": "0"})
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        conn.close()

    started = time.perf_counter()
    threads = [
        threading.Thread(target=reader, args=(COUNT_READINGS // COUNT_THREADS,))
        for _ in range(COUNT_THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    after = Article.objects.get(pk=article.pk).view_count
    daily_after = sum(
        ArticleDailyView.objects.filter(article=article).values_list("views", flat=True)
    )
    exact = after - before == COUNT_READINGS and daily_after - daily_before == COUNT_READINGS
    print(
        f"\nView counting: {COUNT_READINGS} readings from {COUNT_THREADS} threads in "
        f"{elapsed:.1f} s ({COUNT_READINGS / elapsed:,.0f}/s), failures {len(failures)}; "
        f"count +{after - before}, today's row +{daily_after - daily_before}: "
        f"{'EXACT' if exact else 'WRONG'}"
    )
    head = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    head.request("HEAD", article.get_absolute_url(), headers={"User-Agent": BROWSER})
    head.getresponse().read()
    head.close()
    assert Article.objects.get(pk=article.pk).view_count == after, "a HEAD request counted"
    assert exact, "view counts were lost or doubled"


def scan_costs(urls):
    """Per page, in this process: rendering it, and what scanning and compressing add.

    Rendering is the cold path without the cache; scanning and compressing are
    paid once per cached version (and on every uncached response).
    """
    client = Client()
    repeats = 20
    # As in production: one persistent connection, not one per request.
    connection.settings_dict["CONN_MAX_AGE"] = None
    print(
        "\n| page | render ms | after an edit ms | HTML KB | banned-term scan ms | gzip ms "
        "| gzip KB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    # As the app servers run: debug off (no query log, no template debugging).
    with override_settings(KEXIE_PAGE_CACHE_ENABLED=False, DEBUG=False):
        for name, path in urls.items():
            client.get(path, headers={"user-agent": BROWSER})  # warm the connection, templates
            started = time.perf_counter()
            for _ in range(repeats):
                response = client.get(path, headers={"user-agent": BROWSER})
            rendering = (time.perf_counter() - started) / repeats * 1000
            # The first request after an edit: a new generation, so the header,
            # navigation and footer are built again too (kexie.pagecache.fragments).
            started = time.perf_counter()
            for _ in range(repeats):
                pagecache._set_generation()
                client.get(path, headers={"user-agent": BROWSER})
            after_edit = (time.perf_counter() - started) / repeats * 1000
            scan.blocking_terms(response, "bench")  # the term list, once
            started = time.perf_counter()
            for _ in range(repeats):
                scan.blocking_terms(response, "bench")
            scanning = (time.perf_counter() - started) / repeats * 1000
            started = time.perf_counter()
            for _ in range(repeats):
                packed = gzip.compress(response.content, compresslevel=6, mtime=0)
            packing = (time.perf_counter() - started) / repeats * 1000
            print(
                f"| {name} | {rendering:.1f} | {after_edit:.1f} | "
                f"{len(response.content) / 1024:.0f} | "
                f"{scanning:.2f} | {packing:.2f} | {len(packed) / 1024:.0f} |"
            )


def main():
    if connection.vendor != "postgresql":
        print("bench.pages needs PostgreSQL (DATABASE_URL).")
        return
    if not shutil.which("wrk"):
        print("bench.pages needs wrk (apt-get install wrk).")
        return
    # The app servers' own cache configuration (kexie.settings): saves made here must
    # bump the very key the app servers read. (Django's RedisCache without the prefix
    # wrote another key, so the edited/s rows used to measure warm pages.)
    redis_cache = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("KEXIE_CACHE_PREFIX", "kexie"),
        }
    }
    with (
        override_settings(CACHES=redis_cache, SECRET_KEY=SECRET_KEY),
        tempfile.TemporaryDirectory() as workdir,
    ):
        started = time.perf_counter()
        rng = populate()
        pagecache.clear()
        urls = pages()
        print(
            f"{Article.objects.count():,} articles, "
            f"{Organization.objects.count()} organizations; loaded in "
            f"{time.perf_counter() - started:.0f} s; wrk -t2 -c16 -d{SECONDS}s, gunicorn 2 sync "
            f"workers, DJANGO_DEBUG=0, CONN_MAX_AGE=600, Redis {REDIS_URL}",
            flush=True,
        )
        with Gunicorn(production_env()) as server:
            for number in range(ROUNDS):
                print(f"\nRound {number + 1}: {Article.objects.count():,} articles\n")
                print_table(measure_round(server, urls, workdir))
            article = Article.objects.get(pk=int(re.search(r"\d+", urls["article"]).group()))
            check_view_counts(server, article)
            scan_costs(urls)

            make_articles(SEARCH_ARTICLES - Article.objects.count(), rng, start=PAGE_ARTICLES)
            search.rebuild(["article"])
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            pagecache.clear()
            print(f"\nSearch: {Article.objects.count():,} articles\n")
            search_page = {"search 科普": "/search/?q=科普"}
            for _round in range(ROUNDS):
                print_table(measure_round(server, search_page, workdir))
            scan_costs(search_page)
