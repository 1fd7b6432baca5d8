"""
Banned-term guard (敏感词 / 违规词): find listed terms in public text, however disguised.

Text and terms are compared in a normal form: HTML entities decoded, NFKC
(full-width ８８８０５ becomes 88805), case folded, and everything that is not a
letter, digit or CJK character dropped (spaces, punctuation, zero-width and
other format characters). Text inside HTML tags is checked apart from the text
between them, so ``新<b>蒲</b>京`` is caught and so is a term hidden in an
attribute or in a plain-text field's angle brackets.

All terms are matched in one pass with an Aho-Corasick automaton, built once
and rebuilt only when the term list changes (a cheap fingerprint query tells,
so every worker process notices an edit).

Apps declare their public content in a ``guard`` module (``news/guard.py``)
with ``register``; ``scan_content`` and the review workflow use that registry.
"""

import html
import re
import threading
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.utils.translation import gettext as _

BLOCK = "block"
WARN = "warn"

TAG_RE = re.compile(r"<[^<>]*>")
NON_WORD_RE = re.compile(r"[\W_]+")
# The slow path, used only to point at a hit in the original text.
TOKEN_RE = re.compile(r"<[^<>]*>|&#?[0-9A-Za-z]+;|.", re.DOTALL)


def _fold(text):
    # Drop separators first: what remains of ordinary Chinese text is then
    # already in NFKC, which Python confirms by a quick check instead of
    # normalizing character by character (four times faster on an article).
    # NFKC can itself produce separators (¼ -> 1⁄4), hence the second pass.
    text = unicodedata.normalize("NFKC", NON_WORD_RE.sub("", text)).casefold()
    return NON_WORD_RE.sub("", text)


def normalize(text):
    """The comparable form of a term or of text without markup."""
    return _fold(html.unescape(text or ""))


def normalized_parts(text):
    """Visible text (tags removed) and the text inside tags, each in normal form."""
    text = text or ""
    if "<" not in text:
        return (normalize(text),)
    visible = TAG_RE.sub("", text)
    hidden = " ".join(TAG_RE.findall(text))
    return normalize(visible), normalize(hidden)


def locate(text, term):
    """(start, end) spans of ``term`` in the original ``text``, seen through the disguises."""
    target = normalize(term)
    if not target or not text:
        return []
    folded, origin = [], []
    for match in TOKEN_RE.finditer(text):
        token = match.group()
        if token.startswith("<") and len(token) > 1:
            continue
        for char in _fold(html.unescape(token)):
            folded.append(char)
            origin.append((match.start(), match.end()))
    folded = "".join(folded)
    spans, position = [], folded.find(target)
    while position != -1:
        spans.append((origin[position][0], origin[position + len(target) - 1][1]))
        position = folded.find(target, position + 1)
    return spans


class Automaton:
    """Aho-Corasick over normalized terms; ``find`` returns the payloads of every term present.

    Transitions are stored as a DFA whose failure links are folded into each
    state's dict, except the root's: a miss falls back to the root's dict, so
    the scan is one or two dict lookups per character and never loops.
    """

    def __init__(self, patterns):
        goto, fail, out = [{}], [0], [()]
        for pattern, payload in patterns.items():
            if not pattern:
                continue
            state = 0
            for char in pattern:
                following = goto[state].get(char)
                if following is None:
                    following = len(goto)
                    goto[state][char] = following
                    goto.append({})
                    fail.append(0)
                    out.append(())
                state = following
            out[state] = (*out[state], payload)
        delta = [goto[0]] + [None] * (len(goto) - 1)
        queue = deque(goto[0].values())
        for state in queue:
            delta[state] = goto[state]
        while queue:
            state = queue.popleft()
            for char, following in goto[state].items():
                queue.append(following)
                link = fail[state]
                while link and char not in goto[link]:
                    link = fail[link]
                fail[following] = goto[link].get(char, 0)
                out[following] = (*out[following], *out[fail[following]])
                inherited = delta[fail[following]] if fail[following] else None
                delta[following] = (
                    {**inherited, **goto[following]} if inherited else goto[following]
                )
        # Bound ``get`` methods save an attribute lookup per character.
        self._steps = [transitions.get for transitions in delta]
        self._out = out
        self.size = len(goto)

    def find(self, text):
        steps, out = self._steps, self._out
        from_root = steps[0]
        state, found = 0, set()
        for char in text:
            state = steps[state](char)
            if state is None:
                state = from_root(char, 0)
            if out[state]:
                found.update(out[state])
        return found


@dataclass(frozen=True, order=True)
class Hit:
    field: str
    term: str
    action: str
    category: str = ""


@dataclass(frozen=True)
class _Term:
    term: str
    action: str
    category: str


class Matcher:
    def __init__(self, terms):
        """``terms``: iterable of (term, action, category)."""
        patterns = {}
        for term, action, category in terms:
            key = normalize(term)
            if not key:
                continue
            known = patterns.get(key)
            # The same word listed twice in different disguises: the stricter entry wins.
            if known is None or (known.action == WARN and action == BLOCK):
                patterns[key] = _Term(term, action, category)
        self.automaton = Automaton(patterns)

    def check(self, fields):
        hits = set()
        for field, text in fields.items():
            if not text:
                continue
            for part in normalized_parts(str(text)):
                for found in self.automaton.find(part):
                    hits.add(Hit(field, found.term, found.action, found.category))
        return sorted(hits, key=lambda hit: (hit.action != BLOCK, hit.field, hit.term))


# --- The matcher for the term list in the database ---------------------------

_lock = threading.Lock()
_cached = {"fingerprint": None, "matcher": None}


def _fingerprint():
    from django.db.models import Count, Max

    from kexie.models import BannedTerm

    stats = BannedTerm.objects.aggregate(n=Count("id"), top=Max("id"), last=Max("updated_at"))
    return stats["n"], stats["top"], stats["last"]


def get_matcher():
    """The compiled matcher for the active terms, rebuilt when the list has changed."""
    from kexie.models import BannedTerm

    fingerprint = _fingerprint()
    with _lock:
        if _cached["matcher"] is not None and _cached["fingerprint"] == fingerprint:
            return _cached["matcher"]
    terms = BannedTerm.objects.filter(is_active=True).values_list("term", "action", "category")
    matcher = Matcher(terms)
    with _lock:
        _cached.update(fingerprint=fingerprint, matcher=matcher)
    return matcher


def invalidate():
    with _lock:
        _cached.update(fingerprint=None, matcher=None)


def check(fields):
    """Hits of active banned terms in ``fields`` ({label: text}), blocking hits first."""
    return get_matcher().check(fields)


def blocking(hits):
    return [hit for hit in hits if hit.action == BLOCK]


def warnings(hits):
    return [hit for hit in hits if hit.action != BLOCK]


def describe(hit):
    return _("“%(term)s” in %(field)s") % {"term": hit.term, "field": hit.field}


def refusal_message(hits):
    return _(
        "Banned terms were found, so this cannot be published: %(hits)s. Remove them first."
    ) % {"hits": "; ".join(describe(hit) for hit in hits)}


def warning_message(hits):
    return _("Terms to check before publishing: %(hits)s.") % {
        "hits": "; ".join(describe(hit) for hit in hits)
    }


# --- Registry of public content ----------------------------------------------


@dataclass(frozen=True)
class GuardedContent:
    model: Any
    public: Callable  # () -> queryset of what the public sees or will see when scheduled
    texts: Callable  # (obj) -> {label: text} of every public text of obj


_registry = {}


def register(model, *, public, texts):
    _registry[model._meta.label_lower] = GuardedContent(model, public, texts)


def registered():
    return list(_registry.values())


def texts_of(obj):
    return _registry[obj._meta.label_lower].texts(obj)


# --- Admin forms ---------------------------------------------------------------


class GuardedFormMixin:
    """Refuse public text with blocking terms; collect warn-level hits in ``guard_warnings``.

    Declare ``guarded_fields``; override ``guard_applies`` when only some
    states are public (an article's draft is not). Pair with
    ``GuardedAdminMixin`` to show the warnings after saving.
    """

    guarded_fields = ()

    def guard_applies(self):
        return True

    def guard_texts(self):
        return {
            name: self.cleaned_data.get(name)
            for name in self.guarded_fields
            if isinstance(self.cleaned_data.get(name), str)
        }

    def clean(self):
        cleaned = super().clean()
        self.guard_warnings = []
        if not self.guard_applies():
            return cleaned
        texts = self.guard_texts()
        labels = {name: str(self.fields[name].label or name) for name in texts}
        hits = check(texts)
        for hit in blocking(hits):
            labelled = Hit(labels[hit.field], hit.term, hit.action, hit.category)
            self.add_error(hit.field, refusal_message([labelled]))
        self.guard_warnings = [
            Hit(labels[hit.field], hit.term, hit.action, hit.category) for hit in warnings(hits)
        ]
        return cleaned


class GuardedAdminMixin:
    """Show the guard's warn-level hits of a saved form, and of its inline formsets."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        found = list(getattr(form, "guard_warnings", []))
        for formset in formsets:
            found.extend(getattr(formset, "guard_warnings", []))
        if found:
            self.message_user(request, warning_message(found), messages.WARNING)
