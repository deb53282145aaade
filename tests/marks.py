"""The oracle for render_marks: its output read back as a browser builds it.

The output is parsed with an independent HTML5 parser (tests/html5.py), never with the
regex the renderer uses, and checked against what is computed on the parsed input:
which positions each span covers, which text nodes are separators between blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from xml.dom import Node

from articles.highlights import _INLINE
from articles.sanitize import text_content
from tests.html5 import parse

if TYPE_CHECKING:
    from articles.highlights import Span

HTML_SPACE = " \t\n\r\f"

# Where a mark or an element in general is invalid, or moved away by the parser.
NO_PHRASING_CHILD = {"ul", "ol", "dl", "table", "thead", "tbody", "tfoot", "tr"}

# Reading the output as a browser builds it.


@dataclass(frozen=True)
class Mark:
    start: int
    end: int
    attrs: dict[str, str]
    parent: str


@dataclass
class Reading:
    """The parsed output: its text, marks and anchors, and its elements without them."""

    text: list[str] = field(default_factory=list)
    length: int = 0
    marks: list[Mark] = field(default_factory=list)
    anchors: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    shape: list[tuple[str, ...]] = field(default_factory=list)  # elements and merged text

    def add_text(self, data: str) -> None:
        self.text.append(data)
        self.length += len(data)
        if self.shape and self.shape[-1][0] == "text":
            data = self.shape.pop()[1] + data
        self.shape.append(("text", data))


def tag_of(node: Node) -> str:
    return getattr(node, "tagName", "div")  # the fragment stands for the article's div


def attributes(node: Node) -> dict[str, str]:
    return {
        node.attributes.item(i).name: node.attributes.item(i).value
        for i in range(node.attributes.length)
    }


def read(html: str) -> Reading:
    reading = Reading()
    visit(parse(html), reading, in_mark=False)
    return reading


def visit(node: Node, reading: Reading, *, in_mark: bool) -> None:
    for child in node.childNodes:
        if child.nodeType == Node.TEXT_NODE:
            reading.add_text(child.data)
            continue
        assert child.nodeType == Node.ELEMENT_NODE, child
        attrs = attributes(child)
        if child.tagName == "mark":
            assert not in_mark, "a mark inside a mark"
            start = reading.length
            visit(child, reading, in_mark=True)
            assert reading.length > start, "an empty mark"
            reading.marks.append(Mark(start, reading.length, attrs, tag_of(node)))
        elif child.tagName == "span" and attrs.get("class") == "hl-anchor":
            assert not child.childNodes, "an anchor with content"
            assert set(attrs) == {"class", "id"}
            span_id = int(attrs["id"].removeprefix("annotation-"))
            reading.anchors.setdefault(span_id, []).append((reading.length, tag_of(node)))
        else:
            reading.shape.append(("start", child.tagName, *sorted(attrs.items())))
            visit(child, reading, in_mark=in_mark)
            reading.shape.append(("end", child.tagName))


def separators(body: str) -> set[int]:
    """Positions in body_text of whitespace-only text nodes between blocks (outside pre)."""
    found: set[int] = set()
    offset = 0

    def walk(node: Node, in_pre: bool) -> None:
        nonlocal offset
        children = list(node.childNodes)
        i = 0
        while i < len(children):
            if children[i].nodeType != Node.TEXT_NODE:
                walk(children[i], in_pre or children[i].tagName == "pre")
                i += 1
                continue
            # html5lib may leave adjacent text nodes (" " then "end"); a DOM has one.
            j = i
            while j < len(children) and children[j].nodeType == Node.TEXT_NODE:
                j += 1
            data = "".join(c.data for c in children[i:j])
            before = children[i - 1] if i else node
            after = children[j] if j < len(children) else node
            inline = tag_of(before) in _INLINE and tag_of(after) in _INLINE
            if not in_pre and not data.strip(HTML_SPACE) and not inline:
                found.update(range(offset, offset + len(data)))
            offset += len(data)
            i = j

    walk(parse(body), in_pre=False)
    return found


# The oracle.


def usable(spans: tuple[Span, ...], length: int) -> list[Span]:
    chosen: dict[int, Span] = {}
    for span in spans:
        if 0 <= span.start < span.end <= length:
            chosen.setdefault(span.id, span)
    return list(chosen.values())


def check(body: str, spans: tuple[Span, ...], out: str) -> None:
    body_text = text_content(body)
    before = read(body)
    after = read(out)
    # The text is unchanged, for our reader and for an HTML5 parser.
    assert "".join(after.text) == body_text
    assert text_content(out) == body_text
    # Marks and anchors were added and nothing else moved: same elements, same text.
    assert after.shape == before.shape
    assert sum(e[0] == "start" for e in after.shape) == sum(e[0] == "start" for e in before.shape)
    for m in after.marks:
        assert m.parent not in NO_PHRASING_CHILD, m
    # Every position is in a mark exactly when a span covers it and it is not a
    # separator, and that mark knows every covering span and styles the innermost.
    chosen = usable(spans, len(body_text))
    skipped = separators(body)
    marked = {p: m for m in after.marks for p in range(m.start, m.end)}
    for p in range(len(body_text)):
        covering = [s for s in chosen if s.start <= p < s.end]
        if p in skipped or not covering:
            assert p not in marked, (p, body_text[p])
            continue
        assert p in marked, (p, body_text[p])
        attrs = marked[p].attrs
        inner = min(covering, key=lambda s: (s.end - s.start, -s.id))
        depth = {"data-depth": str(len(covering))} if len(covering) > 1 else {}
        state = {"data-state": inner.state} if inner.state else {}
        under: dict[str, str] = {}
        highlights = [s for s in covering if s.kind != "mention"]
        if len(covering) > 1 and inner.kind == "mention" and highlights:
            # A mention inside a highlight keeps the highlight's colour underneath.
            below = min(highlights, key=lambda s: (s.end - s.start, -s.id))
            under = {"data-under": below.color}
            if below.state:
                under["data-under-state"] = below.state
        assert attrs == {
            "class": "hl",
            "data-ids": " ".join(str(i) for i in sorted(s.id for s in covering)),
            "data-color": inner.color,
            "data-kind": inner.kind,
            **state,
            **under,
            **depth,
        }
    # As the brief states it: each span's marks hold exactly its range, separators apart.
    for span in chosen:
        own = [m for m in after.marks if str(span.id) in m.attrs["data-ids"].split()]
        assert all(span.start <= m.start and m.end <= span.end for m in own)
        expected = "".join(body_text[p] for p in range(span.start, span.end) if p not in skipped)
        assert "".join(body_text[m.start : m.end] for m in own) == expected
    # One anchor per span, before its first marked character, where a span may go.
    assert sorted(after.anchors) == sorted(s.id for s in chosen)
    for span in chosen:
        first = next((p for p in range(span.start, len(body_text)) if p not in skipped), None)
        [(position, parent)] = after.anchors[span.id]
        assert position == (len(body_text) if first is None else first)
        assert parent not in NO_PHRASING_CHILD
