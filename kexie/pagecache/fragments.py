"""
What every public page shares, built once per content generation in each process.

The header, navigation and footer (site settings, top categories, single pages,
友情链接) are the same on every public page and change only with public content,
which replaces the page cache's generation. So each app server renders them
once per generation and reuses the result until the next change: a page that is
not in the cache (the first request after an edit, a page never asked for)
renders only its own content.

``memo(request, name, build)`` keys by the generation the page cache read for
this request (``request.pagecache_generation``). A request without one (the
admin, staff previews, the cache unreachable) builds afresh every time.
"""

import threading

_lock = threading.Lock()
_memo = {}
# Names are a handful of fixed strings; the bound is a guard, not a policy.
MAX_NAMES = 64


def generation_of(request):
    return getattr(request, "pagecache_generation", None) if request is not None else None


def memo(request, name, build):
    """``build()``'s result, shared by every request of the same content generation."""
    generation = generation_of(request)
    if generation is None:
        return build()
    with _lock:
        found = _memo.get(name)
    if found is not None and found[0] == generation:
        return found[1]
    value = build()
    with _lock:
        if len(_memo) >= MAX_NAMES and name not in _memo:
            _memo.clear()
        _memo[name] = (generation, value)
    return value


def clear():
    with _lock:
        _memo.clear()
