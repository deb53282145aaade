"""Pocket's exports: the CSV (since 2024) and the older HTML page.

- CSV: a header `title,url,time_added,tags,status` (any order, any case), `time_added`
  in Unix seconds, `tags` separated by `|`, `status` "unread" or "archive". Read with the
  standard library's csv module; a row is reported by the line it starts on.
- HTML: `<h1>Unread</h1>` and `<h1>Read Archive</h1>`, each over a `<ul>` of
  `<li><a href time_added tags>title</a>`, tags comma-separated.

Pocket carries no text: every article is fetched. Archived means read and archived.
"""

from __future__ import annotations

import csv

from articles.imports.bookmarks import read_links
from articles.imports.core import (
    Cells,
    Entry,
    Format,
    Parsed,
    Problem,
    csv_rows,
    labels_of,
    plain,
    time_of,
    url_of,
    when,
)

_CSV_COLUMNS = {"url", "time_added"}


def looks_like_csv(text: str) -> bool:
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    try:
        header = {name.strip() for name in next(csv.reader([first]))}
    except (csv.Error, StopIteration):
        return False
    return header >= _CSV_COLUMNS


def looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return "<title>pocket export</title>" in head or (
        "time_added=" in text[:65536].lower() and "<a " in head
    )


def _entry(where: str, url: str, fields: dict[str, str], *, archived: bool) -> Entry:
    """An article of either export: `fields` are its title, time_added and tags."""
    title, tags = fields.get("title", ""), fields.get("tags", "")
    saved = time_of(fields.get("time_added"))
    done = when(saved) if archived else None
    return Entry(
        where=where,
        url=url,
        title=plain(title) or url,
        saved_at=saved,
        labels=labels_of(tags, "|" if "|" in tags else ","),
        read_at=done,
        archived_at=done,
    )


def read_csv(text: str) -> Parsed:
    parsed = Parsed(Format.POCKET_CSV)
    for where, cells in csv_rows(text, parsed):

        def cell(name: str, cells: Cells = cells) -> str:
            return cells.get(name, "").strip()

        raw_url = cell("url")
        url = url_of(raw_url)
        if not url:
            parsed.problems.append(
                Problem(where, "no URL" if not raw_url else f"not a web address: {raw_url[:80]}")
            )
            continue
        parsed.entries.append(
            _entry(
                where,
                url,
                {name: cell(name) for name in ("title", "time_added", "tags")},
                archived=cell("status").lower() in {"archive", "archived", "read"},
            )
        )
    return parsed


def read_html(text: str) -> Parsed:
    parsed = Parsed(Format.POCKET_HTML)
    for link in read_links(text):
        where = f"line {link.line}"
        url = url_of(link.href)
        if not url:
            parsed.problems.append(
                Problem(where, "no URL" if not link.href else "not a web address")
            )
            continue
        parsed.entries.append(
            _entry(
                where,
                url,
                {**link.attrs, "title": link.text},
                archived="archive" in link.heading.lower() or link.heading.lower() == "read",
            )
        )
    return parsed
