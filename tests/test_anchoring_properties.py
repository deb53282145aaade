"""Re-anchoring (articles.anchoring) for any text and any edit: what is found is always the
new text at its offsets; words that survive are found exactly; a passage replaced in place
lands on its replacement or nowhere, and unrelated text is never taken; and it is fast."""

from __future__ import annotations

import random
import re
import time

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from articles.anchoring import CONTEXT, Anchor, reanchor, reanchor_all, select
from tests.passages import VOCABULARY, articles, placed, texts_with_selection

# Letters no article of `articles()` has, and spaces: words made of them are unrelated.
UNRELATED = "QXZJ? \n"


@settings(max_examples=200, deadline=None)
@given(texts_with_selection())
def test_the_unchanged_text_gives_back_the_same_offsets(case):
    text, start, end = case
    old = select(text, start, end)
    assert reanchor(old, text) == Anchor(old, "position", 1.0)


@settings(max_examples=200, deadline=None)
@given(texts_with_selection(articles()), st.text(min_size=1, max_size=60), st.data())
def test_an_insertion_outside_the_context_moves_the_annotation_with_its_words(case, inserted, data):
    text, start, end = case
    before = list(range(max(0, start - CONTEXT)))
    after = list(range(end + CONTEXT, len(text) + 1))
    assume(before or after)
    at = data.draw(st.sampled_from(before + after))
    new = text[:at] + inserted + text[at:]
    old = select(text, start, end)
    anchor = reanchor(old, new)
    shift = len(inserted) if at < start else 0
    assert anchor.selector == select(new, start + shift, end + shift)


@settings(max_examples=200, deadline=None)
@given(texts_with_selection(articles()), st.text(UNRELATED, min_size=1, max_size=40))
def test_a_passage_replaced_by_unrelated_words_lands_on_them_or_nowhere(case, replacement):
    # No word of these letters occurs in the articles: the passage was rewritten in place.
    # Its context frames the new words, which is where it went; any other place would be
    # other words.
    text, start, end = case
    assume(text[start:end] == text[start:end].strip() and replacement.strip())
    new = text[:start] + replacement + text[end:]
    anchor = reanchor(select(text, start, end), new)
    if anchor.selector is not None:
        assert anchor.method == "rewritten"
        assert anchor.selector.exact == replacement.strip()  # whitespace at its edges aside
        assert anchor.selector.start == start + len(replacement) - len(replacement.lstrip())


@settings(max_examples=200, deadline=None)
@given(texts_with_selection(articles()), st.text(UNRELATED, min_size=1, max_size=400))
def test_a_text_replaced_by_unrelated_text_orphans_every_annotation(case, replacement):
    text, start, end = case
    olds = [select(text, start, end), select(text, 0, len(text))]
    assert reanchor_all(olds, replacement) == [Anchor(None, "orphaned", 0.0)] * 2


@settings(max_examples=200, deadline=None)
@given(articles(), st.data())
def test_an_edit_beside_the_passage_leaves_it_found_exactly(text, data):
    # Any edit on one side, up to the passage's very edge (its context there gone), as long
    # as it keeps the words apart: whole distinct words, verbatim, land on themselves.
    spans = [m.span() for m in re.finditer(r"\S+", text)]
    first = data.draw(st.integers(0, len(spans) - 1))
    start, end = spans[first][0], spans[data.draw(st.integers(first, len(spans) - 1))][1]
    before = data.draw(st.booleans())
    low, high = (0, start) if before else (end, len(text))
    cut_start = data.draw(st.integers(low, high))
    cut_end = data.draw(st.integers(cut_start, high))
    inserted = " " + data.draw(st.text(UNRELATED, max_size=60)) + " "
    new = text[:cut_start] + inserted + text[cut_end:]
    shift = len(inserted) - (cut_end - cut_start) if before else 0
    anchor = reanchor(select(text, start, end), new)
    assert anchor.selector == select(new, start + shift, end + shift)


@settings(max_examples=200, deadline=None)
@given(
    texts_with_selection(),
    st.integers(0, 400),
    st.integers(0, 60),
    st.text(max_size=60),
)
def test_a_placed_annotation_always_quotes_the_new_text_at_its_offsets(case, at, cut, inserted):
    text, start, end = case
    at = min(at, len(text))
    new = text[:at] + inserted + text[at + cut :]
    anchor = reanchor(select(text, start, end), new)
    if anchor.selector is None:
        assert anchor == Anchor(None, "orphaned", 0.0)
    else:
        got = anchor.selector
        assert got == select(new, got.start, got.end)
        assert anchor.method in {"position", "exact", "fuzzy", "rewritten"}
        assert 0 < anchor.score <= 1


# Speed ------------------------------------------------------------------------------------


def test_hundreds_of_annotations_on_a_long_article_reanchor_well_under_a_second():
    rng = random.Random(4)
    words = [f"{rng.choice(VOCABULARY)}{rng.randrange(1000)}" for _ in range(16_000)]
    article = " ".join(words)
    for near in range(800, len(article), 800):  # paragraphs
        at = article.index(" ", near)
        article = article[:at] + "\n\n" + article[at + 1 :]
    assert len(article) > 100_000
    olds = []
    for _ in range(300):
        start = article.index(" ", rng.randrange(len(article) - 500)) + 1
        olds.append(select(article, start, article.index(" ", start + rng.randrange(5, 200))))
    middle = article.index("\n\n", len(article) // 2)
    new = article[:middle] + "\n\nA new paragraph, added by the editor." + article[middle:]
    olds = [o for o in olds if not o.start < middle < o.end]  # not edited themselves
    began = time.perf_counter()
    anchors = reanchor_all(olds, new)
    spent = time.perf_counter() - began
    assert all(placed(a, new) == o.exact for a, o in zip(anchors, olds, strict=True))
    # Typically ~30 ms here; the bound leaves room for a busy CI machine.
    assert spent < 1.0
