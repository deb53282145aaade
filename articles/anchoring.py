"""Anchoring annotations to an article's text: W3C selectors, and re-anchoring after edits.

`select` turns offsets into a selector; `reanchor` / `reanchor_all` place existing selectors
on a changed text, or orphan them. Pure functions: no Django, no database.

Invariants:
- ``body_text`` is the coordinate space of every selector. Offsets are Python ``str``
  indices (code points); the browser converts its UTF-16 offsets, nothing here does.
- A `Selector` always comes out of `select`: ``exact == text[start:end]`` and ``prefix`` /
  ``suffix`` are the (up to) `CONTEXT` characters either side. Re-anchoring recomputes the
  selector from the new text; it never patches an old one.
- Orphaning beats guessing. A selector is placed only where the quote matches within the
  error budget, the range does not cut a word the original did not cut, and the evidence
  is sufficient: an intact side of context, a perfect fingerprint (prefix + quote +
  suffix), or a long quote found nowhere else; and only when no other place scores
  nearly as well.

Scoring follows Hypothesis' client (quote 50, prefix 20, suffix 20, position 2); the
approximate search is Myers' bit-parallel algorithm with Python ints as bit vectors,
run only in windows: near the expected position, and around exact hits of short "seed"
chunks of the quote and of its context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

CONTEXT = 32

# The error budget: edits (insert, delete, substitute) allowed, as a share of the quote.
MAX_ERROR_RATE = 0.25
# Context agreement is counted in characters of CONTEXT: 0.75 = 24 of 32 characters agree.
# Random English text agrees with random English text at about 0.25-0.35.
SIDE_STRONG = 0.75
# An edited quote needs both sides to vouch for it: one strong, the other at least this
# (well above the agreement of unrelated text).
SIDE_FAIR = 0.5
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


class AnchorError(ValueError):
    """A selection that cannot become a selector; the message is one line for the user."""


@dataclass(frozen=True)
class Selector:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Anchor:
    """Where one annotation landed on the new text; ``selector`` is None when orphaned."""

    selector: Selector | None
    method: str  # "position" | "exact" | "fuzzy" | "orphaned"
    score: float


ORPHANED = Anchor(None, "orphaned", 0.0)


def select(text: str, start: int, end: int, quote: str | None = None) -> Selector:
    """Derive the selector for text[start:end], refusing what a user cannot have meant."""
    for name, value in (("start", start), ("end", end)):
        # bool is an int subclass; True is no offset anybody selected.
        if isinstance(value, bool) or not isinstance(value, int):
            raise AnchorError(
                f"The selection {name} must be a whole number, not {type(value).__name__}."
            )
    if start < 0:
        raise AnchorError(f"The selection starts before the article (offset {start} < 0).")
    if start >= end:
        raise AnchorError(f"The selection is empty (start {start} is not before end {end}).")
    if end > len(text):
        raise AnchorError(
            f"The selection ends after the end of the article (offset {end} > {len(text)})."
        )
    exact = text[start:end]
    if not exact.strip():
        raise AnchorError("The selection contains only whitespace; select some words.")
    # No normalisation: the browser's quote and body_text come from the same DOM text.
    if quote is not None and quote != exact:
        raise AnchorError(
            "The selected text does not match the article at those offsets; "
            "reload the page and select again."
        )
    return Selector(
        start, end, exact, text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]
    )


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
class _Candidate:
    start: int
    end: int
    errors: int
    prefix: float  # context agreement, in units of CONTEXT characters (0..1)
    suffix: float
    score: float
    distance: int  # from the nearest expected position
    perfect: bool  # the same 32-character windows and quote, verbatim (text edges too)


def _reanchor(old: Selector, text: str, hints: Sequence[int]) -> Anchor:
    quote = old.exact
    length = len(quote)
    if not quote or not text.strip():
        return ORPHANED
    # 1. A perfect fingerprint where the selector is expected: nothing can be better.
    for hint in hints:
        if text.startswith(quote, hint):
            found = _candidate(old, text, hint, hint + length, 0, hints)
            if found.perfect:
                return _anchor(old, text, found)
    budget = int(length * MAX_ERROR_RATE) if length <= MAX_FUZZY_QUOTE else 0
    # 2. The passage's own place, between its old context, now holds other words.
    if _slot_rewritten(old, text, hints, budget):
        return ORPHANED
    # 3. The verbatim quote anywhere, and approximate matches near the expected position
    #    (an edited passage there outranks an intact copy elsewhere: ambiguous).
    pool = _exact_candidates(old, text, hints)
    if budget:
        pool += _fuzzy_candidates(old, text, hints, budget, seeded=False)
    chosen = _decide(old, pool)
    if chosen and (chosen.perfect or max(chosen.prefix, chosen.suffix) >= SIDE_STRONG):
        return _anchor(old, text, chosen)
    # 4. Approximate matches anywhere, located by seeds.
    if budget:
        pool += _fuzzy_candidates(old, text, hints, budget, seeded=True)
        chosen = _decide(old, pool)
    return _anchor(old, text, chosen) if chosen else ORPHANED


def _slot_rewritten(old: Selector, text: str, hints: Sequence[int], budget: int) -> bool:
    """True when the old prefix and suffix still frame, near a hint, words unlike the quote.

    That is a rewrite in place; a copy of the quote elsewhere is not the annotated passage.
    (Prefix and suffix joined with nothing between is a deletion or a move: not refused.)
    """
    left, right = old.prefix[-2 * SEED :], old.suffix[: 2 * SEED]
    if len(left) < 2 * SEED or len(right) < 2 * SEED:
        return False
    length = len(old.exact)
    for hint in hints:
        at = text.find(left, max(0, hint - LOCAL_RADIUS - len(left)), hint + LOCAL_RADIUS)
        while at != -1:
            start = at + len(left)
            contents = []
            end = text.find(right, start, start + 2 * length + 2 * CONTEXT)
            while end != -1:
                contents.append(text[start:end])
                end = text.find(right, end + 1, start + 2 * length + 2 * CONTEXT)
            # The quote (within budget) anywhere in the frame means it is still there.
            if any(c.strip() for c in contents) and all(
                not c or min(_scan(old.exact, c, anchored=False)) > budget for c in contents
            ):
                return True
            at = text.find(left, at + 1, hint + LOCAL_RADIUS)
    return False


def _anchor(old: Selector, text: str, found: _Candidate) -> Anchor:
    try:
        selector = select(text, found.start, found.end)
    except AnchorError:
        return ORPHANED
    if found.errors:
        method = "fuzzy"
    elif (found.start, found.end) == (old.start, old.end):
        method = "position"
    else:
        method = "exact"
    return Anchor(selector, method, 1.0 if found.perfect else round(found.score, 4))


def _decide(old: Selector, candidates: list[_Candidate]) -> _Candidate | None:
    """The best candidate if it is supported and stands out, else None (orphan)."""
    ranked = sorted(candidates, key=lambda c: (not c.perfect, -c.score))
    if not ranked:
        return None
    best = ranked[0]
    # At one place, the verbatim quote beats a longer approximate match: words added
    # beside a passage are an edit next to it, not part of it.
    verbatim = [c for c in ranked if not c.errors and _overlap(c, best)]
    if best.errors and verbatim and _supported(old, verbatim[0], unique=True):
        best = verbatim[0]
    rivals = [c for c in ranked if not _overlap(c, best)]
    # Two places that would each be accepted: which one is meant is unknown if the other
    # is nearer where the passage was, or scores nearly as well; or if the best is an
    # exact fingerprint found far from there (the original may have held it twice).
    for rival in rivals:
        if not _supported(old, rival, unique=True):
            continue
        if best.perfect and not rival.perfect:
            if best.distance > min(rival.distance, LOCAL_RADIUS):
                return None
        elif rival.distance < best.distance or rival.score > best.score - SUPPORTED_MARGIN:
            return None
    if best.perfect:
        # The same fingerprint twice: only one close to, and much nearer, the expected
        # position wins (reanchor_all's shift makes that the usual case).
        twins = [c.distance for c in rivals if c.perfect]
        if twins and (best.distance > LOCAL_RADIUS or 4 * best.distance >= min(twins)):
            return None
        return best
    if rivals and rivals[0].score > best.score - AMBIGUITY_MARGIN:
        return None
    return best if _supported(old, best, unique=not rivals) else None


def _overlap(a: _Candidate, b: _Candidate) -> bool:
    return a.start < b.end and b.start < a.end


def _supported(old: Selector, found: _Candidate, *, unique: bool) -> bool:
    """Whether the evidence for one place suffices, ignoring any rival."""
    length = len(old.exact)
    strong = max(found.prefix, found.suffix) >= SIDE_STRONG
    if found.perfect or (found.errors == 0 and strong):
        return True
    if found.errors and strong and min(found.prefix, found.suffix) >= SIDE_FAIR:
        return True
    return unique and not found.errors and length >= LONG_QUOTE


def _candidate(
    old: Selector, text: str, start: int, end: int, errors: int, hints: Sequence[int]
) -> _Candidate:
    # Each side is compared with the full window, so that a context cut short by the edge
    # of the text agrees only with a place equally near that edge.
    prefix = _agreement(old.prefix, text[max(0, start - CONTEXT) : start])
    suffix = _agreement(old.suffix, text[end : end + CONTEXT])
    distance = min(abs(start - hint) for hint in hints)
    position = 1 - distance / max(len(text), 1)
    raw = (
        WEIGHTS["quote"] * (1 - errors / len(old.exact))
        + WEIGHTS["prefix"] * prefix
        + WEIGHTS["suffix"] * suffix
        + WEIGHTS["position"] * position
    )
    perfect = errors == 0 and prefix == suffix == 1
    score = raw / sum(WEIGHTS.values())
    return _Candidate(start, end, errors, prefix, suffix, score, distance, perfect)


def _exact_candidates(old: Selector, text: str, hints: Sequence[int]) -> list[_Candidate]:
    quote = old.exact
    starts: list[int] = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    if len(starts) > MAX_SCORED_OCCURRENCES:
        # A word like "the": score only occurrences showing some chunk of the old context
        # nearby; the rest could not reach SIDE_STRONG on either side anyway.
        starts = [s for s in starts if _context_hint(old, text, s, s + len(quote))]
    return [
        _candidate(old, text, s, s + len(quote), 0, hints)
        for s in starts
        if _keeps_word_edges(old, text, s, s + len(quote))
    ]


def _context_hint(old: Selector, text: str, start: int, end: int) -> bool:
    for offset in range(0, CONTEXT, SEED):
        before = old.prefix[len(old.prefix) - offset - SEED : len(old.prefix) - offset]
        if len(before) == SEED and before in text[max(0, start - offset - 2 * SEED) : start]:
            return True
        after = old.suffix[offset : offset + SEED]
        if len(after) == SEED and after in text[end : end + offset + 2 * SEED]:
            return True
    return False


def _fuzzy_candidates(
    old: Selector, text: str, hints: Sequence[int], budget: int, *, seeded: bool
) -> list[_Candidate]:
    """Approximate matches near the hints or, seeded, around hits of seeds elsewhere."""
    quote = old.exact
    length = len(quote)
    windows = [(h - LOCAL_RADIUS - budget, h + length + LOCAL_RADIUS + budget) for h in hints]
    if seeded:
        near = windows
        votes: dict[int, int] = {}
        for start in _seed_starts(old, text):
            if not any(low <= start and start + length <= high for low, high in near):
                votes[start] = votes.get(start, 0) + 1
        ranked = sorted(votes, key=lambda s: -votes[s])[:MAX_WINDOWS]
        windows = [(s - budget - SEED, s + length + budget + SEED) for s in ranked]
    found: list[_Candidate] = []
    for low, high in _merge(windows, len(text)):
        for start, end, errors in _search(quote, text, low, high, budget):
            found.extend(_refine(old, text, start, end, errors, budget, hints))
    return found


def _seed_starts(old: Selector, text: str) -> Iterable[int]:
    """Where the quote would start, according to exact hits of chunks of it and its context."""
    quote = old.exact
    length = len(quote)
    seeds: list[tuple[str, int]] = []  # (chunk, where it sits relative to the quote start)
    if length >= 2 * SEED:
        step = max(SEED, (length - SEED) // MAX_QUOTE_SEEDS)
        seeds += [(quote[o : o + SEED], o) for o in range(0, length - SEED + 1, step)]
        seeds.append((quote[-SEED:], length - SEED))
    elif length >= SEED:
        half = length // 2
        seeds += [(quote[:half], 0), (quote[half:], half)]
    for offset in (0, SEED, 2 * SEED):
        before = old.prefix[len(old.prefix) - offset - SEED : len(old.prefix) - offset]
        if len(before) == SEED:
            seeds.append((before, -offset - SEED))
        after = old.suffix[offset : offset + SEED]
        if len(after) == SEED:
            seeds.append((after, length + offset))
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


def _search(quote: str, text: str, low: int, high: int, budget: int) -> list[tuple[int, int, int]]:
    """(start, end, errors) of the best match in each run of matches within text[low:high]."""
    scores = _scan(quote, text[low:high], anchored=False)
    matches: list[tuple[int, int, int]] = []
    best_end, best = -1, budget + 1
    for index, score in enumerate([*scores, budget + 1]):
        if score <= budget and score <= best:  # ties go to the later end: whole last word
            best_end, best = index, score
        elif score > budget and best_end >= 0:
            end = low + best_end + 1
            # The start: align the reversed quote leftwards from the end, anchored there.
            left = max(0, end - len(quote) - best)
            back = _scan(quote[::-1], text[left:end][::-1], anchored=True)
            lowest = min(back)
            lengths = [n + 1 for n, s in enumerate(back) if s == lowest]
            # Equally cheap starts: the context scoring picks among the likely ones.
            likely = {min(lengths), max(lengths), min(lengths, key=lambda n: abs(n - len(quote)))}
            matches += [(end - span, end, lowest) for span in likely]
            best_end, best = -1, budget + 1
    return matches


def _refine(
    old: Selector,
    text: str,
    start: int,
    end: int,
    errors: int,
    budget: int,
    hints: Sequence[int],
) -> list[_Candidate]:
    """The match, with its edges snapped to the old context where that is found beside it.

    Without this, a word inserted near the end of a quote makes a shorter match (cut
    before the word) the cheapest. When the whole old context is found on both sides, the
    passage between is the edited passage: it is taken whole, or dropped if over budget.
    """
    snap_start = snap_end = None
    near = old.prefix[-SEED:]
    if len(near) == SEED:
        at = _nearest(text, near, start - SEED, budget + SEED)
        if at is not None:
            before = text[max(0, at + SEED - CONTEXT) : at + SEED]
            if _agreement(old.prefix, before) >= SIDE_STRONG:
                snap_start = at + SEED
    near = old.suffix[:SEED]
    if len(near) == SEED:
        at = _nearest(text, near, end, budget + SEED)
        if at is not None and _agreement(old.suffix, text[at : at + CONTEXT]) >= SIDE_STRONG:
            snap_end = at
    if snap_start is not None and snap_end is not None:
        pairs = {(snap_start, snap_end)}
    else:
        starts = {start} if snap_start is None else {start, snap_start}
        ends = {end} if snap_end is None else {end, snap_end}
        pairs = {(s, e) for s in starts for e in ends}
    found: list[_Candidate] = []
    for pair in pairs:
        s, e = _trim(old.exact, text, *pair)
        if s >= e or not _keeps_word_edges(old, text, s, e):
            continue
        cost = errors if (s, e) == (start, end) else _distance(old.exact, text[s:e])
        if cost <= budget:
            found.append(_candidate(old, text, s, e, cost, hints))
    return found


def _nearest(text: str, chunk: str, where: int, reach: int) -> int | None:
    """The occurrence of `chunk` starting nearest to `where`, within `reach` of it."""
    hits: list[int] = []
    at = text.find(chunk, max(0, where - reach), where + reach + len(chunk))
    while at != -1:
        hits.append(at)
        at = text.find(chunk, at + 1, where + reach + len(chunk))
    return min(hits, key=lambda h: abs(h - where), default=None)


def _agreement(context: str, window: str) -> float:
    """How well a side of context agrees, in units of CONTEXT characters (0..1)."""
    return max(0.0, 1 - _distance(context, window) / CONTEXT)


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


# Edit distance -----------------------------------------------------------------------------


def _distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    if not a or not b:
        return len(a) + len(b)
    return _scan(a, b, anchored=True)[-1]


def _scan(pattern: str, text: str, *, anchored: bool) -> list[int]:
    """Edit distance between `pattern` and text ending at each offset 1..len(text).

    Myers' bit-parallel algorithm (as formulated by Hyyrö), one Python int per bit
    vector, so any pattern length works. Unanchored, a match may begin anywhere (an
    approximate search); anchored, it begins at text[0], so the last value is the
    Levenshtein distance of the two strings.
    """
    length = len(pattern)
    peq: dict[str, int] = {}
    for i, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << i)
    mask = (1 << length) - 1
    high = 1 << (length - 1)
    carry = 1 if anchored else 0  # anchored: the top row grows by one per text character
    pv, mv, score = mask, 0, length
    scores: list[int] = []
    for char in text:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | ~(xh | pv)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | carry) & mask
        mh = (mh << 1) & mask
        pv = (mh | ~(xv | ph)) & mask
        mv = ph & xv
        scores.append(score)
    return scores
