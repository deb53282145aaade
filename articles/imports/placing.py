"""Placing an imported quote on an article's text: the TextQuote selector another tool
kept (with its context, when it has one) becomes a selector on our `body_text`.

In order, the first that holds wins:
1. the words verbatim where the other tool said they start (its offsets count another
   text, so this is only a hint that happens to be right for Newsroom's own exports);
2. the project's anchoring (`anchoring.reanchor`), which weighs quote, context and
   position exactly as re-anchoring after an edit does, when it lands on the same words
   (`annotations.same_words`);
3. the words alone, spacing and typography aside (another tool's text may break lines
   where ours breaks paragraphs): the occurrence whose context agrees best, else the one
   nearest the hint, else the first. Read-later tools keep quotes without context, and
   their text is the one we import, so the words are the evidence.
Nothing matching: None, and the caller reports it. Pure: no database.
"""

from __future__ import annotations

import re

from articles import anchoring
from articles.annotations import same_words

MAX_OCCURRENCES = 50
_SPACE = re.compile(r"\s+")


def place(
    text: str, exact: str, prefix: str = "", suffix: str = "", hint: int | None = None
) -> anchoring.Selector | None:
    if not exact.strip() or not text:
        return None
    length = len(exact)
    if hint is not None and text[hint : hint + length] == exact:
        return anchoring.select(text, hint, hint + length)
    start = hint if hint is not None and hint <= len(text) else 0
    old = anchoring.Selector(start, start + length, exact, prefix[-64:], suffix[:64])
    found = anchoring.reanchor(old, text).selector
    if found is not None and same_words(found.exact, exact):
        return found
    return _loose(text, exact, prefix, suffix, hint)


def _collapsed(text: str) -> tuple[str, list[int]]:
    """`text` folded (`anchoring.fold`) with each run of spaces made one space, and for
    each of its characters the offset it came from."""
    folded = anchoring.fold(text)
    out: list[str] = []
    where: list[int] = []
    last = 0
    for match in _SPACE.finditer(folded):
        out.append(folded[last : match.start()])
        where.extend(range(last, match.start()))
        out.append(" ")
        where.append(match.start())
        last = match.end()
    out.append(folded[last:])
    where.extend(range(last, len(folded)))
    return "".join(out), where


def _loose(
    text: str, exact: str, prefix: str, suffix: str, hint: int | None
) -> anchoring.Selector | None:
    haystack, where = _collapsed(text)
    needle = _SPACE.sub(" ", anchoring.fold(exact)).strip()
    starts: list[int] = []
    at = haystack.find(needle)
    while at >= 0 and len(starts) < MAX_OCCURRENCES:
        starts.append(at)
        at = haystack.find(needle, at + 1)
    if not starts:
        return None
    before = _SPACE.sub(" ", anchoring.fold(prefix)).strip()
    after = _SPACE.sub(" ", anchoring.fold(suffix)).strip()

    def agreement(at: int) -> int:
        left = haystack[max(0, at - 80) : at].rstrip()
        right = haystack[at + len(needle) : at + len(needle) + 80].lstrip()
        return _common_suffix(before, left) + _common_prefix(after, right)

    def distance(at: int) -> int:
        return abs(where[at] - hint) if hint is not None else 0

    best = min(starts, key=lambda at: (-agreement(at), distance(at), at))
    start, end = where[best], where[best + len(needle) - 1] + 1
    try:
        return anchoring.select(text, start, end)
    except anchoring.AnchorError:
        return None


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])
