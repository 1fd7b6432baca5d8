"""The admin's header and title carry the short name kept in the site settings, not the environment."""

from unittest import mock

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


# --- The other places that name the site --------------------------------------


def test_the_feed_the_busy_page_and_the_authenticator_use_the_stored_names(
    client, superuser, settings
):
    from django.db import OperationalError
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.KEXIE_SITE_NAME = "环境变量里的全称"
    settings.KEXIE_SITE_SHORT_NAME = "环境变量里的简称"
    SiteSettings.objects.create(site_name="来凤县科学技术协会", short_name="来凤县科协")

    feed = client.get(reverse("news:feed")).text
    assert "<title>来凤县科学技术协会</title>" in feed and "环境变量" not in feed

    # The database fails after the site settings were read once (kept in the cache).
    client.raise_request_exception = False
    with mock.patch("news.views.HomeView.get", side_effect=OperationalError("gone")):
        busy = client.get("/?after=feed")
    assert busy.status_code == 503
    assert "来凤县科学技术协会" in busy.text and "环境变量" not in busy.text

    device = TOTPDevice.objects.create(user=superuser, name="手机", confirmed=False)
    assert "issuer=%E6%9D%A5%E5%87%A4%E5%8E%BF%E7%A7%91%E5%8D%8F" in device.config_url  # 来凤县科协


def test_the_busy_page_names_the_site_when_nothing_was_cached(client, settings):
    from django.db import OperationalError

    settings.KEXIE_SITE_NAME = "环境变量里的全称"
    client.raise_request_exception = False
    with mock.patch("news.views.HomeView.get", side_effect=OperationalError("gone")):
        busy = client.get("/")
    assert busy.status_code == 503 and "环境变量里的全称" in busy.text
