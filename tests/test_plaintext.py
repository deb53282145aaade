"""parse_plaintext(): pasted plain text to title, byline, source, date, paragraphs, links.

Pure parsing, so no database. The acceptance sample is third-party text kept outside the
repository, in ../shared/samples; its tests skip when that folder is absent.
"""

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.errors import IngestError
from articles.plaintext import ParsedText, RelatedLink, parse_plaintext

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
SAMPLE = SAMPLES / "north-korean-troops.txt"
URL = re.compile(r"(?:https?://|www\.)\S+")
LABELS = re.compile(r"(?i)\b(?:original url|related article|read more|published)\s*:")


def parse(*lines: str) -> ParsedText:
    return parse_plaintext("\n".join(lines))


def output_text(parsed: ParsedText) -> str:
    related = [link.title for link in parsed.related]
    return "\n".join([parsed.title, parsed.byline, *parsed.paragraphs, *related])


# The acceptance sample --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_text() -> str:
    if not SAMPLE.is_file():
        pytest.skip(f"the shared sample {SAMPLE} is not present in this checkout")
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sample(sample_text: str) -> ParsedText:
    return parse_plaintext(sample_text)


def test_sample_has_twelve_paragraphs(sample):
    assert len(sample.paragraphs) == 12


def test_sample_first_paragraph_is_reflowed_and_trimmed(sample):
    assert sample.paragraphs[0] == (
        "Russia is preparing to deploy 10,000 North Korean soldiers in the fight against Kyiv, "
        "Ukrainian President Volodymyr Zelensky said Thursday, citing intelligence information."
    )


def test_sample_body_holds_no_url_or_metadata_label(sample):
    for paragraph in sample.paragraphs:
        assert "http" not in paragraph
        assert "Related article" not in paragraph
        assert "Original url" not in paragraph


def test_sample_byline_comes_from_the_author_link(sample):
    assert sample.byline == "AFP"


def test_sample_source_url_is_rejoined_across_the_line_break(sample):
    assert sample.source_url == (
        "https://www.themoscowtimes.com/2024/10/17/"
        "ukraine-says-russia-to-deploy-10k-north-korean-troops-a86731"
    )


def test_sample_site_name_is_the_host_without_www(sample):
    assert sample.site_name == "themoscowtimes.com"


def test_sample_title_comes_from_the_slug_with_the_bodys_capitals(sample):
    assert sample.title == "Ukraine Says Russia to Deploy 10k North Korean Troops"


def test_sample_published_date_comes_from_the_url_path(sample):
    assert sample.published == dt.date(2024, 10, 17)


def test_sample_related_label_is_paired_with_the_url_spelling_it(sample):
    assert sample.related == [
        RelatedLink(
            title="N. Korean Soldiers \u2018Highly Likely' Killed in Ukraine \u2013 Seoul",
            url="https://www.themoscowtimes.com/2025/12/07/"
            "n-korean-soldiers-highly-likely-killed-in-ukraine-seoul",
        )
    ]


def test_sample_loses_no_word(sample_text, sample):
    # The source URL wraps after a hyphen; its tail "a86731" is part of the URL, not a word.
    unwrapped = re.sub(r"(https?://\S*-)\n", r"\1", sample_text)
    story = LABELS.sub(" ", URL.sub(" ", unwrapped))
    found = Counter(re.findall(r"\w+", output_text(sample)))
    assert Counter(re.findall(r"\w+", story)) - found == Counter()


# Paragraphs -------------------------------------------------------------------------------


def test_it_reflows_hard_wrapped_lines():
    parsed = parse(
        "  The city is preparing for a hard winter, officials said on  ",
        "Monday, as attacks on the power grid continue.",
        "",
        "Residents were told to stock up on water.",
    )
    assert parsed.paragraphs == [
        (
            "The city is preparing for a hard winter, officials said on Monday, as attacks on "
            "the power grid continue."
        ),
        "Residents were told to stock up on water.",
    ]


def test_a_line_of_spaces_separates_paragraphs():
    parsed = parse("First paragraph ends here.", "   \t ", "Second paragraph.")
    assert parsed.paragraphs == ["First paragraph ends here.", "Second paragraph."]


def test_each_line_is_a_paragraph_when_the_text_has_no_blank_lines():
    parsed = parse(
        "The first paragraph came as one long line and it ends with a full stop, like this.",
        "A short second one.",
        "The third paragraph is of quite another length, and it ends properly too.",
        "And a fourth.",
    )
    assert len(parsed.paragraphs) == 4
    assert parsed.paragraphs[1] == "A short second one."


def test_very_long_lines_are_paragraphs_even_without_full_stops():
    first, second = "word " * 50, "other " * 45
    parsed = parse(first, second)
    assert parsed.paragraphs == [first.strip(), second.strip()]


def test_hard_wrapped_text_without_blank_lines_stays_one_paragraph():
    parsed = parse(
        "An unspecified number of North Korean soldiers were already on occupied Ukrainian",
        "territory from the side of Russian enemies, Zelensky said, based on information from",
        "our intelligence services, and he repeated the claim to reporters in Brussels.",
    )
    assert len(parsed.paragraphs) == 1


def test_first_line_indentation_marks_paragraphs():
    parsed = parse(
        "    The first paragraph is indented by four spaces and it wraps onto",
        "a second line that is not indented at all.",
        "    The second paragraph opens the same way and also wraps onto",
        "another line.",
    )
    assert len(parsed.paragraphs) == 2
    assert parsed.paragraphs[1].startswith("The second paragraph")


def test_hyphen_at_line_end_joins_a_lower_case_continuation():
    parsed = parse("The planned deploy-", "ment of troops was delayed.")
    assert parsed.paragraphs == ["The planned deploy-ment of troops was delayed."]


def test_hyphen_before_a_capital_keeps_the_space():
    parsed = parse("Talks with the pro-", "Kremlin side and a well-", "known envoy.")
    assert parsed.paragraphs == ["Talks with the pro- Kremlin side and a well-known envoy."]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["- first item", "- second item"], ["- first item", "- second item"]),
        (["* first item", "* second item"], ["* first item", "* second item"]),
        (["\u2022 first item", "\u2022 second item"], ["\u2022 first item", "\u2022 second item"]),
        (["1. first item", "2. second item"], ["1. first item", "2. second item"]),
    ],
)
def test_bullet_items_stay_separate_paragraphs(lines, expected):
    parsed = parse("Key points of the plan were announced on Monday.", "", *lines)
    assert parsed.paragraphs[1:] == expected


def test_a_wrapped_bullet_item_keeps_its_continuation():
    parsed = parse(
        "Key points:", "- first item that wraps", "  onto the next line", "- second item"
    )
    assert parsed.paragraphs == [
        "Key points:",
        "- first item that wraps onto the next line",
        "- second item",
    ]


def test_a_single_dash_at_a_line_start_is_not_a_list():
    parsed = parse("He spoke for an hour about the plan", "- and then left the room quietly.")
    assert parsed.paragraphs == [
        "He spoke for an hour about the plan - and then left the room quietly."
    ]


# Other scripts and encodings --------------------------------------------------------------


def test_cyrillic_lines_are_reflowed():
    parsed = parse("Президент заявил,", "что войска готовы.")
    assert parsed.paragraphs == ["Президент заявил, что войска готовы."]


def test_greek_lines_are_reflowed():
    parsed = parse("Η κυβέρνηση ανακοίνωσε", "νέα μέτρα.")
    assert parsed.paragraphs == ["Η κυβέρνηση ανακοίνωσε νέα μέτρα."]


def test_cjk_lines_join_without_a_space():
    parsed = parse("这是一个很长的中文句子，它被", "硬换行了。", "", "日本語の文章も", "あります。")
    assert parsed.paragraphs == [
        "这是一个很长的中文句子，它被硬换行了。",
        "日本語の文章もあります。",
    ]


def test_cjk_next_to_latin_keeps_the_space():
    parsed = parse("他们使用", "Python 编程。")
    assert parsed.paragraphs == ["他们使用 Python 编程。"]


def test_windows_line_endings_tabs_nbsp_bom_and_form_feeds_are_cleaned():
    parsed = parse_plaintext(
        "\ufeffKyiv braces for winter\r\n\r\nFirst\tparagraph\u00a0runs on\r\n"
        "to a second line.\r\n\x0c\r\nSecond  paragraph.\r\n"
    )
    assert parsed.title == "Kyiv braces for winter"
    assert parsed.paragraphs == ["First paragraph runs on to a second line.", "Second paragraph."]


# Title and byline -------------------------------------------------------------------------


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


# Dates ------------------------------------------------------------------------------------


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


# Links ------------------------------------------------------------------------------------


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


# No story ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t\n  ", "\ufeff", "\r\n\x0c\r\n"])
def test_empty_text_is_refused(text):
    with pytest.raises(IngestError, match="empty"):
        parse_plaintext(text)


@pytest.mark.parametrize(
    "text",
    [
        "https://example.com/some-story",
        "https://example.com/a\n\nhttps://example.com/b\n",
        "Original url:\nhttps://example.com/foo\n\nBy John Smith\n\nMarch 3, 2025\n",
    ],
)
def test_links_and_metadata_alone_are_refused(text):
    with pytest.raises(IngestError, match="only links"):
        parse_plaintext(text)


# Properties -------------------------------------------------------------------------------

# Letters from several scripts; label words and month names are left out, since a line made
# of them may rightly be read as metadata.
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßçñабвгдежикломнопБДЖαβγδεθλπσΔΣ"
CJK = "中文日本語新聞記者ひらカタ"
LABEL_WORDS = re.compile(
    r"(?i)by|related|read|see|also|original|url|source|link|canonical|permalink|published"
    r"|updated|posted|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|www|https?"
)
STEMS = st.one_of(
    st.text(LETTERS, min_size=1, max_size=9),
    st.text(CJK, min_size=1, max_size=4),
    st.sampled_from(["10k", "2024", "10,000", "3.5", "1990s", "don't", "Zelensky's"]),
).filter(lambda stem: not LABEL_WORDS.fullmatch(stem))
WORDS = st.builds(
    "{}{}{}".format,
    st.sampled_from(["", "", "", '"', "(", "\u201c", "\u2018", "- ", "1. "]),
    STEMS,
    st.sampled_from(["", "", "", ",", ".", "!", "?", ";", ":", ")", "\u201d", "-", "'"]),
)
SEPARATORS = st.sampled_from(["\n\n", "\n \n", "\n\n\n", "\n", "\r\n\r\n", "\n\t\n"])


def wrap(words: list[str], width: int, indent: str) -> str:
    lines, line = [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(indent + line for line in lines)


@st.composite
def wrapped_texts(draw: st.DrawFn, *, with_urls: bool = False) -> str:
    paragraphs = draw(st.lists(st.lists(WORDS, min_size=1, max_size=40), min_size=1, max_size=6))
    parts = [
        wrap(words, draw(st.integers(10, 100)), draw(st.sampled_from(["", " ", "\t", "\u00a0"])))
        for words in paragraphs
    ]
    if with_urls:
        slugs = st.lists(st.text(LETTERS, min_size=1, max_size=6), min_size=1, max_size=4)
        for _ in range(draw(st.integers(1, 3))):
            path = "-".join(draw(slugs)) + "-" + str(draw(st.integers(1000, 99999)))
            parts.insert(draw(st.integers(0, len(parts))), f"https://example.com/{path}")
    text = parts[0]
    for part in parts[1:]:
        text += draw(SEPARATORS) + part
    return text


def words_of(text: str) -> list[str]:
    return re.findall(r"\w+", URL.sub(" ", text))


@settings(max_examples=200, deadline=None)
@given(wrapped_texts())
def test_reflowing_never_loses_a_word(text):
    parsed = parse_plaintext(text)
    output = output_text(parsed)
    for word in words_of(text):
        assert word in output
    # Joining lines may glue two tokens (CJK, "deploy-ment") but never drops a character.
    assert Counter("".join(words_of(text))) - Counter("".join(words_of(output))) == Counter()


@settings(max_examples=200, deadline=None)
@given(wrapped_texts())
def test_paragraphs_are_single_clean_lines(text):
    for paragraph in parse_plaintext(text).paragraphs:
        assert paragraph
        assert paragraph == paragraph.strip()
        assert "  " not in paragraph
        assert "\n" not in paragraph
        assert "\r" not in paragraph


@settings(max_examples=200, deadline=None)
@given(wrapped_texts(with_urls=True))
def test_bare_urls_leave_the_body_and_every_other_word_stays(text):
    parsed = parse_plaintext(text)
    output = output_text(parsed)
    for word in words_of(text):
        assert word in output
    for paragraph in parsed.paragraphs:
        assert "https://" not in paragraph
