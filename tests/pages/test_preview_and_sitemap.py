"""Single pages in the sitemap (published ones only) and their staff preview."""

import pytest
from django.urls import reverse

from pages.models import Page

pytestmark = pytest.mark.django_db


def test_published_single_pages_are_in_the_sitemap_unpublished_ones_are_not(client):
    shown = Page.objects.create(title="机构概况", body="<p>简介</p>", is_published=True)
    hidden = Page.objects.create(title="领导班子", body="<p>待定</p>")
    sitemap = client.get(reverse("django.contrib.sitemaps.views.sitemap")).text
    assert f"http://testserver{shown.get_absolute_url()}</loc>" in sitemap
    assert hidden.get_absolute_url() not in sitemap


def test_the_public_cannot_preview_an_unpublished_page(client):
    page = Page.objects.create(title="领导班子", body="<p>尚未公开的名单</p>")
    assert client.get(page.get_absolute_url()).status_code == 404
    response = client.get(page.get_preview_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "尚未公开的名单" not in response.text


def test_staff_without_the_permission_cannot_preview(client, make_staff):
    page = Page.objects.create(title="领导班子", body="<p>尚未公开的名单</p>")
    client.force_login(make_staff("news.view_article"))
    assert client.get(page.get_preview_url()).status_code == 403


def test_staff_preview_an_unpublished_page_never_cached_never_indexed(client, site_admin):
    page = Page.objects.create(title="领导班子", body="<p>尚未公开的名单</p>")
    client.force_login(site_admin)
    response = client.get(page.get_preview_url())
    assert response.status_code == 200
    assert "尚未公开的名单" in response.text
    assert "工作人员预览" in response.text
    assert "no-cache" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


def test_the_admin_change_page_links_to_the_preview(client, site_admin):
    page = Page.objects.create(title="领导班子", body="<p>待定</p>")
    client.force_login(site_admin)
    html = client.get(reverse("admin:pages_page_change", args=[page.pk])).text
    assert f'href="{page.get_preview_url()}"' in html
    listing = client.get(reverse("admin:pages_page_changelist")).text
    assert page.get_preview_url() in listing
