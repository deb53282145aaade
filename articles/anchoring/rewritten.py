"""Placing an edited passage where its surroundings went, when its quote is no longer found
within the error budget: between its old prefix and suffix (the slot), or right beside one
of them intact (one-sided). Such a placement is method "rewritten" (or "fuzzy" when the
one-sided match is within budget after all); the caller compares the words and flags the
annotation as changed.

Internal to `articles.anchoring`, whose docstring states the rules.
"""

from __future__ import annotations

import re
from itertools import islice
from typing import TYPE_CHECKING

from articles.anchoring.candidates import (
    LONG_QUOTE,
    MAX_FUZZY_QUOTE,
    SEED,
    SIDE_STRONG,
    agreement,
    anchor,
    candidate,
    hint_windows,
    hits,
    keeps_word_edges,
    merge,
    shared,
    trim,
)
from articles.anchoring.decide import decide, supported
from articles.anchoring.myers import distance, scan
from articles.anchoring.selectors import CONTEXT, ORPHANED

if TYPE_CHECKING:
    from articles.anchoring.candidates import Candidate, Range, Task
    from articles.anchoring.selectors import Anchor

# A slot is searched this far past the prefix: SLOT_GROWTH times the quote (and both
# contexts). A slot longer than REWRITE_GROWTH times the quote (and a few characters) is
# taken only if it keeps the quote's first and last words: words added inside it.
SLOT_GROWTH = 6
REWRITE_GROWTH = 1.5
# A slot has no evidence from the quote: both sides must be nearly intact, at most 4 of 32
# characters changed. A phrase repeated beside other words (a deleted paragraph's context
# recurring in the next one) agrees at 0.75.
SLOT_SIDE = 0.875
# An edited passage beside one intact side of its context: at most this share of it edited
# (unrelated text in the same language aligns at 0.55-0.8 of its length).
ONE_SIDED_ERROR_RATE = 0.4
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORDS = re.compile(r"\w+")


def breaks(text: str) -> int:
    """Paragraph breaks in a (not folded) text."""
    return len(PARAGRAPH_BREAK.findall(text))


# The slot: between the old prefix and suffix ------------------------------------------------


def slot(task: Task) -> tuple[Range, bool] | None:
    """The one place framed by the old context, and whether the quote is still in it within
    budget. Searched near the expected positions, then between the placed neighbours (both
    sides at least `SLOT_SIDE`), then anywhere (both sides verbatim in full); several
    places at one stage are none."""
    tiers = [(hint_windows(task), SLOT_SIDE)]
    if task.between:
        tiers.append(([task.between], SLOT_SIDE))
    tiers.append(([(0, len(task.text))], 1.0))
    for windows, weaker in tiers:
        frames = _frames(task, windows, weaker)
        if len(frames) == 1:
            ((frame, survives),) = frames.items()
            return frame, survives
        if frames:
            return None
    return None


def _frames(task: Task, windows: list[Range], weaker: float) -> dict[Range, bool]:
    """Places between the old prefix (ending in a window) and the old suffix, each with
    whether the quote is in it within budget."""
    old, text = task.old, task.text
    starts: set[int] = set()
    if len(old.prefix) < CONTEXT and text.startswith(old.prefix):
        starts.add(len(old.prefix))
    if len(old.prefix) >= SEED:
        for low, high in merge(windows, len(text)):
            starts.update(hits(text, old.prefix[-SEED:], low - SEED, high, SEED))
    found: dict[Range, bool] = {}
    for start in sorted(starts):
        end = _frame_end(task, start, weaker)
        # Both sides still touch the passage (no space between them and it that the quote
        # did not have there: a paragraph break now parts them), and it is not a deletion.
        touching = end is not None and trim(old.exact, text, start, end) == (start, end)
        if end is not None and touching and start < end and _plausible(task, start, end):
            found[(start, end)] = (
                min(scan(old.exact, text[start:end], anchored=False)) <= task.budget
            )
    return found


def _frame_end(task: Task, start: int, weaker: float) -> int | None:
    """Where the old suffix, agreeing with the prefix before `start`, closes the frame."""
    old, text = task.old, task.text
    limit = start + SLOT_GROWTH * len(old.exact) + 2 * CONTEXT
    ends = hits(text, old.suffix[:SEED], start, limit, 0) if len(old.suffix) >= SEED else []
    if len(old.suffix) < CONTEXT and text.endswith(old.suffix):
        ends.append(len(text) - len(old.suffix))
    before = text[max(0, start - CONTEXT) : start]
    prefix = agreement(old.prefix, before)
    # The edge of the text frames every text: one side must be words that agree.
    real_prefix = agreement(old.prefix, before, edge=False)
    framing: list[tuple[float, int]] = []  # (suffix agreement, end)
    for end in (e for e in ends if start <= e <= limit):
        after = text[end : end + CONTEXT]
        suffix = agreement(old.suffix, after)
        real = max(real_prefix, agreement(old.suffix, after, edge=False))
        if min(prefix, suffix) >= weaker and real >= SIDE_STRONG:
            framing.append((suffix, end))
    if len(framing) < 2:
        return framing[0][1] if framing else None
    # The end with the most characters of agreement, quote and context (the old suffix may
    # recur inside the passage itself).
    return max(framing, key=lambda f: CONTEXT * f[0] - distance(old.exact, text[start : f[1]]))[1]


def _plausible(task: Task, start: int, end: int) -> bool:
    """Whether the passage can have become text[start:end]: rewritten at about its length
    within as many paragraphs, or longer only with its first and last words kept (words
    added inside it)."""
    quote, frame = task.old.exact, task.text[start:end]
    if len(frame) <= REWRITE_GROWTH * len(quote) + SEED and (
        breaks(task.source[start:end]) <= task.breaks
    ):
        return True
    words, grown = _WORDS.findall(quote), _WORDS.findall(frame)
    return bool(words and grown) and words[0] == grown[0] and words[-1] == grown[-1]


def on_slot(task: Task, place: Range, pool: list[Candidate]) -> Anchor | None:
    """The passage on its slot; orphaned when its words survive elsewhere (the nearer place
    wins, else which is meant is unknowable); None when the slot is not its place after
    all (the quote survives across an edge of it, or nearer elsewhere)."""
    start, end = place
    if any(shared(c, place) and not start <= c.start < c.end <= end for c in pool):
        return None
    outside = [c for c in pool if not shared(c, place)]
    chosen = decide(task, outside)
    if chosen is not None:
        away = min(abs(start - hint) for hint in task.hints)
        return None if chosen.distance < away else ORPHANED
    if any(supported(task, c, unique=True) for c in outside):
        return ORPHANED  # the words survive at several places elsewhere
    found = candidate(task, start, end, distance(task.old.exact, task.text[start:end]))
    return anchor(task, start, end, "rewritten", round(found.score, 4))


# One-sided: right beside one side, intact ----------------------------------------------------


def one_sided(task: Task, pool: list[Candidate]) -> Anchor:
    """The quote edited right after its intact prefix, or right before its intact suffix,
    within `ONE_SIDED_ERROR_RATE` and as many paragraphs as it spanned; else orphaned.

    Only one side vouches, so it must be verbatim in full and still touching the passage,
    the quote long (`LONG_QUOTE`), and nothing may contradict it: no second such place, no
    copy of the other side elsewhere (the passage was split or moved), no supported copy
    of the quote elsewhere.
    """
    old, text = task.old, task.text
    if not LONG_QUOTE <= len(old.exact) <= MAX_FUZZY_QUOTE:
        return ORPHANED
    places = _beside_either_side(task)
    if not places:
        return ORPHANED
    errors, start, end = min(places)
    if any(min(e, end) <= max(s, start) for _, s, e in places):
        return ORPHANED  # two places, each beside a side of the context
    sides = ((old.prefix, start - CONTEXT), (old.suffix, end))
    if any(
        len(side) == CONTEXT and text.count(side) > (at >= 0 and text.startswith(side, at))
        for side, at in sides
    ):
        return ORPHANED  # a side intact elsewhere: the passage was split or moved
    if any(not shared(c, (start, end)) and supported(task, c, unique=True) for c in pool):
        return ORPHANED  # the words survive elsewhere
    found = candidate(task, start, end, errors)
    method = "fuzzy" if errors <= task.budget else "rewritten"
    return anchor(task, start, end, method, round(found.score, 4))


def _beside_either_side(task: Task) -> list[tuple[int, int, int]]:
    """(errors, start, end) of the quote aligned after each intact prefix and before each
    intact suffix near where expected."""
    old, text = task.old, task.text
    length = len(old.exact)
    allowed = int(length * ONE_SIDED_ERROR_RATE)
    reach = int(REWRITE_GROWTH * length) + allowed
    windows = hint_windows(task) + ([task.between] if task.between else [])
    places: list[tuple[int, int, int]] = []
    for low, high in merge(windows, len(text)):
        # Each side verbatim in full, and still touching the passage (no space between).
        for start in hits(text, old.prefix[-SEED:], low - SEED, high, SEED):
            if (
                len(old.prefix) == CONTEXT
                and text.endswith(old.prefix, 0, start)
                and text[start : start + 1].isspace() == old.exact[0].isspace()
            ):
                region = (start, min(_paragraphs_end(task, start), start + reach))
                places += _edited_beside(task, region, allowed, after=True)
        for end in hits(text, old.suffix[:SEED], low, high + length, 0):
            if (
                len(old.suffix) == CONTEXT
                and text.startswith(old.suffix, end)
                and text[max(0, end - 1) : end].isspace() == old.exact[-1].isspace()
            ):
                region = (max(_paragraphs_start(task, end), end - reach), end)
                places += _edited_beside(task, region, allowed, after=False)
    return places


def _edited_beside(
    task: Task, region: Range, allowed: int, *, after: bool
) -> list[tuple[int, int, int]]:
    """The cheapest alignment of the whole quote with the text at one end of `region` (its
    start, after the prefix, or its end, before the suffix): [(errors, start, end)] or []."""
    old, text = task.old, task.text
    low, high = region
    quote, span = (old.exact, text[low:high]) if after else (old.exact[::-1], text[low:high][::-1])
    options = []
    for n, cost in enumerate(scan(quote, span, anchored=True) if span else []):
        start, end = (low, low + n + 1) if after else (high - n - 1, high)
        if cost <= allowed and keeps_word_edges(old, text, start, end):
            options.append((cost, abs(n + 1 - len(quote)), start, end))
    if not options:
        return []
    cost, _, start, end = min(options)
    start, end = trim(old.exact, text, start, end)
    return [(cost, start, end)] if start < end else []


def _paragraphs_end(task: Task, start: int) -> int:
    """Where the paragraphs from `start` end, as many as the quote spanned."""
    found = [
        m.start() for m in islice(PARAGRAPH_BREAK.finditer(task.source, start), task.breaks + 1)
    ]
    return found[-1] if len(found) > task.breaks else len(task.source)


def _paragraphs_start(task: Task, end: int) -> int:
    """Where the paragraphs up to `end` start, as many as the quote spanned."""
    found = [m.end() for m in PARAGRAPH_BREAK.finditer(task.source, 0, end)]
    return found[-task.breaks - 1] if len(found) > task.breaks else 0
