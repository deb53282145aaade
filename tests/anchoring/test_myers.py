"""The edit-distance kernel of re-anchoring (articles/anchoring/myers.py), against the
textbook dynamic programme."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.anchoring.myers import distance, scan


def textbook_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


@settings(max_examples=200, deadline=None)
@given(st.text("abcé🎉", max_size=90), st.text("abcé🎉", max_size=90))
def test_myers_distance_agrees_with_the_textbook_algorithm(a, b):
    assert distance(a, b) == textbook_distance(a, b)


def textbook_search(pattern: str, text: str) -> list[int]:
    """Best distance of `pattern` to any substring of `text` ending at each offset."""
    column = list(range(len(pattern) + 1))
    ends = []
    for y in text:
        current = [0]  # a match may start anywhere: no cost for skipped text
        for i, x in enumerate(pattern, 1):
            current.append(min(column[i] + 1, current[i - 1] + 1, column[i - 1] + (x != y)))
        column = current
        ends.append(column[-1])
    return ends


@settings(max_examples=200, deadline=None)
@given(st.text("abc", min_size=1, max_size=80), st.text("abc", max_size=80))
def test_myers_search_gives_the_best_substring_distance_at_each_end(pattern, text):
    assert scan(pattern, text, anchored=False) == textbook_search(pattern, text)


def test_myers_handles_patterns_longer_than_a_machine_word():
    pattern = "lorem ipsum dolor sit amet " * 20
    text = pattern.replace("dolor", "dolour").replace("amet", "amen")
    assert distance(pattern, text) == textbook_distance(pattern, text)
    assert min(scan(pattern, "xx" + text + "yy", anchored=False)) == distance(pattern, text)
