"""The parsed HTML5 tree lowered to a tree of `Node`s: only what the policy keeps.

Invariants:
- A `Node` holds a kept element with its final tag and safe attributes; its children
  are `Node`s and strings of clean characters. Dropped elements are gone with their
  content, unwrapped ones leave their content in place, and every boundary element
  becomes a "div", which later code treats as a paragraph break, never as output.
- Nodes are compared by identity: a link split across blocks stays one `Node`, which is
  how the serialiser knows the pieces belong together.
- Depth is bounded: content nested deeper than `_MAX_DEPTH` is kept as plain text, read
  without recursion, with a space wherever an element would have separated words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from articles.sanitize.policy import (
    BOUNDARY,
    DROP,
    GAPPED,
    KEPT,
    RENAME,
    VOID,
    attributes,
    clean_chars,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

# Far below any browser's nesting limit (Blink re-parents past 512), and keeps our
# recursion shallow; deeper content is kept as plain text.
_MAX_DEPTH = 48


@dataclass(eq=False)
class Node:
    """A kept element after parsing: identity matters, it is how a split link stays one."""

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    children: list[Node | str] = field(default_factory=list)


class Parsed(Protocol):
    """A parsed element as ElementTree and lxml both have it (html5lib builds the first)."""

    tag: Any  # a str, or a function for a comment
    text: str | None
    tail: str | None
    attrib: Any  # a mapping of names to values

    def __iter__(self) -> Iterator[Parsed]: ...

    def __len__(self) -> int: ...

    def __getitem__(self, index: int, /) -> Parsed: ...


type Stack = tuple[Node, ...]  # the phrasing elements around a piece of text
type Item = Node | str


def lower(parent: Parsed, depth: int) -> list[Item]:
    items: list[Item] = []
    if parent.text:
        items.append(clean_chars(parent.text))
    for child in parent:
        items.extend(_lower_element(child, depth + 1))
        if child.tail:
            items.append(clean_chars(child.tail))
    return items


def _lower_element(el: Parsed, depth: int) -> list[Item]:
    tag = el.tag
    # Comments have a function as tag; svg/math children carry a "{namespace}".
    if not isinstance(tag, str) or tag.startswith("{") or tag in DROP:
        return []
    if depth > _MAX_DEPTH:
        return [clean_chars(_flat_text(el))]
    tag = RENAME.get(tag, tag)
    if tag in BOUNDARY:
        return [Node("div", (), lower(el, depth))]
    if tag not in KEPT:
        return lower(el, depth)
    attrs = attributes(tag, el.attrib)
    if attrs is None:  # a link without a safe href is text; an unsafe image is nothing
        return lower(el, depth) if tag == "a" else []
    return [Node(tag, attrs, [] if tag in VOID else lower(el, depth))]


def _flat_text(root: Parsed) -> str:
    """Text of a pathologically deep subtree, without recursion."""
    parts: list[str] = []
    todo: list[Parsed | str] = [root]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        tag = item.tag
        if not isinstance(tag, str) or tag.startswith("{") or tag in DROP:
            continue
        gap = " " if RENAME.get(tag, tag) in GAPPED else ""
        todo.append(gap)
        for child in reversed(item):
            todo.extend((child.tail or "", child))
        todo.extend((item.text or "", gap))
    return "".join(parts)
