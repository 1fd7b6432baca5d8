"""
What every public page shows around its content: site settings, the pages in the
navigation and the 友情链接. Built with three queries, kept in the shared cache
(Redis in production, so every app server sees a change at once) and dropped
whenever one of those rows is saved or deleted: a cached page costs no query. Each
process also keeps the rows, and the header and footer rendered from them
(``{% site_fragment %}``), for the current page-cache generation.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import transaction
from django.utils.functional import SimpleLazyObject

from kexie.pagecache import fragments

CACHE_KEY = "pages:site-chrome:v1"
# The admin's header needs only the short name: its own small entry, one query to fill.
ADMIN_NAME_KEY = "pages:admin-name:v1"
CACHE_SECONDS = 60 * 60  # changes drop the entry at once; this bounds writes made past the models


@dataclass(frozen=True)
class NavPage:
    title: str
    url: str


@dataclass(frozen=True)
class SiteChrome:
    settings: object
    navigation: list = field(default_factory=list)
    links: list = field(default_factory=list)


def build():
    from pages.models import FriendLink, Page, SiteSettings

    # An unsaved row carries the environment's defaults: a GET never writes.
    site_settings = SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK).first()
    navigation = [
        NavPage(page.title, page.get_absolute_url())
        for page in Page.objects.in_navigation().only("title", "slug")
    ]
    links = list(FriendLink.objects.shown())
    return SiteChrome(site_settings or SiteSettings(), navigation, links)


def get():
    chrome = cache.get(CACHE_KEY)
    if chrome is None:
        chrome = build()
        cache.set(CACHE_KEY, chrome, CACHE_SECONDS)
    return chrome


def stored_site_name():
    """The site's name without asking the database (for the page shown when it fails):
    the shared copy of the site settings, else the environment's."""
    from django.conf import settings

    try:
        chrome = cache.get(CACHE_KEY)
    except Exception:  # the cache may be down too
        chrome = None
    return chrome.settings.site_name if chrome is not None else settings.KEXIE_SITE_NAME


def admin_name():
    """The short name the admin's header and title show (SiteSettings.short_name)."""
    name = cache.get(ADMIN_NAME_KEY)
    if name is None:
        from pages.models import SiteSettings

        stored = SiteSettings.objects.filter(pk=SiteSettings.SINGLETON_PK)
        # No row yet: the environment's default, as the unsaved row would carry.
        name = stored.values_list("short_name", flat=True).first() or SiteSettings().short_name
        cache.set(ADMIN_NAME_KEY, name, CACHE_SECONDS)
    return name


def invalidate():
    # After commit: a reader between the write and the commit would cache the old rows.
    transaction.on_commit(lambda: cache.delete_many([CACHE_KEY, ADMIN_NAME_KEY]))


def _for_request(request):
    if fragments.generation_of(request) is None:
        return get()
    # Once per content generation in each process (kexie.pagecache.fragments): these
    # rows are public content, so a change replaces the generation. Built from the
    # database, not the shared copy, which is dropped only after the new generation.
    return fragments.memo(request, "pages.chrome", build)


def context(request):
    """Template context processor: ``site`` and the names base.html uses, read lazily."""
    chrome = getattr(request, "_site_chrome", None)
    if chrome is None:
        chrome = request._site_chrome = SimpleLazyObject(lambda: _for_request(request))
    return {
        "site": chrome,
        "site_name": SimpleLazyObject(lambda: chrome.settings.site_name),
        "site_short_name": SimpleLazyObject(lambda: chrome.settings.short_name),
        "icp_number": SimpleLazyObject(lambda: chrome.settings.icp_number),
        "public_security_number": SimpleLazyObject(lambda: chrome.settings.public_security_number),
    }


class InvalidatesChrome:
    """Model mixin: saving or deleting a row drops the cached site chrome."""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        invalidate()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        invalidate()
        return result
