"""Every public news page runs the same number of queries however much content exists.

The budgets are for rendering a page (the first request after a change); a
cached page costs no query at all.
"""

import threading

import pytest
from django.db import connection
from django.urls import reverse

from news.models import Article, ArticleDailyView
from tests.news.factories import ArticleFactory, AttachmentFactory, CategoryFactory
from tests.organizations.factories import OrganizationFactory

# Header and footer come from the cache, as on a running site (pages.chrome).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warm_site_chrome")]

# Queries per page, the page's own: the navigation's categories come with the header
# and footer, built once per content generation (kexie.pagecache.fragments).
BUDGETS = {
    "home": 3,  # sections, latest per section (one query), headlines
    "list": 2,  # count, page
    "category": 3,  # category, count, page
    "detail": 3,  # article, attachments, previous and next (counting: article-views)
    # Category, parent and organization come from copies kept per content generation.
    "detail without attachments": 2,  # article, previous and next
    "feed": 1,
    # categories, articles and organizations (count + list each), honours, pages
    "sitemap": 8,
}


def fill(size):
    parent = CategoryFactory(slug="news-center", name="新闻中心")
    categories = [
        CategoryFactory(slug=f"section-{n}", parent=parent, show_on_home=True) for n in range(3)
    ]
    organizations = OrganizationFactory.create_batch(2)
    articles = []
    for number in range(size):
        article = ArticleFactory(
            category=categories[number % 3],
            is_headline=number % 4 == 0,
            organization=organizations[number % 2],  # 来源: the organization's name
        )
        articles.append(article)
        if number % 2 == 0:
            AttachmentFactory.create_batch(2, article=article)
    return parent, articles


def urls(parent, articles):
    middle = articles[len(articles) // 2 // 2 * 2]  # one with attachments
    return {
        "home": reverse("home"),
        "list": reverse("news:article-list"),
        "category": parent.get_absolute_url(),
        "detail": middle.get_absolute_url(),
        "detail without attachments": articles[1].get_absolute_url(),
        "feed": reverse("news:feed"),
        "sitemap": reverse("django.contrib.sitemaps.views.sitemap"),
    }


@pytest.mark.parametrize("size", [3, 30])
@pytest.mark.parametrize("page", list(BUDGETS))
def test_query_count_does_not_grow_with_content(
    client, render_every_request, django_assert_num_queries, size, page
):
    parent, articles = fill(size)
    url = urls(parent, articles)[page]
    client.get(url)  # loads the banned-term list once for this content generation
    with django_assert_num_queries(BUDGETS[page]):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("page", list(BUDGETS))
def test_a_cached_page_costs_no_query(client, django_assert_num_queries, page):
    parent, articles = fill(3)
    url = urls(parent, articles)[page]
    first = client.get(url)
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content


@pytest.mark.django_db(transaction=True)
def test_concurrent_views_lose_no_count():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serializes writers; the race is exercised on PostgreSQL")
    article = ArticleFactory(view_count=0)
    threads_count, views_each = 8, 25
    barrier = threading.Barrier(threads_count)

    def reader():
        from django.db import connections

        try:
            barrier.wait()
            for _ in range(views_each):
                Article.objects.get(pk=article.pk).count_view()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reader) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    article.refresh_from_db()
    assert article.view_count == threads_count * views_each
    daily = ArticleDailyView.objects.get(article=article)
    assert daily.views == threads_count * views_each
