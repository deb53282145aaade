r"""Block structure to canonical HTML: paragraphs, lists, tables, figures and separators.

A `Flow` collects the children of one container: blocks, and runs of phrasing content
between them, which become <p> where the container needs it.

Invariants (the structure a parser rebuilds exactly):
- No block inside phrasing content: a link around blocks is carried into each block,
  and a block inside a heading or other text block is flattened into its words.
- Lists hold only items (stray content becomes an item of its own, and a div grouping
  items is spliced away); tables hold text only in cells, and a caption becomes a <p>
  before its table.
- Bare text is wrapped in <p> at the top level and in a blockquote; in li, dd, cells and
  figure it stays bare unless two runs would touch, and then every run there is wrapped.
- Blocks without text or image are dropped, and so are rows whose cells are all empty;
  an empty cell in a row with content stays, so the columns line up.
- A separator goes before a sibling with text when an earlier sibling had text: "\n\n"
  between blocks, "\n" between list items, rows and parts of a figure, "\t" between
  cells.
"""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

from articles.sanitize.phrasing import EMPTY, Out, push, render, start_tag, tokens
from articles.sanitize.policy import PHRASING, TEXT_BLOCKS
from articles.sanitize.tree import Node

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from articles.sanitize.phrasing import Tok
    from articles.sanitize.tree import Item, Stack


class Flow:
    """The block children of one container, with runs of phrasing content between them."""

    def __init__(self, *, wrap: bool, sep: str, figure: bool = False) -> None:
        self.wrap = wrap  # whether bare runs always become <p>
        self.sep = sep
        self.figure = figure  # whether a figcaption here is a block of its own
        self.toks: list[Tok] = []
        self.parts: list[Out] = []

    def flush(self) -> None:
        run = render(self.toks, pre=False)
        self.toks = []
        if run.html:
            self.parts.append(Out(run.html, run.text, run=True))

    def add(self, outs: Iterable[Out]) -> None:
        self.flush()
        self.parts.extend(out for out in outs if out.html)

    def blocks(self) -> list[Out]:
        """The blocks so far, bare runs wrapped in <p> where the container needs it."""
        self.flush()
        wrap = self.wrap or any(a.run and b.run for a, b in pairwise(self.parts))
        return [Out(f"<p>{p.html}</p>", p.text) if p.run and wrap else p for p in self.parts]

    def result(self) -> Out:
        return _join(self.blocks(), self.sep)


def walk_flow(items: Iterable[Item], stack: Stack, flow: Flow) -> None:
    for item in items:
        if isinstance(item, str) or not _has_block(item):
            tokens([item], stack, flow.toks, pre=False)
        elif item.tag in PHRASING:
            # A link around blocks: carry it into each block instead.
            walk_flow(item.children, push(stack, item), flow)
        elif item.tag == "p" and any(isinstance(c, Node) and _has_block(c) for c in item.children):
            # A block inside a paragraph, in a tree no parser built (the extractor's): a
            # parser would end the paragraph there, so the text around it is paragraphs.
            paragraphs = Flow(wrap=True, sep=flow.sep, figure=flow.figure)
            walk_flow(item.children, stack, paragraphs)
            flow.add(paragraphs.blocks())
        elif item.tag == "figcaption" and flow.figure:
            flow.add([_text_block("figcaption", item.children, stack)])
        elif builder := _BLOCKS.get(item.tag):
            flow.add(builder(item, stack))
        else:  # div, or a list item/cell/caption out of place: a boundary, text kept
            flow.flush()
            walk_flow(item.children, stack, flow)
            flow.flush()


def _has_block(node: Node) -> bool:
    if node.tag in PHRASING:
        return any(isinstance(c, Node) and _has_block(c) for c in node.children)
    return node.tag not in {"br", "img"}


def _join(parts: Iterable[Out], sep: str) -> Out:
    html: list[str] = []
    seen_text = False
    for part in parts:
        if part.text and seen_text:
            html.append(sep)
        html.append(part.html)
        seen_text = seen_text or part.text
    return Out("".join(html), seen_text)


def _wrap(tag: str, inner: Out) -> Out:
    return Out(f"<{tag}>{inner.html}</{tag}>", inner.text) if inner.html else EMPTY


def _text_block(tag: str, items: Iterable[Item], stack: Stack) -> Out:
    toks: list[Tok] = []
    tokens(items, stack, toks, pre=tag == "pre")
    return _wrap(tag, render(toks, pre=tag == "pre"))


def _flow_of(tag: str, items: Iterable[Item], stack: Stack) -> Out:
    figure = tag == "figure"
    flow = Flow(wrap=tag == "blockquote", sep="\n" if figure else "\n\n", figure=figure)
    walk_flow(items, stack, flow)
    return flow.result()


def _list(node: Node, stack: Stack) -> list[Out]:
    """ul, ol and dl: only items as children; stray content becomes an item of its own."""
    own, stray_tag = ({"li"}, "li") if node.tag in {"ul", "ol"} else ({"dt", "dd"}, "dd")
    items: list[Out] = []
    stray: list[Item] = []
    for child in [*_expand(node.children), _SPLIT]:
        if child is _SPLIT or (isinstance(child, Node) and child.tag in own):
            items.append(_wrap(stray_tag, _flow_of(stray_tag, stray, stack)))
            stray = []
        if isinstance(child, Node) and child.tag == "dt":
            items.append(_text_block("dt", child.children, stack))
        elif isinstance(child, Node) and child.tag in own:
            items.append(_wrap(child.tag, _flow_of(child.tag, child.children, stack)))
        elif child is not _SPLIT:
            stray.append(child)
    return [_wrap(node.tag, _join((i for i in items if i.html), "\n"))]


_SPLIT = Node("split")  # marks where a div ended inside a list


def _expand(items: Iterable[Item]) -> Iterator[Item]:
    """Children with divs spliced in: `<ul><div><li>` is a common way to group items."""
    for item in items:
        if isinstance(item, Node) and item.tag == "div":
            yield _SPLIT
            yield from _expand(item.children)
            yield _SPLIT
        else:
            yield item


def _table(node: Node, stack: Stack) -> list[Out]:
    # Text outside cells cannot exist here (the parser moves it before the table), but
    # a caption can: it becomes a paragraph before the table.
    captions: list[Out] = []
    sections: list[Out] = []
    loose: list[Item] = []  # rows straight in the table, in a tree not built by a parser
    for child in [*node.children, _SPLIT]:
        if loose and isinstance(child, Node) and child.tag != "tr":  # _SPLIT at the end
            sections.append(_section("tbody", loose, stack))  # where a parser puts them
            loose = []
        if not isinstance(child, Node):
            continue
        if child.tag == "caption":
            captions.append(_text_block("p", child.children, stack))
        elif child.tag in {"thead", "tbody", "tfoot"}:
            sections.append(_section(child.tag, child.children, stack))
        elif child.tag == "tr":
            loose.append(child)
    return [*captions, _wrap("table", _join((s for s in sections if s.html), "\n"))]


def _section(tag: str, rows: Iterable[Item], stack: Stack) -> Out:
    html = (_row(row, stack) for row in rows if isinstance(row, Node))
    return _wrap(tag, _join((r for r in html if r.html), "\n"))


def _row(node: Node, stack: Stack) -> Out:
    if node.tag != "tr":
        return EMPTY
    cells: list[Out] = []
    content = False
    for cell in node.children:
        if isinstance(cell, Node) and cell.tag in {"td", "th"}:
            inner = _flow_of(cell.tag, cell.children, stack)
            # An empty cell stays, or the columns after it would shift left.
            cells.append(Out(f"{start_tag(cell)}{inner.html}</{cell.tag}>", inner.text))
            content = content or bool(inner.html)
    return _wrap("tr", _join(cells, "\t")) if content else EMPTY


_BLOCKS: dict[str, Callable[[Node, Stack], list[Out]]] = {
    **{tag: lambda n, s: [_text_block(n.tag, n.children, s)] for tag in TEXT_BLOCKS},
    "hr": lambda _n, _s: [Out("<hr>")],
    "ul": _list,
    "ol": _list,
    "dl": _list,
    **{
        tag: lambda n, s: [_wrap(n.tag, _flow_of(n.tag, n.children, s))]
        for tag in ("blockquote", "figure")
    },
    "table": _table,
}
