"""
Banned-term guard (敏感词 / 违规词): find listed terms in public text, however disguised.

Text and terms are compared in a normal form: HTML entities decoded, NFKC
(full-width ８８８０５ becomes 88805), case folded, invisible characters
dropped (default-ignorable code points such as the Hangul filler in ``新ㅤ蒲京``,
the braille blank), look-alike letters replaced by their prototype per the
Unicode confusables skeleton of UTS #39 (Cyrillic ``с`` reads as Latin ``c``),
and everything that is not a letter, digit or CJK character dropped (spaces,
punctuation, zero-width and other format characters). Text inside HTML tags is checked apart from the text
between them, so ``新<b>蒲</b>京`` is caught and so is a term hidden in an
attribute or in a plain-text field's angle brackets.

All terms are matched in one pass with an Aho-Corasick automaton, built once
and rebuilt only when the term list changes (a cheap fingerprint query tells,
so every worker process notices an edit).

Apps declare their public content in a ``guard`` module (``news/guard.py``)
with ``register``; ``scan_content`` and the review workflow use that registry.
"""

import html
import json
import re
import threading
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _

BLOCK = "block"
WARN = "warn"

TAG_RE = re.compile(r"<[^<>]*>")
NON_WORD_RE = re.compile(r"[\W_]+")
# The slow path, used only to point at a hit in the original text.
TOKEN_RE = re.compile(r"<[^<>]*>|&#?[0-9A-Za-z]+;|.", re.DOTALL)


# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): characters
# that render as nothing. Python's unicodedata does not expose the property, so
# the ranges are listed here. Most are format characters that the non-word
# pass drops anyway; the Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) are
# letters to Python and would survive it. The braille blank U+2800 is a symbol
# that looks like a space.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
BLANK_LOOKING = (0x2800, 0x2800), (0x3000, 0x3000), (0x2028, 0x2029)


@cache
def _confusables_table():
    """str.translate table: invisible characters to nothing, look-alikes to one prototype.

    The data is Unicode's confusables.txt as shipped by confusable-homoglyphs,
    which stores each source -> prototype line in both directions. Prototypes
    are fixed points of the mapping, so every class of look-alikes is a star
    around its prototype: the member with several entries, or the one that is
    a sequence (``m`` -> ``rn``). Two-member classes cannot tell which is the
    prototype; any fixed choice gives the same equality of skeletons, so ASCII
    (then the lower code point) is chosen.
    """
    import confusable_homoglyphs

    data_file = Path(confusable_homoglyphs.__file__).with_name("confusables.json")
    raw = json.loads(data_file.read_text(encoding="utf-8"))
    strip = str.maketrans("", "", "\u200e\u200f")
    links = {}
    for key, entries in raw.items():
        key = key.translate(strip)
        links.setdefault(key, set()).update(entry["c"].translate(strip) for entry in entries)

    def prototype(char):
        members = {char, *links[char]}
        sequences = [member for member in members if len(member) > 1]
        if sequences:
            return min(sequences)
        hub = max(members, key=lambda member: len(links.get(member, ())))
        if len(links.get(hub, ())) > 1:
            return hub
        return min(members, key=lambda member: (not member.isascii(), member))

    table = {}
    for char in links:
        if len(char) != 1:
            continue
        target = _base_fold(prototype(char))
        # A letter whose prototype is punctuation (丿 -> /) would vanish in the
        # non-word pass and hide whatever it is part of: it stays as it is.
        if target != char and not (NON_WORD_RE.fullmatch(target) and not NON_WORD_RE.match(char)):
            table[ord(char)] = target
    for ranges in (DEFAULT_IGNORABLE, BLANK_LOOKING):
        for first, last in ranges:
            table.update(dict.fromkeys(range(first, last + 1)))
    # A prototype can itself fold or map further (capital letters, sequences):
    # settle every entry on its final form so one translate() is enough.
    for _round in range(3):
        changed = False
        for code, target in table.items():
            if target is None:
                continue
            settled = _base_fold(target.translate(table))
            if settled != target:
                table[code], changed = settled, True
        if not changed:
            break
    return table


@cache
def _skeleton_pattern():
    """(pattern matching runs of characters the table changes, the table)."""
    table = _confusables_table()
    # Only a class of BMP characters compiles to a bitmap (one test per
    # character); astral ones are matched as one range and left to translate().
    characters = "".join(re.escape(chr(code)) for code in sorted(table) if code <= 0xFFFF)
    return re.compile(f"(?:[{characters}]|[\U00010000-\U0010ffff])+"), table


def skeleton(text):
    """``text`` with invisible characters dropped and look-alikes replaced by their prototype."""
    # Most Chinese text has only a few characters the table changes (一 is
    # one): translating those runs costs a fraction of translating it all.
    pattern, table = _skeleton_pattern()
    return pattern.sub(lambda run: run.group().translate(table), text)


def _base_fold(text):
    return unicodedata.normalize("NFKC", text).casefold()


def _fold(text):
    # Drop separators first: what remains of ordinary Chinese text is then
    # already in NFKC, which Python confirms by a quick check instead of
    # normalizing character by character (four times faster on an article).
    # NFKC can itself produce separators (¼ -> 1⁄4), hence the second pass.
    # The skeleton comes first as UTS #39 has it (on the text as written):
    # NFKC would turn some look-alikes into letters that no longer are one
    # (Greek lunate sigma ϲ, a "c", becomes σ); it comes again after NFKC and
    # case folding for what they produce (Ｃ -> c is fine, ℂ -> c too).
    text = unicodedata.normalize("NFKC", skeleton(NON_WORD_RE.sub("", text))).casefold()
    return NON_WORD_RE.sub("", skeleton(text))


def normalize(text):
    """The comparable form of a term or of text without markup."""
    return _fold(html.unescape(text or ""))


def normalized_parts(text):
    """Visible text (tags removed) and the text inside tags, each in normal form."""
    text = text or ""
    if "<" not in text:
        return (normalize(text),)
    visible = TAG_RE.sub("", text)
    return normalize(visible), normalize_tags(TAG_RE.findall(text))


# The tags of public pages repeat (the header's links, <li>, </a>): each distinct tag is
# folded once per process. Bounded; a full memo starts again.
_TAG_MEMO_SIZE = 20_000
_tag_memo = {}


def _fold_tag(tag):
    """(normal form of one tag, whether it may be joined to what comes before it as is)."""
    found = _tag_memo.get(tag)
    if found is None:
        stripped = NON_WORD_RE.sub("", html.unescape(tag))
        # Normalizing pieces one by one gives the normal form of the whole only where
        # NFKC cannot join a piece to the one before: it starts with an ASCII letter
        # or digit (a tag name does), or has nothing left to join.
        lead = skeleton(stripped[:1])
        joinable = not stripped or (lead[:1].isascii() and lead[:1].isalnum())
        found = (normalize(tag), joinable)
        if len(_tag_memo) >= _TAG_MEMO_SIZE:
            _tag_memo.clear()
        _tag_memo[tag] = found
    return found


def normalize_tags(tags):
    """The normal form of ``" ".join(tags)``, from each distinct tag's, folded once."""
    folded = [_fold_tag(tag) for tag in tags]
    if all(joinable for _form, joinable in folded[1:]):
        return "".join(form for form, _joinable in folded)
    return normalize(" ".join(tags))


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
        self._any = _presence_pattern(pattern for pattern in patterns if pattern)

    def find(self, text):
        if self._any is None or self._any.search(text) is None:
            return set()  # the usual case, a clean page: one pass of the regex engine
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


def _presence_pattern(terms):
    """A regex matching wherever one of ``terms`` begins: their trie, written as a regex.

    It only tells whether any term is present (a branch stops where a term ends),
    so the pure-Python walk runs only for text that has a hit. None: no terms.
    """
    trie = {}
    for term in terms:
        node = trie
        for char in term:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node):
        if "" in node:
            return ""
        alternatives = [re.escape(char) + branch(child) for char, child in sorted(node.items())]
        return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"

    return re.compile(branch(trie)) if trie else None


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
    fields: tuple  # names of the model's fields that some public page shows
    public: Callable  # () -> queryset of what the public sees or will see when scheduled
    related: Callable | None = None  # (obj) -> {label: text} of related public texts
    scanned: bool = True  # False: its text is scanned as part of another model's ``texts``

    def texts(self, obj):
        """{label: text} of every public text of ``obj``."""
        texts = {
            str(self.model._meta.get_field(name).verbose_name): getattr(obj, name)
            for name in self.fields
        }
        if self.related is not None:
            texts.update(self.related(obj))
        return texts


_registry = {}


def register(model, fields, *, public=None, texts=None, scanned=True):
    """Declare the public text of ``model``: a one-liner such as ``register(Category, ["name"])``.

    ``fields``: every field a public page, the feed, the sitemap or search
    shows (tests/security/test_guard_coverage.py renders the site to hold this
    list to the truth). ``public``: what the public sees, all rows by default.
    ``texts``: related text shown with an object, such as attachment titles.
    Admin forms of the model guard these fields without declaring them again.
    ``scanned=False``: the content scans (``scan_content``, the site self-check)
    skip the model because another registration's ``texts`` already report it.
    """
    _registry[model._meta.label_lower] = GuardedContent(
        model, tuple(fields), public or model._default_manager.all, texts, scanned
    )


def registered():
    return list(_registry.values())


def scanned():
    """The registrations a content scan goes through: each public text reported once."""
    return [content for content in _registry.values() if content.scanned]


def registration_for(model):
    return _registry.get(model._meta.label_lower)


def texts_of(obj):
    return _registry[obj._meta.label_lower].texts(obj)


# --- Admin forms ---------------------------------------------------------------


class GuardedFormMixin:
    """Refuse public text with blocking terms; collect warn-level hits in ``guard_warnings``.

    A model form guards the fields its model registered (``register``); other
    forms declare ``guarded_fields``. Override ``guard_applies`` when only some
    states are public (an article's draft is not). Pair with
    ``GuardedAdminMixin`` to show the warnings after saving.
    """

    guarded_fields = ()

    def guard_applies(self):
        return True

    def guard_field_names(self):
        if self.guarded_fields:
            return self.guarded_fields
        meta = getattr(self, "_meta", None)
        registration = registration_for(meta.model) if getattr(meta, "model", None) else None
        return registration.fields if registration else ()

    def guard_texts(self):
        return {
            name: self.cleaned_data.get(name)
            for name in self.guard_field_names()
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


class GuardedModelForm(GuardedFormMixin, forms.ModelForm):
    """The admin form of a registered model: its public fields are guarded."""


class GuardedAdminMixin:
    """Guard the registered fields; show warn-level hits of a saved form and its inlines."""

    form = GuardedModelForm

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        found = list(getattr(form, "guard_warnings", []))
        for formset in formsets:
            found.extend(getattr(formset, "guard_warnings", []))
        if found:
            self.message_user(request, warning_message(found), messages.WARNING)
