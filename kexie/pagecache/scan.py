"""
The last line of the banned-term guard: public responses are scanned before they leave.

Whatever reached a page (a template, a setting such as the site name, a category
written straight into the database), the visible text of the page (tags removed,
entities decoded) and the text inside its tags (meta descriptions, titles, alt
texts) are matched against the blocking terms. A hit serves a Chinese 503 page
instead and records an alert (audit log, admin dashboard). Cached pages are
scanned once, when they enter the cache; other responses every time.
"""

import hashlib
import html
import threading

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from kexie import guard

SCANNED_TYPES = ("text/html", "application/rss+xml", "application/atom+xml", "application/xml")
# One alert per page, term and content generation in this many seconds, whatever the traffic.
ALERT_INTERVAL = 600

_lock = threading.Lock()
_memo = {"generation": object(), "matcher": None}


def scannable(response):
    if getattr(response, "streaming", False):
        return False
    return response.get("Content-Type", "").startswith(SCANNED_TYPES)


def _matcher(generation):
    # The term list is public content under the page cache (a change bumps the
    # generation), so one matcher per generation is exact and spares the
    # guard's freshness query on every response.
    if generation is None:
        return guard.get_matcher()
    with _lock:
        if _memo["generation"] == generation:
            return _memo["matcher"]
    matcher = guard.get_matcher()
    with _lock:
        _memo.update(generation=generation, matcher=matcher)
    return matcher


def blocking_terms(response, generation=None):
    """The blocking terms found in ``response``'s text, sorted; empty when it is clean."""
    charset = getattr(response, "charset", None) or "utf-8"
    text = response.content.decode(charset, errors="replace")
    fields = {"page": text}
    if "&lt;" in text:
        # Markup shown as text (a feed's descriptions, or tags typed into a
        # plain field) could split a term: look at the text decoded as well.
        fields["decoded"] = html.unescape(text)
    hits = guard.blocking(_matcher(generation).check(fields))
    return sorted({hit.term for hit in hits})


def withheld_response(request, terms, generation=None):
    """The Chinese 503 page served instead of a page with banned terms, and its alert."""
    _alert(request, terms, generation)
    # Rendered without the site's context: the site name itself may be what is banned.
    with translation.override(settings.LANGUAGE_CODE):
        content = render_to_string("withheld.html")
    response = HttpResponse(content, status=503)
    response["Retry-After"] = "300"
    response["Cache-Control"] = "no-store"
    return response


def _alert(request, terms, generation):
    from django.core.cache import cache

    from kexie import audit
    from kexie.models import AuditEntry

    path = request.get_full_path()[:255]
    try:
        digest = hashlib.blake2b(repr((path, terms, generation)).encode(), digest_size=16)
        first = cache.add(f"kexie:withheld:{digest.hexdigest()}", 1, ALERT_INTERVAL)
    except Exception:  # no cache: alert every time rather than never
        first = True
    if first:
        audit.record(
            action=AuditEntry.Action.PAGE_WITHHELD,
            request=request,
            target=path,
            details={"url": path, "terms": list(terms)},
        )
