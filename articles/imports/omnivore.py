"""Omnivore's export: a ZIP of `metadata_<from>_to_<to>.json` files, each a list of
`{id, slug, title, author, url, state, labels, savedAt, updatedAt, publishedAt,
readingProgress…}`, with `content/<slug>.html` (the page as Omnivore kept it) and
`highlights/<slug>.md` (each highlight a `> quote` block, its note in the paragraphs
after it) beside them.

The archive is read in memory through `articles.imports.archive` (caps on members and
sizes; names are keys, never paths). Metadata files are read one by one: a broken one is
reported with its line and the others still go in. A page is read only when it is saved.
An item without a page is fetched; one Omnivore had deleted is left out.
"""

from __future__ import annotations

import re
from typing import Any

from articles.errors import IngestError
from articles.imports.archive import Archive
from articles.imports.core import (
    Entry,
    Format,
    Highlight,
    ImportFileError,
    Parsed,
    Problem,
    color_of,
    date_of,
    decode,
    labels_of,
    load_json,
    plain,
    time_of,
    url_of,
    when,
)

MAX_METADATA_BYTES = 20 * 1024 * 1024
_METADATA = re.compile(r"(?:^|/)metadata_[^/]*\.json$")
# Omnivore ends a quote with a link back to the passage in its reader.
_BACKLINK = re.compile(r"\s*\[[^\]]{0,8}\]\(https?://[^)\s]*\)\s*$")
READ_PERCENT = 98


def looks_like(archive: Archive) -> bool:
    return any(_METADATA.search(name) for name in archive.names())


def read(data: bytes) -> Parsed:
    archive = Archive(data)
    if not looks_like(archive):
        raise ImportFileError(
            "It is a ZIP archive, but not an Omnivore export (no metadata_*.json)."
        )
    parsed = Parsed(Format.OMNIVORE)
    names = archive.names()
    for name in (n for n in names if _METADATA.search(n)):
        folder = name.rsplit("/", 1)[0] + "/" if "/" in name else ""
        raw = archive.read(name, MAX_METADATA_BYTES)
        if raw is None:
            continue
        try:
            items = load_json(decode(raw))
        except ImportFileError as exc:
            parsed.problems.append(Problem(name, str(exc)))
            continue
        if not isinstance(items, list):
            parsed.problems.append(Problem(name, "not a list of saved items"))
            continue
        for number, item in enumerate(items, start=1):
            where = f"{name}, item {number}"
            if not isinstance(item, dict):
                parsed.problems.append(Problem(where, "not a saved item"))
                continue
            if entry := _entry(archive, folder, item, where, parsed):
                parsed.entries.append(entry)
    parsed.problems[:0] = archive.problems
    # Problems found later, reading a page as it is saved, are the run's to report.
    archive.problems = []
    return parsed


def _member(folder: str, kind: str, slug: str) -> str:
    return f"{folder}{kind}/{slug}.{'html' if kind == 'content' else 'md'}"


def _entry(
    archive: Archive, folder: str, item: dict[str, Any], where: str, parsed: Parsed
) -> Entry | None:
    state = str(item.get("state") or "").lower()
    if state == "deleted":
        parsed.problems.append(Problem(where, "deleted in Omnivore, left out"))
        return None
    url = url_of(item.get("url") or item.get("originalUrl"))
    slug = item.get("slug") if isinstance(item.get("slug"), str) else ""
    content = _member(folder, "content", slug) if slug else ""
    has_page = content in archive.members
    if not url and not has_page:
        parsed.problems.append(Problem(where, "no URL and no page"))
        return None
    saved = time_of(item.get("savedAt"))
    updated = time_of(item.get("updatedAt"))
    progress = item.get("readingProgress", item.get("readingProgressPercent"))
    read = isinstance(progress, int | float) and progress >= READ_PERCENT
    archived = when(time_of(item.get("archivedAt")), updated) if state == "archived" else None
    labels = labels_of(item.get("labels"))

    def load(name: str = content) -> str:
        raw = archive.read(name)
        if raw is None:
            told = archive.problems.pop() if archive.problems else None
            raise IngestError(told.reason if told else "its page is missing")
        return decode(raw)

    return Entry(
        where=where,
        url=url,
        title=plain(item.get("title")),
        load=load if has_page else None,
        byline=plain(item.get("author"), 300),
        site_name=plain(item.get("siteName"), 200),
        published=date_of(item.get("publishedAt")),
        saved_at=saved,
        labels=labels,
        read_at=when(time_of(item.get("readAt")), updated) if read or archived else None,
        archived_at=archived,
        highlights=tuple(_highlights(archive, _member(folder, "highlights", slug), saved))
        if slug
        else (),
    )


def _highlights(archive: Archive, name: str, saved: Any) -> list[Highlight]:
    raw = archive.read(name)
    if not raw:
        return []
    return [
        Highlight(
            exact=quote,
            note=note,
            created_at=saved,
            where=f"{name}, highlight {n}",
            color=color_of(""),
        )
        for n, (quote, note) in enumerate(parse_highlights(decode(raw)), start=1)
    ]


def parse_highlights(text: str) -> list[tuple[str, str]]:
    """(quote, note) pairs of an Omnivore highlights file: each `> ` block is a quote,
    the paragraphs up to the next one its note."""
    found: list[tuple[list[str], list[str]]] = []
    in_quote = False
    for line in text.splitlines():
        if line.startswith(">"):
            body = line[1:].removeprefix(" ")
            if not in_quote:
                found.append(([], []))
                in_quote = True
            found[-1][0].append(body)
        else:
            in_quote = False
            if found:
                found[-1][1].append(line)
    pairs = []
    for quote_lines, note_lines in found:
        quote = _BACKLINK.sub("", "\n".join(quote_lines)).strip()
        if quote:
            pairs.append((quote, "\n".join(note_lines).strip()))
    return pairs
