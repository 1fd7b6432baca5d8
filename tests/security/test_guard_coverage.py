"""
The guard covers every field the public can see.

Every text field of every model gets a marker of its own; the test then crawls
the public site from the home page (following its links), reads the feed and
the sitemap, searches for each marker, and collects which markers came out.
Each field whose marker was shown must be in the guard's registration for its
model, and the model's admin form must guard it. The list of shown fields is
thus taken from what the templates render, not from a list kept by hand.
"""

import re
from collections import deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.db import IntegrityError, models, transaction
from django.test import RequestFactory

from awards.models import Honour
from kexie import guard
from news.models import Article
from organizations.models import Organization
from tests.awards.factories import AwardFactory, HonourFactory, MemberFactory, UnitHonourFactory
from tests.news.factories import ArticleFactory, AttachmentFactory, CategoryFactory
from tests.organizations.factories import OrganizationFactory

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField)
MARKER_RE = re.compile(r"zqmark(\d+)x")
CRAWL_LIMIT = 250
LINK_RE = re.compile(r"""(?:href|src)=["']([^"'#]+)""")


def _ours(model):
    """Models of the project's own apps (any app added later included), not libraries'."""
    path = Path(model._meta.app_config.path).resolve()
    base = Path(settings.BASE_DIR).resolve()
    return (
        path.is_relative_to(base)
        and ".venv" not in path.parts
        and "site-packages" not in path.parts
    )


def _text_fields(model):
    for field in model._meta.concrete_fields:
        if isinstance(field, TEXT_FIELDS) and not field.choices and not field.primary_key:
            yield field


def _marker_value(field, number):
    marker = f"zqmark{number}x"
    if isinstance(field, models.URLField):
        return f"https://{marker}.example.cn/"
    if isinstance(field, models.EmailField):
        return f"{marker}@example.cn"
    return marker


def _content():
    """One of each kind of public thing, parents and children included."""
    parent = CategoryFactory(slug="parent")
    category = CategoryFactory(slug="child", parent=parent, show_on_home=True)
    article = ArticleFactory(category=category, is_headline=True)
    AttachmentFactory(article=article)
    ArticleFactory(category=parent, is_pinned=True)
    organizations = [
        OrganizationFactory(name=f"组织{kind}", kind=kind) for kind, _ in Organization.Kind.choices
    ]
    organizations[1].parent = organizations[0]
    organizations[1].save()
    member = MemberFactory(organization=organizations[0])
    HonourFactory(member=member, employer="单位")
    UnitHonourFactory(organization=organizations[2])
    AwardFactory()
    return article


def _mark_everything():
    """Write a distinct marker into every text field of every row; {number: (model, field)}."""
    markers = {}
    for model in apps.get_models():
        if not _ours(model) or model._meta.proxy:
            continue
        fields = list(_text_fields(model))
        if not fields:
            continue
        for obj in model._default_manager.all():
            for field in fields:
                number = len(markers) + 1
                value = _marker_value(field, number)[: field.max_length or None]
                try:
                    # One field at a time: an empty field that must stay empty
                    # (an individual's unit name) breaks a constraint and is skipped.
                    with transaction.atomic():
                        model._default_manager.filter(pk=obj.pk).update(**{field.name: value})
                except IntegrityError:
                    continue
                markers[number] = (model, field.name)
            obj.refresh_from_db()
            # save() as well: the search index must see the markers too.
            obj.save()
    return markers


def _crawl(client):
    seen, pages = set(), {}
    queue = deque(["/", "/news/feed/", "/sitemap.xml", "/robots.txt"])
    while queue and len(pages) < CRAWL_LIMIT:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.streaming:
            continue
        text = response.content.decode(response.charset or "utf-8", "replace")
        pages[url] = text
        links = LINK_RE.findall(text) + re.findall(r"<(?:loc|link)>([^<]+)<", text)
        for link in links:
            parts = urlsplit(urljoin(url, link.replace("&amp;", "&")))
            if parts.netloc not in ("", "testserver"):
                continue
            path = parts.path
            if path.startswith(("/admin", "/static", "/media", "/news/attachments")):
                continue
            queue.append(path + (f"?{parts.query}" if parts.query else ""))
    return pages


def test_every_field_a_public_page_shows_is_guarded(client):
    _content()
    markers = _mark_everything()
    pages = _crawl(client)
    # The search page repeats the query (title, search boxes): as many times as
    # a query that finds nothing shows it, the searched marker does not count.
    echoes = client.get("/search/", {"q": "zqmark0x"}).content.decode().count("zqmark0x")
    for number in markers:
        query = f"zqmark{number}x"
        text = client.get("/search/", {"q": query}).content.decode()
        pages[f"/search/?q={query}"] = text.replace(query, "", echoes)

    shown = {}
    for url, text in pages.items():
        for number in MARKER_RE.findall(text):
            shown.setdefault(markers[int(number)], url)

    # The crawl did reach the pages it must: the article, an organization, an honour.
    assert any(re.fullmatch(r"/news/\d+\.html", url) for url in pages)
    assert any(url.startswith("/organizations/") and url != "/organizations/" for url in pages)
    assert any(url.startswith("/honours/recipient/") for url in pages)
    assert (Article, "title") in shown and (Organization, "host") in shown
    assert (Honour, "citation") in shown

    unguarded = []
    for (model, name), url in sorted(shown.items(), key=lambda item: str(item[0])):
        registration = guard.registration_for(model)
        if registration is None or name not in registration.fields:
            unguarded.append(f"{model._meta.label}.{name} (shown on {url})")
    assert not unguarded, "public fields outside the guard: " + ", ".join(unguarded)


@pytest.mark.parametrize("content", guard.registered(), ids=lambda c: c.model._meta.label)
def test_admin_forms_guard_every_registered_field(content, superuser):
    model_admin = admin.site._registry.get(content.model)
    if model_admin is None:
        pytest.skip("not edited in the admin")
    request = RequestFactory().get("/admin/")
    request.user = superuser
    form_class = model_admin.get_form(request)
    form = form_class()
    assert isinstance(form, guard.GuardedFormMixin)
    missing = [
        name
        for name in content.fields
        if name in form.fields and name not in form.guard_field_names()
    ]
    assert not missing, f"{content.model._meta.label} admin form does not guard {missing}"
