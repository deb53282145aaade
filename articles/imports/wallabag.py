"""Wallabag's JSON export: a list of entries, each with its text.

An entry: `title, url, content` (the extracted page, HTML), `is_archived, is_starred`
(0/1 or booleans), `tags`, `created_at, updated_at, published_at` (ISO 8601),
`starred_at, archived_at` (newer versions), `published_by` (a list of names),
`language`, `domain_name`, and `annotations: [{text, quote, ranges, created_at}]`,
annotator.js annotations whose ranges are XPaths into Wallabag's own markup: only the
quote is used to place them. Wallabag's "archived" is its "read".
"""

from __future__ import annotations

from typing import Any

from articles.imports.core import (
    Entry,
    Format,
    Highlight,
    ImportFileError,
    Parsed,
    Problem,
    date_of,
    flag,
    labels_of,
    load_json,
    plain,
    text_of,
    time_of,
    url_of,
    when,
)


def looks_like(data: object) -> bool:
    """A list whose entries (among the first few) carry Wallabag's own fields."""
    if not isinstance(data, list):
        return False
    return any(
        isinstance(item, dict)
        and "url" in item
        and bool({"is_archived", "is_starred", "domain_name"} & set(item))
        for item in data[:20]
    )


def read(text: str, data: object = None) -> Parsed:
    data = load_json(text) if data is None else data
    if not isinstance(data, list):
        raise ImportFileError("It is not a Wallabag export (a list of entries).")
    parsed = Parsed(Format.WALLABAG)
    for number, item in enumerate(data, start=1):
        where = f"entry {number}"
        if not isinstance(item, dict):
            parsed.problems.append(Problem(where, "not an entry"))
            continue
        entry = _entry(item, where, parsed)
        if entry is not None:
            parsed.entries.append(entry)
    return parsed


def _entry(item: dict[str, Any], where: str, parsed: Parsed) -> Entry | None:
    url = url_of(item.get("url")) or url_of(item.get("given_url"))
    content = text_of(item, "content")
    if not url and not content.strip():
        parsed.problems.append(Problem(where, "no URL and no text"))
        return None
    saved = time_of(item.get("created_at"))
    updated = time_of(item.get("updated_at"))
    archived = (
        when(time_of(item.get("archived_at")), updated) if flag(item.get("is_archived")) else None
    )
    starred = (
        when(time_of(item.get("starred_at")), updated) if flag(item.get("is_starred")) else None
    )
    authors = item.get("published_by")
    byline = (
        ", ".join(plain(a, 100) for a in authors if isinstance(a, str))
        if isinstance(authors, list)
        else ""
    )
    return Entry(
        where=where,
        url=url,
        title=plain(item.get("title")),
        html=content,
        byline=plain(byline, 300),
        site_name=plain(item.get("domain_name"), 200),
        language=plain(item.get("language"), 16).split("_")[0],
        published=date_of(item.get("published_at")),
        saved_at=saved,
        labels=labels_of(item.get("tags")),
        read_at=archived,
        archived_at=archived,
        favourite_at=starred,
        highlights=tuple(_highlights(item.get("annotations"), where, parsed)),
    )


def _highlights(raw: object, where: str, parsed: Parsed) -> list[Highlight]:
    if not isinstance(raw, list):
        return []
    found = []
    for number, annotation in enumerate(raw, start=1):
        here = f"{where}, annotation {number}"
        quote = annotation.get("quote") if isinstance(annotation, dict) else None
        if not isinstance(quote, str) or not quote.strip():
            parsed.problems.append(Problem(here, "no quote"))
            continue
        note = annotation.get("text")
        found.append(
            Highlight(
                exact=quote,
                note=note if isinstance(note, str) else "",
                created_at=time_of(annotation.get("created_at")),
                where=here,
            )
        )
    return found
