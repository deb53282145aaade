"""Anchoring annotations to an article's text: W3C selectors, and re-anchoring after edits.

`select` turns offsets into a selector; `reanchor` / `reanchor_all` place existing selectors
on a changed text, or orphan them. Pure functions: no Django, no database.

Invariants:
- ``body_text`` is the coordinate space of every selector. Offsets are Python ``str``
  indices (code points); the browser converts its UTF-16 offsets, nothing here does.
- A `Selector` always comes out of `select`: ``exact == text[start:end]`` and ``prefix`` /
  ``suffix`` are the (up to) `CONTEXT` characters either side. Re-anchoring recomputes the
  selector from the new text; it never patches an old one.
- Orphaning beats guessing: an annotation lands on the same words or nowhere. A place is
  taken only if the quote matches there within the error budget (`MAX_ERROR_RATE`), the
  range cuts no word the original did not cut, the evidence suffices (`_supported`: the
  quote verbatim with one side of context intact, an edited quote with both sides
  agreeing, the whole fingerprint verbatim, or a long quote verbatim and nowhere else),
  and no other place would be accepted too (`_ambiguous`). A passage whose old context
  still frames other words was rewritten: it is orphaned, whatever copies exist.

Candidates are scored as in Hypothesis' client (quote 50, prefix 20, suffix 20, position
2). The approximate search (`myers`) runs only in windows: near the expected position,
and around exact hits of short chunks of the quote and of its context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from articles.anchoring.myers import distance, scan, search
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
    from collections.abc import Iterator

__all__ = [
    "CONTEXT",
    "ORPHANED",
    "Anchor",
    "AnchorError",
    "Reanchored",
    "Selector",
    "reanchor",
    "reanchor_all",
    "select",
]

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
# Candidates whose scores (0..1) are closer than this are indistinguishable: orphan.
AMBIGUITY_MARGIN = 0.05
# ... and when the runner-up would be accepted on its own evidence, closer than this.
SUPPORTED_MARGIN = 0.1
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


def reanchor(old: Selector, new_text: str) -> Anchor:
    """Place one selector on `new_text`, or orphan it."""
    return _reanchor(old, new_text, (old.start,))


def reanchor_all(selectors: list[Selector], new_text: str) -> list[Anchor]:
    """Re-anchor many selectors; results are in the order given.

    Shared work: selectors are taken in document order, and the shift of the last one
    placed (an edit before it moves everything after it alike) is tried as a second
    expected position, so most land at once on a perfect fingerprint.
    """
    results: list[Anchor] = [ORPHANED] * len(selectors)
    shift = 0
    for index in sorted(range(len(selectors)), key=lambda i: selectors[i].start):
        old = selectors[index]
        hints = (old.start + shift, old.start) if shift else (old.start,)
        anchor = _reanchor(old, new_text, hints)
        if anchor.selector is not None and anchor.method != "fuzzy":
            shift = anchor.selector.start - old.start
        results[index] = anchor
    return results


# Re-anchoring ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Task:
    """One selector to place on a text; hints are where it is expected to start."""

    old: Selector
    text: str
    hints: tuple[int, ...]
    budget: int  # edits allowed in the quote; 0 = verbatim only


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    errors: int
    prefix: float  # context agreement (`_agreement`), 0..1
    suffix: float
    score: float  # Hypothesis-style weighted score, 0..1
    distance: int  # from the nearest expected position
    perfect: bool  # quote and both full context windows verbatim (text edges too)


def _reanchor(old: Selector, text: str, hints: tuple[int, ...]) -> Anchor:
    length = len(old.exact)
    if not length or not text.strip():
        return ORPHANED
    budget = int(length * MAX_ERROR_RATE) if length <= MAX_FUZZY_QUOTE else 0
    task = _Task(old, text, hints, budget)
    # 1. A perfect fingerprint where the selector is expected: nothing can be better.
    for hint in hints:
        if text.startswith(old.exact, hint):
            found = _candidate(task, hint, hint + length, 0)
            if found.perfect:
                return _anchor(task, found)
    # 2. The passage's own place, between its old context, now holds other words.
    if _slot_rewritten(task):
        return ORPHANED
    # 3. The verbatim quote anywhere, and approximate matches near the expected position
    #    (an edited passage there makes an intact copy elsewhere ambiguous).
    pool = _exact_candidates(task) + _fuzzy_candidates(task, seeded=False)
    chosen = _decide(task, pool)
    if chosen and (chosen.perfect or max(chosen.prefix, chosen.suffix) >= SIDE_STRONG):
        return _anchor(task, chosen)
    # 4. Approximate matches anywhere, located by seeds.
    if budget:
        chosen = _decide(task, pool + _fuzzy_candidates(task, seeded=True))
    return _anchor(task, chosen) if chosen else ORPHANED


def _anchor(task: _Task, found: _Candidate) -> Anchor:
    try:
        selector = select(task.text, found.start, found.end)
    except AnchorError:
        return ORPHANED
    if found.errors:
        method = "fuzzy"
    elif (found.start, found.end) == (task.old.start, task.old.end):
        method = "position"
    else:
        method = "exact"
    return Anchor(selector, method, 1.0 if found.perfect else round(found.score, 4))


def _slot_rewritten(task: _Task) -> bool:
    """True when the old prefix and suffix still frame, near a hint, words unlike the quote.

    That is a rewrite in place, and a copy of the quote elsewhere is not the annotated
    passage. Prefix and suffix with nothing between is a deletion or a move: not refused.
    """
    old, text = task.old, task.text
    left, right = old.prefix[-2 * SEED :], old.suffix[: 2 * SEED]
    if len(left) < 2 * SEED or len(right) < 2 * SEED:
        return False
    for hint in task.hints:
        at = text.find(left, max(0, hint - LOCAL_RADIUS - len(left)), hint + LOCAL_RADIUS)
        while at != -1:
            start = at + len(left)
            limit = start + 2 * len(old.exact) + 2 * CONTEXT
            frames, end = [], text.find(right, start, limit)
            while end != -1:
                frames.append(text[start:end])
                end = text.find(right, end + 1, limit)
            # The quote (within budget) anywhere in a frame: it is still there.
            if frames and all(
                f.strip() and min(scan(old.exact, f, anchored=False)) > task.budget for f in frames
            ):
                return True
            at = text.find(left, at + 1, hint + LOCAL_RADIUS)
    return False


def _decide(task: _Task, candidates: list[_Candidate]) -> _Candidate | None:
    """The best candidate if it is supported and stands out, else None (orphan)."""
    ranked = sorted(candidates, key=lambda c: (not c.perfect, -c.score))
    if not ranked:
        return None
    best = ranked[0]
    # At one place, the verbatim quote with one whole side of its context beats a longer
    # approximate match: words added beside a passage are an edit next to it, not in it.
    verbatim = [
        c for c in ranked if not c.errors and _overlap(c, best) and 1 in (c.prefix, c.suffix)
    ]
    if best.errors and verbatim:
        best = verbatim[0]
    # Another place: overlapping by less than half (a shifted match in a table of numbers
    # is another place; the same match with an edge moved is not).
    rivals = [c for c in ranked if _overlap(c, best) < 0.5]
    if _ambiguous(task, best, rivals):
        return None
    if best.perfect:
        return best
    if rivals and rivals[0].score > best.score - AMBIGUITY_MARGIN:
        return None
    return best if _supported(task, best, unique=not rivals) else None


def _ambiguous(task: _Task, best: _Candidate, rivals: list[_Candidate]) -> bool:
    """Whether another place would be accepted too, so which one is meant is unknown."""
    for rival in rivals:
        if not _supported(task, rival, unique=True):
            continue
        if best.perfect and rival.perfect:
            # The same fingerprint twice: only one exactly where expected wins (with
            # reanchor_all's shift, the usual case for a passage whose neighbourhood held).
            if best.distance or not rival.distance:
                return True
        elif best.perfect:
            # Far from where expected, the original may have held this fingerprint twice,
            # and the other place may be the annotated passage, edited.
            if best.distance > LOCAL_RADIUS:
                return True
        elif rival.distance < best.distance or rival.score > best.score - SUPPORTED_MARGIN:
            return True
    return False


def _overlap(a: _Candidate, b: _Candidate) -> float:
    """Intersection over union of two ranges."""
    inter = min(a.end, b.end) - max(a.start, b.start)
    return max(0, inter) / (max(a.end, b.end) - min(a.start, b.start))


def _supported(task: _Task, found: _Candidate, *, unique: bool) -> bool:
    """Whether the evidence for one place suffices, ignoring any rival."""
    strong = max(found.prefix, found.suffix) >= SIDE_STRONG
    if found.perfect or (not found.errors and strong):
        return True
    if found.errors and strong and min(found.prefix, found.suffix) >= SIDE_FAIR:
        return True
    return unique and not found.errors and len(task.old.exact) >= LONG_QUOTE


def _candidate(task: _Task, start: int, end: int, errors: int) -> _Candidate:
    old, text = task.old, task.text
    # Each side is compared with the full window, so that a context cut short by the edge
    # of the text agrees only with a place equally near that edge. A side that differs
    # right next to the quote (spacing aside) counts as fair at most: edit distance
    # forgives a shift of a few characters, and a short quote so shifted is other words
    # ("о" in "слово").
    before, after = text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]
    prefix = _agreement(old.prefix, before)
    suffix = _agreement(old.suffix, after)
    if old.prefix.rstrip()[-ADJACENT:] != before.rstrip()[-ADJACENT:]:
        prefix = min(prefix, SIDE_FAIR)
    if old.suffix.lstrip()[:ADJACENT] != after.lstrip()[:ADJACENT]:
        suffix = min(suffix, SIDE_FAIR)
    away = min(abs(start - hint) for hint in task.hints)
    raw = (
        WEIGHTS["quote"] * (1 - errors / len(old.exact))
        + WEIGHTS["prefix"] * prefix
        + WEIGHTS["suffix"] * suffix
        + WEIGHTS["position"] * (1 - away / max(len(text), 1))
    )
    score = raw / sum(WEIGHTS.values())
    perfect = not errors and prefix == suffix == 1
    return _Candidate(start, end, errors, prefix, suffix, score, away, perfect)


def _agreement(context: str, window: str) -> float:
    """How well a side of context agrees: characters that match, over CONTEXT (0..1).

    A context cut short by the edge of the text agrees in full only with a window cut
    equally short: the edge stands in for the characters beyond it.
    """
    matched = max(len(context), len(window)) - distance(context, window)
    if len(context) == len(window) < CONTEXT:
        matched += CONTEXT - len(context)
    return matched / CONTEXT


def _exact_candidates(task: _Task) -> list[_Candidate]:
    quote, text = task.old.exact, task.text
    starts: list[int] = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    if len(starts) > MAX_SCORED_OCCURRENCES:
        # A word like "the": score only occurrences showing some chunk of the old context
        # nearby; the rest could not reach SIDE_STRONG on either side anyway.
        starts = [s for s in starts if _context_nearby(task.old, text, s, s + len(quote))]
    return [
        _candidate(task, s, s + len(quote), 0)
        for s in starts
        if _keeps_word_edges(task.old, text, s, s + len(quote))
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


def _fuzzy_candidates(task: _Task, *, seeded: bool) -> list[_Candidate]:
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
    found: list[_Candidate] = []
    for low, high in _merge(windows, len(task.text)):
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
        if not chunk.strip():
            continue
        hits: list[int] = []
        at = text.find(chunk)
        while at != -1 and len(hits) <= MAX_SEED_HITS:
            hits.append(at)
            at = text.find(chunk, at + 1)
        if len(hits) <= MAX_SEED_HITS:
            yield from (hit - offset for hit in hits)


def _merge(windows: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for low, high in sorted((max(0, lo), min(size, hi)) for lo, hi in windows):
        if low >= high:
            continue
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _refine(task: _Task, start: int, end: int, errors: int) -> list[_Candidate]:
    """The match, or a variant with an edge moved to the old context found beside it.

    The variant with the most characters of agreement (quote plus context) wins: a word
    inserted near the end of a quote makes a match that stops short the cheapest, but the
    variant reaching the old context agrees more; many words added beside a passage cost
    more than the context they win. When the old context frames a place and what lies
    between is over budget, the passage there was rewritten, and a cheaper part of it is
    not the annotated passage: no match.
    """
    old, text, budget = task.old, task.text, task.budget
    # Far enough to find the old context around the whole passage when the match is only
    # a cheap part of a passage edited beyond budget.
    reach = len(old.exact) + SEED
    snapped_starts = [
        at + SEED
        for at in _near(text, old.prefix[-SEED:], start - SEED, reach)
        if _agreement(old.prefix, text[max(0, at + SEED - CONTEXT) : at + SEED]) >= SIDE_STRONG
    ]
    snapped_ends = [
        at
        for at in _near(text, old.suffix[:SEED], end, reach)
        if _agreement(old.suffix, text[at : at + CONTEXT]) >= SIDE_STRONG
    ]
    # The nearest place framed by the old context on both sides, if any.
    frame = (snapped_starts[0], snapped_ends[0]) if snapped_starts and snapped_ends else None
    best: tuple[float, _Candidate] | None = None
    for pair in {(s, e) for s in [start, *snapped_starts] for e in [end, *snapped_ends]}:
        s, e = _trim(old.exact, text, *pair)
        if s >= e or not _keeps_word_edges(old, text, s, e):
            continue
        cost = errors if (s, e) == (start, end) else distance(old.exact, text[s:e])
        if cost > budget and pair == frame:
            return []
        if cost <= budget:
            found = _candidate(task, s, e, cost)
            evidence = len(old.exact) - cost + CONTEXT * (found.prefix + found.suffix)
            if best is None or evidence > best[0]:
                best = (evidence, found)
    return [best[1]] if best else []


def _near(text: str, chunk: str, where: int, reach: int) -> list[int]:
    """Where a full SEED-long `chunk` starts within `reach` of `where`, nearest first."""
    if len(chunk) < SEED:
        return []
    hits: list[int] = []
    at = text.find(chunk, max(0, where - reach), where + reach + len(chunk))
    while at != -1:
        hits.append(at)
        at = text.find(chunk, at + 1, where + reach + len(chunk))
    return sorted(hits, key=lambda h: abs(h - where))[:3]


def _trim(quote: str, text: str, start: int, end: int) -> tuple[int, int]:
    """Drop whitespace at the edges of a match, unless the quote itself had it there."""
    while start < end and text[start].isspace() and not quote[0].isspace():
        start += 1
    while end > start and text[end - 1].isspace() and not quote[-1].isspace():
        end -= 1
    return start, end


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _keeps_word_edges(old: Selector, text: str, start: int, end: int) -> bool:
    """False when the range cuts through a word at an edge where the old one did not."""
    old_cut_start = bool(old.prefix) and _is_word(old.prefix[-1]) and _is_word(old.exact[0])
    old_cut_end = bool(old.suffix) and _is_word(old.exact[-1]) and _is_word(old.suffix[0])
    cut_start = start > 0 and _is_word(text[start - 1]) and _is_word(text[start])
    cut_end = end < len(text) and _is_word(text[end - 1]) and _is_word(text[end])
    return (old_cut_start or not cut_start) and (old_cut_end or not cut_end)
