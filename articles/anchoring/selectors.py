"""Selectors: what an annotation stores of the text it was made on, and how they are made.

`select` is the only maker of a `Selector`: ``exact == text[start:end]`` and ``prefix`` /
``suffix`` are the (up to) `CONTEXT` characters either side. Pure: no Django, no database.
"""

from __future__ import annotations

from dataclasses import dataclass

CONTEXT = 32


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
    method: str  # "position" | "exact" | "fuzzy" | "rewritten" | "orphaned"
    score: float


ORPHANED = Anchor(None, "orphaned", 0.0)


@dataclass(frozen=True)
class Reanchored:
    """What re-anchoring did to an article's annotations, as the person is told."""

    kept: int  # on the same offsets
    moved: int  # found again elsewhere
    orphaned: int  # their words are gone
    changed: int = 0  # placed on words that differ from the ones written on


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
