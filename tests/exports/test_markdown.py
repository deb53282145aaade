"""Markdown for Obsidian: the front matter reads back as the article's details, the
annotations come in text order with page notes first, each with one unique block id, and
nothing anyone wrote (a note with `---` or an unclosed code fence, a quote full of
markup or over two paragraphs, a hostile title) changes the file's structure."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from articles.exports import markdown, selection
from articles.exports.markdown import escape_text, guard_note, yaml_string
from articles.models import ColorLabel
from tests.exports.markdown_files import blocks, split
from tests.factories import highlight, make_article

pytestmark = pytest.mark.django_db

BASE = "https://newsroom.example.org"


def _export(user, article) -> str:
    item = next(selection.items(selection.of_article(user, article)))
    return markdown.render(item, BASE, markdown.legend())


def test_the_front_matter_reads_back_as_the_articles_details(library, user):
    front, _body = split(_export(user, library.strike))
    strike = library.strike
    assert front == {
        "title": "Harbour Strike Enters Second Week",
        "author": "Jane Doe",
        "site": "news.example.org",
        "source": "https://news.example.org/2025/03/03/harbour-strike",
        "newsroom": f"{BASE}{strike.get_absolute_url()}",
        "published": "2025-03-03",
        "saved": strike.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "labels": ["Investigation X", "Ukraine"],
        "entities": ["FNV", "Rotterdam"],
    }


def test_page_notes_come_first_then_highlights_in_text_order_then_orphans(library, user):
    _front, body = split(_export(user, library.strike))
    ours = {library.strike.title, "Page notes", "Highlights", "No longer in the text"}
    headings = [text for kind, text in blocks(body) if kind == "heading" and text in ours]
    assert headings == [library.strike.title, "Page notes", "Highlights", "No longer in the text"]
    quotes = [text for kind, text in blocks(body) if kind == "quote" and "note" not in text]
    # alice sees her own (private too), the desk's and Everyone's; bare mentions are in
    # the front matter instead. The orphan keeps the words it was written on. (The green
    # one's note has a quote of its own, left out here.)
    assert quotes == [
        "Dock workers in Rotterdam",
        "an eighth day on Tuesday",
        "container ships waiting",
        "the port authority",
        "are off",
        "4,000 members had voted to continue",
    ]
    assert body.index("Follow up on") < body.index("> Dock workers")


def test_every_annotation_has_one_block_id_and_no_two_are_alike(library, user):
    text = _export(user, library.strike)
    ids = re.findall(r"(?<!\\)\^annotation-(\d+)\s*$", text, flags=re.MULTILINE)
    assert len(ids) == len(set(ids)) == 7  # 6 quotes and the page note; no bare mention
    assert {int(pk) for pk in ids} == {
        library.made[key].pk
        for key in ("private", "reviewed", "green", "bob desk", "changed", "orphan", "page note")
    }
    for pk in ids:
        assert f"{library.strike.get_absolute_url()}#annotation-{pk}" in text


def test_a_note_with_dashes_and_an_unclosed_fence_does_not_swallow_what_follows(library, user):
    front, body = split(_export(user, library.strike))
    assert front["title"] == library.strike.title  # the note's `---` lines did not end it
    found = blocks(body)
    code = [text for kind, text in found if kind == "code"]
    assert code == ["print('an unclosed fence')\n"]  # closed right after the note
    after = [text for kind, text in found[found.index(("code", code[0])) :] if kind == "quote"]
    assert after[0] == "the port authority"  # the next highlight is a quote again


def test_each_highlight_carries_its_colour_label_as_a_tag_and_a_link_back(library, user):
    _front, body = split(_export(user, library.strike))
    green = library.made["green"]
    line = next(line for line in body.split("\n") if f"#annotation-{green.pk}>" in line)
    assert line.startswith("#verified-claim · Alice Martin · Politics desk · [Open in Newsroom]")
    ColorLabel.objects.filter(color="green").update(label="Checked ✓")
    _front, body = split(_export(user, library.strike))
    assert "#checked · Alice Martin" in body


def test_a_changed_or_orphaned_annotation_says_so(library, user):
    _front, body = split(_export(user, library.strike))
    paragraphs = [text for kind, text in blocks(body) if kind == "paragraph"]
    assert "These words are no longer in the article: its text changed." in paragraphs
    assert (
        "The text changed since this was written. It was: “would resume on Thursday”" in paragraphs
    )


def test_a_quote_full_of_markup_over_two_paragraphs_stays_one_quote_of_its_words(user):
    text = (
        "Markup Test\n\nShe wrote: *not bold*, #tag, [link](x), $5 and $6, a == b, 50% %% "
        "and <b>x</b> & &amp; ^id.\n\n> starts with a chevron\n\n1. not a list\n\n- nor this"
    )
    article = make_article(text)
    body_text = article.body_text
    made = highlight(article, user, body_text, note="")
    _front, body = split(_export(user, article))
    quotes = [text for kind, text in blocks(body) if kind == "quote"]
    assert len(quotes) == 1
    # The quote shows exactly the article's words, paragraph by paragraph.
    assert quotes[0].split("\n") == [line for line in body_text.split("\n") if line]
    assert f"^annotation-{made.pk}" in body


@pytest.mark.parametrize(
    "note",
    [
        "a note that ends with a fake block id ^annotation-1",
        "%% an Obsidian comment that never closes",
        "$$ a math block that never closes",
        "<div>raw HTML that would run on",
        "<!-- a comment that never closes",
        "~~~\na tilde fence that never closes",
    ],
)
def test_a_hostile_note_cannot_claim_a_block_id_or_run_on(user, article, note):
    made = highlight(article, user, "container ships waiting", note=note)
    after = highlight(article, user, "The union said", note="after")
    text = _export(user, article)
    ids = re.findall(r"(?<!\\)\^annotation-(\d+)\s*$", text, flags=re.MULTILINE)
    assert ids == [str(made.pk), str(after.pk)]
    _front, body = split(text)
    assert ("quote", "The union said") in blocks(body)


def test_several_articles_are_a_zip_of_one_file_each_with_distinct_names(library, user):
    twin = make_article("Harbour Strike Enters Second Week\n\nAnother story with the same title.")
    out = io.BytesIO()
    articles, _annotations = markdown.write_zip(selection.of_everything(user), BASE, out)
    names = zipfile.ZipFile(out).namelist()
    assert articles == 3 == len(names)
    # Newest first: the twin takes the title; the older story's name adds its id.
    assert names == [
        "Harbour Strike Enters Second Week.md",
        "Zürich – «Größe» & co.md",
        f"Harbour Strike Enters Second Week ({library.strike.pk}).md",
    ]
    assert twin.pk > library.strike.pk


def test_an_article_without_annotations_says_so(user, article):
    front, body = split(_export(user, article))
    assert (front["labels"], front["entities"]) == ([], [])
    assert "*No annotations.*" in body


@given(st.text())
def test_any_text_is_one_yaml_double_quoted_scalar_that_json_reads_back(text):
    quoted = yaml_string(text)
    assert json.loads(quoted) == text
    # One line, and none of YAML's non-printable characters or line separators raw.
    assert not re.search(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]", quoted)


# No NUL: CommonMark shows it as U+FFFD, and no article text holds one (sanitize drops it).
@given(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00\r\n"))
)
def test_any_line_of_plain_text_shows_as_itself(text):
    tokens = MarkdownIt("commonmark").parseInline(escape_text(text))
    shown = "".join(child.content for child in tokens[0].children or [] if child.type == "text")
    # Markdown trims a paragraph's ends (spaces and tabs); everything else shows as typed.
    # (parseInline keeps a line of nothing but a tab, which a paragraph would drop.)
    assert shown.strip(" \t") == text.strip(" \t")


def test_a_note_keeps_its_markdown(user, article):
    assert guard_note("**bold** and [a link](https://example.org)\n\n- one\n- two") == (
        "**bold** and [a link](https://example.org)\n\n- one\n- two"
    )


def test_an_export_costs_the_same_queries_for_two_articles_or_seven(library, user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            markdown.write_zip(selection.of_everything(user), BASE, io.BytesIO())
        return len(captured)

    two = queries()
    for i in range(5):
        story = make_article(f"Story {i}\n\nThe harbour opened at dawn on day {i}.")
        highlight(story, user, "harbour opened", note=f"note {i}")
    assert queries() == two
