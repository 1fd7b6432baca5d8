import math

from django.conf import settings
from django.utils.cache import patch_cache_control

from kexie import pagecache
from kexie.pagecache import scan

MAX_KEY_LENGTH = 1000


def _setting(name, default):
    return getattr(settings, name, default)


def _public_cache_control():
    return (
        f"public, max-age={_setting('KEXIE_PAGE_CACHE_MAX_AGE', 10)}, "
        f"stale-while-revalidate={_setting('KEXIE_PAGE_CACHE_STALE_WHILE_REVALIDATE', 30)}, "
        f"stale-if-error={_setting('KEXIE_PAGE_CACHE_STALE_IF_ERROR', 86400)}"
    )


def _cacheable(response):
    if response.status_code != 200 or getattr(response, "streaming", False) or response.cookies:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-cache", "no-store"))


class PublicPageMiddleware:
    """Serves anonymous public pages from kexie.pagecache and scans every public response.

    Placed right after SecurityMiddleware (HTTPS redirect, HSTS), before
    sessions, authentication, CSRF and messages: a hit touches none of them and
    no database. A request carrying a session cookie (staff) is never served
    from or stored in the cache, and its page is marked private.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        excluded = tuple(_setting("KEXIE_PAGE_CACHE_EXCLUDED_PATHS", ()))
        if request.method not in ("GET", "HEAD") or request.path_info.startswith(excluded):
            return self.get_response(request)

        anonymous = settings.SESSION_COOKIE_NAME not in request.COOKIES
        key = request.get_full_path()
        use_cache = (
            anonymous and _setting("KEXIE_PAGE_CACHE_ENABLED", True) and len(key) <= MAX_KEY_LENGTH
        )
        # Read for every public request: the scanner's term list and the shared
        # page fragments (kexie.pagecache.fragments) are kept per generation too.
        generation = pagecache.current_generation()
        request.pagecache_generation = generation
        stale = None
        if use_cache and generation is not None:
            now = pagecache.now()
            stale = pagecache._local.get(key)
            if stale is not None and stale.fresh(generation, now):
                return stale.respond(request)
            shared = pagecache.shared_get(generation, key)
            if shared is not None and shared.fresh(generation, now):
                pagecache._local.put(key, shared)
                return shared.respond(request)

        response = self.get_response(request)

        if response.status_code >= 500 and stale is not None and stale.status == 200:
            # stale-if-error: the database is down or a deploy broke a view;
            # the last good copy beats an error page.
            if pagecache.now() - stale.created < _setting("KEXIE_PAGE_CACHE_STALE_IF_ERROR", 86400):
                return stale.respond(request)
        if not scan.scannable(response):
            return response

        terms = scan.blocking_terms(response, generation)
        if terms:
            response = scan.withheld_response(request, terms, generation)
        if use_cache and generation is not None and (terms or _cacheable(response)):
            entry = pagecache.Entry.from_response(
                response,
                generation=generation,
                expires_at=self._expiry(generation),
                cache_control="no-store" if terms else _public_cache_control(),
            )
            pagecache._local.put(key, entry)
            pagecache.shared_set(key, entry)
            return entry.respond(request)
        if not anonymous:
            # A signed-in person's copy must never land in a shared cache (nginx, proxies).
            patch_cache_control(response, private=True, no_cache=True)
        return response

    @staticmethod
    def _expiry(generation):
        now = pagecache.now()
        next_change = pagecache.next_change_at(generation)
        return min(
            now + _setting("KEXIE_PAGE_CACHE_TIMEOUT", 600),
            next_change if next_change is not None else math.inf,
        )
