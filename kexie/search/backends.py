"""
Backends: where the matching happens. ``DatabaseBackend`` runs substring tests on the
folded text (exact, a scan); ``PostgresBackend`` first narrows the candidates with a GIN
index over the text's characters and character pairs. Another engine (OpenSearch) would
be one more class here, chosen with ``KEXIE_SEARCH_BACKEND``.
"""

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Length, Replace, StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.module_loading import import_string

from kexie.models import SearchEntry
from kexie.search.normalizing import Query, fold_text, parse_query, word_tokens
from kexie.search.registry import kind_for, registered_kinds
from kexie.search.results import KindResults

# PostgreSQL counts matches per article (the second ranking key) only for this many of
# the newest results: enough for the first pages, and it keeps very common words fast.
RANK_WINDOW = 100


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
        title = fold_text(document.title)
        body = fold_text(document.body)
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
