"""
Site search that understands Chinese: the CJK-bigram method (Lucene's CJKBigramFilter).

Each searchable object's text is normalized (NFKC, case-folded, whitespace collapsed) and
kept in one ``SearchEntry`` row. On PostgreSQL the row also carries the set of its single
characters and overlapping character pairs as a tsvector under a GIN index. A query word
of one or two characters is then answered exactly by the index alone; a longer word by the
AND of its pairs, confirmed by a substring test on the normalized text. So 学会 is found
inside 医学会 and 乡村振兴 only as a phrase, with no segmentation dictionary to get wrong.
Other databases run the same substring tests as a scan: same results, slower.

Whether an object is public is decided at query time by its model's public queryset, so a
scheduled article appears on time and a withdrawn one disappears at once, with no
reindexing; a stale row can never show anything.

Models take part through ``register()``; callers use ``index()``, ``remove()``,
``search()`` and ``rebuild()``. Another engine (OpenSearch) would replace the backend.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Case,
    F,
    Model,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Replace, StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.html import escape
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from kexie.models import SearchEntry

MAX_QUERY_LENGTH = 50
MAX_WORDS = 6
SNIPPET_LENGTH = 120
SNIPPET_LEAD = 30
# PostgreSQL counts matches per article (the second ranking key) only for this many of
# the newest results: enough for the first pages, and it keeps very common words fast.
RANK_WINDOW = 100

# ---------------------------------------------------------------------------
# Normalization: the one definition of "the same text" for index, query and
# highlighting. Full-width and half-width forms fold together (NFKC), ASCII
# case folds, control characters become spaces, invisible format characters go.

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def normalize(text):
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    text = unicodedata.normalize("NFKC", text.casefold())
    return " ".join(text.split())


@lru_cache(maxsize=8192)
def _normalize_char(char):
    if char.isspace() or _CONTROL.match(char):
        return " "
    if _INVISIBLE.match(char):
        return ""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", char).casefold())


def document_tokens(text):
    """Every character and every pair of adjacent characters of normalized ``text``."""
    tokens = set(text)
    tokens.update(a + b for a, b in zip(text, text[1:], strict=False))
    return {token for token in tokens if " " not in token}


def word_tokens(word):
    """The tokens a document must hold to contain ``word`` (necessary; exact up to 2 chars)."""
    if len(word) == 1:
        return [word]
    return [word[i : i + 2] for i in range(len(word) - 1)]


@dataclass(frozen=True)
class Query:
    raw: str
    words: tuple = ()
    truncated: bool = False

    def __bool__(self):
        return bool(self.words)

    @property
    def text(self):
        return " ".join(self.words)


def parse_query(raw):
    """Words a reader typed: normalized, at most MAX_QUERY_LENGTH characters, deduplicated."""
    raw = str(raw or "")[: MAX_QUERY_LENGTH * 4]
    text = normalize(raw)
    truncated = len(text) > MAX_QUERY_LENGTH
    words = tuple(dict.fromkeys(text[:MAX_QUERY_LENGTH].split()))
    truncated = truncated or len(words) > MAX_WORDS
    return Query(raw=raw, words=words[:MAX_WORDS], truncated=truncated)


# ---------------------------------------------------------------------------
# Registry: which models are searchable and how.


@dataclass(frozen=True)
class Document:
    title: str
    body: str
    published_at: Any = None


@dataclass(frozen=True)
class SearchKind:
    name: str
    model: type
    document: Any  # callable(obj) -> Document
    public: Any  # callable() -> QuerySet of the objects the public may see
    label: Any = ""

    def __str__(self):
        return str(self.label or self.name)


_registry = {}


def register(name, model, *, document, public, label=""):
    """Make ``model`` searchable as ``name``.

    The model's ``save()``/``delete()`` call ``index()``/``remove()`` inside their own
    transaction, so content and index never disagree.
    """
    kind = SearchKind(name=name, model=model, document=document, public=public, label=label)
    _registry[name] = kind
    return kind


def registered_kinds():
    return list(_registry.values())


def get_kind(name):
    return _registry[name]


def kind_for(obj):
    model = obj._meta.concrete_model
    for kind in _registry.values():
        if kind.model is model:
            return kind
    return None


# ---------------------------------------------------------------------------
# Backends


def _title_hits(words):
    return sum(
        (Case(When(GreaterThan(StrIndex("title", Value(w)), 0), then=1), default=0) for w in words),
        Value(0),
    )


def _occurrences(words):
    # Occurrences of each word in the normalized text, counted from the length it loses.
    return sum(
        (
            (Length("text") - Length(Replace("text", Value(w), Value("")))) / Value(len(w))
            for w in words
        ),
        Value(0),
    )


class DatabaseBackend:
    """Substring tests on the normalized text: exact anywhere, a scan without an index."""

    def index(self, obj):
        kind = kind_for(obj)
        if kind is None or obj.pk is None:
            return
        self.store(kind.name, [(obj.pk, self.entry_values(kind.document(obj)))])

    def remove(self, obj):
        kind = kind_for(obj)
        if kind is not None and obj.pk is not None:
            SearchEntry.objects.filter(kind=kind.name, object_id=obj.pk).delete()

    @transaction.atomic
    def rebuild(self, kind, *, batch_size=500):
        SearchEntry.objects.filter(kind=kind.name).delete()
        count = 0
        batch = []
        for obj in kind.model._default_manager.order_by("pk").iterator(chunk_size=batch_size):
            batch.append((obj.pk, self.entry_values(kind.document(obj))))
            if len(batch) >= batch_size:
                self.store(kind.name, batch)
                count += len(batch)
                batch = []
        self.store(kind.name, batch)
        return count + len(batch)

    @staticmethod
    def entry_values(document):
        title = normalize(document.title)
        body = normalize(document.body)
        return {
            "title": title[:500],
            # A space between title and body: no word matches across the seam.
            "text": f"{title} {body}".strip(),
            "published_at": document.published_at,
        }

    def store(self, kind_name, rows):
        """Insert or replace the entries for ``(object_id, entry_values)`` rows."""
        if len(rows) == 1:
            object_id, values = rows[0]
            SearchEntry.objects.update_or_create(
                kind=kind_name, object_id=object_id, defaults=values
            )
        elif rows:
            SearchEntry.objects.bulk_create(
                [SearchEntry(kind=kind_name, object_id=oid, **values) for oid, values in rows],
                update_conflicts=True,
                unique_fields=["kind", "object_id"],
                update_fields=["title", "text", "published_at", "indexed_at"],
            )

    def match(self, queryset, words):
        for position, word in enumerate(words):
            queryset = queryset.alias(**{f"at_{position}": StrIndex("text", Value(word))})
            queryset = queryset.filter(**{f"at_{position}__gt": 0})
        return queryset

    def entries(self, kind, query):
        """Matching entries of public objects, best first."""
        queryset = SearchEntry.objects.filter(kind=kind.name)
        queryset = self.match(queryset, query.words)
        queryset = queryset.filter(object_id__in=kind.public().values("pk"))
        return queryset

    def ranked(self, queryset, query):
        return queryset.alias(
            title_hits=_title_hits(query.words),
            occurrences=_occurrences(query.words),
        ).order_by(
            F("title_hits").desc(),
            F("occurrences").desc(),
            F("published_at").desc(nulls_last=True),
            F("object_id").desc(),
        )

    def count(self, kind, query):
        return self.entries(kind, query).count()

    def page(self, kind, query, start, stop):
        """Object ids of ranked results ``start:stop``, and the total if known for free."""
        ranked = self.ranked(self.entries(kind, query), query)
        return list(ranked.values_list("object_id", flat=True)[start:stop]), None

    def search(self, query, kinds=None):
        """Lazy, paginator-friendly results per kind: ``{kind name: KindResults}``."""
        if not isinstance(query, Query):
            query = parse_query(query)
        chosen = [k for k in registered_kinds() if kinds is None or k.name in kinds]
        return {kind.name: KindResults(self, kind, query) for kind in chosen}


def _tsquery_lexeme(token):
    # tsquery input syntax: a quoted lexeme, quotes doubled, backslashes escaped.
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(words):
    tokens = sorted({token for word in words for token in word_tokens(word)})
    return " & ".join(_tsquery_lexeme(token) for token in tokens)


class PostgresBackend(DatabaseBackend):
    """A GIN index over the text's tokens (migration 0002) narrows the candidates first.

    The index holds no positions: a tsvector keeps at most 256 positions per lexeme and
    none past 16,383, so phrase queries would miss matches in long texts. Words longer
    than two characters are confirmed by a substring test instead.
    """

    def rebuild(self, kind, *, batch_size=500):
        count = super().rebuild(kind, batch_size=batch_size)
        with connection.cursor() as cursor:
            # Merge the GIN pending list now rather than on the first searches.
            cursor.execute("SELECT gin_clean_pending_list('search_entry_tokens_gin'::regclass)")
            cursor.execute("ANALYZE kexie_searchentry")
        return count

    def page(self, kind, query, start, stop):
        # One pass: the total comes with the page. Matches are counted only for the
        # RANK_WINDOW newest results, each read once by id after the cheap sorts.
        inner = self.entries(kind, query).annotate(title_hits=_title_hits(query.words))
        sql, params = inner.values(
            "id", "object_id", "published_at", "title_hits"
        ).query.sql_with_params()
        occurrences = " + ".join(
            ["(octet_length(s.text) - octet_length(replace(s.text, %s, ''))) / %s"]
            * len(query.words)
        )
        occurrence_params = []
        for word in query.words:
            occurrence_params += [word, len(word.encode())]
        limit = "" if stop is None else "LIMIT %s"
        with connection.cursor() as cursor:
            # Only ORM-compiled SQL and placeholders are formatted in; values are parameters.
            cursor.execute(
                "SELECT m.object_id, m.total FROM ("  # noqa: S608
                " SELECT i.*, count(*) OVER () AS total, row_number() OVER"
                " (ORDER BY i.published_at DESC NULLS LAST, i.object_id DESC) AS recency"
                f" FROM ({sql}) AS i) AS m"
                " ORDER BY m.title_hits DESC, CASE WHEN m.recency <= %s THEN"
                f" (SELECT {occurrences} FROM kexie_searchentry s WHERE s.id = m.id)"
                " ELSE 0 END DESC, m.published_at DESC NULLS LAST, m.object_id DESC"
                f" {limit} OFFSET %s",
                [
                    *params,
                    RANK_WINDOW,
                    *occurrence_params,
                    *([] if stop is None else [stop - start]),
                    start,
                ],
            )
            rows = cursor.fetchall()
        return [object_id for object_id, _ in rows], (rows[0][1] if rows else None)

    def match(self, queryset, words):
        queryset = queryset.filter(
            RawSQL(
                "kexie_search_tokens(kexie_searchentry.text) @@ %s::tsquery",
                (tsquery(words),),
                output_field=BooleanField(),
            )
        )
        # Up to two characters the tokens are the answer; longer words need the text.
        return super().match(queryset, [word for word in words if len(word) > 2])


def get_backend():
    path = getattr(settings, "KEXIE_SEARCH_BACKEND", "")
    if path:
        return import_string(path)()
    if connection.vendor == "postgresql":
        return PostgresBackend()
    return DatabaseBackend()


# ---------------------------------------------------------------------------
# Results


@dataclass
class Hit:
    object: Model
    kind: SearchKind
    title: str
    snippet: str


@dataclass
class KindResults:
    """Sliceable and countable, so ``Paginator`` can page it.

    ``expect(start, stop)`` says which slice will be asked for, so a backend that
    returns the total with a page (PostgreSQL) answers ``count()`` and the slice at once.
    """

    backend: DatabaseBackend
    kind: SearchKind
    query: Query
    _count: int | None = field(default=None, repr=False)
    _expected: tuple | None = field(default=None, repr=False)
    _pages: dict = field(default_factory=dict, repr=False)

    def expect(self, start, stop):
        self._expected = (start, stop)
        return self

    def count(self):
        if self._count is None:
            if not self.query:
                self._count = 0
            else:
                if self._expected:
                    self._ids(*self._expected)
                if self._count is None:
                    self._count = self.backend.count(self.kind, self.query)
        return self._count

    def __len__(self):
        return self.count()

    def _ids(self, start, stop):
        for (cached_start, cached_stop), ids in self._pages.items():
            # A shorter page than asked for is the end of the results.
            complete = len(ids) < cached_stop - cached_start
            if cached_start == start and (stop <= cached_stop or complete):
                return ids[: stop - start]
        ids, total = self.backend.page(self.kind, self.query, start, stop)
        self._pages[(start, stop)] = ids
        if total is not None:
            self._count = total
        return ids

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        start, stop = key.start or 0, key.stop
        if stop is None:
            stop = self.count()
        if not self.query or stop <= start:
            return []
        ids = self._ids(start, stop)
        if not ids:
            return []
        objects = self.kind.public().in_bulk(ids)
        hits = []
        for object_id in ids:
            obj = objects.get(object_id)
            if obj is None:  # unpublished between the two queries
                continue
            document = self.kind.document(obj)
            hits.append(
                Hit(
                    object=obj,
                    kind=self.kind,
                    title=highlight(document.title, self.query.words),
                    snippet=snippet(document.body, self.query.words),
                )
            )
        return hits


# ---------------------------------------------------------------------------
# Highlighting: escape first, then mark.


class _CharTable(dict):
    """``str.translate`` table applying ``_normalize_char``, filled as characters appear."""

    def __missing__(self, code):
        self[code] = _normalize_char(chr(code))
        return self[code]


_CHAR_TABLE = _CharTable()


def _normalized_map(text):
    """``text`` normalized character by character, and each normalized char's source index."""
    normalized = text.translate(_CHAR_TABLE)
    if all(len(_CHAR_TABLE[ord(char)]) == 1 for char in set(text)):
        return normalized, range(len(text))  # one for one: positions agree
    sources = []
    for index, char in enumerate(text):
        sources.extend([index] * len(_CHAR_TABLE[ord(char)]))
    return normalized, sources


def _spans(text, words):
    """Source-text spans of every occurrence of every word, merged, in order."""
    normalized, sources = _normalized_map(text)
    spans = []
    for word in words:
        start = normalized.find(word)
        while start != -1:
            end = start + len(word)
            spans.append((sources[start], sources[end - 1] + 1))
            start = normalized.find(word, end)
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _marked(text, spans, offset=0):
    parts, position = [], offset
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return "".join(parts)


def highlight(text, words):
    """``text`` escaped, with every occurrence of the words in <mark>."""
    text = unicodedata.normalize("NFC", str(text or ""))
    return mark_safe(_marked(text, _spans(text, words)))  # noqa: S308 - escaped in _marked


def snippet(text, words, length=SNIPPET_LENGTH):
    """A passage of ``text`` around the first match, escaped, the words in <mark>."""
    text = " ".join(unicodedata.normalize("NFC", str(text or "")).split())
    spans = _spans(text, words)
    if not spans:
        return escape(Truncator(text).chars(length))
    start = max(0, spans[0][0] - SNIPPET_LEAD)
    end = min(len(text), start + length)
    start = max(0, min(start, end - length))
    window = [(max(s, start), min(e, end)) for s, e in spans if s < end and e > start]
    body = _marked(text[:end], window, offset=start)
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # noqa: S308 - escaped in _marked


# ---------------------------------------------------------------------------
# Public API


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
    return get_backend().search(query, kinds)


# ---------------------------------------------------------------------------
# Registrations of this project's models (called from KexieConfig.ready).


def _article_document(article):
    from kexie.richtext import html_to_text

    body = [article.subtitle, article.summary, html_to_text(article.body)]
    body += [article.source, article.author]
    return Document(
        title=article.title,
        body="\n".join(part for part in body if part),
        published_at=article.publish_at,
    )


def _organization_document(organization):
    from kexie.richtext import html_to_text

    body = [organization.short_name, html_to_text(organization.description)]
    return Document(title=organization.name, body="\n".join(part for part in body if part))


def _honour_document(honour):
    award = honour.award
    body = [award.name, award.conferring_body, honour.employer, honour.citation]
    body += [str(honour.year) if honour.year else ""]
    return Document(
        title=f"{honour.recipient_name} · {award.name}",
        body="\n".join(part for part in body if part),
    )


def register_defaults():
    from django.utils.translation import gettext_lazy as _

    from awards.models import Honour
    from news.models import Article
    from organizations.models import Organization

    register(
        "article",
        Article,
        document=_article_document,
        public=lambda: Article.objects.published().select_related("category"),
        label=_("Articles"),
    )
    register(
        "organization",
        Organization,
        document=_organization_document,
        public=lambda: Organization.objects.active(),
        label=_("Organizations"),
    )
    register(
        "honour",
        Honour,
        document=_honour_document,
        public=lambda: Honour.objects.select_related("award"),
        label=_("Honours"),
    )
