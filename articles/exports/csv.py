"""CSV in the columns Readwise imports, then Newsroom's own.

`Highlight, Title, Author, URL, Note, Location, Date` (Readwise's, in its order), then
`Colour label, Entity, Audience, State`. One row per exported annotation, articles in the
selection's order and annotations in text order:

- Highlight: the quoted words (for an orphan, the words it was written on); a page note,
  which has none, gives its note here (Readwise needs a highlight) and State "Page note".
- URL: the article's source, else its page in Newsroom. Location: the passage's start,
  as a character offset in the article's text (empty for what is on no passage).
- Date: when the annotation was made, `YYYY-MM-DD HH:MM:SS` in UTC.

Invariant: no cell can run as a formula in a spreadsheet: a cell starting with `=`, `+`,
`-`, `@`, a tab or a carriage return gets a leading apostrophe (OWASP's advice), which
spreadsheets show as text and hide.
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import TYPE_CHECKING

from articles import sharing
from articles.exports.markdown import legend
from articles.exports.selection import items

if TYPE_CHECKING:
    from typing import TextIO

    from articles.exports.selection import Selection
    from articles.models import Annotation, Article

HEADER = ("Highlight", "Title", "Author", "URL", "Note", "Location", "Date",
          "Colour label", "Entity", "Audience", "State")  # fmt: skip
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """`value` as a cell no spreadsheet evaluates."""
    return f"'{value}" if value.startswith(_FORMULA) else value


def row(
    annotation: Annotation, article: Article, base_url: str, colours: dict[str, str]
) -> list[str]:
    page_note = annotation.start is None and annotation.entity is None
    words = annotation.original_exact if annotation.is_orphaned else annotation.exact
    if page_note:
        highlight, note, state = annotation.note or words, "", "Page note"
    else:
        highlight, note, state = words, annotation.note, annotation.get_status_display()
    location = "" if annotation.start is None or annotation.is_orphaned else str(annotation.start)
    cells = [
        highlight,
        article.title,
        article.byline,
        article.source_url or base_url + article.get_absolute_url(),
        note,
        location,
        annotation.created_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "" if page_note or annotation.entity is not None else colours.get(annotation.color, ""),
        annotation.entity.name if annotation.entity is not None else "",
        sharing.audience_name(annotation.group),
        state,
    ]
    return [safe_cell(cell) for cell in cells]


def write(selection: Selection, base_url: str, out: TextIO) -> tuple[int, int]:
    """The CSV of `selection`'s annotations, written to `out` (opened with newline="");
    returns how many articles were read and rows written after the header."""
    colours = legend()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    articles = rows = 0
    for item in items(selection):
        articles += 1
        for annotation in item.annotations:
            writer.writerow(row(annotation, item.article, base_url, colours))
            rows += 1
    return articles, rows
