"""Taking the metadata lines out of pasted text, and keeping what they say.

Invariants:
- A line leaves the body only when it is wholly metadata: a bare URL (with the tail a mailer
  wrapped onto the next line), a labelled URL ("Original url:"), a related-story label
  ("Related article:", "Read more:"), a date line or a by-line. Its words then live on in
  `Found` (label words themselves are dropped), so no story word is lost.
- A removed line becomes None, a paragraph break, so text on either side never merges.
- A line that only looks like metadata in the middle of a paragraph (a wrapped "By Monday,
  ..." or a date that a wrap left alone on a line) stays story text.
"""

import re
from dataclasses import dataclass, field

from articles.plaintext import bylines, dates, links
from articles.plaintext.dates import DateLine
from articles.plaintext.lines import Entry, ends_sentence

_SOURCE_LABEL = re.compile(
    r"(?:original\s+(?:url|link|article|source)|source\s+(?:url|link)|canonical(?:\s+url)?"
    r"|source|url|link|permalink)\s*[:\uff1a]\s*(?P<rest>.*)",
    re.IGNORECASE,
)
_RELATED_LABEL = re.compile(
    r"(?:related(?:\s+(?:articles?|stor(?:y|ies)|news|content|reading|links?))?"
    r"|read\s+(?:more|also)|also\s+read|see\s+also|more\s+on\s+this(?:\s+story)?"
    r"|recommended(?:\s+reading)?|further\s+reading)\s*[:\uff1a]\s*(?P<rest>.*)",
    re.IGNORECASE,
)
# Punctuation left around a title once its URL is cut out: "Title - https://..." or "(url)".
_TITLE_TRIM = " -\u2013\u2014|:()<>[]"
_MAX_TITLE = 150
_MAX_BLANKS_BEFORE_URL = 2


@dataclass(frozen=True)
class Label:
    """A related-story label line: its title and the link given with it, if any."""

    title: str
    url: str
    position: int  # line number, to keep related links in the order the text gives them


@dataclass
class Found:
    body: list[Entry]
    source_url: str = ""
    author: str = ""  # from an author-page URL
    byline: str = ""  # from a "By ..." line
    dates: list[DateLine] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    urls: list[tuple[int, str]] = field(default_factory=list)  # (line number, bare URL)

    def remove(self, start: int, end: int) -> None:
        self.body[start:end] = [None] * (end - start)


def _text(entries: list[Entry], i: int) -> str:
    entry = entries[i] if 0 <= i < len(entries) else None
    return entry.text if entry is not None else ""


def _extend(url: str, entries: list[Entry], j: int) -> tuple[str, int]:
    """The URL with any wrapped tail from line j on, and the index after it."""
    while (tail := _text(entries, j)) and links.continues_url(url, tail):
        url += tail
        j += 1
    return url, j


def _take_url(entries: list[Entry], i: int) -> tuple[str, int] | None:
    url = links.bare_url(_text(entries, i))
    return _extend(url, entries, i + 1) if url else None


def _source(entries: list[Entry], i: int, found: Found) -> int | None:
    match = _SOURCE_LABEL.fullmatch(_text(entries, i))
    if match is None:
        return None
    if match["rest"]:
        url = links.bare_url(match["rest"])
        if url is None:
            return None  # "Source: Reuters" is a credit, and credits are story text
        url, end = _extend(url, entries, i + 1)
    else:
        j = i + 1
        while j < len(entries) and entries[j] is None and j - i <= _MAX_BLANKS_BEFORE_URL:
            j += 1
        took = _take_url(entries, j)
        if took is None:
            return None
        url, end = took
    found.remove(i, end)
    if found.source_url:
        found.urls.append((i, url))
    else:
        found.source_url = url
    return end


def _related(entries: list[Entry], i: int, found: Found) -> int | None:
    match = _RELATED_LABEL.fullmatch(_text(entries, i))
    if match is None:
        return None
    rest, end, url = match["rest"], i + 1, ""
    if inline := links.URL.search(rest):
        url, end = _extend(inline[0].rstrip(".,;)>"), entries, end)
        rest = rest[: inline.start()] + " " + rest[inline.end() :]
    elif not rest:
        # The label stands alone: its title, and maybe its link, follow in the same block.
        titles: list[str] = []
        while (
            len(titles) < 2
            and (text := _text(entries, end))
            and len(text) <= _MAX_TITLE
            and not links.bare_url(text)
        ):
            titles.append(text)
            end += 1
        rest = " ".join(titles)
    if not url and (took := _take_url(entries, end)):
        url, end = took
    found.remove(i, end)
    title = " ".join(rest.split()).strip(_TITLE_TRIM)
    if title or url:
        found.labels.append(Label(title, url, i))
    return end


def _bare(entries: list[Entry], i: int, found: Found) -> int | None:
    took = _take_url(entries, i)
    if took is None:
        return None
    url, end = took
    found.remove(i, end)
    author = links.author_byline(url)
    if author is None:
        found.urls.append((i, url))
    elif not found.author:
        found.author = author
    return end


def _open_before(body: list[Entry], i: int, first: int) -> bool:
    # The line starts a block, or follows the first line, which may be a heading.
    return i == 0 or body[i - 1] is None or i - 1 == first


def _is_date_line(body: list[Entry], i: int, first: int) -> bool:
    following = _text(body, i + 1)
    if _open_before(body, i, first):
        return not following[:1].islower()
    return not following and ends_sentence(_text(body, i - 1))


def _is_by_line(body: list[Entry], i: int, first: int) -> bool:
    if not _open_before(body, i, first):
        return False
    following = _text(body, i + 1)
    if not following or dates.date_line(following):
        return True
    # Straight after the heading, a by-line may run into the story without a blank line.
    in_header = sum(entry is not None for entry in body[:i]) <= 1
    return in_header and not following[0].islower()


def scan(entries: list[Entry]) -> Found:
    found = Found(body=list(entries))
    i = 0
    while i < len(entries):
        for take in (_source, _related, _bare):
            if (end := take(entries, i, found)) is not None:
                i = end
                break
        else:
            i += 1

    body = found.body
    first = next((i for i, entry in enumerate(body) if entry is not None), 0)
    for i, line in enumerate(body):
        if line is None:
            continue
        if (date := dates.date_line(line.text)) and _is_date_line(body, i, first):
            found.dates.append(date)
            body[i] = None
        elif (
            not found.byline
            and (names := bylines.byline(line.text))
            and _is_by_line(body, i, first)
        ):
            found.byline = names
            body[i] = None
    return found
