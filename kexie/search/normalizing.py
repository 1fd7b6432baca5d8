"""
The one definition of "the same text" for the index, the query and highlighting.

Full-width and half-width forms fold together (NFKC), case folds, control characters
become spaces, invisible format characters go. Documents become sets of characters and
character pairs (the CJK-bigram method), which the PostgreSQL index stores.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# The one length limit for queries: the header box, the search page and the parser
# all read it (through the ``search_max_length`` context variable in templates).
MAX_QUERY_LENGTH = 50
MAX_WORDS = 6

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ud800-\udfff]")


def fold_text(text):
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = _INVISIBLE.sub("", _CONTROL.sub(" ", text))
    text = unicodedata.normalize("NFKC", text.casefold())
    return " ".join(text.split())


@lru_cache(maxsize=8192)
def fold_char(char):
    """``fold_text`` of one character, so highlighting can map matches back to the source."""
    if char.isspace() or _CONTROL.match(char):
        return " "
    if _INVISIBLE.match(char):
        return ""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", char).casefold())


def document_tokens(text):
    """Every character and every pair of adjacent characters of folded ``text``."""
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
    words: tuple = ()
    truncated: bool = False

    def __bool__(self):
        return bool(self.words)

    @property
    def text(self):
        return " ".join(self.words)


def parse_query(raw):
    """Words a reader typed: folded, at most MAX_QUERY_LENGTH characters, deduplicated."""
    # Cut before folding so a megabyte of input costs nothing; NFKC can only expand a
    # little, so four times the limit still leaves every character that could count.
    text = fold_text(str(raw or "")[: MAX_QUERY_LENGTH * 4])
    truncated = len(text) > MAX_QUERY_LENGTH
    words = tuple(dict.fromkeys(text[:MAX_QUERY_LENGTH].split()))
    truncated = truncated or len(words) > MAX_WORDS
    return Query(words=words[:MAX_WORDS], truncated=truncated)
