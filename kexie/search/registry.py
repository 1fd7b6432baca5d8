"""
Which models are searchable and how. Each app registers its own in a ``search`` module
(``news/search.py``), discovered by ``KexieConfig.ready``: shared code never imports an app.
"""

from dataclasses import dataclass
from typing import Any


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
    order: int = 0  # groups on the results page, smallest first
    shown: Any = None  # callable(obj) -> what the public sees of it, or None to withhold it

    def present(self, obj):
        return obj if self.shown is None else self.shown(obj)

    def __str__(self):
        return str(self.label or self.name)


_registry = {}


def register(name, model, *, document, public, label="", order=0, shown=None):
    """Make ``model`` searchable as ``name``.

    ``shown``: what a result shows of a found object, the same rule as the model's
    list pages (articles: ``news.tamper.served``, the approved version of a row
    changed past the application, or None to leave it out).

    The model's ``save()``/``delete()`` (``kexie.models.SearchIndexedModel``) call
    ``index()``/``remove()`` inside their own transaction, so content and index never disagree.
    """
    kind = SearchKind(
        name=name,
        model=model,
        document=document,
        public=public,
        label=label,
        order=order,
        shown=shown,
    )
    _registry[name] = kind
    return kind


def registered_kinds():
    return sorted(_registry.values(), key=lambda kind: (kind.order, kind.name))


def get_kind(name):
    return _registry[name]


def kind_for(obj):
    model = obj._meta.concrete_model
    for kind in _registry.values():
        if kind.model is model:
            return kind
    return None
