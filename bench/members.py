"""
Member export at 100,000 rows: our streaming CSV and XLSX against
django-import-export's in-memory export of the same rows, in the same run.

Method. Each export runs in a fresh child process (``python -m bench.members
--child <method>``) against the benchmark database, and consumes the whole
response as a client would. Wall time is measured around building and
consuming the response (query included); memory is the child's peak resident
set size (``VmHWM`` in /proc/self/status): everything the process
touched, C libraries and the database driver included, not only Python objects
(tracemalloc would miss those). Every method runs ``ROUNDS`` times, interleaved,
and the fastest run counts. The baseline RSS of a child that has only set
up Django and connected is printed too, so the export's own share can be read.
"""

import datetime
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

ROWS = 100_000
ROUNDS = 2  # each method runs this many times; the table shows the fastest run
ORGANIZATIONS = 60
METHODS = {
    "baseline": "Django set up and connected, nothing exported",
    "stream-csv": "kexie CSV: values_list().iterator() + StreamingHttpResponse",
    "stream-xlsx": "kexie XLSX: XlsxWriter constant_memory, streamed file",
    "iex-csv": "django-import-export: Resource.export() + CSV format (in memory)",
    "iex-xlsx": "django-import-export: Resource.export() + XLSX format (in memory)",
}


def main():
    from django.db import connection

    fill()
    if connection.vendor == "sqlite":
        print("Children need a database they can share; run this benchmark on PostgreSQL.")
        return
    with connection.cursor() as cursor:
        # Freshly inserted rows are slower to read the first time (PostgreSQL sets
        # their hint bits then); settle that so the first method is not penalized.
        cursor.execute("VACUUM ANALYZE organizations_member")
    database_url = _child_database_url(connection.settings_dict["NAME"])
    runs = {method: [] for method in METHODS}
    for _round in range(ROUNDS):  # interleaved, so a noisy moment hits every method
        for method in METHODS:
            runs[method].append(_run_child(method, database_url))
    results = {method: min(found, key=lambda r: r["seconds"]) for method, found in runs.items()}
    _print_table(results)
    _time_changelist()


CHANGELIST_VIEWS = [
    ("members changelist, first page", {}),
    ("… filtered: status=active, female", {"status__exact": "active", "gender__exact": "female"}),
    ("… search by name", {"q": "王伟"}),
    ("… search by mobile", {"q": "13900012345"}),
    ("… page 500", {"p": "500"}),
]


def _time_changelist():
    """What a site admin waits for in the admin at 100,000 members (median of 5)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    user, _ = get_user_model().objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    print(f"\n{'admin page':<42} {'median ms':>10} {'queries':>8}")
    for label, params in CHANGELIST_VIEWS:
        timings = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get("/admin/organizations/member/", params)
                timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, (label, response.status_code)
        print(f"{label:<42} {statistics.median(timings):>10.1f} {len(queries):>8}")


def fill():
    from organizations.models import County, Member, Organization

    existing = Member.objects.count()
    if existing >= ROWS:
        print(f"{existing} members already there.")
        return
    started = time.perf_counter()
    rng = random.Random(100_000)
    organizations = [
        Organization.objects.get_or_create(
            name=f"基准测试学会{number:02d}",
            defaults={"kind": Organization.Kind.SOCIETY, "county": County.PREFECTURE},
        )[0]
        for number in range(ORGANIZATIONS)
    ]
    surnames, given = (
        "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗",
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超",
    )
    batch = []
    for number in range(existing, ROWS):
        batch.append(
            Member(
                organization=organizations[number % ORGANIZATIONS],
                membership_number=f"B{number:07d}",
                name=rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                gender=rng.choice(["male", "female"]),
                birth_date=datetime.date(rng.randint(1955, 2000), rng.randint(1, 12), 1),
                joined_on=datetime.date(rng.randint(2000, 2022), rng.randint(1, 12), 1),
                employer=f"恩施州第{rng.randint(1, 500)}单位",
                title=rng.choice(["研究员", "高级工程师", "主任医师", "讲师"]),
                position=rng.choice(["主任", "科员", "会长", ""]),
                mobile=f"139{number:08d}",
                email=f"member{number}@example.com",
                status=rng.choice(["active", "active", "active", "lapsed", "left"]),
            )
        )
        if len(batch) == 5000:
            Member.objects.bulk_create(batch)
            batch = []
    Member.objects.bulk_create(batch)
    print(f"Filled {ROWS - existing} members in {time.perf_counter() - started:.1f} s.")


def _child_database_url(test_name):
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=f"/{test_name}"))


def _run_child(method, database_url):
    env = {**os.environ, "DATABASE_URL": database_url}
    output = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.members", "--child", method],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def _print_table(results):
    base_rss = results["baseline"]["peak_rss_mib"]
    print(f"{ROWS:,} members, 12 columns; fastest of {ROUNDS} runs, each in a fresh process")
    print(f"(a process that only set up Django and connected peaks at {base_rss:.0f} MiB)\n")
    header = (
        f"| {'method':<66} | {'wall s':>7} | {'peak RSS MiB':>12} | {'added MiB':>9} "
        f"| {'file MiB':>8} | {'faster':>6} |"
    )
    print(header)
    print("|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|")
    baselines = {"stream-csv": "iex-csv", "stream-xlsx": "iex-xlsx"}
    for method, label in METHODS.items():
        if method == "baseline":
            continue
        result = results[method]
        other = baselines.get(method)
        ratio = f"{results[other]['seconds'] / result['seconds']:.1f}×" if other else ""
        print(
            f"| {label:<66} | {result['seconds']:>7.1f} | {result['peak_rss_mib']:>12.0f} "
            f"| {result['peak_rss_mib'] - base_rss:>9.0f} "
            f"| {result['bytes'] / 2**20:>8.1f} | {ratio:>6} |"
        )


# --- Child process ----------------------------------------------------------------


def _peak_rss_mib():
    # VmHWM is this process image's own high-water mark; ru_maxrss would also
    # count the parent's pages the child held between fork and exec.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _consume(response):
    if getattr(response, "streaming", False):
        total = 0
        for chunk in response.streaming_content:
            total += len(chunk)
        response.close()
        return total
    return len(response.content)


def child(method):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
    os.environ.setdefault("AXES_ENABLED", "0")
    import django

    django.setup()
    from django.db import connection
    from django.http import HttpResponse
    from import_export.formats.base_formats import CSV, XLSX

    from kexie.exports import csv_response, xlsx_response
    from organizations.exports import MEMBER_COLUMNS
    from organizations.imports import MemberResource
    from organizations.models import Member

    connection.ensure_connection()
    queryset = Member.objects.select_related("organization")  # as the admin changelist's
    started = time.perf_counter()
    if method == "baseline":
        size = 0
    elif method == "stream-csv":
        size = _consume(csv_response("members.csv", MEMBER_COLUMNS, queryset))
    elif method == "stream-xlsx":
        size = _consume(xlsx_response("members.xlsx", MEMBER_COLUMNS, queryset))
    else:
        # What django-import-export's ExportMixin does: a Dataset of every row, then one file.
        dataset = MemberResource().export(queryset=queryset)
        fmt = CSV() if method == "iex-csv" else XLSX()
        data = fmt.export_data(dataset)
        if isinstance(data, str):
            data = data.encode("utf-8-sig")
        size = _consume(HttpResponse(data, content_type=fmt.get_content_type()))
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "peak_rss_mib": _peak_rss_mib(), "bytes": size}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
    else:
        sys.exit("Run through bench.run: python -m bench.run members")
