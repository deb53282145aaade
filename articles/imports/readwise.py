"""Highlights as CSV in the columns Readwise imports: `Highlight, Title, Author, URL,
Note, Location, Date`, and the ones Newsroom's own CSV export adds after them (`Colour
label, Entity, Audience, State`). Each row is an annotation addressed by its URL, placed
like a Web Annotation (`articles.imports.save`); `Location`, when it is a number, is a
hint of where the passage starts (Newsroom's export writes the character offset).

Newsroom's export writes a page note's text in `Highlight` with State "Page note", and a
leading apostrophe before a cell that a spreadsheet would run as a formula: both are read
back. An entity mention (Entity set) is reported: entities are not imported.
"""

from __future__ import annotations

import csv
from typing import TYPE_CHECKING

from articles.imports.core import (
    Addressed,
    Format,
    Highlight,
    Parsed,
    Problem,
    csv_rows,
    time_of,
    url_of,
)
from articles.parsing import parse_int

if TYPE_CHECKING:
    from collections.abc import Callable

    from articles.imports.core import Cells

NOTE_MAX_CHARS = 20_000
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def looks_like(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    try:
        header = {name.strip() for name in next(csv.reader([first]))}
    except (csv.Error, StopIteration):
        return False
    return {"highlight", "url"} <= header


def _unguarded(value: str) -> str:
    """A cell as written before the export guarded it against spreadsheets."""
    return value[1:] if value.startswith("'") and value[1:].startswith(_FORMULA) else value


def read(text: str) -> Parsed:
    parsed = Parsed(Format.HIGHLIGHTS_CSV)
    for where, cells in csv_rows(text, parsed):

        def cell(name: str, cells: Cells = cells) -> str:
            return _unguarded(cells.get(name, ""))

        if found := _row(where, cell, parsed):
            parsed.addressed.append(found)
    return parsed


def _row(where: str, cell: Callable[[str], str], parsed: Parsed) -> Addressed | None:
    url = url_of(cell("url"))
    words = cell("highlight").strip("\n")
    if not url:
        parsed.problems.append(Problem(where, "no URL" if not cell("url") else "not a web address"))
        return None
    if cell("entity").strip():
        parsed.problems.append(Problem(where, "an entity mention; entities are not imported"))
        return None
    if not words.strip():
        parsed.problems.append(Problem(where, "no highlight"))
        return None
    created = time_of(cell("date"))
    if cell("state").strip().lower() == "page note":
        return Addressed(
            (url,), Highlight(note=words[:NOTE_MAX_CHARS], created_at=created, where=where)
        )
    location = cell("location").strip()
    hint = parse_int(location)
    colour = (cell("colour label") or cell("color") or cell("colour")).strip()
    return Addressed(
        (url,),
        Highlight(
            exact=words,
            start=hint,
            note=cell("note")[:NOTE_MAX_CHARS],
            color=colour,
            created_at=created,
            where=where,
        ),
    )
