"""parse_plaintext() links: the source URL, related stories and titles taken from slugs."""

from __future__ import annotations

from articles.plaintext import RelatedLink
from tests.pasting import parse


def test_read_more_with_a_url_becomes_a_cleaned_related_link():
    parsed = parse(
        "Some story text here.",
        "",
        "Read more: Another story about things "
        "https://example.com/news/another-story?utm_source=x&id=3&fbclid=y#comments",
        "",
        "End text.",
    )
    assert parsed.related == [
        RelatedLink("Another story about things", "https://example.com/news/another-story?id=3")
    ]
    assert parsed.paragraphs == ["Some story text here.", "End text."]


def test_a_read_more_label_alone_takes_the_title_and_url_below_it():
    parsed = parse(
        "Some story text here.",
        "",
        "Read more:",
        "Another story about things",
        "https://example.com/another-story-about-things",
    )
    assert parsed.related == [
        RelatedLink("Another story about things", "https://example.com/another-story-about-things")
    ]


def test_a_related_label_without_a_url_keeps_its_title():
    parsed = parse("Some story text here.", "", "Related article: Talks stall in Geneva")
    assert parsed.related == [RelatedLink("Talks stall in Geneva", "")]
    assert parsed.paragraphs == ["Some story text here."]


def test_the_source_url_drops_tracking_parameters_and_the_fragment():
    parsed = parse(
        "Some story text here.",
        "",
        "Original url: https://www.example.com/2024/10/17/talks-stall?gclid=1&page=2#top",
    )
    assert parsed.source_url == "https://www.example.com/2024/10/17/talks-stall?page=2"
    assert parsed.site_name == "example.com"
    assert parsed.title == "Talks Stall"


def test_a_lone_bare_url_is_the_source():
    parsed = parse("https://example.com/2024/10/17/kyiv-braces-for-winter", "", "Kyiv waits.")
    assert parsed.source_url == "https://example.com/2024/10/17/kyiv-braces-for-winter"
    assert parsed.title == "Kyiv Braces for Winter"
    assert parsed.related == []


def test_a_capitalised_word_after_a_url_is_not_part_of_it():
    parsed = parse("Story text here.", "", "https://example.com/some-story-", "Advertisement")
    assert parsed.source_url == "https://example.com/some-story-"
    assert parsed.paragraphs == ["Story text here.", "Advertisement"]


def test_a_heading_beats_the_slug_for_the_title():
    parsed = parse(
        "Kyiv braces for a hard winter",
        "",
        "The story starts here.",
        "",
        "Original url: https://example.com/2024/10/17/kyiv-winter-a12345",
    )
    assert parsed.title == "Kyiv braces for a hard winter"


def test_a_wrapped_url_after_a_label_on_the_same_line_is_rejoined():
    parsed = parse(
        "The story starts here.",
        "",
        "Original url: https://example.com/2024/10/17/kyiv-braces-for-",
        "winter-a12345",
    )
    assert parsed.source_url == "https://example.com/2024/10/17/kyiv-braces-for-winter-a12345"
    assert parsed.title == "Kyiv Braces for Winter"
    assert parsed.paragraphs == ["The story starts here."]


def test_a_shortened_slug_still_pairs_with_its_label():
    parsed = parse(
        "The story starts here.",
        "",
        "Related article: Zelensky Says Russia Will Bring Troops From North Korea",
        "",
        "https://example.com/zelensky-north-korea-troops-a123456",
        "",
        "Original url: https://example.com/some-other-story",
    )
    assert parsed.related == [
        RelatedLink(
            "Zelensky Says Russia Will Bring Troops From North Korea",
            "https://example.com/zelensky-north-korea-troops-a123456",
        )
    ]


def test_links_left_over_become_related_links_titled_from_their_slug():
    parsed = parse(
        "Kyiv braces for winter",
        "",
        "Officials in Kyiv met on Monday.",
        "",
        "https://example.com/2024/10/01/grid-attacks-continue",
        "https://example.com/2024/10/02/kyiv-officials-meet-12345",
    )
    assert parsed.source_url == ""
    assert parsed.related == [
        RelatedLink(
            "Grid Attacks Continue", "https://example.com/2024/10/01/grid-attacks-continue"
        ),
        RelatedLink(
            "Kyiv Officials Meet", "https://example.com/2024/10/02/kyiv-officials-meet-12345"
        ),
    ]


def test_slug_title_keeps_acronyms_from_the_body():
    parsed = parse(
        "Leaders of NATO met in Brussels.", "", "https://example.com/nato-leaders-meet-12345"
    )
    assert parsed.title == "NATO Leaders Meet"
