"""Recognising a "By ..." line and reading the names on it.

A by-line must read as names, so that a sentence that merely starts with "By" ("By Monday,
Kyiv had ...") stays story text: the first part is one to five capitalised words, and any
later part (after a comma, "and", "in") is a name or a job title.
"""

import re

from articles.plaintext.links import AGENCIES

_BY = re.compile(r"(?:written\s+)?by\s*:?\s+(?P<names>.+)", re.IGNORECASE)
_SEPARATORS = re.compile(
    r"\s*(?:,|;|\||/|\s[-\u2013\u2014]\s|&)\s*|\s+(?:and|in|for|at|with)\s+", re.IGNORECASE
)
_PARTICLES = {
    "de", "da", "di", "del", "della", "van", "von", "der", "den", "du", "dos", "das", "la",
    "le", "bin", "ibn", "al", "el", "y", "ter", "ten", "st.",
}  # fmt: skip
_ROLE_WORDS = {
    "staff", "writer", "writers", "reporter", "reporters", "correspondent", "correspondents",
    "editor", "editors", "contributor", "bureau", "chief", "senior", "special", "news",
    "the", "of", "our", "own", "agencies", "wires", "photographer", "photos", "columnist",
    "analyst", "desk", "political", "foreign", "international", "business", "science",
}  # fmt: skip
_MAX_LENGTH = 120
_MAX_WORDS = 14


def _capitalised(word: str) -> bool:
    # Uncased scripts (CJK, Arabic) count as capitalised: they have no lower case to show.
    return word[0].isalpha() and not word[0].islower()


def _is_name(part: str) -> bool:
    words = part.split()
    if not 1 <= len(words) <= 5 or not _capitalised(words[0]):
        return False
    return all(_capitalised(w) or w.lower() in _PARTICLES for w in words)


def _is_role(part: str) -> bool:
    words = part.split()
    return 1 <= len(words) <= 6 and all(_capitalised(w) or w.lower() in _ROLE_WORDS for w in words)


def _tidy(names: str) -> str:
    # "BY JOHN SMITH, AFP": shouting is the layout's, not the name's.
    if not names.isupper():
        return names
    return " ".join(
        w if w.lower().strip(",") in AGENCIES else w[:1] + w[1:].lower() for w in names.split()
    )


def byline(text: str) -> str | None:
    """The names on a by-line, or None when the line is not one."""
    match = _BY.fullmatch(text)
    if match is None or len(text) > _MAX_LENGTH:
        return None
    names = match["names"].strip()
    if len(names.split()) > _MAX_WORDS:
        return None
    # A full stop ends a sentence, except after an initial or "Jr.".
    if names[-1] in "!?;:" or (names[-1] == "." and not re.search(r"\b\w{1,3}\.$", names)):
        return None
    parts = [p for p in _SEPARATORS.split(names) if p]
    if not parts or not _is_name(parts[0]):
        return None
    if not all(_is_name(p) or _is_role(p) for p in parts[1:]):
        return None
    return _tidy(names)
