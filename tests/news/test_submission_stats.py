"""报送统计: the figures equal the records, per period, in the admin, its exports and print."""

import csv
import datetime
import io
import zoneinfo
from collections import Counter

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.accounts import roles
from kexie.models import AuditEntry
from news import submission_stats
from news.models import ArticleEvent
from organizations.models import County, Organization
from tests.news.factories import ArticleFactory, CategoryFactory
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db
URL = "/admin/news/submissionstatistics/"
PRINT_URL = URL + "print/"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
Action = ArticleEvent.Action
Kind = Organization.Kind
# The report itself: the event aggregate, the accepted aggregate, the organizations.
REPORT_QUERIES = 3
# The admin page: session, user, the user's and groups' permissions, whether the user is a
# 通讯员 (news.models.submission_scope, asked by the sidebar), the report's three, and the
# session's refreshed expiry (a savepoint, the update, its release).
ADMIN_PAGE_QUERIES = 11


def at(year, month, day, hour=10, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def event(article, action, when):
    return ArticleEvent.objects.create(article=article, action=action, created_at=when)


def make_world(organizations, per_organization):
    """Generated 报送 histories; returns {organization name: expected 2025 figures}."""
    work = CategoryFactory(name="工作动态", slug="work", order=1)
    science = CategoryFactory(name="科普宣传", slug="science", order=2)
    expected = {}
    for i in range(organizations):
        kind = Kind.COUNTY if i % 2 else Kind.SOCIETY
        org = OrganizationFactory(name=f"报送单位{i:03d}", kind=kind, county=County.ENSHI)
        figures = Counter()
        by_category = Counter()
        for j in range(per_organization):
            category = work if j % 2 else science
            article = ArticleFactory(organization=org, category=category)
            pattern = (i + j) % 5
            if pattern == 0:  # accepted at once, later withdrawn and published again
                event(article, Action.SUBMITTED, at(2025, 3, 2))
                event(article, Action.PUBLISHED, at(2025, 3, 3))
                event(article, Action.WITHDRAWN, at(2025, 4, 1))
                event(article, Action.PUBLISHED, at(2025, 6, 1))
                figures.update(submitted=1, accepted=1)
                by_category[category.name] += 1
            elif pattern == 1:  # returned, resubmitted, then accepted
                event(article, Action.SUBMITTED, at(2025, 5, 2))
                event(article, Action.SENT_BACK, at(2025, 5, 3))
                event(article, Action.SUBMITTED, at(2025, 5, 4))
                event(article, Action.PUBLISHED, at(2025, 5, 5))
                figures.update(submitted=1, accepted=1, returned=1)
                by_category[category.name] += 1
            elif pattern == 2:  # declined
                event(article, Action.SUBMITTED, at(2025, 7, 2))
                event(article, Action.DECLINED, at(2025, 7, 3))
                figures.update(submitted=1, declined=1)
            elif pattern == 3:  # sent in last year, accepted this year
                event(article, Action.SUBMITTED, at(2024, 12, 30))
                event(article, Action.PUBLISHED, at(2025, 1, 2))
                figures.update(accepted=1)
                by_category[category.name] += 1
            else:  # all last year: nothing in 2025
                event(article, Action.SUBMITTED, at(2024, 6, 1))
                event(article, Action.PUBLISHED, at(2024, 6, 2))
        expected[org.name] = {**figures, "by_category": dict(by_category)}
    # Expected to report but silent; inactive (not listed); another kind that did send in.
    OrganizationFactory(name="鹤峰县科协", kind=Kind.COUNTY, county=County.HEFENG)
    expected["鹤峰县科协"] = {"by_category": {}}
    OrganizationFactory(name="已撤销学会", kind=Kind.SOCIETY, is_active=False)
    station = OrganizationFactory(name="院士专家工作站", kind=Kind.WORKSTATION)
    article = ArticleFactory(organization=station, category=work)
    event(article, Action.SUBMITTED, at(2025, 8, 1))
    expected[station.name] = {"submitted": 1, "by_category": {}}
    OrganizationFactory(name="另一工作站", kind=Kind.WORKSTATION)  # silent, not expected
    # Articles without a 报送单位 (the association's own news) are never counted.
    own = ArticleFactory(category=work)
    event(own, Action.SUBMITTED, at(2025, 3, 1))
    event(own, Action.PUBLISHED, at(2025, 3, 1))
    return expected


def figures_of(report):
    return {
        row.name: {
            "submitted": row.submitted,
            "accepted": row.accepted,
            "returned": row.returned,
            "declined": row.declined,
            "by_category": dict(
                zip([name for _pk, name in report.categories], row.by_category_list, strict=True)
            ),
        }
        for row in report.rows
    }


def normalized(expected):
    out = {}
    for name, figures in expected.items():
        out[name] = {
            key: figures.get(key, 0) for key in ("submitted", "accepted", "returned", "declined")
        }
        out[name]["by_category"] = figures["by_category"]
    return out


def staff(django_user_model, role, username=None):
    user = django_user_model.objects.create_user(
        username or f"user-{role}", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(client, django_user_model):
    user = staff(django_user_model, roles.EDITOR)
    client.force_login(user)
    return user


# --- The counting ---------------------------------------------------------------


@pytest.mark.parametrize("size", [(5, 3), (40, 12)])
def test_figures_equal_the_records_with_a_fixed_number_of_queries(django_assert_num_queries, size):
    expected = normalized(make_world(*size))
    with django_assert_num_queries(REPORT_QUERIES):
        report = submission_stats.build_report(submission_stats.year_period(2025))
    shown = figures_of(report)
    for figures in shown.values():
        figures["by_category"] = {k: v for k, v in figures["by_category"].items() if v}
    assert shown == expected
    assert "已撤销学会" not in shown and "另一工作站" not in shown
    assert report.totals.accepted == sum(f["accepted"] for f in expected.values())
    assert report.totals.submitted == sum(f["submitted"] for f in expected.values())
    assert "鹤峰县科协" in [row.name for row in report.silent]
    assert all(row.submitted == 0 for row in report.silent)


def test_ranking_by_accepted_then_submitted_then_name():
    a, b, c, d = (OrganizationFactory(name=name, kind=Kind.COUNTY) for name in "丁乙甲丙")
    for org, submitted, accepted in [(a, 3, 1), (b, 2, 2), (c, 3, 1), (d, 1, 0)]:
        for n in range(submitted):
            article = ArticleFactory(organization=org)
            event(article, Action.SUBMITTED, at(2025, 2, 1))
            if n < accepted:
                event(article, Action.PUBLISHED, at(2025, 2, 2))
    report = submission_stats.build_report(submission_stats.year_period(2025))
    ranked = [(row.rank, row.name) for row in report.rows]
    assert ranked == [(1, "乙"), (2, "丁"), (2, "甲"), (4, "丙")]


def test_the_last_minute_of_the_year_counts_in_that_year():
    org = OrganizationFactory(name="来凤县科协", kind=Kind.COUNTY)
    article = ArticleFactory(organization=org)
    event(article, Action.SUBMITTED, at(2025, 12, 31, 23, 59))
    event(article, Action.PUBLISHED, at(2026, 1, 1, 0, 0))
    year_2025 = submission_stats.build_report(submission_stats.year_period(2025))
    year_2026 = submission_stats.build_report(submission_stats.year_period(2026))
    row_2025 = next(row for row in year_2025.rows if row.name == "来凤县科协")
    row_2026 = next(row for row in year_2026.rows if row.name == "来凤县科协")
    # 23:59 on 31 December in Beijing is 15:59 UTC: still 2025 here.
    assert (row_2025.submitted, row_2025.accepted) == (1, 0)
    assert (row_2026.submitted, row_2026.accepted) == (0, 1)
    december = submission_stats.month_period(2025, 12)
    q4 = submission_stats.quarter_period(2025, 4)
    for period in (december, q4):
        row = next(r for r in submission_stats.build_report(period).rows if r.name == "来凤县科协")
        assert row.submitted == 1


def test_returned_then_resubmitted_then_accepted_counts_once():
    org = OrganizationFactory(name="建始县科协", kind=Kind.COUNTY)
    article = ArticleFactory(organization=org)
    event(article, Action.SUBMITTED, at(2025, 4, 1))
    event(article, Action.SENT_BACK, at(2025, 4, 2))
    event(article, Action.SUBMITTED, at(2025, 4, 3))
    event(article, Action.PUBLISHED, at(2025, 4, 4))
    event(article, Action.WITHDRAWN, at(2025, 4, 5))
    event(article, Action.PUBLISHED, at(2025, 4, 6))
    report = submission_stats.build_report(submission_stats.year_period(2025))
    row = next(row for row in report.rows if row.name == "建始县科协")
    assert (row.submitted, row.accepted, row.returned, row.declined) == (1, 1, 1, 0)
    assert row.rate == 100


@pytest.mark.parametrize(
    "params, kind",
    [
        ({}, "year"),
        ({"period": "quarter", "year": "2025", "quarter": "2"}, "quarter"),
        ({"period": "month", "year": "2025", "month": "12"}, "month"),
        ({"period": "range", "start": "2025-03-01", "end": "2025-03-31"}, "range"),
    ],
)
def test_valid_periods(params, kind):
    period, problems = submission_stats.parse_period(params)
    assert problems == []
    assert period.kind == kind
    if kind == "range":
        assert (period.start, period.end) == (datetime.date(2025, 3, 1), datetime.date(2025, 4, 1))
    if kind == "quarter":
        assert (period.start, period.end) == (datetime.date(2025, 4, 1), datetime.date(2025, 7, 1))


@pytest.mark.parametrize(
    "params",
    [
        {"period": "decade"},
        {"period": "year", "year": "abc"},
        {"period": "year", "year": "1899"},
        {"period": "year", "year": "２０２５"},
        {"period": "year", "year": "9" * 40},
        {"period": "quarter", "year": "2025", "quarter": "5"},
        {"period": "month", "year": "2025", "month": "0"},
        {"period": "range", "start": "2025-02-30", "end": "2025-03-01"},
        {"period": "range", "start": "2025-03-01", "end": "2025-02-01"},
        {"period": "range", "start": "1000-01-01", "end": "2025-02-01"},
        {"period": "range", "start": "\x00", "end": ""},
    ],
)
def test_junk_periods_give_a_message_and_a_default(params, client, editor):
    period, problems = submission_stats.parse_period(params)
    assert problems
    assert period.kind in ("year",)
    response = client.get(URL, params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "messagelist" in html
    assert "信息报送统计" in html


def test_junk_kind_is_ignored_with_a_message(client, editor):
    response = client.get(URL, {"kind": "<script>"})
    assert response.status_code == 200
    assert "未知的单位类型" in response.content.decode()


# --- The admin page ----------------------------------------------------------------


def test_the_page_shows_the_figures_in_chinese(client, editor):
    make_world(5, 3)
    response = client.get(URL, {"period": "year", "year": "2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2025年度 信息报送统计" in html
    for heading in ("报送", "采用", "退回", "不予采用", "采用率", "未报送单位", "合计"):
        assert heading in html
    assert 'class="breadcrumbs"' in html and "nav-sidebar" in html
    report = response.context["report"]
    silent = html[html.index('id="silent"') :]
    assert "鹤峰县科协" in silent
    assert [row.name for row in report.rows][-1] in html
    # Exports are POST forms carrying the CSRF token and the period; the print link too.
    assert (
        'action="/admin/news/submissionstatistics/export/xlsx/?period=year&amp;year=2025"' in html
    )
    assert "csrfmiddlewaretoken" in html
    assert 'href="/admin/news/submissionstatistics/print/?period=year&amp;year=2025"' in html
    assert "打印版" in html and "导出为 CSV" in html


def test_kind_filter(client, editor):
    make_world(5, 3)
    report = client.get(URL, {"year": "2025", "kind": Kind.COUNTY}).context["report"]
    assert report.rows and {row.kind for row in report.rows} == {Kind.COUNTY}


def test_the_page_costs_the_same_at_two_sizes(client, editor):
    counts = []
    for size in [(3, 2), (30, 8)]:
        make_world(*size)
        client.get(URL)  # warm the session and permission caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"year": "2025"}).status_code == 200
        counts.append(len(queries))
        Organization.objects.filter(name__startswith="报送单位").update(is_active=False)
    assert counts == [ADMIN_PAGE_QUERIES, ADMIN_PAGE_QUERIES]


def test_it_is_listed_under_news_in_the_admin_index(client, editor):
    html = client.get("/admin/").content.decode()
    assert URL in html
    assert "报送统计" in html


@pytest.mark.parametrize("role", [roles.EDITOR, roles.REVIEWER, roles.SITE_ADMIN])
def test_staff_roles_see_the_report(client, django_user_model, role):
    client.force_login(staff(django_user_model, role))
    assert client.get(URL).status_code == 200
    assert client.get(PRINT_URL).status_code == 200


def test_contributors_and_the_public_are_refused(client, django_user_model):
    for url in (URL, PRINT_URL):
        assert client.get(url).status_code == 302  # to the sign-in page
        assert "/admin/login/" in client.get(url)["Location"]
    assert client.post(URL + "export/csv/").status_code == 302
    client.force_login(staff(django_user_model, roles.CONTRIBUTOR))
    assert client.get(URL).status_code == 403
    assert client.get(PRINT_URL).status_code == 403
    assert client.post(URL + "export/csv/").status_code == 403
    assert URL not in client.get("/admin/").content.decode()


def test_the_printable_version_is_plain(client, editor):
    make_world(5, 3)
    response = client.get(PRINT_URL, {"year": "2025"})
    html = response.content.decode()
    assert "<h1>2025年度 信息报送统计</h1>" in html
    assert "2025-01-01" in html and "2025-12-31" in html
    assert "@media print" in html
    assert "nav-sidebar" not in html and 'class="breadcrumbs"' not in html
    assert "鹤峰县科协" in html


# --- Exports ---------------------------------------------------------------------


def _csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_csv_export_has_the_same_figures(client, editor):
    expected = normalized(make_world(5, 3))
    response = client.post(URL + "export/csv/?period=year&year=2025")
    assert response.status_code == 200
    assert "2025" in response["Content-Disposition"]
    assert "%E5%B9%B4%E5%BA%A6" in response["Content-Disposition"]  # 年度
    header, *rows = _csv(response)
    assert header[:9] == [
        "排名",
        "报送单位",
        "类型",
        "县市",
        "报送",
        "采用",
        "退回",
        "不予采用",
    ] + ["采用率（%）"]
    by_name = {row[1]: row for row in rows}
    for name, figures in expected.items():
        row = by_name[name]
        assert [int(v) for v in row[4:8]] == [
            figures["submitted"],
            figures["accepted"],
            figures["returned"],
            figures["declined"],
        ]
    assert rows[-1][1] == "合计"
    assert int(rows[-1][5]) == sum(f["accepted"] for f in expected.values())
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).count() == 1


def test_xlsx_export_has_the_same_figures_as_numbers(client, editor):
    expected = normalized(make_world(5, 3))
    response = client.post(URL + "export/xlsx/?period=quarter&year=2025&quarter=2")
    assert response.status_code == 200
    assert "%E5%AD%A3%E5%BA%A6" in response["Content-Disposition"]  # 季度
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    page = client.get(URL, {"period": "quarter", "year": "2025", "quarter": "2"})
    report = page.context["report"]
    by_name = {row[1]: row for row in rows[1:]}
    for row in report.rows:
        assert by_name[row.name][4:8] == (row.submitted, row.accepted, row.returned, row.declined)
    assert len(rows) == len(report.rows) + 2
    assert expected  # the world was made


def test_exports_refuse_get_and_unknown_formats(client, editor):
    assert client.get(URL + "export/csv/").status_code == 405
    assert client.post(URL + "export/pdf/").status_code == 404


def test_csv_export_neutralizes_formulas(client, editor):
    org = OrganizationFactory(name="=HYPERLINK(1)", kind=Kind.SOCIETY)
    article = ArticleFactory(organization=org)
    event(article, Action.SUBMITTED, at(2025, 2, 1))
    rows = _csv(client.post(URL + "export/csv/?year=2025"))
    assert "'=HYPERLINK(1)" in [row[1] for row in rows]


def test_publishing_again_in_a_later_period_is_not_a_second_acceptance():
    org = OrganizationFactory(name="咸丰县科协", kind=Kind.COUNTY)
    article = ArticleFactory(organization=org)
    event(article, Action.SUBMITTED, at(2025, 11, 1))
    event(article, Action.PUBLISHED, at(2025, 11, 2))
    event(article, Action.WITHDRAWN, at(2025, 12, 1))
    event(article, Action.PUBLISHED, at(2026, 2, 1))
    accepted = {
        year: next(
            row.accepted
            for row in submission_stats.build_report(submission_stats.year_period(year)).rows
            if row.name == "咸丰县科协"
        )
        for year in (2025, 2026)
    }
    assert accepted == {2025: 1, 2026: 0}
