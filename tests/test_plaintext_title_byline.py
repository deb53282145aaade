"""parse_plaintext() title and byline: a heading line, a "By ..." line or an author link."""

from __future__ import annotations

import pytest

from tests.pasting import parse


def test_title_line_then_by_line():
    parsed = parse(
        "Kyiv braces for a hard winter",
        "By John Smith",
        "",
        "The city is preparing for a hard winter, officials said.",
    )
    assert parsed.title == "Kyiv braces for a hard winter"
    assert parsed.byline == "John Smith"
    assert parsed.paragraphs == ["The city is preparing for a hard winter, officials said."]


@pytest.mark.parametrize(
    ("line", "byline"),
    [
        ("By John Smith and Jane Doe", "John Smith and Jane Doe"),
        ("By John Smith, AFP", "John Smith, AFP"),
        ("BY JOHN SMITH, AFP", "John Smith, AFP"),
        ("By Jane Doe, Moscow correspondent", "Jane Doe, Moscow correspondent"),
    ],
)
def test_by_line_shapes(line, byline):
    parsed = parse("Kyiv braces for winter", "", line, "", "The story starts here.")
    assert parsed.byline == byline
    assert parsed.paragraphs == ["The story starts here."]


def test_a_sentence_opening_with_by_stays_story_text():
    parsed = parse("The talks began.", "", "By Monday, Kyiv had", "lost ground.")
    assert parsed.byline == ""
    assert parsed.paragraphs[1] == "By Monday, Kyiv had lost ground."


def test_title_is_not_repeated_in_the_body():
    parsed = parse("A heading here", "", "Body text of the story.")
    assert parsed.title == "A heading here"
    assert parsed.paragraphs == ["Body text of the story."]


def test_a_heading_directly_above_the_body_is_still_the_title():
    parsed = parse(
        "Short headline here",
        "The body text starts here and it runs on for quite a long stretch of characters",
        "before wrapping at about ninety characters, as the sample does, and then it ends.",
    )
    assert parsed.title == "Short headline here"
    assert len(parsed.paragraphs) == 1


def test_a_first_line_ending_with_a_full_stop_is_not_a_title():
    parsed = parse("The talks began.", "", "They ended late.")
    assert parsed.title == ""
    assert parsed.paragraphs == ["The talks began.", "They ended late."]


@pytest.mark.parametrize(
    ("author_url", "byline"),
    [
        ("https://www.themoscowtimes.com/author/afp-2", "AFP"),
        ("https://example.com/author/ap", "AP"),
        ("https://example.com/authors/john-smith/", "John Smith"),
        ("https://example.com/author/ludwig-van-beethoven-7", "Ludwig van Beethoven"),
    ],
)
def test_byline_from_an_author_link(author_url, byline):
    parsed = parse("The story starts here.", "", author_url)
    assert parsed.byline == byline


def test_a_by_line_beats_an_author_link():
    parsed = parse("By Jane Doe", "", "The story.", "", "https://example.com/author/afp-2")
    assert parsed.byline == "Jane Doe"
