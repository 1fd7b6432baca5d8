"""Results of one kind for one query: countable and sliceable, so ``Paginator`` pages them."""

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model

from kexie.search.highlighting import highlight, snippet
from kexie.search.normalizing import Query
from kexie.search.registry import SearchKind


@dataclass
class Result:
    """One found object, its title and a passage with the words marked."""

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

    backend: Any  # a backend from kexie.search.backends
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
            if obj is not None:
                obj = self.kind.present(obj)
            if obj is None:  # unpublished between the two queries, or withheld
                continue
            document = self.kind.document(obj)
            hits.append(
                Result(
                    object=obj,
                    kind=self.kind,
                    title=highlight(document.title, self.query.words),
                    snippet=snippet(document.body, self.query.words),
                )
            )
        return hits
