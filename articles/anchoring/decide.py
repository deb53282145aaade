"""Choosing among candidate places: the best one if its evidence suffices and no other
place would be accepted too; else none (the annotation is orphaned).

Internal to `articles.anchoring`, whose docstring states the rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.anchoring.candidates import (
    LOCAL_RADIUS,
    LONG_QUOTE,
    SIDE_FAIR,
    SIDE_STRONG,
    overlap,
)

if TYPE_CHECKING:
    from articles.anchoring.candidates import Candidate, Task

# Candidates whose scores (0..1) are closer than this are indistinguishable: orphan.
AMBIGUITY_MARGIN = 0.05
# ... and when the runner-up would be accepted on its own evidence, closer than this.
SUPPORTED_MARGIN = 0.1
# The same fingerprint at two places: the one this many times nearer the expected position
# is the passage. To be at the other, the edits before it since its placed neighbour would
# have had to move it about as far as the copies are apart.
NEARER = 16


def decide(task: Task, candidates: list[Candidate]) -> Candidate | None:
    """The best candidate if it is supported and stands out, else None (orphan)."""
    ranked = sorted(candidates, key=lambda c: (not c.perfect, -c.score))
    if not ranked:
        return None
    best = ranked[0]
    # At one place, the verbatim quote with one whole side of its context beats a longer
    # approximate match: words added beside a passage are an edit next to it, not in it.
    verbatim = [
        c for c in ranked if not c.errors and overlap(c, best) and 1 in (c.prefix, c.suffix)
    ]
    if best.errors and verbatim:
        best = verbatim[0]
    # Another place: overlapping by less than half (a shifted match in a table of numbers
    # is another place; the same match with an edge moved is not).
    rivals = [c for c in ranked if overlap(c, best) < 0.5]
    if _ambiguous(task, best, rivals):
        return None
    if best.perfect:
        return best
    if rivals and rivals[0].score > best.score - AMBIGUITY_MARGIN:
        return None
    return best if supported(task, best, unique=not rivals) else None


def _ambiguous(task: Task, best: Candidate, rivals: list[Candidate]) -> bool:
    """Whether another place would be accepted too, so which one is meant is unknown."""
    for rival in rivals:
        if not supported(task, rival, unique=True):
            continue
        if best.perfect and rival.perfect:
            # The same fingerprint twice (a page that repeats a block): the one much
            # nearer where expected wins; with reanchor_all's shift, exactly there.
            if best.distance * NEARER >= rival.distance:
                return True
        elif best.perfect:
            # Far from where expected, the original may have held this fingerprint twice,
            # and the other place may be the annotated passage, edited.
            if best.distance > LOCAL_RADIUS:
                return True
        elif rival.distance < best.distance or rival.score > best.score - SUPPORTED_MARGIN:
            return True
    return False


def supported(task: Task, found: Candidate, *, unique: bool) -> bool:
    """Whether the evidence for one place suffices, ignoring any rival."""
    strong = max(found.prefix, found.suffix) >= SIDE_STRONG
    if found.perfect or (not found.errors and strong):
        return True
    if found.errors and strong and min(found.prefix, found.suffix) >= SIDE_FAIR:
        return True
    return unique and not found.errors and len(task.old.exact) >= LONG_QUOTE
