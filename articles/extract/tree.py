"""Element-tree surgery that the stages of extraction share.

Works on lxml trees in place, on the page before trafilatura reads it and on the HTML
made from trafilatura's output alike.

Invariants:
- No word is lost: `remove` keeps the text that follows an element; `detach` and
  `regroup` move text and children in document order, dropping only blank text outside
  a paragraph.
- `PARAGRAPH_END` is one shared sentinel, compared by identity, and never ends up in a
  tree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

if TYPE_CHECKING:
    from collections.abc import Callable

PARAGRAPH_END = etree.Element("paragraph-end")  # stands for <br><br> while regrouping


def nodes(parent: etree._Element) -> list[etree._Element | str]:
    """The text and children of an element, in document order."""
    found: list[etree._Element | str] = [parent.text or ""]
    for child in parent:
        found.extend([child, child.tail or ""])
    return found


def detach(parent: etree._Element) -> list[etree._Element | str]:
    """Take text and children out of an element, in document order."""
    found = nodes(parent)
    for child in list(parent):
        child.tail = None
        parent.remove(child)
    parent.text = None
    return found


def mark_double_breaks(nodes: list[etree._Element | str]) -> list[etree._Element | str]:
    """Replace each run of two or more <br> (blank text between them) by one mark."""
    marked: list[etree._Element | str] = []
    last = -1  # where in `marked` the last node that is not blank text sits
    for node in nodes:
        if isinstance(node, str) and not node.strip():
            marked.append(node)
            continue
        if _is_break(node) and last >= 0 and marked[last] is PARAGRAPH_END:
            continue
        if _is_break(node) and last >= 0 and _is_break(marked[last]):
            del marked[last:]
            node = PARAGRAPH_END  # noqa: PLW2901 - the pair of breaks becomes one mark
        marked.append(node)
        last = len(marked) - 1
    return marked


def _is_break(node: etree._Element | str) -> bool:
    return not isinstance(node, str) and node.tag == "br"


def regroup(
    parent: etree._Element,
    nodes: list[etree._Element | str],
    *,
    standalone: Callable[[etree._Element], bool],
) -> None:
    """Put nodes back into parent, gathering text and inline elements into paragraphs."""
    paragraph: etree._Element | None = None
    for node in nodes:
        if node is PARAGRAPH_END or (not isinstance(node, str) and standalone(node)):
            if node is not PARAGRAPH_END:
                parent.append(node)
            paragraph = None
            continue
        if isinstance(node, str) and paragraph is None and not node.strip():
            continue
        if paragraph is None:
            paragraph = etree.SubElement(parent, "p")
        if isinstance(node, str):
            append_text(paragraph, node)
        else:
            paragraph.append(node)


def append_text(parent: etree._Element, text: str) -> None:
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def remove(elem: etree._Element) -> None:
    """Remove an element but not the text that follows it."""
    parent, previous = elem.getparent(), elem.getprevious()
    if parent is None:
        return
    if elem.tail and elem.tail.strip():
        if previous is not None:
            previous.tail = (previous.tail or "") + elem.tail
        else:
            parent.text = (parent.text or "") + elem.tail
    parent.remove(elem)


def is_heading(elem: etree._Element) -> bool:
    return elem.tag in {"h2", "h3", "h4"}
