r"""Render annotations into body_html as <mark> elements, without changing its text.

`render_marks` takes the canonical fragment stored as body_html (the output of
`articles.sanitize.clean_article_html`) and the annotations anchored in it, given as
`Span`s in body_text coordinates (Python str indices into `text_content(body_html)`),
and returns the fragment with every annotated character inside a <mark>.

Invariants (tests/test_highlights_properties.py checks them for arbitrary articles and spans):

- The text is unchanged: `text_content(render_marks(html, spans)) == text_content(html)`,
  and a browser parsing the result in a div builds the input's elements plus marks and
  anchors only, in the same places: nothing is moved, split or foster-parented.
- Text is split at every span boundary; a segment covered by at least one span becomes
  one <mark> listing every covering id in `data-ids` (ascending), with the color, kind
  and state of the innermost span (shortest, then highest id); a mention inside a
  highlight also carries the innermost highlight's colour as `data-under` (so the
  highlight keeps its colour under the mention); and `data-depth` when more
  than one span covers it. Marks never nest and never cross a tag, so a span across
  paragraphs, a link or emphasis becomes several marks with the same ids.
- A position is inside a mark exactly when some span covers it and it is not in a
  separator: a whitespace-only text run between blocks ("\n\n", "\n", "\t"), which
  sits where a mark is invalid (ul, ol, dl, table, tr) or would render as an empty
  highlighted line. Whitespace between inline elements ("<b>a</b> <i>b</i>") and in
  pre is text like any other and is marked, so a highlight has no gaps between words.
- Each span gets one empty `<span class="hl-anchor" id="annotation-{id}">` right before
  its first marked character (so before `start`, unless `start` is in a separator), so
  `#annotation-{id}` scrolls to it without JavaScript.
- Spans with `start >= end` or outside `[0, len(body_text)]` are ignored, and so is a
  span whose id was already seen: an anchor id must be unique in the page.
- One pass over the tokens after sorting the span boundaries, with no rescan per span:
  O(tokens + spans·log spans + boundaries·depth), depth being how many spans overlap.

Blocks: `layout` numbers the body's top-level elements (`id="block-N"`, attributes only,
so the text is unchanged) and `render_block` draws one of them alone, given the spans
its `Block.wants`: the result is byte for byte that block of `render_marks` over the whole
numbered body (tests/test_highlights_properties.py), so a new highlight redraws only the
blocks it touches. Marks never cross a top-level tag, so a block's marks depend only on
the spans over its text; its anchors are those of the spans whose first marked
character is in it, which is what `Block.anchors_from`/`anchors_to` delimit.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from html import escape, unescape
from operator import index
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Iterable

# Canonical body_html escapes & < > in text and writes attribute values with
# html.escape, and has no comments, CDATA or raw-text elements (script, style are
# dropped). So every "<" starts a tag and the next ">" ends it: this regex finds exactly
# the tags, and what lies between them is text with only entity-escaped & < >.
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# The elements that may sit next to whitespace inside a line of text: the phrasing
# elements of articles.sanitize's policy, br and img. Any other tag beside a
# whitespace-only run makes it a separator between blocks. A copy rather than an import
# (the sanitize package exports only its functions); a test keeps the two equal.
# An element missing here only costs a gap in a highlight, never a misplaced mark.
_INLINE = frozenset({
    "a", "abbr", "b", "br", "cite", "code", "em", "i", "img", "kbd", "q", "s", "small",
    "strong", "sub", "sup", "time", "u"
})  # fmt: skip
# What the HTML parser treats as whitespace: in table context, runs of these stay put
# and anything else (a mark included) is moved out of the table.
_HTML_SPACE = " \t\n\r\f"
_FAR = 1 << 62  # beyond any text position


@dataclass(frozen=True, slots=True)
class Span:
    """One annotation to draw: a range of body_text and how to style it."""

    id: int
    start: int
    end: int
    color: str  # a palette name such as "yellow"; written as an attribute value
    kind: str = "highlight"  # "highlight", "claim", or "mention" (color: the entity kind)
    state: str = ""  # "" or a review state ("changed", "recheck"), written as data-state


def render_marks(body_html: str, spans: Iterable[Span]) -> str:
    """body_html with the spans drawn as <mark> elements and anchors; same text."""
    return _render(body_html, spans)


@dataclass(frozen=True, slots=True)
class Block:
    """One top-level element of the body: where its markup is in `Layout.html`, where its
    text is in body_text, and the span starts whose anchor it holds."""

    html_start: int
    html_end: int
    start: int
    end: int
    # A span's anchor goes before its first marked character, which may be in a later
    # block when it starts in a separator: the block after the one that last had text.
    anchors_from: int
    anchors_to: int

    def wants(self, start: int, end: int) -> bool:
        """Whether a span from `start` to `end` draws anything in this block."""
        return (start < self.end and end > self.start) or (
            self.anchors_from <= start < self.anchors_to
        )


@dataclass(frozen=True, slots=True)
class Layout:
    """The body with its top-level elements numbered, and where each one lies. `blocks`
    is empty when the body is not a run of elements (never for canonical body_html)."""

    html: str
    blocks: tuple[Block, ...]
    length: int  # of body_text

    def touched(self, start: int, end: int) -> range:
        """The blocks a span from `start` to `end` draws in (empty when none)."""
        wanted = [i for i, block in enumerate(self.blocks) if block.wants(start, end)]
        return range(wanted[0], wanted[-1] + 1) if wanted else range(0)


# The elements that have no end tag.
_VOID = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})


@lru_cache(maxsize=64)
def layout(body_html: str) -> Layout:
    """body_html with `id="block-N"` on each top-level element, and the blocks. Cached:
    the body of an article is the same for every write and every view of it."""
    pieces = _TAG.split(body_html)
    flat = Layout(body_html, (), sum(len(_unescape(p)) for p in pieces[::2]))
    out: list[str] = []
    size = 0  # characters written to out
    blocks: list[Block] = []
    depth = offset = 0
    in_pre = False
    html_start = text_start = anchors_from = 0
    written = -1  # end of the block's last text run drawn as text (-1: none yet)
    for i, token in enumerate(pieces):
        piece = token
        if i % 2 == 0:
            text = _unescape(piece)
            if text and depth == 0 and text.strip(_HTML_SPACE):
                return flat
            if text and depth and (in_pre or not _is_separator(text, pieces, i)):
                written = offset + len(text)
            offset += len(text)
            out.append(piece)
            size += len(piece)
            continue
        name_match = _TAG_NAME.match(piece)
        if name_match is None:
            return flat
        name = name_match.group(1).lower()
        closing = piece.startswith("</")
        if piece == "</pre>" or piece.startswith(("<pre>", "<pre ")):
            in_pre = not closing
        if depth == 0:
            if closing:
                return flat
            cut = 1 + len(name)
            piece = f'{piece[:cut]} id="block-{len(blocks)}"{piece[cut:]}'
            html_start, text_start, written = size, offset, -1
        depth += -1 if closing else (0 if name in _VOID or piece.endswith("/>") else 1)
        out.append(piece)
        size += len(piece)
        if depth == 0:
            anchors_to = written if written >= 0 else anchors_from
            blocks.append(Block(html_start, size, text_start, offset, anchors_from, anchors_to))
            anchors_from = anchors_to
    return Layout("".join(out), tuple(blocks), offset)


def render_block(layout: Layout, index: int, spans: Iterable[Span]) -> str:
    """Block `index` of the numbered body with the spans it wants drawn: the same markup
    as that block of `render_marks(layout.html, spans)`."""
    block = layout.blocks[index]
    return _render(
        layout.html[block.html_start : block.html_end],
        [s for s in spans if block.wants(s.start, s.end)],
        at=block.start,
        length=layout.length,
        anchors=(block.anchors_from, block.anchors_to),
    )


def _render(
    html: str,
    spans: Iterable[Span],
    *,
    at: int = 0,
    length: int | None = None,
    anchors: tuple[int, int] | None = None,
) -> str:
    """`html`, whose text starts at body_text position `at` (a body of `length`
    characters), with the spans drawn; only anchors starting in `anchors` when given."""
    pieces = _TAG.split(html)  # text, tag, text, tag, ..., text
    texts = [_unescape(p) for p in pieces[::2]]
    chosen = _usable(spans, sum(map(len, texts)) if length is None else length)
    if not chosen:
        return html
    writer = _Writer(chosen, anchors)
    offset = at  # body_text position of the current text run
    in_pre = False
    for i, piece in enumerate(pieces):
        if i % 2:
            writer.out.append(piece)
            # Canonical HTML never nests pre (a nested block is flattened into lines).
            if piece == "</pre>" or piece.startswith(("<pre>", "<pre ")):
                in_pre = not piece.startswith("</")
            continue
        text = texts[i // 2]
        if text and not in_pre and _is_separator(text, pieces, i):
            writer.out.append(piece)
        elif text:
            writer.write(piece, text, offset)
        offset += len(text)
    return writer.close()


class _Writer:
    """Writes text runs split at span boundaries, moving forward only."""

    def __init__(self, spans: list[Span], anchors: tuple[int, int] | None = None) -> None:
        bounds, opens = _segments(spans)
        anchored = spans if anchors is None else [
            s for s in spans if anchors[0] <= s.start < anchors[1]
        ]  # fmt: skip
        # Sentinels spare the loops a bounds check: a first segment unmarked from
        # position -1, a last boundary and an anchor that no position reaches.
        self.bounds = [-1, *bounds, _FAR]
        self.opens = ["", *opens]
        self.anchors = [*sorted(anchored, key=lambda s: (s.start, s.id)), Span(0, _FAR, _FAR, "")]
        self.done = 0  # anchors written
        self.k = 0  # bounds[k] <= position < bounds[k + 1]
        self.out: list[str] = []

    def write(self, piece: str, text: str, offset: int) -> None:
        """One text run that may be marked: `piece` as stored, `text` unescaped."""
        bounds, opens, anchors, out = self.bounds, self.opens, self.anchors, self.out
        k = self.k
        end = offset + len(text)
        while bounds[k + 1] <= offset:
            k += 1  # past boundaries inside separators since the last run
        pos = offset
        while pos < end:
            # An anchor whose start was in a separator lands here, before the first
            # character it can precede; starts are boundaries, so none is mid-segment.
            while anchors[self.done].start <= pos:
                out.append(_anchor(anchors[self.done]))
                self.done += 1
            stop = min(end, bounds[k + 1])
            if opens[k]:
                segment = escape(text[pos - offset : stop - offset], quote=False)
                out.extend((opens[k], segment, "</mark>"))
            elif pos == offset and stop == end:
                out.append(piece)  # untouched: keep the stored bytes
            else:
                out.append(escape(text[pos - offset : stop - offset], quote=False))
            pos = stop
            if bounds[k + 1] == pos:
                k += 1
        self.k = k

    def close(self) -> str:
        # Anchors are left only if the article ended in a separator, which canonical
        # HTML never does; they still go in, at the end of the container.
        self.out.extend(map(_anchor, self.anchors[self.done : -1]))
        return "".join(self.out)


def _anchor(span: Span) -> str:
    return f'<span class="hl-anchor" id="annotation-{span.id:d}"></span>'


def _unescape(piece: str) -> str:
    if "&" not in piece:
        return piece
    # Canonical text holds only these three entities, and replacing them is several
    # times faster than html.unescape; anything else goes the general way.
    plain = piece.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return plain if plain.count("&") == piece.count("&amp;") else unescape(piece)


def _usable(spans: Iterable[Span], length: int) -> list[Span]:
    seen: set[int] = set()
    chosen: list[Span] = []
    for span in spans:
        # Refuse anything but an integer, so ids can go into markup unescaped.
        span_id = index(span.id)
        if 0 <= span.start < span.end <= length and span_id not in seen:
            seen.add(span_id)
            chosen.append(span)
    return chosen


def _segments(spans: Collection[Span]) -> tuple[list[int], list[str]]:
    """Sorted boundaries, and the mark start tag for the text from each to the next.

    The start tag is "" where no span covers the text, so the last one always is.
    """
    starting: defaultdict[int, list[Span]] = defaultdict(list)
    ending: defaultdict[int, list[Span]] = defaultdict(list)
    for span in spans:
        starting[span.start].append(span)
        ending[span.end].append(span)
    bounds = sorted(starting.keys() | ending.keys())
    styles = {
        s.id: f' data-color="{escape(s.color)}" data-kind="{escape(s.kind)}"'
        + (f' data-state="{escape(s.state)}"' if s.state else "")
        for s in spans
    }
    active: dict[int, Span] = {}
    opens: list[str] = []
    for bound in bounds:
        for span in ending.get(bound, ()):
            del active[span.id]
        for span in starting.get(bound, ()):
            active[span.id] = span
        if len(active) == 1:  # the usual case: highlights seldom overlap
            [(only, _)] = active.items()
            opens.append(f'<mark class="hl" data-ids="{only:d}"{styles[only]}>')
        elif active:
            inner = min(active.values(), key=_innermost)
            ids = " ".join(f"{i:d}" for i in sorted(active))
            depth = len(active)
            opens.append(
                f'<mark class="hl" data-ids="{ids}"{styles[inner.id]}{_under(inner, active)} '
                f'data-depth="{depth}">'
            )
        else:
            opens.append("")
    return bounds, opens


def _innermost(span: Span) -> tuple[int, int]:
    return (span.end - span.start, -span.id)


def _under(inner: Span, active: dict[int, Span]) -> str:
    """A mention drawn inside a highlight keeps the highlight's colour (and state) under
    its underline, as `data-under` (and `data-under-state`)."""
    if inner.kind != "mention":
        return ""
    highlights = [s for s in active.values() if s.kind != "mention"]
    if not highlights:
        return ""
    under = min(highlights, key=_innermost)
    state = f' data-under-state="{escape(under.state)}"' if under.state else ""
    return f' data-under="{escape(under.color)}"{state}'


def _is_separator(text: str, pieces: list[str], i: int) -> bool:
    """Whether a text run outside pre is whitespace between blocks, not between words.

    Text in a block never starts or ends with whitespace, so a whitespace-only run
    beside a block tag (or at either end of the fragment) lies between blocks.
    """
    if text.strip(_HTML_SPACE):
        return False
    neighbours = (pieces[i - 1] if i > 0 else "", pieces[i + 1] if i + 1 < len(pieces) else "")
    return not all(
        (name := _TAG_NAME.match(tag)) and name.group(1).lower() in _INLINE for tag in neighbours
    )
