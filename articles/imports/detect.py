"""Which export a file is, from what it holds (its name only helps the error say more).

ZIP (by its magic number) -> Omnivore; JSON -> Hypothesis (`export_date`/`export_userid`
and `annotations`), Wallabag (a list of entries with `url` and `is_archived`...), Web
Annotations (`@context`, or an Annotation, AnnotationPage or AnnotationCollection); XML
with `<opml` -> OPML; HTML with the Netscape doctype -> bookmarks; Pocket's HTML (its
title, or links with `time_added`); a CSV whose header has `url` and `time_added` ->
Pocket's CSV; one whose header has `Highlight` and `URL` -> highlights (Readwise's
columns, and Newsroom's CSV export). Anything else is refused with a one-line reason.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING

from articles.imports import (
    bookmarks,
    omnivore,
    opml,
    pocket,
    readwise,
    wallabag,
    webannotations,
)
from articles.imports.core import MAX_IMPORT_BYTES, ImportFileError, Parsed, decode, load_json

if TYPE_CHECKING:
    from collections.abc import Callable

_MAGIC = [
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a program"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"SQLite format 3", "a database file"),
]
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
KNOWN = (
    "Pocket (CSV or HTML), browser or Linkding bookmarks (HTML), Omnivore (ZIP), "
    "Wallabag (JSON), Hypothesis (JSON), Web Annotations (JSON-LD), highlights (CSV in "
    "Readwise's columns) or feeds (OPML)"
)


# Text formats, by what their first lines show (an HTML export may name its charset).
_TEXT_FORMATS: list[tuple[Callable[[str], bool], Callable[[str], Parsed]]] = [
    (opml.looks_like, opml.read),
    (bookmarks.looks_like, bookmarks.read),
    (pocket.looks_like_html, pocket.read_html),
    (pocket.looks_like_csv, pocket.read_csv),
    (readwise.looks_like, readwise.read),
]


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


def check(data: bytes) -> None:
    """Refuse what no importer could read: empty, too large, or a known binary kind."""
    if not data.strip():
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"It is {_human(len(data))}; Newsroom imports files up to {_human(MAX_IMPORT_BYTES)}."
        )
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ImportFileError(f"It is {what}, not an export Newsroom can import.")


def read(data: bytes, filename: str = "") -> Parsed:
    """The file parsed by the importer its content calls for."""
    check(data)
    if data.startswith(_ZIP):
        return omnivore.read(data)
    text = decode(data)
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[")):
        return _json(text)
    for looks_like, reader in _TEXT_FORMATS:
        if looks_like(head):
            return reader(text)
    suffix = PurePath(filename).suffix.lower()
    first_line = head.split("\n", 1)[0]
    if suffix == ".csv" or (first_line.count(",") >= 2 and not head.startswith("<")):
        raise ImportFileError(
            "It is a CSV file, but neither Pocket's export (title, url, time_added, tags, "
            "status) nor highlights (Highlight, Title, Author, URL, Note, Location, Date)."
        )
    if head.startswith("<"):
        raise ImportFileError("It is HTML or XML, but neither bookmarks, Pocket's export nor OPML.")
    raise ImportFileError(f"Newsroom does not recognise this file. It imports {KNOWN}.")


def _json(text: str) -> Parsed:
    data = load_json(text)
    if webannotations.looks_like_hypothesis(data):
        return webannotations.read_hypothesis(text, data)
    if wallabag.looks_like(data):
        return wallabag.read(text, data)
    if webannotations.looks_like_w3c(data):
        return webannotations.read_w3c(text, data)
    if data == []:
        raise ImportFileError("It is an empty list: there is nothing to import.")
    raise ImportFileError("It is JSON, but not a Wallabag, Hypothesis or Web Annotation export.")
