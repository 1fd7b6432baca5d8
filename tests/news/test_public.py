import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from tests.news.factories import ArticleFactory, AttachmentFactory, CategoryFactory

pytestmark = pytest.mark.django_db

HIDDEN_TRAITS = ["draft", "pending", "withdrawn", "scheduled"]


def hidden_article(trait, **kwargs):
    return ArticleFactory(**{trait: True}, **kwargs)


@pytest.mark.parametrize("trait", HIDDEN_TRAITS)
def test_unpublished_article_answers_404(client, trait):
    article = hidden_article(trait)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.parametrize("trait", HIDDEN_TRAITS)
def test_unpublished_article_is_absent_from_every_public_listing(client, trait):
    category = CategoryFactory(slug="news", show_on_home=True)
    hidden = hidden_article(trait, category=category, title="不应公开的稿件", is_headline=True)
    visible = ArticleFactory(category=category, title="已经公开的稿件")
    pages = [
        reverse("home"),
        reverse("news:article-list"),
        category.get_absolute_url(),
        reverse("news:feed"),
        reverse("django.contrib.sitemaps.views.sitemap"),
    ]
    for url in pages:
        text = client.get(url).text
        assert visible.get_absolute_url() in text, url  # the page does list public articles
        assert "不应公开的稿件" not in text, url
        assert hidden.get_absolute_url() not in text, url


def test_scheduled_article_appears_by_itself_when_its_time_comes(client):
    category = CategoryFactory(slug="news", show_on_home=True)
    publish_at = timezone.now() + datetime.timedelta(minutes=5)
    article = ArticleFactory(category=category, title="定时发布的稿件", publish_at=publish_at)
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "定时发布的稿件" not in client.get(reverse("news:article-list")).text

    later = publish_at + datetime.timedelta(seconds=1)
    with mock.patch("news.models.timezone.now", return_value=later):
        assert client.get(article.get_absolute_url()).status_code == 200
        for url in [reverse("home"), reverse("news:article-list"), reverse("news:feed")]:
            assert "定时发布的稿件" in client.get(url).text, url
        sitemap = client.get(reverse("django.contrib.sitemaps.views.sitemap")).text
        assert article.get_absolute_url() in sitemap


def test_article_page_shows_what_a_reader_expects(client):
    parent = CategoryFactory(name="新闻中心", slug="news-center")
    category = CategoryFactory(name="新闻资讯", slug="news", parent=parent)
    article = ArticleFactory(
        category=category,
        title="回望五年奋斗路，这份答卷请审阅！",
        subtitle="州科协第五次代表大会",
        source="恩施州科协",
        author="州科协办公室",
        responsible_editor="张编辑",
        publish_at=datetime.datetime(2022, 12, 17, 1, 53, 3, tzinfo=datetime.UTC),
        view_count=16389,
        body="<h2>坚持思想政治引领</h2><p>五年来，全州各级科协组织……</p>",
    )
    AttachmentFactory(article=article, title="工作报告全文")
    text = client.get(article.get_absolute_url()).text
    assert "2022-12-17 09:53:03" in text  # Asia/Shanghai, as the reader knows it
    assert "<h2>坚持思想政治引领</h2>" in text
    for expected in ["首页", "新闻中心", "新闻资讯", "恩施州科协", "州科协办公室", "张编辑"]:
        assert expected in text
    assert "浏览：<span data-view-count>16389</span>" in text  # site.js shows the counted total
    assert f'data-count-url="/news/{article.pk}/views/"' in text
    assert "工作报告全文" in text
    for size in ["大", "中", "小"]:
        assert f'">{size}</button>' in text
    assert 'media="print"' in text


def test_counting_a_view_is_one_atomic_update_so_concurrent_readers_lose_nothing():
    # Two requests that loaded the article before either counted: a read-then-write
    # counter (``view_count = loaded + 1``) would store 11, not 12. SQLite serializes
    # writers, so the race is staged here with stale instances, and the SQL is checked:
    # the article's counter moves by one UPDATE that adds to the stored value (F()).
    article = ArticleFactory(view_count=10)
    first, second = Article.objects.get(pk=article.pk), Article.objects.get(pk=article.pk)
    with CaptureQueriesContext(connection) as queries:
        first.count_view()
    second.count_view()
    article.refresh_from_db()
    assert article.view_count == 12
    updates = [
        query["sql"].replace('"', "").replace("`", "")
        for query in queries
        if query["sql"].replace('"', "").upper().startswith("UPDATE NEWS_ARTICLE ")
    ]
    assert len(updates) == 1
    assert updates[0].startswith(
        "UPDATE news_article SET view_count = (news_article.view_count + 1)"
    )


def test_previous_and_next_follow_publish_time_within_the_category(client):
    category = CategoryFactory()
    now = timezone.now()
    older = ArticleFactory(
        category=category, title="较早的稿件", publish_at=now - datetime.timedelta(days=2)
    )
    current = ArticleFactory(category=category, publish_at=now - datetime.timedelta(days=1))
    newer = ArticleFactory(
        category=category, title="较新的稿件", publish_at=now - datetime.timedelta(hours=1)
    )
    ArticleFactory(title="别的栏目", publish_at=now - datetime.timedelta(hours=12))
    ArticleFactory(category=category, title="未来的稿件", scheduled=True)
    response = client.get(current.get_absolute_url())
    assert response.context["previous_article"] == older
    assert response.context["next_article"] == newer
    first = client.get(older.get_absolute_url())
    assert first.context["previous_article"] is None
    assert "没有了" in first.text


def test_previous_and_next_break_publish_time_ties_by_number_and_skip_unpublished(client):
    category = CategoryFactory()
    moment = timezone.now() - datetime.timedelta(days=1)
    first, second, third = ArticleFactory.create_batch(3, category=category, publish_at=moment)
    ArticleFactory(category=category, withdrawn=True, publish_at=moment)  # after third, hidden
    ArticleFactory(category=category, draft=True)
    middle = client.get(second.get_absolute_url())
    assert middle.context["previous_article"] == first
    assert middle.context["next_article"] == third
    last = client.get(third.get_absolute_url())
    assert last.context["previous_article"] == second
    assert last.context["next_article"] is None
    assert f'href="{second.get_absolute_url()}" rel="prev"' in last.text


def test_neighbours_agree_with_the_published_order_on_every_article():
    category = CategoryFactory()
    now = timezone.now()
    hours = [5, 5, 5, 3, 9, 1, 1, 7]
    for hour in hours:
        ArticleFactory(category=category, publish_at=now - datetime.timedelta(hours=hour))
    ArticleFactory(category=category, withdrawn=True, publish_at=now - datetime.timedelta(hours=5))
    ArticleFactory(category=category, publish_at=now - datetime.timedelta(hours=4), pending=True)
    ArticleFactory(category=category, scheduled=True)
    ArticleFactory(publish_at=now - datetime.timedelta(hours=2))  # another category
    ordered = list(
        Article.objects.published().filter(category=category).order_by("publish_at", "pk")
    )
    assert len(ordered) == len(hours)
    for index, article in enumerate(ordered):
        previous, following = Article.objects.neighbours(article)
        assert previous == (ordered[index - 1] if index else None)
        assert following == (ordered[index + 1] if index + 1 < len(ordered) else None)


def test_list_puts_pinned_first_then_newest_and_pages_by_20(client):
    now = timezone.now()
    for day in range(25):
        ArticleFactory(
            title=f"普通稿件{day:02d}", publish_at=now - datetime.timedelta(days=day + 1)
        )
    ArticleFactory(
        title="置顶的旧稿件", is_pinned=True, publish_at=now - datetime.timedelta(days=99)
    )
    page1 = client.get(reverse("news:article-list"))
    titles = [article.title for article in page1.context["articles"]]
    assert len(titles) == 20
    assert titles[0] == "置顶的旧稿件"
    assert titles[1:4] == ["普通稿件00", "普通稿件01", "普通稿件02"]
    page2 = client.get(reverse("news:article-list"), {"page": 2})
    assert len(page2.context["articles"]) == 6
    assert "第 2 页，共 2 页" in page2.text


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"page": "1" * 400},
        {"page": "%00"},
        {"q": "<script>", "foo[]": "bar", "page": "2.5"},
    ],
)
def test_junk_query_parameters_never_break_a_page(client, params):
    category = CategoryFactory(slug="news")
    article = ArticleFactory(category=category)
    for url in [
        reverse("home"),
        reverse("news:article-list"),
        category.get_absolute_url(),
        article.get_absolute_url(),
        reverse("news:feed"),
    ]:
        assert client.get(url, params).status_code == 200, url


@pytest.mark.parametrize(
    "url",
    ["/news/0.html", "/news/99999999999999999999.html", "/news/abc.html", "/news/category/nope/"],
)
def test_unknown_addresses_give_the_chinese_404_page(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_category_page_includes_its_subcategories(client):
    parent = CategoryFactory(name="新闻中心", slug="news-center")
    child = CategoryFactory(name="通知公告", slug="notices", parent=parent)
    ArticleFactory(category=child, title="子栏目的通知")
    ArticleFactory(title="其他栏目的稿件")
    text = client.get(parent.get_absolute_url()).text
    assert "子栏目的通知" in text
    assert "其他栏目的稿件" not in text


def test_home_shows_headlines_and_latest_per_section(client):
    notices = CategoryFactory(name="通知公告", slug="notices", show_on_home=True, order=2)
    news = CategoryFactory(name="新闻资讯", slug="news", show_on_home=True, order=1)
    CategoryFactory(name="图片新闻", slug="photos", show_on_home=False)
    ArticleFactory(category=news, title="头条稿件", is_headline=True)
    for number in range(8):
        ArticleFactory(category=notices, title=f"通知{number}")
    response = client.get(reverse("home"))
    sections = response.context["sections"]
    assert [section.name for section in sections] == ["新闻资讯", "通知公告"]
    assert len(sections[1].latest) == 6  # only the latest six per section
    assert response.context["headlines"][0].title == "头条稿件"


def test_feed_is_rss_with_the_latest_articles(client):
    ArticleFactory(title="订阅里的稿件", summary="摘要")
    response = client.get(reverse("news:feed"))
    assert response["Content-Type"].startswith("application/rss+xml")
    assert "<rss" in response.text
    assert "订阅里的稿件" in response.text


def test_robots_and_sitemap(client):
    article = ArticleFactory()
    robots = client.get("/robots.txt")
    assert robots.status_code == 200
    assert "Disallow: /admin/" in robots.text
    assert "Sitemap: http://testserver/sitemap.xml" in robots.text
    sitemap = client.get("/sitemap.xml").text
    assert f"http://testserver{article.get_absolute_url()}" in sitemap


def test_attachment_downloads_with_its_original_name(client):
    attachment = AttachmentFactory(title="活动方案")
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "%E6%96%B9%E6%A1%88.pdf" in disposition  # 方案.pdf
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_attachment_of_an_unpublished_article_is_not_public(client, make_staff):
    attachment = AttachmentFactory(article=ArticleFactory(draft=True))
    assert client.get(attachment.get_absolute_url()).status_code == 404
    client.force_login(make_staff("news.view_article"))
    assert client.get(attachment.get_absolute_url()).status_code == 200


def test_staff_preview_any_status_but_the_public_cannot(client, make_staff):
    article = ArticleFactory(draft=True, title="还在修改的草稿", view_count=5)
    preview = article.get_preview_url()
    response = client.get(preview)
    assert response.status_code in (302, 403)
    client.force_login(make_staff("news.view_article"))
    response = client.get(preview)
    assert response.status_code == 200
    assert "还在修改的草稿" in response.text
    assert "工作人员预览" in response.text
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert "data-count-url" not in response.text  # site.js does not count previews
    article.refresh_from_db()
    assert article.view_count == 5  # previews are not counted


def test_rich_text_is_sanitized_when_stored_and_when_rendered(client, superuser):
    article = ArticleFactory(
        body='<p onclick="steal()">正文<script>alert(1)</script><a href="javascript:alert(2)">链接</a></p>'
    )
    article.refresh_from_db()
    assert "script" not in article.body
    assert "onclick" not in article.body
    assert "javascript:" not in article.body
    # Written straight into the database, past the model: the public keeps the approved
    # body, and the staff preview (which shows the row as it is) renders it harmless.
    Article.objects.filter(pk=article.pk).update(body='<p>正文</p><img src=x onerror="alert(3)">')
    text = client.get(article.get_absolute_url()).text
    body = text.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    assert "onerror" not in text and "alert(3)" not in text
    assert "<img" not in body  # the header's emblem is an <img>; the injected one is not shown
    assert "链接" in body  # the approved body
    client.force_login(superuser)
    text = client.get(article.get_preview_url()).text
    assert "onerror" not in text
    assert "<p>正文</p>" in text


def test_summary_is_derived_from_the_body_when_left_empty():
    article = ArticleFactory(summary="", body="<p>" + "科" * 300 + "</p>")
    assert article.summary.startswith("科科科")
    assert len(article.summary) <= 120


def test_healthz_reports_the_database(client):
    assert client.get("/healthz").status_code == 200
    from django.db import DatabaseError

    with mock.patch("kexie.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503


def test_feed_titles_and_categories_are_plain_text(client):
    from xml.etree import ElementTree

    category = CategoryFactory(name="<i>通知</i>公告")
    ArticleFactory(category=category, title='<b onmouseover="x()">年会</b>&lt;script&gt;召开 A&B')
    response = client.get(reverse("news:feed"))
    item = ElementTree.fromstring(response.content).find("channel/item")  # noqa: S314 (our own feed)
    # What a reader gets after XML parsing: no tag left, and what looked like
    # one is escaped so an HTML-rendering reader shows it as text.
    assert item.findtext("title") == "年会&lt;script&gt;召开 A&amp;B"
    assert item.findtext("category") == "通知公告"
    assert "<b" not in response.text and "onmouseover" not in response.text
