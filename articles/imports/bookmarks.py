"""Netscape bookmark files (every browser's export, Linkding, Pinboard, ...), and the
link reader the HTML exports share (Pocket's is one: `articles.imports.pocket`).

The format (https://learn.microsoft.com/en-us/previous-versions/windows/internet-explorer/
ie-developer/platform-apis/aa753582(v=vs.85)) is a `<DL>` of `<DT><A HREF ADD_DATE ...>`
with an optional `<DD>` description after each link. Read with the standard library's
html.parser, which never fails on broken markup:
- `ADD_DATE` is when it was saved (Unix seconds), `TAGS` its labels (comma-separated);
- `TOREAD="1"` means unread; when a file marks some links to read (Linkding does), the
  others are read; a browser's file says nothing, and nothing is marked;
- the `<DD>` text is a note on the whole article.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from articles.imports.core import (
    Entry,
    Format,
    Highlight,
    Parsed,
    Problem,
    labels_of,
    plain,
    time_of,
    url_of,
    when,
)

NOTE_MAX_CHARS = 20_000


@dataclass
class Link:
    href: str
    attrs: dict[str, str]
    line: int
    heading: str  # the last <h1> before it (Pocket's sections)
    text: str = ""
    note: str = ""


@dataclass
class _State:
    links: list[Link] = field(default_factory=list)
    heading: list[str] | None = None
    last_heading: str = ""
    in_link: Link | None = None
    in_note: Link | None = None


class LinkReader(HTMLParser):
    """Every `<a href>` of a page, with its attributes (lower-cased names), its text, the
    line it is on, the last `<h1>` before it, and the `<dd>` text after it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.state = _State()

    @property
    def links(self) -> list[Link]:
        return self.state.links

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        state = self.state
        if tag in {"dt", "dl", "h1", "h2", "h3", "a"}:
            state.in_note = None
        if tag == "h1":
            state.heading = []
        elif tag == "a":
            values = {name.lower(): value or "" for name, value in attrs}
            link = Link(values.get("href", ""), values, self.getpos()[0], state.last_heading)
            state.links.append(link)
            state.in_link = link
        elif tag == "dd" and state.links:
            state.in_note = state.links[-1]

    def handle_endtag(self, tag: str) -> None:
        state = self.state
        if tag == "h1" and state.heading is not None:
            state.last_heading = " ".join("".join(state.heading).split())
            state.heading = None
        elif tag == "a":
            state.in_link = None
        elif tag == "dl":
            state.in_note = None

    def handle_data(self, data: str) -> None:
        state = self.state
        if state.heading is not None:
            state.heading.append(data)
        if state.in_link is not None:
            state.in_link.text += data
        elif state.in_note is not None:
            state.in_note.note += data


def read_links(text: str) -> list[Link]:
    reader = LinkReader()
    reader.feed(text)
    reader.close()
    return reader.links


def looks_like(text: str) -> bool:
    return "NETSCAPE-Bookmark-file" in text[:1024]


def read(text: str) -> Parsed:
    parsed = Parsed(Format.NETSCAPE)
    links = read_links(text)
    marks_unread = any("toread" in link.attrs for link in links)
    for link in links:
        where = f"line {link.line}"
        url = url_of(link.href)
        if not url:
            # A folder's bookmarklet or a place: not an article.
            reason = "no address" if not link.href.strip() else "not a web address"
            parsed.problems.append(Problem(where, f"{reason}, left out"))
            continue
        saved = time_of(link.attrs.get("add_date"))
        unread = link.attrs.get("toread", "") == "1"
        note = link.note.strip()[:NOTE_MAX_CHARS]
        parsed.entries.append(
            Entry(
                where=where,
                url=url,
                title=plain(link.text) or url,
                saved_at=saved,
                labels=labels_of(link.attrs.get("tags", "")),
                read_at=when(time_of(link.attrs.get("last_modified")), saved)
                if marks_unread and not unread
                else None,
                highlights=(Highlight(note=note, created_at=saved, where=where),) if note else (),
            )
        )
    if not parsed.entries and not parsed.problems:
        parsed.problems.append(Problem("", "no bookmarks in the file"))
    return parsed
