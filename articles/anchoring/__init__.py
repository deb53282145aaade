"""Anchoring annotations to an article's text: W3C selectors, and re-anchoring after edits.

`select` turns offsets into a selector; `reanchor` / `reanchor_all` place existing selectors
on a changed text, or orphan them. Pure functions: no Django, no database.

Invariants:
- ``body_text`` is the coordinate space of every selector. Offsets are Python ``str``
  indices (code points); the browser converts its UTF-16 offsets, nothing here does.
- A `Selector` always comes out of `select`: ``exact == text[start:end]`` and ``prefix`` /
  ``suffix`` are the (up to) `CONTEXT` characters either side. Re-anchoring recomputes the
  selector from the new text; it never patches an old one.
- Surviving words land exactly on themselves; an edited passage lands where its
  surroundings went; anything else is orphaned. The caller keeps each annotation's
  original quote and flags one placed on other words as changed, so an edited passage is
  placed openly; a placement on words that are not where the passage or its surroundings
  went would mislead, and orphaning beats it.
- Typography and spacing are not words: curly and straight quotes, dashes and every kind
  of space and line break are folded before matching (one character for one, so offsets
  hold), and a story set anew matches verbatim.
- A quote found verbatim or within the error budget (`MAX_ERROR_RATE`) is taken if the
  range cuts no word the original did not cut, the evidence suffices
  (`decide.supported`: the quote verbatim with one side of context intact, an edited
  quote with both sides agreeing, the whole fingerprint verbatim, or a long quote
  verbatim and nowhere else), and no other place would be accepted too (`decide.decide`;
  the same fingerprint at two places is settled by position only when one is
  `decide.NEARER` times nearer where expected).
- A passage edited beyond the budget (method "rewritten") is placed on the words its old
  prefix and suffix now frame: both sides nearly intact (`rewritten.SLOT_SIDE`; verbatim
  in full when far from where expected) and touching it, the frame about the quote's
  length and within as many paragraphs (or longer, if it keeps the quote's first and last
  words: words added inside), and its words surviving nowhere else (else the nearer
  place wins, or it is orphaned). Prefix and suffix with nothing between is a deletion:
  orphaned. Failing a frame, it is placed right beside one side of context intact in
  full, if the whole quote aligns there within `rewritten.ONE_SIDED_ERROR_RATE` and as
  many paragraphs, and nothing contradicts it (the other side intact elsewhere, a second
  such place, a supported copy of the quote).

`Anchor.method`: "position" (the same offsets), "exact" (the words verbatim elsewhere),
"fuzzy" (within the error budget), "rewritten" (placed by its context on words edited
beyond it), "orphaned".

Candidates are scored as in Hypothesis' client (quote 50, prefix 20, suffix 20, position
2). The approximate search (`myers`) runs only in windows: near the expected position,
and around exact hits of short chunks of the quote and of its context. The modules:
`candidates` (search and scoring), `decide` (choosing), `rewritten` (edited passages).
"""

from __future__ import annotations

from bisect import bisect
from dataclasses import dataclass
from typing import TYPE_CHECKING

from articles.anchoring.candidates import (
    MAX_ERROR_RATE,
    MAX_FUZZY_QUOTE,
    SIDE_STRONG,
    Task,
    anchor,
    candidate,
    exact_candidates,
    fuzzy_candidates,
)
from articles.anchoring.decide import decide
from articles.anchoring.rewritten import breaks, on_slot, one_sided, slot
from articles.anchoring.selectors import (
    CONTEXT,
    ORPHANED,
    Anchor,
    AnchorError,
    Reanchored,
    Selector,
    select,
)

if TYPE_CHECKING:
    from articles.anchoring.candidates import Candidate, Range

__all__ = [
    "CONTEXT",
    "ORPHANED",
    "Anchor",
    "AnchorError",
    "Reanchored",
    "Selector",
    "fold",
    "reanchor",
    "reanchor_all",
    "select",
]

# Typographic variants of one character, and every kind of space, folded to one of each:
# the same words set differently. One character for one: offsets in the folded text are
# offsets in the text.
_FOLD = [
    *((variant, "'") for variant in "\u2018\u2019\u201a\u201b\u2032"),
    *((variant, '"') for variant in "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"),
    *((variant, "-") for variant in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"),
    *((variant, " ") for variant in "\t\n\v\f\r\u00a0\u2007\u2009\u200a\u202f\u205f\u3000"),
]


def reanchor(old: Selector, new_text: str) -> Anchor:
    """Place one selector on `new_text`, or orphan it."""
    return _reanchor(_Given.of(old), new_text, fold(new_text), (old.start,))


def reanchor_all(selectors: list[Selector], new_text: str) -> list[Anchor]:
    """Re-anchor many selectors; results are in the order given.

    Shared work: selectors are taken in document order, and the shift of the last one
    placed (an edit before it moves everything after it alike) is tried as a second
    expected position, so most land at once on a perfect fingerprint. Those orphaned are
    tried again with the shifts of their nearest placed neighbours, and between where
    those now start (edits keep passages in order, a moved paragraph aside).
    """
    folded = fold(new_text)
    given = [_Given.of(old) for old in selectors]
    results: list[Anchor] = [ORPHANED] * len(selectors)
    order = sorted(range(len(selectors)), key=lambda i: selectors[i].start)
    moved: dict[int, int] = {}  # where those placed by their words or context now start
    shift = 0
    for index in order:
        start = selectors[index].start
        hints = (start + shift, start) if shift else (start,)
        results[index] = _reanchor(given[index], new_text, folded, hints)
        placed = results[index].selector
        if placed is not None and results[index].method != "fuzzy":
            moved[index] = placed.start
            shift = placed.start - start
    ranks = [rank for rank, index in enumerate(order) if index in moved]
    for rank, index in enumerate(order):
        if results[index].selector is not None:
            continue
        nearest = bisect(ranks, rank)
        before = order[ranks[nearest - 1]] if nearest else None
        after = order[ranks[nearest]] if nearest < len(ranks) else None
        neighbours = [i for i in (before, after) if i is not None]
        if not neighbours:
            continue
        start = selectors[index].start
        shifted = dict.fromkeys(start + moved[i] - selectors[i].start for i in neighbours)
        between = None if before is None or after is None else (moved[before], moved[after])
        results[index] = _reanchor(given[index], new_text, folded, (*shifted, start), between)
    return results


@dataclass(frozen=True)
class _Given:
    """A selector as searched: quote and context folded, and its paragraph breaks."""

    selector: Selector
    breaks: int

    @classmethod
    def of(cls, old: Selector) -> _Given:
        folded = Selector(old.start, old.end, *map(fold, (old.exact, old.prefix, old.suffix)))
        return cls(folded, breaks(old.exact))


def fold(text: str) -> str:
    """`text` with typographic variants and spaces folded (`_FOLD`), same length."""
    # str.replace per variant present: many times faster than str.translate on long text.
    for variant, plain in _FOLD:
        if variant in text:
            text = text.replace(variant, plain)
    return text


def _reanchor(
    given: _Given,
    source: str,
    text: str,
    hints: tuple[int, ...],
    between: tuple[int, int] | None = None,
) -> Anchor:
    old = given.selector
    length = len(old.exact)
    if not length or not text.strip():
        return ORPHANED
    budget = int(length * MAX_ERROR_RATE) if length <= MAX_FUZZY_QUOTE else 0
    task = Task(old, source, text, hints, budget, between, given.breaks)
    # 1. A perfect fingerprint where the selector is expected: nothing can be better.
    for hint in hints:
        if text.startswith(old.exact, hint):
            found = candidate(task, hint, hint + length, 0)
            if found.perfect:
                return _anchor(task, found)
    # 2. The passage's own place, between its old context, now holds other words.
    framed = slot(task)
    pool = exact_candidates(task) + fuzzy_candidates(task, seeded=False)
    if framed is not None and not framed[1]:
        placed = on_slot(task, framed[0], pool)
        if placed is not None:
            return placed
    # 3. The verbatim quote anywhere, and approximate matches near the expected position
    #    (an edited passage there makes an intact copy elsewhere ambiguous).
    chosen = decide(task, pool)
    if chosen and (chosen.perfect or max(chosen.prefix, chosen.suffix) >= SIDE_STRONG):
        return _anchor(task, chosen)
    # 4. Approximate matches anywhere, located by seeds.
    if budget:
        pool += fuzzy_candidates(task, seeded=True)
        chosen = decide(task, pool)
    return _anchor(task, chosen) if chosen else _edited(task, framed, pool)


def _edited(task: Task, framed: tuple[Range, bool] | None, pool: list[Candidate]) -> Anchor:
    """The passage edited beyond the budget: on its slot, or beside one side, or nowhere."""
    # 5. The slot holds the quote within budget, but only as a part: it grew beyond budget.
    if framed is not None:
        (start, end), _ = framed
        if task.old.exact in task.text[start:end]:
            return ORPHANED
        return on_slot(task, (start, end), pool) or ORPHANED
    # 6. One side of the old context intact, and the quote edited right beside it.
    return one_sided(task, pool)


def _anchor(task: Task, found: Candidate) -> Anchor:
    if found.errors:
        method = "fuzzy"
    elif (found.start, found.end) == (task.old.start, task.old.end):
        method = "position"
    else:
        method = "exact"
    score = 1.0 if found.perfect else round(found.score, 4)
    return anchor(task, found.start, found.end, method, score)
