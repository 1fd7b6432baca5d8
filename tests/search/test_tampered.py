"""Search shows what the article lists show of a row changed past the application.

A published row changed by an UPDATE straight in the database fails its approved
fingerprint (news.integrity): lists show its approved revision, or nothing when
there is none. Search results follow the same rule (news.tamper.served).
"""

import pytest
from django.core.management import call_command

from news.models import Article, TamperAlert
from tests.news.factories import ArticleFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_site_chrome")]

GAMBLING = "新蒲京娱乐场"


def _search(client, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    return response.text


def test_a_tampered_title_is_not_shown_the_approved_one_is(client):
    article = ArticleFactory(title="州科协召开年会", body="<p>全州科技工作者代表参加年会。</p>")
    Article.objects.filter(pk=article.pk).update(
        title=f"{GAMBLING}年会", body=f"<p>{GAMBLING}年会 在线投注</p>"
    )
    html = _search(client, "年会")
    assert GAMBLING not in html
    assert "在线投注" not in html
    assert "州科协召开<mark>年会</mark>" in html  # the approved title, as on the list page
    assert f"/news/{article.pk}.html" in html
    assert TamperAlert.objects.filter(article=article).exists()
    list_page = client.get("/news/").text
    assert GAMBLING not in list_page and "州科协召开年会" in list_page


def test_a_tampered_row_with_no_approved_version_is_withheld(client):
    draft = ArticleFactory(title="还没审核的年会稿件", draft=True)
    # Published straight in the database: it never had an approval.
    Article.objects.filter(pk=draft.pk).update(
        status=Article.Status.PUBLISHED, publish_at="2020-01-01T00:00:00Z"
    )
    Article.objects.filter(pk=draft.pk).update(title=f"{GAMBLING}年会")
    html = _search(client, "年会")
    assert GAMBLING not in html
    assert f"/news/{draft.pk}.html" not in html
    assert f"/news/{draft.pk}.html" not in client.get("/news/").text


def test_a_rebuilt_index_holds_the_approved_text_not_the_tampered_one(client):
    article = ArticleFactory(title="州科协召开年会")
    # 鲲鹏 stands for the tampered text (a page echoing a banned term is withheld anyway).
    Article.objects.filter(pk=article.pk).update(title=f"{GAMBLING}鲲鹏年会")
    call_command("rebuild_search_index", verbosity=0)
    assert f"/news/{article.pk}.html" not in _search(client, "鲲鹏")
    assert f"/news/{article.pk}.html" in _search(client, "州科协召开年会")
