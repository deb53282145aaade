"""Texts and selections for the anchoring tests: a news story, a vocabulary of distinct
words, and hypothesis strategies for texts with a selection in them."""

from __future__ import annotations

from hypothesis import assume
from hypothesis import strategies as st

from articles.anchoring import Anchor, Selector, select

ARTICLE = (
    "Russia is getting ready to send ten thousand North Korean soldiers to fight Kyiv, the "
    "Ukrainian president said on Thursday, quoting intelligence reports.\n\n"
    "He had earlier accused Pyongyang of sending troops to the Russian army, but this was the "
    "first time he named a figure.\n\n"
    "Speaking to reporters in Brussels after talks with European leaders, he said the soldiers "
    "were being trained near the border.\n\n"
    "He said Vladimir Putin was counting on the North Korean troops because he feared a new "
    "wave of mobilisation at home. Putin has denied the reports.\n\n"
    "The president toured Western capitals earlier this month, including Washington, Paris, "
    "Berlin and Rome, to present his plan."
)


def selector(text: str, phrase: str, occurrence: int = 0) -> Selector:
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(phrase, at + 1)
    return select(text, at, at + len(phrase))


def placed(anchor: Anchor, text: str) -> str:
    """The words an anchor landed on, checked against the text it was placed on."""
    assert anchor.selector is not None, anchor
    got = anchor.selector
    assert got == select(text, got.start, got.end)
    return got.exact


TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=400)


@st.composite
def texts_with_selection(draw, texts=TEXT):
    text = draw(texts)
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    assume(text[start:end].strip())
    return text, start, end


# Text made of distinct words, as articles mostly are: every passage is identifiable.

# Text made of distinct words, as articles mostly are: every passage is identifiable.
VOCABULARY = [
    f"{stem}{n:02d}" for stem in ("word", "слово", "語", "mot", "🎉x", "wört") for n in range(40)
]


@st.composite
def articles(draw):
    words = draw(st.permutations(VOCABULARY))[: draw(st.integers(20, 120))]
    separator = st.sampled_from([" ", " ", " ", "\n\n", "\n", "\t", ", "])
    separators = draw(st.lists(separator, min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, separators, strict=True)).strip()
