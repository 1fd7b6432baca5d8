"""
Every admin page a role may open reads in Chinese.

The pages are discovered from the admin site's registry (so a new model is
covered without touching this file): the index, each app index, each
changelist plain, searched and through every filter and date link it offers,
the add form, the change form, history and delete confirmation of an existing
object, each ModelAdmin's own views, plus the sign-in page, the lockout page,
a 403 and a 404. Visible text and the attributes users see are checked for
Latin-script words outside a short allowlist and the data entered below.
"""

import datetime
import json
import re
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from kexie import audit
from kexie.accounts import roles
from kexie.models import AuditEntry
from tests.awards.factories import HonourFactory, UnitHonourFactory
from tests.news.factories import ArticleFactory, AttachmentFactory
from tests.organizations.factories import MemberFactory

# Names of formats, products and keys staff meet as such, not as English.
ALLOWED_WORDS = {
    *("RSS", "CSV", "Excel", "XLSX", "PDF", "URL", "ID", "IP", "kexie", "HTML", "KB", "MB", "GB"),
    *("Word", "PowerPoint", "WPS", "ZIP", "JPEG", "PNG", "GIF", "WebP"),
    *("Control", "Command", "Mac"),  # keyboard keys, as Django's Chinese help text names them
}
# User names typed when the accounts were made: data, not interface text.
USERNAMES = {"root", "editor", "reviewer", "siteadmin"}
ALLOWED = {word.casefold() for word in ALLOWED_WORDS | USERNAMES}

# A run of Latin letters; a token holding digits, dots, @ or slashes is an
# identifier, file name, address or URL someone entered, so it is data.
TOKEN = re.compile(r"[\w@./:+*-]*[A-Za-z\u00c0-\u024f][\w@./:+*-]*")
LATIN_WORD = re.compile(r"^[A-Za-z\u00c0-\u024f]+(?:['’-][A-Za-z]+)*$")
MICROSECONDS = re.compile(r"\d{2}:\d{2}:\d{2}\.\d+")
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
BUTTON_TYPES = {"submit", "button", "reset"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skip = 0
        self.parts = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # A textarea holds what someone typed (an article's body): data, not interface.
        if tag in {"script", "style", "template", "textarea"}:
            self.skip += 1
        for name in VISIBLE_ATTRIBUTES:
            if attrs.get(name):
                self.parts.append((f"<{tag} {name}>", attrs[name]))
        if tag == "input" and attrs.get("type") in BUTTON_TYPES and attrs.get("value"):
            self.parts.append((f"<{tag} value>", attrs["value"]))

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template", "textarea"} and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.parts.append(("text", data))


def english_in(html):
    parser = _VisibleText()
    parser.feed(html)
    found = []
    for where, text in parser.parts:
        for token in TOKEN.findall(text):
            token = token.strip(".:-+/")
            if LATIN_WORD.match(token) and token.casefold() not in ALLOWED:
                found.append(f"{where}: {token!r} in {text.strip()[:80]!r}")
        if MICROSECONDS.search(text):
            found.append(f"{where}: time with microseconds in {text.strip()[:80]!r}")
    return found


@pytest.fixture
def content(db):
    """One of everything the admin lists, in the words staff would type."""
    article = ArticleFactory(title="州科协召开年度工作会议")
    ArticleFactory(title="科普周活动方案", draft=True, category=article.category)
    AttachmentFactory(article=article)
    HonourFactory()
    UnitHonourFactory()
    MemberFactory(name="张三", mobile="13800000000", email="zhang@example.cn")
    audit.record(action=AuditEntry.Action.LOGIN_FAILED, username="editor")
    now = timezone.now()
    AccessAttempt.objects.create(
        username="editor",
        ip_address="10.0.0.1",
        user_agent="浏览器",
        path_info="/admin/login/",
        failures_since_start=3,
    )
    AccessLog.objects.create(
        username="editor",
        ip_address="10.0.0.1",
        user_agent="浏览器",
        path_info="/admin/login/",
        attempt_time=now,
    )
    AccessFailureLog.objects.create(
        username="editor",
        ip_address="10.0.0.1",
        user_agent="浏览器",
        path_info="/admin/login/",
        attempt_time=now - datetime.timedelta(minutes=5),
        locked_out=True,
    )
    return article


def _url(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


FILTER_LINKS = re.compile(r'<div[^>]*id="changelist-filter".*?</div>\s*</div>|<nav[^>]*>.*?</nav>')
HREF = re.compile(r'href="(\?[^"]*)"')


def _filter_urls(changelist_url, html):
    # Every filter choice and date-hierarchy link the page offers, as users click them.
    start = html.find('id="changelist-filter"')
    links = set(HREF.findall(html[start:] if start >= 0 else ""))
    hierarchy = html.find('class="xfull"')
    if hierarchy >= 0:
        links |= set(HREF.findall(html[hierarchy : html.find("</nav>", hierarchy)]))
    return sorted(urljoin(changelist_url, link.replace("&amp;", "&")) for link in links)


STANDARD_VIEWS = {"changelist", "add", "history", "delete", "change", "autocomplete"}


def _own_views(model_admin, obj=None):
    # The ModelAdmin's extra URLs without arguments (imports, group entry, exports…)
    # and, for ``obj``, those of one object (revisions, the printable review sheet…).
    for pattern in model_admin.get_urls():
        name = getattr(pattern, "name", None)
        if not name or name.rsplit("_", 1)[-1] in STANDARD_VIEWS:
            continue
        if obj is None and not pattern.pattern.regex.groups and "<" not in str(pattern.pattern):
            url = _url(f"admin:{name}")
        elif obj is not None and list(pattern.pattern.converters) == ["pk"]:
            url = _url(f"admin:{name}", obj.pk)
        else:
            url = None
        if url:
            yield url


OBJECT_LINK = re.compile(r'href="([^"?#]*/\d+/[^"?#]*)"')


def _linked_subpages(url, html):
    # Pages under an object's own view it links to (a revision from the revisions list).
    return sorted(
        {link for link in OBJECT_LINK.findall(html) if link.startswith(url) and link != url}
    )


def admin_pages(client, user):
    """(url, html) for every admin page ``user`` may open."""
    request = type("Request", (), {"user": user})()
    seen = set()

    def fetch(url):
        if url in seen:
            return None
        seen.add(url)
        response = client.get(url, follow=True)
        assert response.status_code == 200, (url, response.status_code)
        if "text/html" not in response.get("Content-Type", ""):
            return None
        return url, response.content.decode()

    yield fetch(reverse("admin:index"))
    yield fetch(reverse("admin:password_change"))
    apps = set()
    for model, model_admin in admin.site._registry.items():
        if not model_admin.has_view_or_change_permission(request):
            continue
        info = model._meta.app_label, model._meta.model_name
        apps.add(model._meta.app_label)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        page = fetch(changelist)
        yield page
        yield fetch(changelist + "?q=" + "测试")
        for url in _filter_urls(changelist, page[1]):
            yield fetch(url)
        if model_admin.has_add_permission(request):
            yield fetch(reverse("admin:{}_{}_add".format(*info)))
        obj = model_admin.get_queryset(type("R", (), {"user": user})()).first()
        if obj is not None:
            yield fetch(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
            yield fetch(reverse("admin:{}_{}_history".format(*info), args=[obj.pk]))
            if model_admin.has_delete_permission(request, obj):
                yield fetch(reverse("admin:{}_{}_delete".format(*info), args=[obj.pk]))
            for url in _own_views(model_admin, obj):
                page = fetch(url)
                yield page
                for subpage in _linked_subpages(url, page[1]) if page else []:
                    yield fetch(subpage)
        for url in _own_views(model_admin):
            yield fetch(url)
    for app_label in sorted(apps):
        yield fetch(reverse("admin:app_list", args=[app_label]))


ROLE_USERS = {
    roles.EDITOR: "editor",
    roles.REVIEWER: "reviewer",
    roles.SITE_ADMIN: "siteadmin",
    None: "root",
}


def _user(django_user_model, role):
    username = ROLE_USERS[role]
    if role is None:
        return django_user_model.objects.create_superuser(username, password="a-long-test-password")
    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)


@pytest.mark.parametrize("role", list(ROLE_USERS), ids=["editor", "reviewer", "siteadmin", "root"])
def test_every_admin_page_a_role_may_open_is_chinese(client, django_user_model, content, role):
    user = _user(django_user_model, role)
    # Signed in through the form, as people are, so axes logs a real sign-in.
    signed_in = client.post(
        reverse("admin:login"),
        {"username": user.username, "password": "a-long-test-password"},
        HTTP_USER_AGENT="Mozilla/5.0",
    )
    assert signed_in.status_code == 302
    problems = {}
    pages = 0
    for page in admin_pages(client, user):
        if page is None:
            continue
        pages += 1
        url, html = page
        found = english_in(html)
        if found:
            problems[url] = found
    assert pages > 5
    assert not problems, "\n".join(f"{url}\n  " + "\n  ".join(f) for url, f in problems.items())


def test_refusals_and_missing_pages_are_chinese(client, django_user_model, content):
    editor = _user(django_user_model, roles.EDITOR)
    client.force_login(editor)
    forbidden = client.get(reverse("admin:auth_user_changelist"))
    assert forbidden.status_code == 403
    missing = client.get("/admin/news/no-such-page/")
    assert missing.status_code == 404
    gone = client.get(reverse("admin:news_article_change", args=[999999]), follow=True)
    for response in (forbidden, missing, gone):
        assert english_in(response.content.decode()) == []


def test_sign_in_and_lockout_pages_are_chinese_and_branded(client, settings, db):
    login = client.get(reverse("admin:login"))
    assert english_in(login.content.decode()) == []
    for _ in range(settings.AXES_FAILURE_LIMIT):
        locked = client.post(
            reverse("admin:login"), {"username": "somebody", "password": "wrong-password"}
        )
    html = locked.content.decode()
    assert locked.status_code == 429
    assert english_in(html) == []
    assert settings.KEXIE_SITE_SHORT_NAME in html
    assert "Django" not in html


def test_group_picker_strings_come_from_the_chinese_javascript_catalog(client, superuser):
    client.force_login(superuser)
    page = client.get(reverse("admin:auth_user_add")).content.decode()
    assert reverse("admin:jsi18n") in page
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    for english, chinese in [
        ("Choose all %s", "选择全部%s"),
        ("Remove selected %s", "移除选中的%s"),
    ]:
        assert f"{json.dumps(english)}: {json.dumps(chinese)}" in catalog


def test_the_checker_sees_english(client):
    # The checker itself must fail on what the issue found.
    assert english_in('<h1>Access attempts</h1><input type="submit" value="Save">')
    assert english_in('<a title="Locked Out">是</a>')
    assert english_in("<td>2026-01-01 08:00:00.123456</td>")
    assert not english_in("<script>var x = 'English';</script><p>导出 CSV</p>")


@pytest.mark.django_db
def test_permission_names_are_chinese_in_the_database():
    # Stored when migrate created them; the group and user forms list these names.
    names = dict(Permission.objects.values_list("codename", "name"))
    assert names["publish_article"] == "可以发布、退回和撤回文章"
    assert names["export_member"] == "可以导出会员个人信息"
    # Third-party models too: django-otp's, named in kexie.apps.
    assert names["add_totpdevice"] == "可以增加身份验证器应用"
    assert names["view_statictoken"] == "可以查看恢复码"
    assert names["add_article"] == "可以增加文章"
    assert names["view_accessattempt"] == "可以查看登录失败计数"
    assert not [name for name in names.values() if name.startswith("Can ")]


@pytest.mark.django_db
def test_times_staff_read_are_shanghai_time_without_microseconds(client, superuser):
    client.force_login(superuser)  # first: a sign-in clears lockout records
    moment = datetime.datetime(2022, 12, 17, 1, 53, 3, 123456, tzinfo=datetime.UTC)
    entry = AuditEntry.objects.create(action=AuditEntry.Action.LOGIN, created_at=moment)
    attempt = AccessAttempt.objects.create(
        username="editor", ip_address="10.0.0.1", user_agent="浏览器", failures_since_start=1
    )
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=moment)
    attempt.refresh_from_db()
    assert str(entry).startswith("2022-12-17 09:53:03 ")
    assert "2022-12-17 09:53:03" in str(attempt)
    page = client.get(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]))
    assert "2022-12-17 09:53:03" in page.content.decode()
    assert english_in(page.content.decode()) == []
