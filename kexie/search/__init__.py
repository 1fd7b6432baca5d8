"""
Site search that understands Chinese: the CJK-bigram method (Lucene's CJKBigramFilter).

Each searchable object's text is folded (NFKC, case-folded, whitespace collapsed) and
kept in one ``SearchEntry`` row. On PostgreSQL the row also carries the set of its single
characters and overlapping character pairs as a tsvector under a GIN index. A query word
of one or two characters is then answered exactly by the index alone; a longer word by the
AND of its pairs, confirmed by a substring test on the folded text. So 学会 is found
inside 医学会 and 乡村振兴 only as a phrase, with no segmentation dictionary to get wrong.
Other databases run the same substring tests as a scan: same results, slower.

Whether an object is public is decided at query time by its model's public queryset, so a
scheduled article appears on time and a withdrawn one disappears at once, with no
reindexing; a stale row can never show anything.

The parts: ``normalizing`` (folding, tokens, query parsing), ``registry`` (what is
searchable: each app registers its models in its own ``search`` module), ``backends``
(matching and ranking), ``results`` (paged results per kind), ``highlighting``
(snippets and marks), ``views`` (``/search/``). Callers use the functions below.
"""

from kexie.search.backends import DatabaseBackend, PostgresBackend, get_backend
from kexie.search.highlighting import highlight, snippet
from kexie.search.normalizing import (
    MAX_QUERY_LENGTH,
    Query,
    document_tokens,
    fold_text,
    parse_query,
)
from kexie.search.registry import Document, get_kind, register, registered_kinds
from kexie.search.results import KindResults, Result

__all__ = [
    "MAX_QUERY_LENGTH",
    "DatabaseBackend",
    "Document",
    "KindResults",
    "PostgresBackend",
    "Query",
    "Result",
    "document_tokens",
    "fold_text",
    "get_backend",
    "get_kind",
    "highlight",
    "index",
    "parse_query",
    "rebuild",
    "register",
    "registered_kinds",
    "remove",
    "search",
    "snippet",
]


def index(obj):
    get_backend().index(obj)


def remove(obj):
    get_backend().remove(obj)


def rebuild(names=None, *, batch_size=500):
    backend = get_backend()
    return {
        kind.name: backend.rebuild(kind, batch_size=batch_size)
        for kind in registered_kinds()
        if names is None or kind.name in names
    }


def search(query, kinds=None):
    """Lazy, paginator-friendly results per kind, in the registry's order."""
    return get_backend().search(query, kinds)
