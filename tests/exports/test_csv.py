"""CSV for Readwise: its header exactly, then ours; one row per annotation the person
sees, whose Location finds the highlight in the article's text; no cell that a
spreadsheet would run as a formula; every character kept."""

from __future__ import annotations

import csv
import io

import pytest

from articles.exports import selection
from articles.exports.csv import HEADER, safe_cell, write
from tests.factories import highlight, make_article

pytestmark = pytest.mark.django_db

BASE = "https://newsroom.example.org"
READWISE = ["Highlight", "Title", "Author", "URL", "Note", "Location", "Date"]


def _rows(chosen) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    write(chosen, BASE, out)
    lines = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert lines[0] == [*READWISE, "Colour label", "Entity", "Audience", "State"]
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def test_the_header_is_readwises_columns_then_ours():
    assert list(HEADER[:7]) == READWISE
    assert list(HEADER[7:]) == ["Colour label", "Entity", "Audience", "State"]


def test_a_highlight_row_has_its_words_article_note_place_and_date(library, user):
    rows = _rows(selection.of_article(user, library.strike))
    green = library.made["green"]
    row = next(r for r in rows if r["Highlight"] == "container ships waiting")
    assert row == {
        "Highlight": "container ships waiting",
        "Title": "Harbour Strike Enters Second Week",
        "Author": "Jane Doe",
        "URL": "https://news.example.org/2025/03/03/harbour-strike",
        "Note": "'" + green.note,  # it starts with "-": see test_no_cell_runs_as_a_formula
        "Location": str(green.start),
        "Date": green.created_at.strftime("%Y-%m-%d %H:%M:%S"),
        "Colour label": "Verified claim",
        "Entity": "",
        "Audience": "Politics desk",
        "State": "Unchanged",
    }
    start = int(row["Location"])
    assert library.strike.body_text[start : start + len(row["Highlight"])] == row["Highlight"]


def test_page_notes_mentions_and_orphans_say_what_they_are(library, user):
    rows = _rows(selection.of_article(user, library.strike))
    by_state = {}
    for row in rows:
        by_state.setdefault(row["State"], []).append(row)
    page_note = by_state["Page note"][0]
    assert page_note["Highlight"] == "Follow up on **Friday**, at the port."
    assert (page_note["Note"], page_note["Location"], page_note["Colour label"]) == ("", "", "")
    orphan = by_state["Orphaned"][0]
    assert (orphan["Highlight"], orphan["Location"]) == ("4,000 members had voted to continue", "")
    mentions = [r for r in rows if r["Entity"]]
    assert {(r["Entity"], r["Highlight"]) for r in mentions} == {
        ("Rotterdam", "Rotterdam"),
        ("FNV", "FNV"),
    }
    assert by_state["Changed"][0]["Highlight"] == "are off"
    # alice's 6 and her mention, bob's desk note and his mention by the title; not his
    # private note.
    assert len(rows) == 9
    assert not [r for r in rows if "SECRET" in r["Note"]]


def test_no_cell_runs_as_a_formula(library, bob):
    rows = _rows(selection.of_article(bob, library.zurich))
    formula = next(r for r in rows if "SUM" in r["Highlight"])
    assert formula["Highlight"] == "'=SUM(A1:A9)"
    assert formula["Note"] == "'-1 or +1? @everyone"
    for value in ("=1+1", "+1", "-1", "@SUM(1)", "\t=1", "\r=1"):
        assert safe_cell(value) == "'" + value
    assert safe_cell("1-1 = 0") == "1-1 = 0"


def test_a_title_that_is_a_formula_is_neutralised_too(user):
    article = make_article('=HYPERLINK("https://evil.example/","Click")\n\nThe body of it.')
    highlight(article, user, "The body")
    rows = _rows(selection.of_article(user, article))
    assert rows[0]["Title"].startswith("'=HYPERLINK(")


def test_unicode_is_kept_as_utf8(library, user):
    out = io.BytesIO()
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    write(selection.of_article(user, library.zurich), BASE, text)
    text.detach()
    rows = list(csv.reader(io.StringIO(out.getvalue().decode("utf-8"), newline="")))
    assert rows[1][:2] == ["Die Stadt Zürich wächst", "Zürich – «Größe» & co"]
    assert rows[1][4] == "«Größe» – 😀"


def test_a_note_with_commas_quotes_and_lines_stays_in_its_cell(user, article):
    note = 'He said "no", then:\nline two, with a comma'
    highlight(article, user, "container ships waiting", note=note)
    rows = _rows(selection.of_article(user, article))
    assert rows[0]["Note"] == note


def test_an_empty_library_is_the_header_alone(user):
    assert _rows(selection.of_everything(user)) == []
