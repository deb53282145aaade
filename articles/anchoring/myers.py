"""Edit distance with Myers' bit-parallel algorithm, one Python int per bit vector.

Invariant: every function here is exact, not a heuristic. `scan` gives the same numbers as
the textbook dynamic programme (checked against it in tests/anchoring/test_myers.py), for any
pattern length, in one pass over the text with a few big-int operations per character.
"""

from __future__ import annotations


def distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    # A common beginning or ending changes nothing (an optimal alignment can match it), and
    # strings that agree mostly do: contexts, near copies.
    if a == b:
        return 0
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    a, b = a[head:], b[head:]
    tail = 0
    while tail < min(len(a), len(b)) and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    a, b = a[: len(a) - tail], b[: len(b) - tail]
    if not a or not b:
        return len(a) + len(b)
    return scan(a, b, anchored=True)[-1]


def scan(pattern: str, text: str, *, anchored: bool) -> list[int]:
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


def search(quote: str, text: str, low: int, high: int, budget: int) -> list[tuple[int, int, int]]:
    """Approximate matches of `quote` in text[low:high] with at most `budget` errors.

    Consecutive end offsets within budget form one run, one place: its cheapest end (the
    later one on ties, so a changed last word is kept whole), and the likely starts among
    the equally cheap ones, as (start, end, errors) with offsets into `text`.
    """
    matches: list[tuple[int, int, int]] = []
    best_end, best = -1, budget + 1
    for index, score in enumerate([*scan(quote, text[low:high], anchored=False), budget + 1]):
        if score <= budget and score <= best:  # ties go to the later end: whole last word
            best_end, best = index, score
        elif score > budget and best_end >= 0:
            end = low + best_end + 1
            # The start: align the reversed quote leftwards from the end, anchored there.
            left = max(0, end - len(quote) - best)
            back = scan(quote[::-1], text[left:end][::-1], anchored=True)
            lowest = min(back)
            lengths = [n + 1 for n, s in enumerate(back) if s == lowest]
            # The shortest, the longest and the one nearest the quote's length: the caller's
            # context scoring picks between them.
            likely = {min(lengths), max(lengths), min(lengths, key=lambda n: abs(n - len(quote)))}
            matches += [(end - span, end, lowest) for span in likely]
            best_end, best = -1, budget + 1
    return matches
