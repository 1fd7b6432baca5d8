"""The public page cache: what readers get, what staff get, and every way a page goes stale."""

import datetime
import gzip
from email.utils import formatdate
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from awards.models import Award, Honour
from kexie import pagecache
from kexie.models import BannedTerm
from news.models import Article, Category
from organizations.models import Organization
from tests.awards.factories import AwardFactory, HonourFactory
from tests.news.factories import ArticleFactory, AttachmentFactory, CategoryFactory
from tests.organizations.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db


def served_from_cache(client, url, django_assert_num_queries):
    with django_assert_num_queries(0):
        return client.get(url)


def test_second_anonymous_request_is_served_without_the_database(client, django_assert_num_queries):
    article = ArticleFactory(title="缓存里的稿件")
    first = client.get(article.get_absolute_url())
    again = served_from_cache(client, article.get_absolute_url(), django_assert_num_queries)
    assert again.status_code == 200
    assert again.content == first.content
    assert "缓存里的稿件" in again.text


def test_public_pages_carry_cache_headers_and_no_cookie(client):
    article = ArticleFactory()
    for url in [reverse("home"), article.get_absolute_url(), reverse("news:feed")]:
        for response in [client.get(url), client.get(url)]:  # filled, then hit
            cache_control = response["Cache-Control"]
            for part in ["public", "max-age=10", "stale-while-revalidate=", "stale-if-error="]:
                assert part in cache_control, (url, cache_control)
            assert response["ETag"].startswith('W/"')
            assert response["Last-Modified"].endswith("GMT")
            assert response["Vary"] == "Accept-Encoding"  # neither Cookie nor Accept-Language
            assert not response.cookies  # no CSRF cookie, no session
            assert response["Content-Security-Policy"]
            assert response["X-Frame-Options"] == "DENY"


def test_conditional_requests_get_304(client):
    url = reverse("news:article-list")
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert client.get(url, headers={"if-none-match": etag.removeprefix("W/")}).status_code == 304
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    assert client.get(url, headers={"if-none-match": 'W/"other"'}).status_code == 200
    earlier = formatdate(timezone.now().timestamp() - 3600, usegmt=True)
    assert client.get(url, headers={"if-modified-since": earlier}).status_code == 200


def test_an_edit_changes_the_etag(client):
    article = ArticleFactory(title="旧标题")
    etag = client.get(article.get_absolute_url())["ETag"]
    article.title = "新标题"
    article.save()
    response = client.get(article.get_absolute_url(), headers={"if-none-match": etag})
    assert response.status_code == 200
    assert response["ETag"] != etag
    assert "新标题" in response.text


def test_pages_are_compressed_for_clients_that_accept_gzip(client):
    url = reverse("home")
    plain = client.get(url)
    packed = client.get(url, headers={"accept-encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.content) == plain.content
    assert int(packed["Content-Length"]) < len(plain.content) / 2
    assert "Content-Encoding" not in plain


def test_head_gets_the_headers_without_the_body(client):
    url = reverse("news:article-list")
    get = client.get(url)
    head = client.head(url)
    assert head.status_code == 200
    assert head.content == b""
    assert head["Content-Length"] == str(len(get.content))
    assert head["ETag"] == get["ETag"]


# --- Invalidation: every change of public content shows on the next request ---


def _edit_article(data):
    data["article"].title = "改过的标题"
    data["article"].save()
    return data["article"].get_absolute_url(), "改过的标题"


def _publish_draft(data):
    draft = ArticleFactory(draft=True, title="刚刚发布的稿件", category=data["category"])
    draft.status = Article.Status.PUBLISHED
    draft.publish_at = timezone.now()
    draft.save()
    return reverse("news:article-list"), "刚刚发布的稿件"


def _withdraw(data):
    data["article"].status = Article.Status.WITHDRAWN
    data["article"].save()
    return reverse("news:article-list"), None  # the title must be gone


def _delete(data):
    data["article"].delete()
    return reverse("news:article-list"), None


def _rename_category(data):
    data["category"].name = "改名的栏目"
    data["category"].save()
    return data["article"].get_absolute_url(), "改名的栏目"


def _add_attachment(data):
    AttachmentFactory(article=data["article"], title="新加的附件")
    return data["article"].get_absolute_url(), "新加的附件"


def _edit_organization(data):
    data["organization"].name = "改名的学会"
    data["organization"].save()
    return reverse("organizations:organization-list"), "改名的学会"


def _add_member(data):
    MemberFactory(organization=data["organization"])
    return data["organization"].get_absolute_url(), '<td class="member-count">1</td>'


def _rename_award(data):
    data["honour"].award.name = "改名的荣誉称号"
    data["honour"].award.save()
    return reverse("awards:honour-list"), "改名的荣誉称号"


def _add_honour(data):
    HonourFactory(award=data["honour"].award, person_name="新获奖的人")
    return reverse("awards:honour-list"), "新获奖的人"


TRIGGERS = [
    _edit_article,
    _publish_draft,
    _withdraw,
    _delete,
    _rename_category,
    _add_attachment,
    _edit_organization,
    _add_member,
    _rename_award,
    _add_honour,
]


@pytest.fixture
def content():
    category = CategoryFactory(name="工作动态", slug="work", show_on_home=True)
    article = ArticleFactory(title="原来的标题", category=category)
    organization = OrganizationFactory(name="原来的学会", slug="society")
    honour = HonourFactory(award=AwardFactory(name="原来的荣誉称号"), person_name="原来的获奖人")
    return {
        "category": category,
        "article": article,
        "organization": organization,
        "honour": honour,
    }


@pytest.mark.parametrize("trigger", TRIGGERS, ids=lambda f: f.__name__.strip("_"))
def test_every_change_shows_on_the_next_request(client, content, trigger):
    urls = [
        reverse("home"),
        reverse("news:article-list"),
        content["article"].get_absolute_url(),
        content["category"].get_absolute_url(),
        reverse("organizations:organization-list"),
        content["organization"].get_absolute_url(),
        reverse("awards:honour-list"),
        reverse("news:feed"),
    ]
    for url in urls:
        assert client.get(url).status_code == 200  # all cached now
    title = content["article"].title
    url, expected = trigger(content)
    text = client.get(url).text
    if expected is None:
        assert title not in text
    else:
        assert expected in text


def test_the_article_page_names_the_current_category_and_organization(client):
    # The article page takes its category, the category's parent and the submitting
    # organization from copies kept per content generation (news.views): an edit of
    # any of them must show on the next request, cached or not.
    parent = CategoryFactory(name="新闻中心", slug="centre")
    category = CategoryFactory(name="基层动态", slug="local", parent=parent)
    organization = OrganizationFactory(name="利川市科学技术协会", short_name="利川市科协")
    article = ArticleFactory(category=category, organization=organization, source="")
    url = article.get_absolute_url()
    text = client.get(url).text
    assert "新闻中心" in text and "基层动态" in text and "来源：利川市科协" in text
    parent.name = "要闻中心"
    parent.save()
    category.name = "县市动态"
    category.save()
    organization.short_name = "利川科协"
    organization.save()
    for fresh in (url, f"{url}?from=share"):  # the cached page, and one not asked for yet
        text = client.get(fresh).text
        assert "要闻中心" in text and "县市动态" in text and "来源：利川科协" in text
        assert "新闻中心" not in text and "基层动态" not in text


def test_a_scheduled_article_appears_when_its_time_comes(client):
    category = CategoryFactory(slug="news", show_on_home=True)
    ArticleFactory(category=category, title="已经发布的稿件")
    publish_at = timezone.now() + datetime.timedelta(minutes=5)
    ArticleFactory(category=category, title="定时发布的稿件", publish_at=publish_at)
    urls = [reverse("home"), reverse("news:article-list"), category.get_absolute_url()]
    for url in urls:
        assert "定时发布的稿件" not in client.get(url).text
        assert "定时发布的稿件" not in client.get(url).text  # cached
    later = publish_at + datetime.timedelta(seconds=1)
    with mock.patch("django.utils.timezone.now", return_value=later):
        for url in urls:
            assert "定时发布的稿件" in client.get(url).text, url


def test_a_change_on_another_app_server_reaches_this_one(client):
    # Another server saved the article: its signal replaced the shared generation.
    article = ArticleFactory(title="第一台服务器上的标题")
    url = article.get_absolute_url()
    assert "第一台服务器上的标题" in client.get(url).text
    # Saved through the application (so the public may see it), but no signal in this process.
    article.title = "另一台服务器改的标题"
    with mock.patch.object(pagecache, "bump"):
        article.save()
    assert "第一台服务器上的标题" in client.get(url).text  # still the cached copy
    cache.set(pagecache.GENERATION_KEY, 42, timeout=None)
    assert "另一台服务器改的标题" in client.get(url).text


def test_a_copy_cached_by_another_server_is_used_here(client, django_assert_num_queries):
    article = ArticleFactory(title="共享的缓存")
    first = client.get(article.get_absolute_url())
    pagecache._local.clear()  # this process never saw it
    again = served_from_cache(client, article.get_absolute_url(), django_assert_num_queries)
    assert again.content == first.content


def test_a_new_banned_term_takes_cached_pages_down(client):
    article = ArticleFactory(title="澳门新葡京官方网站")  # written before the term was listed
    assert client.get(article.get_absolute_url()).status_code == 200
    BannedTerm.objects.create(term="新葡京", category=BannedTerm.Category.GAMBLING)
    assert client.get(article.get_absolute_url()).status_code == 503


def test_pin_action_invalidates(client, superuser):
    # The admin's pin action writes with queryset.update(), which sends no signal.
    old = ArticleFactory(title="较早的稿件", publish_at=timezone.now() - datetime.timedelta(days=3))
    ArticleFactory(title="较新的稿件")
    url = reverse("news:article-list")
    text = client.get(url).text
    assert text.index("较新的稿件") < text.index("较早的稿件")
    staff = Client()
    staff.force_login(superuser)
    staff.post(
        reverse("admin:news_article_changelist"),
        {"action": "pin_selected", "_selected_action": [old.pk]},
    )
    assert Article.objects.get(pk=old.pk).is_pinned
    text = client.get(url).text
    assert text.index("较早的稿件") < text.index("较新的稿件")


# --- Staff, previews, errors --------------------------------------------------


def test_signed_in_staff_never_get_or_leave_cached_pages(client, superuser):
    article = ArticleFactory(title="公开的标题")
    url = article.get_absolute_url()
    client.get(url)  # cached for the public
    article.title = "只有工作人员看到的新标题"
    with mock.patch.object(pagecache, "bump"):  # the public copy stays, as if not yet invalidated
        article.save()
    staff = Client()
    staff.force_login(superuser)
    response = staff.get(url)
    assert "只有工作人员看到的新标题" in response.text
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    assert "公开的标题" in client.get(url).text  # staff did not refill the public copy


def test_previews_are_never_cached(client, make_staff):
    article = ArticleFactory(draft=True, title="草稿第一版")
    client.force_login(make_staff("news.view_article"))
    assert "草稿第一版" in client.get(article.get_preview_url()).text
    Article.objects.filter(pk=article.pk).update(title="草稿第二版")
    response = client.get(article.get_preview_url())
    assert "草稿第二版" in response.text
    assert "no-cache" in response["Cache-Control"]
    assert len(pagecache._local) == 0


def test_a_page_with_a_cookie_it_sets_is_not_cached(client):
    response = client.get(reverse("admin:login"))
    assert response.cookies  # the CSRF cookie
    assert len(pagecache._local) == 0


def test_stale_copy_is_served_when_the_database_fails(client):
    ArticleFactory(title="数据库停机前的稿件")
    url = reverse("news:article-list")
    client.get(url)
    cache.set(pagecache.GENERATION_KEY, 7, timeout=None)  # stale now
    failing = Client(raise_request_exception=False)
    with mock.patch(
        "news.views.ArticleListView.get_queryset", side_effect=OperationalError("down")
    ):
        response = failing.get(url)
    assert response.status_code == 200
    assert "数据库停机前的稿件" in response.text


def test_pages_are_served_uncached_when_the_cache_is_down(client, django_assert_num_queries):
    article = ArticleFactory(title="缓存停机时的稿件")
    with mock.patch.object(pagecache, "_cache", side_effect=ConnectionError("redis down")):
        for _ in range(2):
            response = client.get(article.get_absolute_url())
            assert response.status_code == 200
            assert "缓存停机时的稿件" in response.text
        article.title = "缓存停机时改的标题"
        article.save()  # saving works without the cache
        assert "缓存停机时改的标题" in client.get(article.get_absolute_url()).text


def test_every_public_model_is_registered():
    assert {Article, Category, Organization, Award, Honour, BannedTerm} <= set(
        pagecache.registered_models()
    )
