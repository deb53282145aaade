"""parse_plaintext(): pasted plain text to title, byline, source, date, paragraphs, links.

Pure parsing, so no database. The acceptance sample is third-party text kept outside the
repository, in ../shared/samples; its tests skip when that folder is absent. What each
part of a text becomes is in test_plaintext_<aspect>.py beside this file: paragraphs,
title and byline, dates, links.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from articles.errors import IngestError
from articles.plaintext import ParsedText, RelatedLink, parse_plaintext
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "north-korean-troops.txt"

URL = re.compile(r"(?:https?://|www\.)\S+")

LABELS = re.compile(r"(?i)\b(?:original url|related article|read more|published)\s*:")


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
