"""The site's official face: settings, 友情链接 and single pages, configured in the admin."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kexie.accounts import roles
from pages.models import FriendLink, Page, SiteSettings
from tests.security.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_admin(django_user_model):
    user = django_user_model.objects.create_user(
        "guanli", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.SITE_ADMIN))
    return user


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        "bianji", password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.EDITOR))
    return user


def test_names_default_to_the_environment(client, settings):
    settings.KEXIE_SITE_NAME = "某某市科学技术协会"
    settings.KEXIE_SITE_SHORT_NAME = "某某市科协"
    assert SiteSettings.objects.current().short_name == "某某市科协"
    assert "<title>某某市科学技术协会</title>" in client.get("/").text


def test_footer_shows_the_official_details_with_filing_links(client):
    SiteSettings.objects.create(
        site_name="恩施州科学技术协会",
        host="恩施州科学技术协会",
        organizer="州科协办公室",
        address="湖北省恩施市施州大道",
        phone="0718-1234567",
        email="office@example.org",
        icp_number="鄂ICP备12345678号-1",
        public_security_number="鄂公网安备 42280102000123号",
        site_code="4228000012",
    )
    html = client.get("/").text
    for text in ["主办单位：恩施州科学技术协会", "承办单位：州科协办公室", "湖北省恩施市施州大道",
                 "0718-1234567", "office@example.org", "网站标识码：4228000012"]:  # fmt: skip
        assert text in html
    assert '<a href="https://beian.miit.gov.cn/" rel="noopener">鄂ICP备12345678号-1</a>' in html
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=42280102000123"' in html
    assert "public-security.svg" in html


def test_friend_links_kept_in_the_admin_appear_in_order(client):
    FriendLink.objects.create(name="湖北省科协", url="https://www.hbast.org.cn/", order=2)
    FriendLink.objects.create(name="中国科协", url="https://www.cast.org.cn/", order=1)
    FriendLink.objects.create(name="旧链接", url="https://old.example/", is_shown=False)
    html = client.get("/").text
    assert html.index("中国科协") < html.index("湖北省科协")
    assert "旧链接" not in html


def test_a_published_page_is_at_its_pinyin_address_and_in_the_navigation(client):
    page = Page.objects.create(title="机构概况", body="<p>简介</p>", is_published=True)
    assert page.get_absolute_url() == "/about/ji-gou-gai-kuang/"
    response = client.get(page.get_absolute_url())
    assert response.status_code == 200
    assert "<h1>机构概况</h1>" in response.text
    nav = client.get("/").text.split('class="site-nav"')[1].split("</nav>")[0]
    assert 'href="/about/ji-gou-gai-kuang/"' in nav


def test_unpublished_pages_are_not_found_nor_listed(client):
    page = Page.objects.create(title="领导班子", body="<p>草稿</p>", is_published=False)
    assert client.get(page.get_absolute_url()).status_code == 404
    assert page.get_absolute_url() not in client.get("/").text


def test_page_body_is_sanitized(client):
    page = Page.objects.create(
        title="联系我们",
        body='<p style="text-indent:2em" onclick="x()">电话</p><script>alert(1)</script>',
        is_published=True,
    )
    page.refresh_from_db()
    assert page.body == '<p style="text-indent:2em">电话</p>'


def test_settings_are_read_from_the_cache_and_a_change_shows_at_once(
    client, django_capture_on_commit_callbacks
):
    FriendLink.objects.create(name="中国科协", url="https://www.cast.org.cn/")
    client.get("/")  # fills the cache
    with CaptureQueriesContext(connection) as queries:
        assert "中国科协" in client.get("/").text
    assert not [q for q in queries if "pages_" in q["sql"]]
    with django_capture_on_commit_callbacks(execute=True):
        FriendLink.objects.create(name="科普中国", url="https://www.kepuchina.cn/")
    assert "科普中国" in client.get("/").text


def test_favicon_is_never_missing(client, settings):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("img/favicon.ico")


def test_site_admin_edits_the_one_settings_row(client, site_admin):
    client.force_login(site_admin)
    response = client.get(reverse("admin:pages_sitesettings_changelist"))
    assert response.status_code == 302
    url = response["Location"]
    data = form_data(client.get(url).text, "sitesettings_form", host="恩施州科协", _save="1")
    assert client.post(url, data).status_code == 302
    assert SiteSettings.objects.get().host == "恩施州科协"
    assert client.get(reverse("admin:pages_sitesettings_add")).status_code == 403
    assert "恩施州科协" in client.get("/").text


def test_an_emblem_that_is_not_an_image_is_refused(client, site_admin):
    client.force_login(site_admin)
    url = reverse("admin:pages_sitesettings_change", args=[SiteSettings.objects.current().pk])
    data = form_data(client.get(url).text, "sitesettings_form", _save="1")
    data["emblem"] = SimpleUploadedFile("logo.png", b"<html><script>alert(1)</script></html>")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "errorlist" in response.text and "图片" in response.text
    assert not SiteSettings.objects.get().emblem


def test_editors_cannot_change_the_site(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:pages_page_add")).status_code == 403
    assert client.get(reverse("admin:pages_sitesettings_changelist")).status_code == 403


def test_banned_terms_are_refused_on_single_pages(client, site_admin):
    client.force_login(site_admin)
    url = reverse("admin:pages_page_add")
    data = form_data(client.get(url).text, "page_form", title="联系我们", _save="1")
    data["body"] = "<p>新蒲京</p>"
    data["is_published"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Page.objects.exists()


def test_site_admin_lists_filters_and_reorders_friend_links(client, site_admin):
    link = FriendLink.objects.create(name="中国科协", url="https://www.cast.org.cn/", order=5)
    client.force_login(site_admin)
    url = reverse("admin:pages_friendlink_changelist")
    response = client.get(url)
    assert response.status_code == 200
    assert "中国科协" in response.text
    assert client.get(url, {"is_shown__exact": "1"}).status_code == 200
    # The list's own editable columns save too.
    data = form_data(response.text, "changelist-form", _save="1")
    data["form-0-order"] = "1"
    assert client.post(url, data).status_code == 302
    link.refresh_from_db()
    assert link.order == 1
