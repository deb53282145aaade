"""Placing an imported quote on an article's text (articles/imports/placing.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from articles.annotations import same_words
from articles.imports.placing import place

TEXT = (
    "Dock workers stayed off the job for an eighth day.\n\n"
    "The union said “talks would resume” on Thursday; the port said talks would resume later."
)


def test_the_position_is_used_when_the_words_are_there():
    start = TEXT.index("eighth day")
    assert place(TEXT, "eighth day", hint=start).start == start


def test_a_wrong_position_is_only_a_hint():
    found = place(TEXT, "eighth day", hint=3)
    assert TEXT[found.start : found.end] == "eighth day"


def test_spacing_and_typography_are_not_words():
    found = place(TEXT, 'an eighth day. The union said "talks')
    assert found is not None
    assert TEXT[found.start : found.end] == "an eighth day.\n\nThe union said “talks"


def test_context_chooses_between_two_copies():
    found = place(TEXT, "talks would resume", prefix="the port said ", suffix=" later")
    assert found.start == TEXT.rindex("talks would resume")


def test_without_context_the_first_copy_is_taken():
    assert place(TEXT, "talks would resume").start == TEXT.index("talks would resume")


def test_words_that_are_not_there_are_not_placed():
    assert place(TEXT, "the harbour reopened") is None
    assert place(TEXT, "   ") is None
    assert place("", "eighth day") is None


@given(
    st.one_of(
        st.text(min_size=1, max_size=40),
        st.sampled_from([TEXT[i:j] for i in range(0, 140, 7) for j in (i + 5, i + 30)]),
    ),
    st.integers(min_value=0, max_value=200),
)
def test_a_placement_is_always_on_the_same_words_spacing_aside(quote, hint):
    found = place(TEXT, quote, hint=hint)
    if found is not None:
        assert found.exact == TEXT[found.start : found.end]
        assert same_words(found.exact, quote)
