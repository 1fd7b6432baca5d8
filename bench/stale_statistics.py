"""
``/search/?q=科`` right after a bulk load of 20,000 articles, before and after ANALYZE.

The site is loaded as `make run` leaves it (demo content, statistics taken), autovacuum
is switched off for the tables involved, then 20,000 articles and their search entries
arrive in bulk, as a data migration or a restore brings them: the planner still believes
the tables hold a few dozen rows. The search page (first and a deep page) is timed through
the full Django stack in that state, then after ``kexie.db.analyze`` (what
``rebuild_search_index``, ``load_demo`` and ``restore`` run), with the public
statement_timeout off so the slow plan is measured rather than cut off; a last round
with the limit on shows what visitors get.
"""

import random
import statistics
import time

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client, override_settings

from bench.search import SEED, build_corpus
from kexie import search
from kexie.db import analyze
from kexie.models import SearchEntry
from news.models import Article

TABLES = ["news_article", "kexie_searchentry"]
PAGES = {"first page": "/search/?q=科", "page 300": "/search/?q=科&page=300"}
REPEATS = 3


def time_pages(client):
    timings = {}
    for label, url in PAGES.items():
        samples = []
        for _ in range(REPEATS):
            started = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings[label] = statistics.median(samples)
    return timings


def main():
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")  # noqa: S608
    call_command("load_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    started = time.perf_counter()
    with transaction.atomic():
        build_corpus(random.Random(SEED))
    kind = search.get_kind("article")
    backend = search.get_backend()
    # The plain insert, without the backend's own ANALYZE: as a bulk load leaves the index.
    search.DatabaseBackend.rebuild(backend, kind)
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('search_entry_tokens_gin'::regclass)")
    print(
        f"bulk load: {Article.objects.count()} articles, "
        f"{SearchEntry.objects.count()} search entries in {time.perf_counter() - started:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [TABLES]
        )
        print("planner's row counts before:", dict(cursor.fetchall()))

    client = Client()
    with override_settings(KEXIE_PUBLIC_STATEMENT_TIMEOUT_MS=0):
        stale = time_pages(client)
        started = time.perf_counter()
        analyze([Article, SearchEntry])
        analyze_ms = (time.perf_counter() - started) * 1000
        fresh = time_pages(client)
    limited = {label: client.get(url).status_code for label, url in PAGES.items()}

    print(f"\n{'/search/?q=科':<14}{'stale ms':>10}{'analyzed ms':>13}")
    for label in PAGES:
        print(f"{label:<14}{stale[label]:>10.0f}{fresh[label]:>13.0f}")
    print(f"\nANALYZE of {', '.join(TABLES)}: {analyze_ms:.0f} ms")
    print(f"with the public statement_timeout on, after ANALYZE: {limited}")
