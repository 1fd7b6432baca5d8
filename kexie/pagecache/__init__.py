"""
Public page cache with precise invalidation (see README "Page cache").

Anonymous GET/HEAD requests for public pages are answered from a cache keyed by
path and query string. Each entry holds the finished response: the body plain
and gzip-compressed, its ETag, Last-Modified and headers, and it has already
passed the banned-term scan (kexie.pagecache.scan), so a hit costs neither
rendering, compression nor scanning.

Invalidation is one tiny shared value, the content *generation*, kept in the
default cache (Redis in production): saving or deleting any registered public
model replaces it, and every app server compares it on each request, so a change
shows everywhere on the next request. Entries also expire at the next scheduled
publish time, so a scheduled article appears when its time comes (no cron).

Django's per-site cache middleware does not fit: it keys on every Vary header,
stores no compressed body, knows nothing of our invalidation and would freeze
view counts (those are counted by a small request from static/js/site.js).
"""

import gzip
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone

logger = logging.getLogger(__name__)

GENERATION_KEY = "kexie:pages:generation"
# Versioned: a deploy that changes Entry must not read the old layout.
SHARED_PREFIX = "kexie:pages:entry:v1"
# Responses smaller than this are not worth a gzip header.
GZIP_MIN_BYTES = 256
# Headers that describe the cached copy itself; they are set per entry, not stored.
_NOT_STORED = {"set-cookie", "vary", "content-length", "date", "cache-control", "expires"}


def now():
    # The site's clock (not time.time()) decides expiry, so that publish times
    # and entry lifetimes are compared on one clock.
    return timezone.now().timestamp()


def _setting(name, default):
    return getattr(settings, name, default)


def _cache():
    return caches[_setting("KEXIE_PAGE_CACHE_ALIAS", "default")]


# --- The content generation ---------------------------------------------------


_next_change_sources = []
_models = set()


def register(*models, next_change=None):
    """Invalidate the public pages whenever one of ``models`` is saved or deleted.

    One line per app (in its AppConfig.ready) puts a model's public content
    under the cache. ``next_change``: a callable giving the next time (aware
    datetime or None) at which public content changes by itself, such as a
    scheduled article's publish time; no entry outlives it.
    """
    for model in models:
        _models.add(model)
        uid = f"kexie.pagecache:{model._meta.label}"
        post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
    m2m_changed.connect(_m2m_changed, dispatch_uid="kexie.pagecache:m2m", weak=False)
    if next_change is not None and next_change not in _next_change_sources:
        _next_change_sources.append(next_change)


def registered_models():
    return frozenset(_models)


def _changed(sender, **kwargs):
    bump()


def _m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_") and type(instance) in _models:
        bump()


def bump():
    """Make every cached public page stale, now and again when the transaction commits.

    Bumping at once keeps this request's own later reads fresh; bumping again
    after the commit drops anything another request cached from the old data
    in between.
    """
    _set_generation()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_set_generation)


def _set_generation():
    try:
        _cache().set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception:  # an unreachable cache must not fail the save
        logger.exception("Page cache: could not bump the generation")
        _local.clear()


def current_generation():
    """The shared generation, or None when the cache cannot be reached (then nothing is cached)."""
    try:
        cache = _cache()
        value = cache.get(GENERATION_KEY)
        if value is None:
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
            value = cache.get(GENERATION_KEY)
        return value
    except Exception:
        logger.warning("Page cache: generation unavailable", exc_info=True)
        return None


_memo_lock = threading.Lock()
_next_change_memo = {"generation": object(), "at": None}


def next_change_at(generation):
    """Epoch seconds of the next scheduled change, computed once per generation per process."""
    current = now()
    with _memo_lock:
        memo = dict(_next_change_memo)
    if memo["generation"] == generation and (memo["at"] is None or memo["at"] > current):
        return memo["at"]
    times = [source() for source in _next_change_sources]
    at = min((moment.timestamp() for moment in times if moment is not None), default=None)
    with _memo_lock:
        _next_change_memo.update(generation=generation, at=at)
    return at


# --- Entries ------------------------------------------------------------------


@dataclass
class Entry:
    generation: int
    expires_at: float
    status: int
    headers: list
    body: bytes
    gzipped: bytes | None
    etag: str
    last_modified: float
    cache_control: str
    last_modified_http: str = ""
    created: float = field(default_factory=now)

    @classmethod
    def from_response(cls, response, *, generation, expires_at, cache_control):
        body = response.content
        gzipped = None
        content_type = response.get("Content-Type", "")
        if len(body) >= GZIP_MIN_BYTES and not response.has_header("Content-Encoding"):
            if content_type.startswith(("text/", "application/rss", "application/xml")):
                gzipped = gzip.compress(body, compresslevel=6, mtime=0)
        modified = time.time()
        return cls(
            generation=generation,
            expires_at=expires_at,
            status=response.status_code,
            headers=[
                (name, value) for name, value in response.items() if name.lower() not in _NOT_STORED
            ],
            body=body,
            gzipped=gzipped,
            etag=f'W/"{hashlib.blake2b(body, digest_size=12).hexdigest()}"',
            last_modified=modified,
            last_modified_http=formatdate(modified, usegmt=True),
            cache_control=cache_control,
        )

    def fresh(self, generation, at):
        return self.generation == generation and at < self.expires_at

    def respond(self, request):
        if self.status == 200 and self._not_modified(request):
            response = HttpResponseNotModified()
            self._common_headers(response)
            return response
        body = self.body
        use_gzip = self.gzipped is not None and "gzip" in request.META.get(
            "HTTP_ACCEPT_ENCODING", ""
        )
        if use_gzip:
            body = self.gzipped
        response = HttpResponse(b"" if request.method == "HEAD" else body, status=self.status)
        for name, value in self.headers:
            response[name] = value
        if use_gzip:
            response["Content-Encoding"] = "gzip"
        response["Content-Length"] = str(len(body))
        self._common_headers(response)
        return response

    def _common_headers(self, response):
        response["Cache-Control"] = self.cache_control
        if self.status == 200:
            response["ETag"] = self.etag
            response["Last-Modified"] = self.last_modified_http
        if self.gzipped is not None:
            response["Vary"] = "Accept-Encoding"

    def _not_modified(self, request):
        if_none_match = request.META.get("HTTP_IF_NONE_MATCH")
        if if_none_match is not None:
            # Weak comparison (RFC 9110 13.1.2): W/ prefixes are ignored.
            tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
            return "*" in tags or self.etag.removeprefix("W/") in tags
        if_modified_since = request.META.get("HTTP_IF_MODIFIED_SINCE")
        if if_modified_since:
            try:
                since = parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError, IndexError, OverflowError):
                return False
            return int(self.last_modified) <= since
        return False


class LocalStore:
    """This process's hot copies: a small LRU of entries (no unpickling on a hit)."""

    def __init__(self):
        self._entries = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        limit = _setting("KEXIE_PAGE_CACHE_LOCAL_ENTRIES", 1000)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > limit:
                self._entries.popitem(last=False)

    def clear(self):
        with self._lock:
            self._entries.clear()

    def __len__(self):
        return len(self._entries)


_local = LocalStore()


def _shared_key(generation, key):
    return (
        f"{SHARED_PREFIX}:{generation}:{hashlib.blake2b(key.encode(), digest_size=16).hexdigest()}"
    )


def shared_get(generation, key):
    try:
        return _cache().get(_shared_key(generation, key))
    except Exception:
        logger.warning("Page cache: shared entry unavailable", exc_info=True)
        return None


def shared_set(key, entry):
    timeout = max(1, int(entry.expires_at - now()))
    try:
        _cache().set(_shared_key(entry.generation, key), entry, timeout=timeout)
    except Exception:
        logger.warning("Page cache: could not share an entry", exc_info=True)


def clear():
    """Forget every cached page (tests, and after changes made outside the models)."""
    from kexie.pagecache import fragments

    _local.clear()
    fragments.clear()
    with _memo_lock:
        _next_change_memo.update(generation=object(), at=None)
    _set_generation()
