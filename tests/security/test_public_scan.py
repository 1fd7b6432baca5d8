"""The last line: whatever way a banned term reaches a public response, the public never sees it."""

from unittest import mock

import pytest
from django.template import engines
from django.test import Client
from django.urls import reverse

from kexie.models import AuditEntry, BannedTerm
from kexie.pagecache import scan
from news.models import Category
from organizations.models import Organization
from tests.news.factories import ArticleFactory, CategoryFactory
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

TERM = "新蒲京"  # listed, blocking, by the data migration


def assert_withheld(response, url):
    assert response.status_code == 503, url
    assert response["Content-Type"].startswith("text/html")
    assert "页面暂时无法访问" in response.text
    assert TERM not in response.text
    assert "no-store" in response["Cache-Control"]


def alerts():
    return AuditEntry.objects.filter(action=AuditEntry.Action.PAGE_WITHHELD)


def test_a_banned_site_name_takes_every_page_down_with_an_alert(client, settings):
    settings.KEXIE_SITE_NAME = f"{TERM}官方网站"
    article = ArticleFactory()
    urls = [reverse("home"), reverse("news:article-list"), article.get_absolute_url()]
    for url in urls:
        assert_withheld(client.get(url), url)
    alert = alerts().get(target=article.get_absolute_url())
    assert TERM in alert.details["terms"]
    assert alerts().count() == len(urls)


def test_a_category_name_written_straight_into_the_database(client):
    category = CategoryFactory(name="工作动态", slug="work")
    ArticleFactory(category=category)
    Category.objects.filter(pk=category.pk).update(name="新 蒲<b>京</b>")  # past the admin
    for url in [reverse("home"), reverse("news:article-list"), category.get_absolute_url()]:
        assert_withheld(client.get(url), url)


def test_a_term_injected_into_the_template_context(client, monkeypatch):
    engine = engines["django"].engine
    processors = engine.template_context_processors
    monkeypatch.setattr(
        engine,
        "template_context_processors",
        (*processors, lambda request: {"site_name": "88805tccn"}),
    )
    assert_withheld(client.get(reverse("organizations:organization-list")), "directory")


def test_the_feed_and_the_sitemap_are_scanned(client):
    # Saved by the application past the editors' check (a bare UPDATE would show the approved
    # revision instead): the scan is what keeps it from the public.
    ArticleFactory(title=f"澳门{TERM}")
    assert_withheld(client.get(reverse("news:feed")), "feed")
    organization = OrganizationFactory(slug="society")
    Organization.objects.filter(pk=organization.pk).update(slug="88805tccn")
    assert_withheld(client.get(reverse("django.contrib.sitemaps.views.sitemap")), "sitemap")


def test_hidden_in_a_tag_attribute_is_found_too(client):
    article = ArticleFactory(summary=f"摘要{TERM}")  # only in <meta description>
    response = client.get(article.get_absolute_url())
    assert_withheld(response, "meta description")


def test_a_cached_page_is_scanned_once(client):
    url = reverse("news:article-list")
    ArticleFactory()
    with mock.patch.object(scan, "blocking_terms", wraps=scan.blocking_terms) as scanner:
        for _ in range(3):
            assert client.get(url).status_code == 200
    assert scanner.call_count == 1


def test_a_withheld_page_alerts_once_however_often_it_is_asked_for(client, superuser):
    category = CategoryFactory(slug="work")
    Category.objects.filter(pk=category.pk).update(name=TERM)
    staff = Client()
    staff.force_login(superuser)  # uncached: scanned on every request
    for _ in range(3):
        assert staff.get(category.get_absolute_url()).status_code == 503
        assert client.get(category.get_absolute_url()).status_code == 503
    assert alerts().count() == 1


def test_warning_terms_do_not_withhold(client):
    BannedTerm.objects.create(term="小心用词", action=BannedTerm.Action.WARN)
    article = ArticleFactory(title="这里有小心用词")
    assert client.get(article.get_absolute_url()).status_code == 200


def test_removing_the_term_brings_the_page_back(client):
    category = CategoryFactory(slug="work")
    Category.objects.filter(pk=category.pk).update(name=TERM)
    assert client.get(category.get_absolute_url()).status_code == 503
    category.refresh_from_db()
    category.name = "工作动态"
    category.save()
    assert client.get(category.get_absolute_url()).status_code == 200


def test_the_dashboard_names_the_page_and_the_term(client, superuser, make_staff):
    category = CategoryFactory(slug="work")
    Category.objects.filter(pk=category.pk).update(name=TERM)
    client.get(category.get_absolute_url())
    admin = Client()
    admin.force_login(superuser)
    page = admin.get(reverse("admin:index")).text
    assert "含有违规词而暂停公开的页面" in page
    assert category.get_absolute_url() in page
    assert TERM in page
    editor = Client()
    editor.force_login(make_staff("news.change_article", username="editor"))
    assert "含有违规词而暂停公开的页面" not in editor.get(reverse("admin:index")).text
