"""OPML: feed subscriptions, as every feed reader exports them.

Parsed by defusedxml with DTDs, entities and external references forbidden (no
expansion, no fetching); each `<outline xmlUrl=...>` at any depth is a feed, the folders
around them are not kept (feeds have no labels here).
"""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from articles.imports.core import (
    Format,
    ImportFileError,
    Parsed,
    Problem,
    Subscription,
    plain,
    url_of,
)


def looks_like(text: str) -> bool:
    return "<opml" in text[:4096].lower()


def read(text: str) -> Parsed:
    try:
        # Given text, expat ignores the encoding the declaration names: `core.decode`
        # already read the bytes by it (or by their byte-order mark, or by guessing).
        root = SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ImportFileError(
            "It declares a DTD or XML entities, which Newsroom refuses for safety."
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise ImportFileError(f"line {line}, column {column}: it is not well-formed XML.") from None
    if root.tag.lower() != "opml":
        raise ImportFileError("It is XML, but not OPML.")
    parsed = Parsed(Format.OPML)
    number = 0
    for outline in root.iter("outline"):
        raw = outline.get("xmlUrl") or outline.get("xmlurl")
        if raw is None:
            continue  # a folder
        number += 1
        where = f"feed {number}"
        url = url_of(raw)
        if not url:
            parsed.problems.append(Problem(where, f"not a web address: {raw[:80]}"))
            continue
        title = plain(outline.get("title") or outline.get("text"), 300)
        parsed.feeds.append(Subscription(url, title, where))
    if not parsed.feeds and not parsed.problems:
        parsed.problems.append(Problem("", "no feeds in the file"))
    return parsed
