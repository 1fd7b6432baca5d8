"""Highlighting: escape first, then mark the words where the folded text matched them."""

import unicodedata

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from kexie.search.normalizing import fold_char

SNIPPET_LENGTH = 120
SNIPPET_LEAD = 30


class _CharTable(dict):
    """``str.translate`` table applying ``fold_char``, filled as characters appear."""

    def __missing__(self, code):
        self[code] = fold_char(chr(code))
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
