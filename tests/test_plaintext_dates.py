"""parse_plaintext() dates: a date line, a wire dateline, or the date in the URL."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.pasting import parse


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("March 3, 2025", dt.date(2025, 3, 3)),
        ("Mar. 3, 2025", dt.date(2025, 3, 3)),
        ("3 March 2025", dt.date(2025, 3, 3)),
        ("12 June 2023", dt.date(2023, 6, 12)),
        ("2025-03-03", dt.date(2025, 3, 3)),
        ("Published: March 3, 2025", dt.date(2025, 3, 3)),
        ("Published on Thursday, 3rd March 2025 at 10:32 a.m. EST", dt.date(2025, 3, 3)),
        ("Updated 12 June 2023, 10:32 GMT", dt.date(2023, 6, 12)),
        ("Updated: 2025-03-03T10:00:00Z", dt.date(2025, 3, 3)),
    ],
)
def test_a_date_line_gives_the_date_and_leaves_the_body(line, expected):
    parsed = parse("Kyiv braces for winter", line, "", "The story starts here.")
    assert parsed.published == expected
    assert parsed.paragraphs == ["The story starts here."]


def test_a_date_inside_a_sentence_stays_in_the_body():
    parsed = parse("The vote on March 3, 2025 was close.", "", "More text.")
    assert parsed.published is None
    assert parsed.paragraphs[0] == "The vote on March 3, 2025 was close."


def test_a_dateline_gives_the_date_and_stays_in_the_body():
    parsed = parse("KYIV, Oct. 17, 2024 (AFP) - Russia is preparing to deploy troops.")
    assert parsed.published == dt.date(2024, 10, 17)
    assert parsed.paragraphs[0].startswith("KYIV, Oct. 17, 2024 (AFP) - Russia")
    assert parsed.byline == "AFP"


def test_a_dateline_without_a_date_gives_no_date():
    parsed = parse("WASHINGTON (Reuters) - The talks ended without agreement.")
    assert parsed.published is None
    assert parsed.byline == "Reuters"


def test_a_dateline_without_a_year_takes_it_from_the_url():
    parsed = parse(
        "KYIV, Oct. 16 (AFP) - Russia is preparing to deploy troops.",
        "",
        "https://example.com/2024/10/17/russia-prepares-troops",
    )
    assert parsed.published == dt.date(2024, 10, 16)


def test_a_date_line_beats_the_url_date():
    parsed = parse(
        "Published: 3 March 2025",
        "",
        "The story starts here.",
        "",
        "Original url: https://example.com/2024/10/17/some-story-here",
    )
    assert parsed.published == dt.date(2025, 3, 3)
