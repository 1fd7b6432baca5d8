"""网站自查: the dashboard panel and manage.py site_check report what needs fixing."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from news import site_check
from tests.news.factories import ArticleFactory, AttachmentFactory, CategoryFactory


def _ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def _findings(kind):
    return [finding for finding in site_check.run() if finding.kind == kind]


@pytest.mark.django_db
def test_categories_not_updated_within_their_threshold_are_reported():
    news = CategoryFactory(name="工作动态", slug="gzdt")
    notices = CategoryFactory(name="通知公告", slug="tzgg")
    own = CategoryFactory(name="科普天地", slug="kptd", update_within_days=30)
    ArticleFactory(category=news, publish_at=_ago(15))  # over two weeks
    ArticleFactory(category=notices, publish_at=_ago(100))  # within six months
    ArticleFactory(category=own, publish_at=_ago(31))
    stale = {finding.item: finding for finding in _findings("stale")}
    assert set(stale) == {"工作动态", "科普天地"}
    assert stale["工作动态"].fix_url == reverse("admin:news_category_change", args=[news.pk])
    ArticleFactory(category=news, publish_at=_ago(1))
    assert {finding.item for finding in _findings("stale")} == {"科普天地"}


@pytest.mark.django_db
def test_empty_categories_count_children_and_only_published_articles():
    parent = CategoryFactory(name="学会工作", slug="xhgz")
    child = CategoryFactory(name="学会动态", slug="xhdt", parent=parent)
    empty = CategoryFactory(name="专题专栏", slug="ztzl")
    ArticleFactory(category=empty, draft=True)
    ArticleFactory(category=child, publish_at=_ago(1))
    assert [finding.item for finding in _findings("empty")] == ["专题专栏"]


@pytest.mark.django_db
def test_broken_links_missing_images_and_missing_alt_text_are_reported(settings):
    category = CategoryFactory(name="通知公告", slug="tzgg")
    target = ArticleFactory(category=category)
    draft = ArticleFactory(category=category, draft=True)
    default_storage.save("editor/ok.png", ContentFile(b"png"))
    body = (
        f'<p><a href="/news/{target.pk}.html">好链接</a>'
        f'<a href="/news/{draft.pk}.html">草稿</a>'
        '<a href="/news/category/no-such/">无此栏目</a>'
        '<a href="/no/such/page/">无此页</a>'
        '<a href="https://www.cast.org.cn/">外站</a>'
        '<img src="/media/editor/ok.png" alt="合影">'
        '<img src="/media/editor/gone.png" alt="会场">'
        '<img src="/media/editor/ok.png"></p>'
    )
    article = ArticleFactory(category=category, title="检查链接", body=body)
    broken = [finding.problem for finding in _findings("broken_link")]
    assert len(broken) == 3
    assert any(f"/news/{draft.pk}.html" in problem for problem in broken)
    missing = _findings("missing_image")
    assert [finding.problem for finding in missing] == ["图片 /media/editor/gone.png"]
    assert missing[0].fix_url == reverse("admin:news_article_change", args=[article.pk])
    assert len(_findings("no_alt")) == 1


@pytest.mark.django_db
def test_published_banned_terms_are_reported_but_drafts_are_not():
    category = CategoryFactory(name="通知公告", slug="tzgg")
    # Written past the admin, as a defacement would be.
    ArticleFactory(category=category, title="欢迎访问新蒲京")
    ArticleFactory(category=category, title="草稿里的新蒲京", draft=True)
    found = _findings("banned_term")
    assert [finding.item for finding in found] == ["欢迎访问新蒲京"]


@pytest.mark.django_db
def test_command_prints_findings_and_exits_1(capsys):
    CategoryFactory(name="专题专栏", slug="ztzl")
    with pytest.raises(CommandError) as raised:
        call_command("site_check")
    assert raised.value.returncode == 1
    assert "专题专栏" in capsys.readouterr().out


@pytest.mark.django_db
def test_command_exits_0_when_nothing_is_found(capsys):
    ArticleFactory(category=CategoryFactory(name="科普天地", slug="kptd"))
    call_command("site_check")
    assert "没有发现" in capsys.readouterr().out


@pytest.mark.django_db
def test_dashboard_panel_links_to_fixes_with_a_fixed_number_of_queries(
    client, superuser, django_assert_max_num_queries
):
    category = CategoryFactory(name="专题专栏", slug="ztzl")
    client.force_login(superuser)
    page = client.get(reverse("admin:index")).content.decode()
    assert "网站自查" in page
    assert reverse("admin:news_category_change", args=[category.pk]) in page

    def queries_for(n):
        for number in range(n):
            ArticleFactory(category=category, body=f'<p><a href="/nope/{number}/">x</a></p>')
        with django_assert_max_num_queries(1000) as captured:
            client.get(reverse("admin:index"))
        return len(captured.captured_queries)

    small, large = queries_for(2), queries_for(20)
    assert small == large


@pytest.mark.django_db
def test_a_banned_term_in_an_attachment_title_is_one_finding(capsys):
    article = ArticleFactory(category=CategoryFactory(name="通知公告", slug="tzgg"), title="通知")
    attachment = AttachmentFactory(article=article, title="新蒲京报名表")
    found = _findings("banned_term")
    assert len(found) == 1
    assert found[0].fix_url == reverse("admin:news_article_change", args=[article.pk])
    assert "新蒲京" in found[0].problem

    with pytest.raises(CommandError):
        call_command("scan_content")
    lines = [line for line in capsys.readouterr().out.splitlines() if "新蒲京" in line]
    assert len(lines) == 1
    assert attachment.title in lines[0]
