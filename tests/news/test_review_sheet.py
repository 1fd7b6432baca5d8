"""The printable 审核单: everything the three reviews need, for staff who may view the article."""

import pytest
from django.urls import reverse

from news import services
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_review_sheet_shows_facts_steps_fingerprint_and_signature_lines(client, make_staff):
    editor = make_staff("news.view_article", "news.submit_article", username="bianji01")
    editor.first_name = "张小编"
    editor.save()
    reviewer = make_staff("news.view_article", "news.publish_article", username="shenhe01")
    article = ArticleFactory(
        draft=True,
        title="州科协召开全委会",
        source="恩施州科协",
        author="王记者",
        responsible_editor="李编辑",
    )
    services.perform_transition("submit", article=article, user=editor)
    services.send_back(article=article, user=reviewer, comment="请核实数据")
    services.perform_transition("submit", article=article, user=editor)
    services.publish(article=article, user=reviewer, comment="同意发布")
    article.refresh_from_db()

    client.force_login(reviewer)
    url = reverse("admin:news_article_review_sheet", args=[article.pk])
    text = client.get(url).text
    for expected in ("审核单", "州科协召开全委会", "恩施州科协", "王记者", "李编辑", "张小编"):
        assert expected in text, expected
    assert "请核实数据" in text and "同意发布" in text and "shenhe01" in text
    assert article.approved_fingerprint in text
    assert "初审" in text and "复审" in text and "终审" in text
    assert "size: A4" in text and "@media print" in text
    submitted = article.events.filter(action="submitted").last().created_at
    from django.utils import timezone

    assert timezone.localtime(submitted).strftime("%Y-%m-%d %H:%M:%S") in text
    change_page = client.get(reverse("admin:news_article_change", args=[article.pk])).text
    assert url in change_page


def test_review_sheet_is_for_staff_who_may_view_articles(client, make_staff):
    article = ArticleFactory()
    url = reverse("admin:news_article_review_sheet", args=[article.pk])
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(make_staff("organizations.view_member", username="other"))
    assert client.get(url).status_code in {403, 404}
