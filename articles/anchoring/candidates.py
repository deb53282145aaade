"""Candidate places for one selector on a new text: where the quote is found (verbatim, or
within the error budget), and how well the old context agrees there.

Internal to `articles.anchoring`, whose docstring states the rules these serve. Every
search runs on the folded text (`Task.text`), whose offsets are those of the new text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from articles.anchoring.myers import distance, search
from articles.anchoring.selectors import CONTEXT, ORPHANED, Anchor, AnchorError, select

if TYPE_CHECKING:
    from collections.abc import Iterator

    from articles.anchoring.selectors import Selector

# The error budget: edits (insert, delete, substitute) allowed, as a share of the quote.
MAX_ERROR_RATE = 0.25
# Context agreement is counted in characters of CONTEXT: 0.75 = 24 of 32 characters agree.
# Random English text agrees with random English text at about 0.25-0.35.
SIDE_STRONG = 0.75
# An edited quote needs both sides to vouch for it: one strong, the other at least this
# (well above the agreement of unrelated text).
SIDE_FAIR = 0.5
# Characters of context right next to the quote that must be intact for a side to be strong.
ADJACENT = 3
# A quote this long (characters) may stand on its own, without context, when it is found
# verbatim and nowhere else: a whole paragraph that was moved.
LONG_QUOTE = 40
WEIGHTS = {"quote": 50, "prefix": 20, "suffix": 20, "position": 2}
# The approximate search.
SEED = 8  # length of the exact chunks that locate windows
MAX_QUOTE_SEEDS = 16
MAX_SEED_HITS = 32  # a chunk found more often than this says nothing about where to look
MAX_WINDOWS = 64
LOCAL_RADIUS = 96  # characters searched either side of the expected position
MAX_FUZZY_QUOTE = 4000  # longer quotes are placed exactly or not at all (search cost)
# Past this many exact occurrences, only those with a hint of their context are scored.
MAX_SCORED_OCCURRENCES = 64

Range = tuple[int, int]


@dataclass(frozen=True)
class Task:
    """One selector to place on a text; hints are where it is expected to start."""

    old: Selector  # its quote and context folded, as the text is
    source: str  # the new text
    text: str  # the new text folded: what is searched (same offsets)
    hints: tuple[int, ...]
    budget: int  # edits allowed in the quote; 0 = verbatim only
    between: Range | None = None  # where its placed neighbours now start, if both are
    breaks: int = 0  # paragraph breaks in the quote


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    errors: int
    prefix: float  # context agreement (`agreement`), 0..1
    suffix: float
    score: float  # Hypothesis-style weighted score, 0..1
    distance: int  # from the nearest expected position
    perfect: bool  # quote and both full context windows verbatim (text edges too)


def anchor(task: Task, start: int, end: int, method: str, score: float) -> Anchor:
    """The anchor on text[start:end], its selector made afresh from the new text."""
    try:
        return Anchor(select(task.source, start, end), method, score)
    except AnchorError:
        return ORPHANED


def candidate(task: Task, start: int, end: int, errors: int) -> Candidate:
    old, text = task.old, task.text
    # Each side is compared with the full window, so that a context cut short by the edge
    # of the text agrees only with a place equally near that edge. A side that differs
    # right next to the quote (spacing aside) counts as fair at most: edit distance
    # forgives a shift of a few characters, and a short quote so shifted is other words
    # ("о" in "слово").
    before, after = text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]
    prefix = agreement(old.prefix, before)
    suffix = agreement(old.suffix, after)
    if old.prefix.rstrip()[-ADJACENT:] != before.rstrip()[-ADJACENT:]:
        prefix = min(prefix, SIDE_FAIR)
    if old.suffix.lstrip()[:ADJACENT] != after.lstrip()[:ADJACENT]:
        suffix = min(suffix, SIDE_FAIR)
    away = min(abs(start - hint) for hint in task.hints)
    raw = (
        WEIGHTS["quote"] * (1 - min(errors, len(old.exact)) / len(old.exact))
        + WEIGHTS["prefix"] * prefix
        + WEIGHTS["suffix"] * suffix
        + WEIGHTS["position"] * (1 - away / max(len(text), 1))
    )
    score = raw / sum(WEIGHTS.values())
    perfect = not errors and prefix == suffix == 1
    return Candidate(start, end, errors, prefix, suffix, score, away, perfect)


def agreement(context: str, window: str, *, edge: bool = True) -> float:
    """How well a side of context agrees: characters that match, over CONTEXT (0..1).

    A context cut short by the edge of the text agrees in full only with a window cut
    equally short: the edge stands in for the characters beyond it (unless `edge` is
    False: then only characters count).
    """
    matched = max(len(context), len(window)) - distance(context, window)
    if edge and len(context) == len(window) < CONTEXT:
        matched += CONTEXT - len(context)
    return matched / CONTEXT


def exact_candidates(task: Task) -> list[Candidate]:
    quote, text = task.old.exact, task.text
    starts = list(occurrences(text, quote, 0, len(text)))
    if len(starts) > MAX_SCORED_OCCURRENCES:
        # A word like "the": score only occurrences showing some chunk of the old context
        # nearby; the rest could not reach SIDE_STRONG on either side anyway.
        starts = [s for s in starts if _context_nearby(task.old, text, s, s + len(quote))]
    return [
        candidate(task, s, s + len(quote), 0)
        for s in starts
        if keeps_word_edges(task.old, text, s, s + len(quote))
    ]


def _context_nearby(old: Selector, text: str, start: int, end: int) -> bool:
    for offset in range(0, CONTEXT, SEED):
        before = old.prefix[len(old.prefix) - offset - SEED : len(old.prefix) - offset]
        if len(before) == SEED and before in text[max(0, start - offset - 2 * SEED) : start]:
            return True
        after = old.suffix[offset : offset + SEED]
        if len(after) == SEED and after in text[end : end + offset + 2 * SEED]:
            return True
    return False


def fuzzy_candidates(task: Task, *, seeded: bool) -> list[Candidate]:
    """Approximate matches near the hints or, seeded, around hits of seeds elsewhere."""
    quote, budget = task.old.exact, task.budget
    if not budget:
        return []
    reach = LOCAL_RADIUS + budget
    windows = [(h - reach, h + len(quote) + reach) for h in task.hints]
    if seeded:
        votes: dict[int, int] = {}
        for start in _seed_starts(task.old, task.text):
            if not any(lo <= start and start + len(quote) <= hi for lo, hi in windows):
                votes[start] = votes.get(start, 0) + 1
        ranked = sorted(votes, key=lambda s: -votes[s])[:MAX_WINDOWS]
        windows = [(s - budget - SEED, s + len(quote) + budget + SEED) for s in ranked]
    found: list[Candidate] = []
    for low, high in merge(windows, len(task.text)):
        for start, end, errors in search(quote, task.text, low, high, budget):
            found.extend(_refine(task, start, end, errors))
    return found


def _seed_starts(old: Selector, text: str) -> Iterator[int]:
    """Where the quote would start, by exact hits of chunks of it and of its context."""
    quote = old.exact
    length = len(quote)
    seeds: list[tuple[str, int]] = []  # (chunk, its offset from the quote's start)
    if length >= 2 * SEED:
        step = max(SEED, (length - SEED) // MAX_QUOTE_SEEDS)
        seeds += [(quote[o : o + SEED], o) for o in range(0, length - SEED + 1, step)]
        seeds.append((quote[-SEED:], length - SEED))
    elif length >= SEED:
        seeds += [(quote[: length // 2], 0), (quote[length // 2 :], length // 2)]
    for offset in (0, SEED, 2 * SEED):
        before = old.prefix[len(old.prefix) - offset - SEED : len(old.prefix) - offset]
        after = old.suffix[offset : offset + SEED]
        seeds += [(before, -offset - SEED)] if len(before) == SEED else []
        seeds += [(after, length + offset)] if len(after) == SEED else []
    for chunk, offset in seeds:
        if chunk.strip():
            yield from hits(text, chunk, 0, len(text), -offset)


def occurrences(text: str, chunk: str, low: int, high: int) -> Iterator[int]:
    """Where `chunk` starts in text, from `low` up to and including `high`."""
    at = text.find(chunk, max(0, low), high + len(chunk))
    while at != -1:
        yield at
        at = text.find(chunk, at + 1, high + len(chunk))


def hits(text: str, chunk: str, low: int, high: int, offset: int) -> list[int]:
    """`occurrences` plus `offset`, or none when there are more than MAX_SEED_HITS: a
    chunk found that often says nothing about where to look."""
    found: list[int] = []
    for at in occurrences(text, chunk, low, high):
        if len(found) == MAX_SEED_HITS:
            return []
        found.append(at + offset)
    return found


def hint_windows(task: Task) -> list[Range]:
    """Where the passage's own place is searched: near each expected position."""
    return [(h - LOCAL_RADIUS, h + LOCAL_RADIUS) for h in task.hints]


def merge(windows: list[Range], size: int) -> list[Range]:
    merged: list[Range] = []
    for low, high in sorted((max(0, lo), min(size, hi)) for lo, hi in windows):
        if low >= high:
            continue
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _refine(task: Task, start: int, end: int, errors: int) -> list[Candidate]:
    """The match, or a variant with an edge moved to the old context found beside it.

    The variant with the most characters of agreement (quote plus context) wins: a word
    inserted near the end of a quote makes a match that stops short the cheapest, but the
    variant reaching the old context agrees more; many words added beside a passage cost
    more than the context they win. When the old context frames a place and what lies
    between is over budget, the passage there was rewritten (`rewritten.slot` places it),
    and a cheaper part of it is not the annotated passage: no match.
    """
    old, text, budget = task.old, task.text, task.budget
    # Far enough to find the old context around the whole passage when the match is only
    # a cheap part of a passage edited beyond budget.
    reach = len(old.exact) + SEED
    snapped_starts = [
        at + SEED
        for at in _near(text, old.prefix[-SEED:], start - SEED, reach)
        if agreement(old.prefix, text[max(0, at + SEED - CONTEXT) : at + SEED]) >= SIDE_STRONG
    ]
    snapped_ends = [
        at
        for at in _near(text, old.suffix[:SEED], end, reach)
        if agreement(old.suffix, text[at : at + CONTEXT]) >= SIDE_STRONG
    ]
    # The nearest place framed by the old context on both sides, if any.
    frame = (snapped_starts[0], snapped_ends[0]) if snapped_starts and snapped_ends else None
    best: tuple[float, Candidate] | None = None
    for pair in {(s, e) for s in [start, *snapped_starts] for e in [end, *snapped_ends]}:
        s, e = trim(old.exact, text, *pair)
        if s >= e or not keeps_word_edges(old, text, s, e):
            continue
        cost = errors if (s, e) == (start, end) else distance(old.exact, text[s:e])
        if cost > budget and pair == frame:
            return []
        if cost <= budget:
            found = candidate(task, s, e, cost)
            evidence = len(old.exact) - cost + CONTEXT * (found.prefix + found.suffix)
            if best is None or evidence > best[0]:
                best = (evidence, found)
    return [best[1]] if best else []


def _near(text: str, chunk: str, where: int, reach: int) -> list[int]:
    """Where a full SEED-long `chunk` starts within `reach` of `where`, nearest first."""
    if len(chunk) < SEED:
        return []
    found = occurrences(text, chunk, where - reach, where + reach)
    return sorted(found, key=lambda h: abs(h - where))[:3]


def trim(quote: str, text: str, start: int, end: int) -> Range:
    """Drop whitespace at the edges of a match, unless the quote itself had it there."""
    while start < end and text[start].isspace() and not quote[0].isspace():
        start += 1
    while end > start and text[end - 1].isspace() and not quote[-1].isspace():
        end -= 1
    return start, end


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def keeps_word_edges(old: Selector, text: str, start: int, end: int) -> bool:
    """False when the range cuts through a word at an edge where the old one did not."""
    old_cut_start = bool(old.prefix) and _is_word(old.prefix[-1]) and _is_word(old.exact[0])
    old_cut_end = bool(old.suffix) and _is_word(old.exact[-1]) and _is_word(old.suffix[0])
    cut_start = start > 0 and _is_word(text[start - 1]) and _is_word(text[start])
    cut_end = end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])
    return (old_cut_start or not cut_start) and (old_cut_end or not cut_end)


def overlap(a: Candidate, b: Candidate) -> float:
    """Intersection over union of two ranges."""
    inter = min(a.end, b.end) - max(a.start, b.start)
    return max(0, inter) / (max(a.end, b.end) - min(a.start, b.start))


def shared(found: Candidate, place: Range) -> int:
    """Characters a candidate shares with a range."""
    return max(0, min(found.end, place[1]) - max(found.start, place[0]))
