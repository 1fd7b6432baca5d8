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


def register(name, model, *, document, public, label="", connect_signals=False):
    """Make ``model`` searchable as ``name``.

    Models whose ``save()``/``delete()`` call ``index()``/``remove()`` themselves keep
    content and index in one transaction. ``connect_signals=True`` hooks post_save and
    post_delete instead, for models this module may not edit.
    """
    kind = SearchKind(name=name, model=model, document=document, public=public, label=label)
    _registry[name] = kind
    if connect_signals:
        from django.db.models.signals import post_delete, post_save

        post_save.connect(_index_on_save, sender=model, dispatch_uid=f"search-index-{name}")
        post_delete.connect(_remove_on_delete, sender=model, dispatch_uid=f"search-remove-{name}")
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


def _index_on_save(sender, instance, raw=False, **kwargs):
    if not raw:
        index(instance)


def _remove_on_delete(sender, instance, **kwargs):
    remove(instance)


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
        values = self._entry_values(kind.document(obj))
        with transaction.atomic():
            SearchEntry.objects.update_or_create(kind=kind.name, object_id=obj.pk, defaults=values)
            self.write_tokens(kind.name, [(obj.pk, values["text"])])

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
            values = self._entry_values(kind.document(obj))
            batch.append(SearchEntry(kind=kind.name, object_id=obj.pk, **values))
            if len(batch) >= batch_size:
                count += self._write_batch(kind, batch)
                batch = []
        if batch:
            count += self._write_batch(kind, batch)
        return count

    def _write_batch(self, kind, entries):
        SearchEntry.objects.bulk_create(entries)
        self.write_tokens(kind.name, [(entry.object_id, entry.text) for entry in entries])
        return len(entries)

    @staticmethod
    def _entry_values(document):
        title = normalize(document.title)
        body = normalize(document.body)
        return {
            "title": title[:500],
            # A space between title and body: no word matches across the seam.
            "text": f"{title} {body}".strip(),
            "published_at": document.published_at,
        }

    def write_tokens(self, kind_name, rows):
        """Store index tokens for (object_id, normalized text) rows; nothing to do here."""

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
    """The bigram tokens in a GIN-indexed tsvector narrow the candidates first.

    Positions are not stored: a tsvector keeps at most 256 positions per lexeme and
    none past 16,383, which would make phrase queries miss matches in long texts.
    """

    def write_tokens(self, kind_name, rows):
        if not rows:
            return
        ids = [object_id for object_id, _ in rows]
        # Tokens never hold a space (see document_tokens), so a space separates them.
        tokens = [" ".join(document_tokens(text)) for _, text in rows]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE kexie_searchentry AS e"
                " SET tokens = array_to_tsvector(string_to_array(v.tokens, ' '))"
                " FROM unnest(%s::bigint[], %s::text[]) AS v(object_id, tokens)"
                " WHERE e.kind = %s AND e.object_id = v.object_id",
                [ids, tokens, kind_name],
            )

    def match(self, queryset, words):
        queryset = queryset.filter(
            RawSQL(
                "kexie_searchentry.tokens @@ %s::tsquery",
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
    """Sliceable and countable, so ``Paginator`` pages it with two queries plus one load."""

    backend: DatabaseBackend
    kind: SearchKind
    query: Query
    _count: int | None = field(default=None, repr=False)

    def _entries(self):
        return self.backend.entries(self.kind, self.query)

    def count(self):
        if self._count is None:
            self._count = self._entries().count() if self.query else 0
        return self._count

    def __len__(self):
        return self.count()

    def __getitem__(self, key):
        if isinstance(key, int):
            return self[key : key + 1][0]
        if not self.query or (key.stop is not None and key.stop <= (key.start or 0)):
            return []
        ids = list(
            self.backend.ranked(self._entries(), self.query).values_list("object_id", flat=True)[
                key
            ]
        )
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


def _normalized_map(text):
    """``text`` normalized character by character, and each normalized char's source index."""
    pieces, sources = [], []
    for index, char in enumerate(text):
        piece = _normalize_char(char)
        pieces.append(piece)
        sources.extend([index] * len(piece))
    return "".join(pieces), sources


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


def register_defaults():
    from django.utils.translation import gettext_lazy as _

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
        connect_signals=True,
    )
