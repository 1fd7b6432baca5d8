"""The header, navigation and footer are rendered once per content generation and reused.

A page not in the cache renders only its own content; any change of public
content (a category, the site settings) shows in the shared parts on the next
request, and the search box still shows each visitor's own query.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kexie.pagecache import fragments
from news.models import Category
from pages.models import SiteSettings
from tests.news.factories import CategoryFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("render_every_request")]


def test_the_navigation_is_built_once_per_generation(client):
    CategoryFactory(name="科普活动", slug="kepu")
    assert "科普活动" in client.get("/news/").text
    with CaptureQueriesContext(connection) as queries:
        assert "科普活动" in client.get("/news/?page=2").text
    assert not [q for q in queries if 'FROM "news_category"' in q["sql"]]


def test_a_new_category_shows_in_the_navigation_at_once(client):
    CategoryFactory(name="科普活动", slug="kepu")
    assert "学会动态" not in client.get("/").text
    CategoryFactory(name="学会动态", slug="xuehui")  # a save replaces the generation
    assert "学会动态" in client.get("/").text
    Category.objects.filter(slug="xuehui").delete()
    assert "学会动态" not in client.get("/").text


def test_a_new_site_name_shows_in_header_and_footer_at_once(client):
    client.get("/")
    row = SiteSettings.objects.current()
    row.site_name = "某某州科学技术协会"
    row.save()
    html = client.get("/").text
    assert html.count("某某州科学技术协会") >= 3  # title, header, footer


def test_the_search_box_shows_each_visitors_own_query_escaped(client):
    html = client.get("/search/", {"q": '"><script>x</script>'}).text
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html
    assert "<script>x</script>" not in html
    assert 'name="q" maxlength' in client.get("/").text
    assert 'value=""' in client.get("/").text  # the next page does not inherit it


def test_without_a_generation_the_parts_are_built_every_time(rf):
    built = []
    request = rf.get("/")
    for _ in range(2):
        fragments.memo(request, "test", lambda: built.append(1))
    assert len(built) == 2
    request.pagecache_generation = 1
    for _ in range(2):
        fragments.memo(request, "test", lambda: built.append(1) or "x")
    assert len(built) == 3


def test_a_row_changed_after_it_was_checked_is_still_caught(client):
    """The integrity check remembers digests and verdicts; a changed row has new values."""
    from kexie import pagecache
    from news.models import Article
    from tests.news.factories import ArticleFactory

    article = ArticleFactory(title="科普日活动圆满结束")
    assert "科普日活动圆满结束" in client.get("/news/").text  # the memo now knows this row
    Article.objects.filter(pk=article.pk).update(title="88805tccn官方版")
    pagecache.bump()  # a write past the models, as the README says to do
    html = client.get("/news/").text
    assert "88805tccn" not in html and "科普日活动圆满结束" in html
    row = Article.objects.get(pk=article.pk)
    Article.objects.filter(pk=article.pk).update(approved_digests={**row.approved_digests})
    assert "88805tccn" not in client.get(row.get_absolute_url()).text
