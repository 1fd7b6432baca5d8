"""阅读统计: the admin report of the most-read articles, its export and who may see it."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from kexie.accounts import roles
from kexie.models import AuditEntry, StaffProfile
from news import reading
from news.models import Article, ArticleDailyView
from tests.news.factories import ArticleFactory, CategoryFactory
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

REPORT = reverse("admin:news_readingstatistics_changelist")


def export_url(fmt):
    return reverse("admin:news_readingstatistics_export", args=[fmt])


def days_ago(n):
    return timezone.localdate() - datetime.timedelta(days=n)


def views(article, day, count):
    ArticleDailyView.objects.create(article=article, date=day, views=count)


@pytest.fixture
def read():
    """Two categories under one parent, one apart; views on known days."""
    centre = CategoryFactory(name="新闻中心", slug="centre")
    news = CategoryFactory(name="新闻资讯", slug="news", parent=centre)
    grassroots = CategoryFactory(name="基层动态", slug="grassroots", parent=centre)
    notices = CategoryFactory(name="通知公告", slug="notices")
    a = ArticleFactory(title="年会召开", category=news, view_count=500)
    b = ArticleFactory(title="利川科普", category=grassroots, view_count=80)
    c = ArticleFactory(title="申报通知", category=notices, view_count=40)
    d = ArticleFactory(title="中心直发", category=centre, view_count=9)
    views(a, days_ago(0), 10)
    views(a, days_ago(1), 5)
    views(b, days_ago(1), 7)
    views(c, days_ago(2), 30)
    views(d, days_ago(3), 2)
    views(a, days_ago(20), 100)  # outside the last seven days
    return {"centre": centre, "news": news, "notices": notices, "a": a, "b": b, "c": c, "d": d}


# --- Figures ------------------------------------------------------------------


def test_default_is_the_last_seven_days_and_figures_equal_the_rows(client, editor, read):
    client.force_login(editor)
    response = client.get(REPORT)
    assert response.status_code == 200
    report = response.context["report"]
    assert response.context["period"] == reading.Period(reading.RANGE, days_ago(6), days_ago(0))
    assert report.total == 10 + 5 + 7 + 30 + 2 == 54
    assert report.article_count == 4
    assert [(a.title, a.period_views, a.view_count) for a in report.top] == [
        ("申报通知", 30, 40),
        ("年会召开", 15, 500),
        ("利川科普", 7, 80),
        ("中心直发", 2, 9),
    ]
    html = response.content.decode()
    assert "阅读统计" in html
    assert reverse("admin:news_article_change", args=[read["c"].pk]) in html
    assert read["c"].get_absolute_url() in html
    # Per category: the parent's number includes its children's.
    rows = {row.category.name: row.views for row in response.context["category_rows"]}
    assert rows == {"新闻中心": 15 + 7 + 2, "通知公告": 30}
    children = {
        child.category.name: child.views
        for row in response.context["category_rows"]
        for child in row.children
    }
    assert children == {"新闻资讯": 15, "基层动态": 7}
    # The chart: one row per day with views, its totals the day's views.
    chart = response.context["chart"]
    assert sum(row.total for row in chart.rows) == 54
    assert [row.total for row in chart.rows] == [0, 0, 0, 2, 30, 12, 10]  # every day a row
    assert "<svg" in html and "chart-table" in html


def test_day_week_and_month(client, editor, read):
    client.force_login(editor)
    day = days_ago(1)
    response = client.get(REPORT, {"period": "day", "day": day.isoformat()})
    assert response.context["report"].total == 12
    response = client.get(REPORT, {"period": "week", "day": day.isoformat()})
    period = response.context["period"]
    assert period.start.weekday() == 0 and period.days == 7 and period.start <= day <= period.end
    expected = sum(
        row.views for row in ArticleDailyView.objects.filter(date__range=(period.start, period.end))
    )
    assert response.context["report"].total == expected
    month = days_ago(20)
    response = client.get(REPORT, {"period": "month", "month": month.strftime("%Y-%m")})
    period = response.context["period"]
    assert period.start == month.replace(day=1)
    expected = sum(
        row.views for row in ArticleDailyView.objects.filter(date__range=(period.start, period.end))
    )
    assert response.context["report"].total == expected
    assert not response.context["selection"].problems


def test_a_range_and_a_top_level_category_with_its_children(client, editor, read):
    client.force_login(editor)
    params = {
        "period": "range",
        "start": days_ago(30).isoformat(),
        "end": days_ago(0).isoformat(),
        "category": read["centre"].pk,
    }
    response = client.get(REPORT, params)
    report = response.context["report"]
    assert report.total == 10 + 5 + 100 + 7 + 2
    assert [a.title for a in report.top] == ["年会召开", "利川科普", "中心直发"]
    # A child category alone.
    response = client.get(REPORT, {**params, "category": read["news"].pk})
    assert [a.title for a in response.context["report"].top] == ["年会召开"]
    assert response.context["report"].total == 115


def test_only_published_articles_are_linked_to_the_public_site(client, editor, read):
    withdrawn = ArticleFactory(title="已撤回的文章", withdrawn=True)
    views(withdrawn, days_ago(0), 3)
    client.force_login(editor)
    html = client.get(REPORT).content.decode()
    assert "已撤回的文章" in html
    assert withdrawn.get_absolute_url() not in html


@pytest.mark.parametrize(
    "params",
    [
        {"period": "nonsense"},
        {"period": "day", "day": "2026-13-45"},
        {"period": "day", "day": "1999-12-31"},
        {"period": "day", "day": "9999-12-31"},
        {"period": "week", "day": "<script>"},
        {"period": "month", "month": "2026-00"},
        {"period": "month", "month": "junk"},
        {"period": "range", "start": "2025-01-01", "end": "2024-01-01"},
        {"period": "range", "start": "2020-01-01", "end": "2024-01-01"},
        {"period": "range", "start": "2024-01-01"},
        {"period": "day", "day": "2024-01-01\x00"},
    ],
)
def test_junk_parameters_explain_and_fall_back_to_the_last_seven_days(client, editor, read, params):
    client.force_login(editor)
    response = client.get(REPORT, params)
    assert response.status_code == 200
    assert response.context["period"] == reading.Period.last_days(timezone.localdate())
    problems = response.context["selection"].problems
    assert len(problems) == 1 and "已改为显示最近 7 天" in problems[0]
    html = response.content.decode()
    assert escape(problems[0]) in html
    assert "<script>" not in html.split("<body")[1].split("</h1>")[1].split("<svg")[0]


def test_an_unknown_category_shows_every_category(client, editor, read):
    client.force_login(editor)
    response = client.get(REPORT, {"category": "999999"})
    assert response.status_code == 200
    assert response.context["selection"].category is None
    assert response.context["report"].total == 54
    assert "栏目" in response.context["selection"].problems[0]


def test_a_long_range_is_charted_per_week_and_a_year_per_month(client, editor, read):
    client.force_login(editor)
    params = {"period": "range", "start": days_ago(60).isoformat(), "end": days_ago(0).isoformat()}
    response = client.get(REPORT, params)
    assert response.context["report"].bucket_unit() == "week"
    assert sum(row.total for row in response.context["chart"].rows) == 154
    params["start"] = days_ago(365).isoformat()
    response = client.get(REPORT, params)
    assert response.context["report"].bucket_unit() == "month"
    assert sum(row.total for row in response.context["chart"].rows) == 154


def test_the_report_is_empty_not_broken_without_views(client, editor):
    client.force_login(editor)
    response = client.get(REPORT)
    assert response.status_code == 200
    assert "这段时间没有文章被阅读" in response.content.decode()


def test_period_links_step_back_and_not_past_today(client, editor, read):
    client.force_login(editor)
    response = client.get(REPORT, {"period": "day", "day": days_ago(0).isoformat()})
    steps = response.context["steps"]
    assert days_ago(1).isoformat() in steps["earlier"]
    assert steps["later"] == ""
    for link in response.context["quick_links"]:
        assert client.get(REPORT + link["url"]).status_code == 200


# --- Query budget -------------------------------------------------------------


def test_query_count_does_not_grow_with_articles_or_days(
    client, editor, read, django_assert_num_queries
):
    client.force_login(editor)
    params = {"period": "range", "start": days_ago(40).isoformat(), "end": days_ago(0).isoformat()}
    client.get(REPORT, params)  # warm the session and permission caches
    # Session, user, permissions (2), 通讯员 scope (1), the report (4), session expiry (3).
    with django_assert_num_queries(12) as small:
        client.get(REPORT, params)
    for n in range(60):
        category = CategoryFactory(slug=f"more-{n}", parent=read["centre"] if n % 2 else None)
        article = ArticleFactory(category=category)
        for day in range(0, 40, 3):
            views(article, days_ago(day), n + day + 1)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(REPORT, params)
    assert len(response.context["report"].top) == reading.TOP
    assert len(response.context["chart"].series) == reading.CHART_SERIES


# --- Export -------------------------------------------------------------------


def read_csv(response):
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_csv_export_is_the_ranking_of_the_period(client, editor, read):
    client.force_login(editor)
    query = f"?period=range&start={days_ago(6)}&end={days_ago(0)}"
    response = client.post(export_url("csv") + query)
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert f"{days_ago(6)}_{days_ago(0)}" in disposition
    rows = read_csv(response)
    assert rows[0] == ["排名", "标题", "栏目", "发布日期", "期间阅读量", "累计阅读量"]
    publish = timezone.localdate(read["c"].publish_at).isoformat()
    assert rows[1] == ["1", "申报通知", "通知公告", publish, "30", "40"]
    assert [row[1] for row in rows[1:]] == ["申报通知", "年会召开", "利川科普", "中心直发"]
    assert rows[2][2] == "新闻中心 / 新闻资讯"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXPORT)
    assert entry.details["rows"] == 4
    assert entry.details["format"] == "csv"


def test_xlsx_export_of_a_month_is_named_after_it(client, editor, read):
    client.force_login(editor)
    month = days_ago(20).strftime("%Y-%m")
    response = client.post(export_url("xlsx") + f"?period=month&month={month}")
    assert response.status_code == 200
    assert month in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("排名", "标题", "栏目", "发布日期", "期间阅读量", "累计阅读量")
    assert rows[1][1] == "年会召开"
    assert sum(int(row[4]) for row in rows[1:]) == sum(
        ArticleDailyView.objects.filter(date__startswith=month).values_list("views", flat=True)
    )


def test_export_query_count_does_not_grow_with_rows(
    client, editor, read, django_assert_num_queries
):
    client.force_login(editor)
    url = export_url("csv") + f"?period=range&start={days_ago(30)}&end={days_ago(0)}"
    read_csv(client.post(url))  # warm the session and permission caches
    with django_assert_num_queries(11) as small:
        rows = read_csv(client.post(url))
    assert len(rows) == 5
    for n in range(50):
        views(ArticleFactory(category=read["notices"]), days_ago(n % 30), n + 1)
    with django_assert_num_queries(len(small.captured_queries)):
        rows = read_csv(client.post(url))
    assert len(rows) == 55


def test_export_of_one_category_says_so_in_its_name(client, editor, read):
    client.force_login(editor)
    response = client.post(export_url("csv") + f"?category={read['centre'].pk}")
    assert "%E6%96%B0%E9%97%BB%E4%B8%AD%E5%BF%83" in response["Content-Disposition"]  # 新闻中心
    assert [row[1] for row in read_csv(response)[1:]] == ["年会召开", "利川科普", "中心直发"]


def test_export_is_post_only(client, editor, read):
    client.force_login(editor)
    assert client.get(export_url("csv")).status_code == 405
    assert client.post(export_url("pdf")).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_export_needs_the_csrf_token(editor, read):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(export_url("csv")).status_code == 403


# --- Who may see it -----------------------------------------------------------


@pytest.mark.parametrize("role", [roles.EDITOR, roles.REVIEWER, roles.SITE_ADMIN])
def test_editors_reviewers_and_site_admins_see_the_report(client, make_member, read, role):
    client.force_login(make_member(role))
    assert client.get(REPORT).status_code == 200
    assert client.post(export_url("csv")).status_code == 200
    index = client.get(reverse("admin:index")).content.decode()
    assert REPORT in index


def test_contributors_and_the_public_are_refused(client, make_member, read):
    contributor = make_member(roles.CONTRIBUTOR, "contributor")
    StaffProfile.objects.update_or_create(
        user=contributor, defaults={"organization": OrganizationFactory()}
    )
    client.force_login(contributor)
    assert client.get(REPORT).status_code == 403
    assert client.post(export_url("csv")).status_code == 403
    assert REPORT not in client.get(reverse("admin:index")).content.decode()
    client.logout()
    assert client.get(REPORT).status_code == 302  # to the sign-in page
    assert client.post(export_url("csv")).status_code == 302
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORT).exists()


def test_nothing_can_be_added_changed_or_opened_one_by_one(client, editor, read):
    client.force_login(editor)
    assert client.get(reverse("admin:news_readingstatistics_add")).status_code == 403
    row = ArticleDailyView.objects.first()
    response = client.get(reverse("admin:news_readingstatistics_change", args=[row.pk]))
    assert response.status_code == 302  # "does not exist": the report is the only view
    assert Article.objects.count() == 4


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"period": "day", "day": "{today}"},
        {"period": "week", "day": "{today}"},
        {"period": "month", "month": "{month}"},
        {"period": "range", "start": "{long_ago}", "end": "{today}"},
        {"period": "每年", "category": "999"},
    ],
)
def test_the_filled_report_reads_in_chinese(client, editor, read, params):
    from tests.kexie.test_admin_language import english_in

    today = timezone.localdate()
    values = {"today": today, "month": today.strftime("%Y-%m"), "long_ago": days_ago(300)}
    client.force_login(editor)
    response = client.get(REPORT, {key: value.format(**values) for key, value in params.items()})
    assert english_in(response.content.decode()) == []
