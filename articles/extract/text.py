"""Plain text of extracted HTML, and the test that an extracted body is an article.

Invariants:
- `fragment_text` lays text out as a reader sees it: blocks apart by a blank line, list
  items, table rows and line breaks on lines of their own, cells apart by a space; runs
  of other whitespace become one space and no line starts or ends with a space. It is
  the text the extraction conformance score measures.
- `has_prose` judges the same text: a body passes only when one line outside headings
  reads as a sentence, so menus, forms and lone headings never pass as an article.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from articles.extract.tree import is_heading

if TYPE_CHECKING:
    from lxml import etree

BLOCKS = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "blockquote", "pre", "table"}
    | {"figure", "figcaption", "div"}
)
_LINES = frozenset({"li", "tr", "dt", "dd", "br"})

# An article has at least one line of prose this long; menus and forms do not.
_MIN_PROSE_WORDS = 8


def fragment_text(root: etree._Element) -> str:
    """Text of an HTML element: blocks apart by a blank line, list items by a line break."""
    parts: list[str] = []
    _walk(root, parts)
    text = re.sub(r"[^\S\n]+", " ", "".join(parts))
    text = re.sub(r" ?\n ?", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _walk(elem: etree._Element, parts: list[str]) -> None:
    tag = elem.tag if isinstance(elem.tag, str) else ""  # comments have a function as tag
    # A line (list item, row, break) starts on a new line; a block stands between blank lines.
    edge = "\n\n" if tag in BLOCKS else " " if tag in {"td", "th"} else ""
    parts.append("\n" if tag in _LINES else edge)
    if tag and elem.text:
        parts.append(elem.text.replace("\n", " "))
    for child in elem:
        _walk(child, parts)
    parts.append(edge)
    if elem.tail:
        parts.append(elem.tail.replace("\n", " "))


# Scripts written without spaces between words: count their characters instead.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")


def has_prose(body: etree._Element) -> bool:
    """True when a line of prose is left: menus, forms and lone headings are no article."""
    return any(
        _is_prose(line)
        for block in body
        if not is_heading(block)
        for line in fragment_text(block).splitlines()
    )


def _is_prose(line: str) -> bool:
    # Menu and form labels run together read "Home About Sign in Email Password": long
    # enough, but mostly capitalised, which sentences are not (even in German).
    words = line.split()
    capitalised = sum(word[0].isupper() for word in words)
    return (len(words) >= _MIN_PROSE_WORDS and capitalised <= len(words) / 2) or len(
        _UNSPACED.findall(line)
    ) >= 3 * _MIN_PROSE_WORDS
