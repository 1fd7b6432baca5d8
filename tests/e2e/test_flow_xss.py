"""Script injected past the editor never runs in a reader's or a reviewer's browser."""

import pytest

from news.models import Article, Category
from tests.news.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIDE_EFFECT = "window.__xss = (window.__xss || 0) + 1; alert('xss')"
PAYLOADS = [
    f"<script>{SIDE_EFFECT}</script>",
    f'<img src="x" onerror="{SIDE_EFFECT}">',
    f'<svg><animate onbegin="{SIDE_EFFECT}" attributeName="x" dur="1s"></animate></svg>',
    f'<a id="xss-link" href="javascript:{SIDE_EFFECT}">点这里</a>',
    f'<iframe srcdoc="<script>parent.{SIDE_EFFECT}</script>"></iframe>',
    f'<details open ontoggle="{SIDE_EFFECT}">x</details>',
    f'<math><mtext><table><mglyph><style><img src=x onerror="{SIDE_EFFECT}">',
]


def test_injected_script_never_runs(page, site, login, make_staff):
    payload = "".join(PAYLOADS)
    category = Category.objects.get(slug="news")
    article = ArticleFactory(title="标题" + PAYLOADS[1], category=category, body="<p>正文</p>")
    # Past the admin and the model: straight into the database, as a defacer would.
    Article.objects.filter(pk=article.pk).update(
        body=payload, summary=PAYLOADS[0], source=PAYLOADS[1], author=PAYLOADS[3]
    )
    Category.objects.filter(pk=category.pk).update(name="资讯<img src=x onerror=__xss=1>")

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    pages = ["/", "/news/", "/news/category/news/", f"/news/{article.pk}.html"]
    for path in pages:
        page.goto(site + path)
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__xss || 0") == 0, path
    # The article page is the last one loaded: the public gets the approved body, not
    # the one written into the database (news.tamper).
    assert page.locator(".article-body").get_by_text("点这里").count() == 0

    login(make_staff(username="reviewer", superuser=True))
    # The staff preview shows the row as it is: its javascript: link is gone, and
    # clicking what is left of it runs nothing.
    page.goto(site + f"/news/preview/{article.pk}/")
    page.wait_for_timeout(300)
    assert page.locator("[href^='javascript'], [src^='javascript']").count() == 0
    page.locator(".article-body").get_by_text("点这里").first.click()
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.__xss || 0") == 0
    for path in [
        "/admin/news/article/",
        f"/admin/news/article/{article.pk}/change/",
        "/admin/news/category/",
    ]:
        page.goto(site + path)
        page.wait_for_timeout(500)
        assert page.evaluate("() => window.__xss || 0") == 0, path
    assert dialogs == []
