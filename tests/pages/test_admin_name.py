"""The admin's header and title carry the short name kept in the site settings, not the environment."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from kexie.admin_site import KexieAdminSite
from pages.models import SiteSettings

pytestmark = pytest.mark.django_db


def test_the_admin_header_and_title_follow_the_site_settings(
    client, superuser, settings, django_capture_on_commit_callbacks
):
    settings.KEXIE_SITE_SHORT_NAME = "环境变量里的名字"
    SiteSettings.objects.create(site_name="来凤县科学技术协会", short_name="来凤县科协")
    client.force_login(superuser)
    html = client.get(reverse("admin:index")).text
    assert " | 来凤县科协 内容管理</title>" in html
    assert 'id="site-name"' in html and "来凤县科协 内容管理</a>" in html
    assert "环境变量里的名字" not in html

    current = SiteSettings.objects.current()
    current.short_name = "来凤科协"
    with django_capture_on_commit_callbacks(execute=True):
        current.save()  # the cached name is dropped when the change commits
    assert "来凤科协 内容管理" in client.get(reverse("admin:index")).text


def test_the_name_costs_one_query_cold_and_none_warm(superuser, django_assert_num_queries):
    from django.contrib import admin

    SiteSettings.objects.create(short_name="鹤峰县科协")
    assert isinstance(admin.site, KexieAdminSite)
    request = RequestFactory().get("/admin/")
    request.user = superuser
    with django_assert_num_queries(1):
        header = str(admin.site.site_header)
    assert header == "鹤峰县科协 内容管理"
    with django_assert_num_queries(0):
        assert str(admin.site.site_title) == "鹤峰县科协 内容管理"
        context = admin.site.each_context(request)
        assert context["site_header"] == context["site_title"] == "鹤峰县科协 内容管理"


def test_without_a_settings_row_the_default_name_is_shown(superuser, settings):
    from django.contrib import admin

    settings.KEXIE_SITE_SHORT_NAME = "某某市科协"
    assert not SiteSettings.objects.exists()
    assert str(admin.site.site_header) == "某某市科协 内容管理"
    assert not SiteSettings.objects.exists()  # reading the name never writes
