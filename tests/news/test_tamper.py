"""Nothing changed outside the workflow is served: rows are written straight into the database."""

import datetime
import hashlib
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kexie.models import AuditEntry
from news import integrity, services
from news.models import Article, TamperAlert
from tests.news.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db


def tamper(article, **fields):
    """An UPDATE that bypasses the application, as someone with database access would."""
    assert Article.objects.filter(pk=article.pk).update(**fields) == 1


def run_verify():
    try:
        call_command("verify_published")
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_a_title_changed_in_the_database_is_not_served(client, superuser):
    article = ArticleFactory(title="州科协召开年度工作会议", body="<p>会议总结了全年工作。</p>")
    tamper(article, title="新蒲京娱乐场", body="<p>博彩广告</p>")

    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "州科协召开年度工作会议" in response.text and "会议总结了全年工作" in response.text
    assert "新蒲京" not in response.text and "博彩广告" not in response.text

    alert = TamperAlert.objects.get(article=article)
    assert set(alert.fields) == {"title", "body"}
    entry = AuditEntry.objects.get(details__step="tampered")
    assert f"#{article.pk}" in entry.target and set(entry.details["fields"]) == {"title", "body"}
    # Seen again, it is not recorded again.
    client.get(article.get_absolute_url())
    assert AuditEntry.objects.filter(details__step="tampered").count() == 1

    client.force_login(superuser)
    dashboard = client.get(reverse("admin:index")).text
    assert 'id="tamper-alerts"' in dashboard
    assert "新蒲京娱乐场" in dashboard  # the article, as it now stands in the database
    assert "标题" in dashboard and "正文" in dashboard


def test_lists_home_and_feed_show_the_approved_title(client):
    category = CategoryFactory(show_on_home=True)
    article = ArticleFactory(title="科普日活动圆满结束", category=category, is_headline=True)
    tamper(article, title="88805tccn官方版", summary="博彩")
    for url in (
        reverse("home"),
        reverse("news:article-list"),
        category.get_absolute_url(),
        reverse("news:feed"),
    ):
        text = client.get(url).content.decode()
        assert "科普日活动圆满结束" in text, url
        assert "88805tccn" not in text, url


def test_an_embargo_moved_forward_in_the_database_stays_hidden(client):
    article = ArticleFactory(
        title="定于2030年发布的文章", publish_at=timezone.now() + datetime.timedelta(days=1500)
    )
    tamper(article, publish_at=timezone.now() - datetime.timedelta(days=1))
    assert client.get(article.get_absolute_url()).status_code == 503
    assert "定于2030年发布的文章" not in client.get(reverse("news:article-list")).text


def test_a_row_published_in_the_database_gets_the_chinese_503_page(client):
    draft = ArticleFactory(draft=True, title="从未审核的草稿")
    tamper(draft, status="published", publish_at=timezone.now() - datetime.timedelta(hours=1))
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 503
    assert "文章暂时无法显示" in response.text and "从未审核的草稿" not in response.text
    assert "从未审核的草稿" not in client.get(reverse("news:article-list")).text
    assert "从未审核的草稿" not in client.get(reverse("news:feed")).content.decode()


def test_an_approval_forged_without_the_secret_key_does_not_pass(client):
    article = ArticleFactory(title="原标题")
    # Someone who has read the code but holds no key recomputes every digest.
    forged = Article.objects.get(pk=article.pk)
    forged.title = "改过的标题"
    digests = integrity.digests(forged)
    plain = hashlib.sha256(json.dumps(sorted(digests.items())).encode()).hexdigest()
    for key in ("", "not-the-secret-key"):
        fake = integrity.fingerprint(digests, secret=key) if key else plain
        tamper(article, title="改过的标题", approved_digests=digests, approved_fingerprint=fake)
        text = client.get(article.get_absolute_url()).text
        assert "改过的标题" not in text


def test_approvals_survive_a_rotation_of_the_secret_key(client, settings):
    article = ArticleFactory(title="轮换密钥前发布的文章")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert "轮换密钥前发布的文章" in client.get(article.get_absolute_url()).text
    assert not TamperAlert.objects.exists()
    assert run_verify() == 0


def test_reapproval_through_the_workflow_clears_the_alert(client, superuser):
    article = ArticleFactory(title="原标题")
    tamper(article, title="数据库里改的标题")
    client.get(article.get_absolute_url())
    assert run_verify() == 1
    fresh = Article.objects.get(pk=article.pk)
    fresh.updated_by = superuser
    fresh.save()  # a reviewer's save approves what is there now
    assert run_verify() == 0
    client.force_login(superuser)
    assert 'id="tamper-alerts"' not in client.get(reverse("admin:index")).text


def test_verify_published_lists_each_changed_article_and_exits_1(capsys):
    clean = ArticleFactory(title="没有改动的文章")
    changed = ArticleFactory(title="被改动的文章")
    hidden = ArticleFactory(title="被撤下的文章")
    assert run_verify() == 0
    tamper(changed, body="<p>注入的内容</p>")
    tamper(hidden, status="draft")  # taken off the site past the workflow
    capsys.readouterr()
    assert run_verify() == 1
    out = capsys.readouterr().out
    assert f"#{changed.pk}" in out and "正文" in out
    assert f"#{hidden.pk}" in out and "状态" in out
    assert f"#{clean.pk}" not in out
    assert TamperAlert.objects.filter(article=changed).exists()


def test_view_counts_do_not_count_as_tampering(client):
    article = ArticleFactory()
    tamper(article, view_count=12345)
    assert client.get(article.get_absolute_url()).status_code == 200
    assert run_verify() == 0


def test_the_list_check_adds_no_query(client, django_assert_max_num_queries):
    articles = ArticleFactory.create_batch(5)
    tamper(articles[0], title="改过")
    client.get(reverse("news:article-list"))  # the alert is recorded once
    with django_assert_max_num_queries(3 + 2):  # the list's budget plus the approved revision
        text = client.get(reverse("news:article-list")).text
    assert "改过" not in text


def test_bulk_loaded_articles_are_served_once_approved(client):
    category = CategoryFactory()
    Article.objects.bulk_create(
        [
            Article(
                title=f"批量导入的文章{n}",
                category=category,
                body="<p>正文</p>",
                status=Article.Status.PUBLISHED,
                publish_at=timezone.now() - datetime.timedelta(hours=n + 1),
            )
            for n in range(3)
        ]
    )
    article = Article.objects.get(title="批量导入的文章0")
    assert client.get(article.get_absolute_url()).status_code == 503  # never approved
    assert services.approve_loaded(Article.objects.all()) == 3
    assert "批量导入的文章0" in client.get(article.get_absolute_url()).text
    assert (
        article.revisions.get().fingerprint
        == Article.objects.get(pk=article.pk).approved_fingerprint
    )
    assert run_verify() == 0
