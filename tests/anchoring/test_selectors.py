"""select(): the selector of a passage, derived from body_text and the offsets the browser
sent, or refused with a one-line reason. Pure functions, so no database."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from articles.anchoring import CONTEXT, AnchorError, Selector, select
from tests.passages import ARTICLE, texts_with_selection


def test_select_derives_exact_prefix_and_suffix_from_the_offsets():
    start = ARTICLE.index("North Korean soldiers")
    got = select(ARTICLE, start, start + len("North Korean soldiers"))
    assert got == Selector(
        start=start,
        end=start + 21,
        exact="North Korean soldiers",
        prefix=ARTICLE[start - 32 : start],
        suffix=ARTICLE[start + 21 : start + 53],
    )
    assert len(got.prefix) == len(got.suffix) == CONTEXT


def test_select_shortens_the_context_at_the_edges_of_the_text():
    got = select("Putin spoke.", 0, 5)
    assert (got.exact, got.prefix, got.suffix) == ("Putin", "", " spoke.")
    got = select("Putin spoke.", 6, 12)
    assert (got.exact, got.prefix, got.suffix) == ("spoke.", "Putin ", "")


def test_select_accepts_the_quote_the_browser_saw():
    got = select(ARTICLE, 0, 6, quote="Russia")
    assert got.exact == "Russia"


@pytest.mark.parametrize("bad", ["3", 3.0, None, True, False])
def test_select_refuses_offsets_that_are_not_integers(bad):
    with pytest.raises(AnchorError, match="whole number"):
        select(ARTICLE, bad, 10)
    with pytest.raises(AnchorError, match="whole number"):
        select(ARTICLE, 0, bad)


def test_select_refuses_a_negative_start():
    with pytest.raises(AnchorError, match=r"before the article \(offset -1 < 0\)"):
        select(ARTICLE, -1, 5)


@pytest.mark.parametrize(("start", "end"), [(5, 5), (6, 5)])
def test_select_refuses_an_empty_or_reversed_selection(start, end):
    with pytest.raises(AnchorError, match="empty"):
        select(ARTICLE, start, end)


def test_select_refuses_a_selection_past_the_end_of_the_article():
    with pytest.raises(AnchorError) as caught:
        select("x" * 4980, 10, 5012)
    assert str(caught.value) == (
        "The selection ends after the end of the article (offset 5012 > 4980)."
    )


def test_select_refuses_a_selection_of_only_whitespace():
    start = ARTICLE.index("\n\n")
    with pytest.raises(AnchorError, match="only whitespace"):
        select(ARTICLE, start, start + 2)


@pytest.mark.parametrize("quote", ["Russia ", "russia", "Russi", "Rus\u00adsia", ""])
def test_select_refuses_a_quote_that_differs_from_the_text(quote):
    with pytest.raises(AnchorError) as caught:
        select(ARTICLE, 0, 6, quote=quote)
    assert "reload the page and select again" in str(caught.value)


def test_select_compares_the_quote_exactly_without_normalising():
    text = "it\u2019s here"
    with pytest.raises(AnchorError):
        select(text, 0, 4, quote="it's")
    assert select(text, 0, 4, quote="it\u2019s").exact == "it\u2019s"


def test_refusals_are_one_line_messages():
    for args in [(ARTICLE, -1, 3), (ARTICLE, 3, 3), (ARTICLE, 0, 10**6), ("a  b", 1, 3)]:
        with pytest.raises(AnchorError) as caught:
            select(*args)
        assert "\n" not in str(caught.value)


# Properties ---------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(texts_with_selection())
def test_select_takes_the_quote_and_its_adjacent_context_for_any_text(case):
    text, start, end = case
    got = select(text, start, end)
    assert got.exact == text[start:end]
    assert got.prefix == text[max(0, start - CONTEXT) : start]
    assert got.suffix == text[end : end + CONTEXT]
    assert len(got.prefix) <= CONTEXT
    assert len(got.suffix) <= CONTEXT
