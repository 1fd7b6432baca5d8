"""Honours pages at a realistic worst case: 20,000 honours, 200 awards, 50 organizations."""

import random
import time

from django.contrib.auth import get_user_model
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import override_settings

from awards.models import Award, Honour, Level, RecipientKind
from awards.services import parse_group_lines
from organizations.models import County, Organization

HONOURS = 20_000


def _timed(label, call, repeat=5):
    best = float("inf")
    queries = 0
    for _ in range(repeat):
        reset_queries()
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
        queries = len(connection.queries)
    print(f"{label:<48} {best * 1000:8.1f} ms  {queries:3d} queries", flush=True)
    return result


def populate():
    rng = random.Random(4)
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"第{n}县科学技术协会",
            slug=f"org-{n}",
            kind="county",
            county=rng.choice(County.values),
        )
        for n in range(50)
    )
    awards = Award.objects.bulk_create(
        Award(
            name=f"荣誉称号{n}",
            level=rng.choice(Level.values),
            conferring_body=rng.choice(["中国科协", "湖北省科协", "中国农技协", "科技部", ""]),
            recipient_kind=RecipientKind.UNIT if n % 4 == 0 else RecipientKind.INDIVIDUAL,
        )
        for n in range(200)
    )
    rows, seen = [], set()
    for n in range(HONOURS * 2):
        if len(rows) == HONOURS:
            break
        award = awards[n % len(awards)]
        honour = Honour(award=award, year=rng.choice([None, *range(2010, 2025)]))
        if award.recipient_kind == RecipientKind.UNIT:
            honour.organization = rng.choice(organizations)
            honour.unit_name = honour.organization.name
            honour.county = honour.organization.county
        else:
            honour.person_name = f"获奖人{n % 5000}"
            honour.employer = f"单位{n % 300}"
            honour.group_size = rng.choice([1, 1, 1, 3, 9])
        honour.fill_derived_fields()
        identity = (award.pk, honour.year, honour.recipient_key)
        if honour.year is not None and identity in seen:
            continue  # the once-a-year constraint
        seen.add(identity)
        rows.append(honour)
    Honour.objects.bulk_create(rows, batch_size=2000)


def main():
    populate()
    client = Client()
    staff = get_user_model().objects.create_superuser("bench", password=None)
    person_key = Honour.objects.filter(person_name="获奖人7").values_list(
        "recipient_key", flat=True
    )[0]
    unit_key = Honour.objects.filter(organization__isnull=False).values_list(
        "recipient_key", flat=True
    )[0]
    with override_settings(DEBUG=True):
        _timed("/honours/ (all, 20k honours)", lambda: client.get("/honours/"))
        _timed(
            "/honours/?year=2022&level=national",
            lambda: client.get("/honours/?year=2022&level=national"),
        )
        _timed("/honours/?q=获奖人7", lambda: client.get("/honours/?q=获奖人7"))
        _timed("/honours/?page=150", lambda: client.get("/honours/?page=150"))
        _timed("recipient page, person", lambda: client.get(f"/honours/recipient/{person_key}/"))
        _timed(
            "recipient page, organization (~100 honours)",
            lambda: client.get(f"/honours/recipient/{unit_key}/"),
        )
        award = Award.objects.filter(recipient_kind=RecipientKind.INDIVIDUAL).first()
        text = "\n".join(f"新人{chr(0x4E00 + n)}，某单位{n}" for n in range(500))
        _timed(
            "parse_group_lines (500 lines)", lambda: parse_group_lines(text, award=award, year=2024)
        )
        client.force_login(staff)

        def export():
            response = client.get("/admin/awards/honour/export/csv/")
            return sum(len(chunk) for chunk in response.streaming_content)

        size = _timed("CSV export, 20k rows", export, repeat=2)
        print(f"{'':<48} {size / 1024:8.0f} KiB")
