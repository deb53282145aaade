"""Pasted plain text in, a clean article structure out.

parse_plaintext() reads news wire copy, e-mailed stories and text copied from a web page.
It reflows hard-wrapped lines into paragraphs and takes the metadata mixed into the text
(bare links, "Original url:", "Related article:", "Read more:", "By ..." and date lines)
out of the body, using it for the title, byline, source, date and related links.

Invariants (tests/test_plaintext.py checks them, partly with hypothesis):
- No story word is lost: every word of the input that is not part of a URL or a metadata
  label ("Original url:", "Related article:", "Read more:", "By", "Published:", ...) is in
  the title, the byline, a related link's title or a paragraph. A date line is the one
  exception: `published` carries what it said.
- Each paragraph is one line, single-spaced, with no space at either end, and is never a
  bare URL or a metadata line.
- Pure: no Django, no database, no network; the same text always gives the same result.

The package splits the work by concern: `lines` (normalising, reflowing), `scan`
(metadata lines), `bylines`, `dates`, `links` (URLs and their slugs) and `result` (the
dataclasses). The names exported here are the whole interface.
"""

import datetime as dt
import re
from collections import Counter

from articles.errors import IngestError
from articles.plaintext import dates, links
from articles.plaintext.lines import Paragraph, is_bullet, reflow, split_lines
from articles.plaintext.result import ParsedText, RelatedLink
from articles.plaintext.scan import Found, scan

__all__ = ["ParsedText", "RelatedLink", "parse_plaintext"]

_MAX_HEADING = 150
_MAX_HEADING_WORDS = 20
# A heading may end with "?" or "!", never with a full stop or a comma.
_NOT_A_HEADING_END = re.compile(r"[.,;:\u2026\u3002][\"'\u2019\u201d\u00bb)\]]*$")


def parse_plaintext(text: str) -> ParsedText:
    entries = split_lines(text)
    if all(entry is None for entry in entries):
        raise IngestError("The text is empty.")
    found = scan(entries)
    paragraphs = reflow(found.body)
    title = ""
    if len(paragraphs) > 1 and _is_heading(paragraphs[0]):
        title = paragraphs.pop(0).text
    if not paragraphs:
        raise IngestError("The text holds only links and details about a story, not the story.")
    body = [p.text for p in paragraphs]
    capitals = links.case_index("\n".join(body))
    source, related = _links(found, title, capitals)
    if not title and source:
        title = links.title_from_slug(links.slug_words(source), capitals)
    opening = dates.dateline(body[0])
    return ParsedText(
        title=title,
        byline=found.byline or found.author or (opening.agency if opening else ""),
        source_url=source,
        site_name=links.site_name(source) if source else "",
        published=_published(found, opening, source),
        paragraphs=body,
        related=related,
    )


def _is_heading(paragraph: Paragraph) -> bool:
    """A short line standing alone, with no full stop: a title, not a paragraph."""
    text = paragraph.text
    return (
        paragraph.line_count == 1
        and len(text) <= _MAX_HEADING
        and len(text.split()) <= _MAX_HEADING_WORDS
        and not _NOT_A_HEADING_END.search(text)
        and not text[0].islower()
        and not is_bullet(text)
        and any(c.isalpha() for c in text)
    )


def _links(
    found: Found, title: str, capitals: dict[str, Counter[str]]
) -> tuple[str, list[RelatedLink]]:
    """The source URL and the related links, pairing labels with bare URLs by slug."""
    pool = list(found.urls)
    related: list[tuple[int, str, str]] = []
    for label in found.labels:
        url = label.url or _best_match(pool, label.title)
        related.append((label.position, label.title, url))
    source = found.source_url or _guess_source(pool, title)
    related += [(position, "", url) for position, url in pool]

    source = links.clean(source) if source else ""
    seen = {source}
    out = []
    for _, label_title, url in sorted(related, key=lambda item: item[0]):
        cleaned = links.clean(url) if url else ""
        if cleaned in seen and not label_title:
            continue
        seen.add(cleaned)
        # A link given without words gets its title from its own slug.
        name = label_title or links.title_from_slug(links.slug_words(cleaned), capitals)
        out.append(RelatedLink(name, cleaned))
    return source, out


def _best_match(pool: list[tuple[int, str]], title: str) -> str:
    """Take from the pool the URL whose slug spells `title`, or "" if none does."""
    if not title:
        return ""
    url = links.best_match([url for _, url in pool], title)
    if url is None:
        return ""
    pool[:] = [item for item in pool if item[1] != url]
    return url


def _guess_source(pool: list[tuple[int, str]], title: str) -> str:
    # With a heading, only a URL spelling it is the source; without one, a lone bare URL
    # is most likely where the text was copied from.
    if title:
        return _best_match(pool, title)
    if len(pool) == 1:
        return pool.pop()[1]
    return ""


def _published(found: Found, opening: dates.Dateline | None, source: str) -> dt.date | None:
    """Date line, then wire dateline, then URL path; an "Updated" line only as a last resort,
    since it dates a revision, not the story."""
    lines = [d.date for d in found.dates if not d.updated]
    if lines:
        return lines[0]
    from_url = dates.url_date(links.path(source)) if source else None
    if opening and opening.date:
        return opening.date
    if opening and opening.month_day and from_url:
        try:
            return dt.date(from_url.year, *opening.month_day)
        except ValueError:
            pass
    if from_url:
        return from_url
    return found.dates[0].date if found.dates else None
