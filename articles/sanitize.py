r"""Turn untrusted article HTML into Newsroom's canonical body_html, and read its text.

`clean_article_html` is the only gate between fetched or pasted HTML and the template
that marks HTML safe; `text_content` reads the text of its output as a browser's DOM
has it. This is the only module that imports bleach (for its vendored html5lib).

Invariants (tests/test_sanitize.py checks them, most for arbitrary input):

- Safe: only the elements of `_KEPT` and the attributes of `_attributes` survive.
  Links are http(s), mailto or relative, with rel="nofollow noopener noreferrer";
  images need an https src and load lazily without a referrer. No class, id, style,
  on* or comment. `mark` is reserved for annotation highlights: incoming ones become
  plain text, like span, font and unknown tags.
- body_text is the coordinate space of every annotation selector: `text_content(out)`
  equals the `textContent` of `<div id="article-body">{out}</div>` in a browser. So we
  parse as an HTML5 parser does (in a div) and write our own serialisation, one that a
  parser rebuilds exactly: no block inside phrasing content (a link around blocks is
  split into one link per block; a block inside a heading is flattened), table text
  only in cells, lists holding only items, no pre starting with a newline, no nested
  links, no character the parser would rewrite (CR, NUL, ...).
- Idempotent: `clean_article_html(clean_article_html(x)) == clean_article_html(x)`.
- Text layout:
  * Outside pre, space, tab, LF, CR, FF and NBSP collapse: words in a block are
    separated by one " ", and a block's text neither starts nor ends with whitespace.
    A space is kept only between two words ("a <img> b" becomes "a <img>b").
  * A br with words before and after it in its block is written "<br>\n"; one with
    only images on a side, a bare "<br>". Leading and trailing brs are dropped, runs
    are capped at two.
  * A separator text node goes between sibling blocks: "\n\n" in the body, a
    blockquote, li, dd or cell; "\n" between list items, dt/dd, table rows (across
    thead/tbody/tfoot too) and the parts of a figure; "\t" between cells. It is written
    before a sibling with text when an earlier sibling had text, so nothing precedes
    the first block or follows the last, and an empty cell, an image-only block or an
    hr adds none.
  * In pre, text is verbatim except: CR becomes LF, FF goes, leading blank lines and
    trailing whitespace go (the first line keeps its indent), a br becomes "\n", and a
    block nested in the pre starts a new line.
  * C0/C1 controls other than tab and LF, lone surrogates, U+FEFF and noncharacters
    are removed everywhere.
- Bare text at the top level or in a blockquote is wrapped in <p>; in li, dd, cells
  and figure it stays bare unless two runs would touch (a parser would merge them),
  and then every run there is wrapped.
- Blocks without text or image are dropped, and so are rows whose cells are all empty;
  an empty cell in a row with content stays, so the columns line up.
- Mapped: h1 to h2, del/strike to s, tt/samp to code, var/dfn to i, dir/menu to ul,
  xmp/listing/plaintext to pre; a table caption becomes a <p> before its table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from itertools import pairwise
from typing import TYPE_CHECKING, NamedTuple

from bleach import html5lib_shim

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from xml.etree.ElementTree import Element

# Removed with everything inside: code, embedded documents, form controls and media
# whose content is fallback or UI text ("Your browser does not support video",
# "Subscribe"), not prose. noscript too: it mostly repeats a lazy-loaded image, and
# choosing that fallback is the extractor's job. form: in an article body it is a
# newsletter or comment box; an extractor that hands us a whole-page form has failed.
_DROP = frozenset({
    "applet", "area", "audio", "base", "button", "canvas", "datalist", "dialog", "embed",
    "form", "frame", "frameset", "head", "iframe", "input", "link", "map", "math", "meta",
    "noembed", "noframes", "noscript", "object", "optgroup", "option", "param", "portal",
    "script", "select", "source", "style", "svg", "template", "textarea", "title", "track",
    "video"
})  # fmt: skip
# Unwrapped, but they end a paragraph, so "<div>a</div><div>b</div>" stays two words.
_BOUNDARY = frozenset({
    "address", "article", "aside", "body", "center", "details", "div", "fieldset",
    "footer", "header", "hgroup", "legend", "main", "nav", "search", "section", "summary"
})  # fmt: skip
_RENAME = {
    "h1": "h2",  # the page's own h1 is the article title
    **dict.fromkeys(["del", "strike"], "s"),
    **dict.fromkeys(["tt", "samp"], "code"),
    **dict.fromkeys(["var", "dfn"], "i"),
    **dict.fromkeys(["dir", "menu"], "ul"),
    **dict.fromkeys(["xmp", "listing", "plaintext"], "pre"),
}
_PHRASING = frozenset({
    "a", "abbr", "b", "cite", "code", "em", "i", "kbd", "q", "s", "small", "strong", "sub",
    "sup", "time", "u"
})  # fmt: skip
_TEXT_BLOCKS = frozenset({"p", "h2", "h3", "h4", "h5", "h6", "pre"})
_STRUCTURE = frozenset({
    "blockquote", "caption", "dd", "dl", "dt", "figcaption", "figure", "hr", "li", "ol",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"
})  # fmt: skip
_KEPT = _PHRASING | _TEXT_BLOCKS | _STRUCTURE | {"br", "img"}
_VOID = frozenset({"br", "hr", "img"})
_GAPPED = _KEPT - _PHRASING | _BOUNDARY  # elements whose text never runs into the next word
_REL = "nofollow noopener noreferrer"
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_IMG_EXTRA = (("loading", "lazy"), ("decoding", "async"), ("referrerpolicy", "no-referrer"))
# Far below any browser's nesting limit (Blink re-parents past 512), and keeps our
# recursion shallow; deeper content is kept as plain text.
_MAX_DEPTH = 48

_NONCHARACTERS = "".join(chr(p << 16 | 0xFFFE) + chr(p << 16 | 0xFFFF) for p in range(1, 17))
_BAD_CHARS = re.compile(
    f"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff{_NONCHARACTERS}]"
)
_WS = re.compile("([ \t\n\r\f\xa0]+)")
_PRE_WS = re.compile("([ \t\n]+)")
_URL_DROPPED = re.compile("[\t\n\r]")  # the URL parser ignores these anywhere
_URL_TRIMMED = "".join(map(chr, range(0x21)))  # ... and C0 controls and space at the ends
_INVISIBLE = re.compile(
    "[\x00-\x20\x7f-\x9f\xa0\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f\u3000]"
)
_URL_HEAD = re.compile("([^/?#:]*):")
_NUMBER = re.compile("[0-9]{1,5}")


@dataclass(eq=False)
class _Node:
    """A kept element after parsing: identity matters, it is how a split link stays one."""

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    children: list[_Node | str] = field(default_factory=list)


type _Stack = tuple[_Node, ...]  # the phrasing elements around a piece of text
type _Item = _Node | str


@dataclass(frozen=True)
class _Out:
    html: str  # "" when the block has no content and is dropped
    text: bool = False  # has non-whitespace text, so it takes a separator
    run: bool = False  # bare phrasing content between blocks


_EMPTY = _Out("")


class _Tok(NamedTuple):
    kind: str  # "word", "img", "space", "br" or "break" (a block flattened into phrasing)
    stack: _Stack
    html: str


def clean_article_html(html: str) -> str:
    """Sanitise article HTML into the canonical fragment stored as body_html."""
    parser = html5lib_shim.HTMLParser(namespaceHTMLElements=False)
    fragment = parser.parseFragment(_clean_chars(html), container="div")
    flow = _Flow(wrap=True, sep="\n\n")
    _walk_flow(_lower(fragment, 0), (), flow)
    return flow.result().html


def text_content(html: str) -> str:
    """The DOM textContent of `html`, which must be `clean_article_html` output.

    A stdlib parser is enough because canonical output has none of what it gets wrong
    compared with HTML5 (no pre starting with a newline, no CR, no raw-text elements,
    no unclosed or misnested tags, every & < > escaped).
    """
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


# Parsed tree -> _Node tree: drop, rename, unwrap, filter attributes.


def _clean_chars(text: str) -> str:
    return _BAD_CHARS.sub("", text)


def _lower(parent: Element, depth: int) -> list[_Item]:
    items: list[_Item] = []
    if parent.text:
        items.append(_clean_chars(parent.text))
    for child in parent:
        items.extend(_lower_element(child, depth + 1))
        if child.tail:
            items.append(_clean_chars(child.tail))
    return items


def _lower_element(el: Element, depth: int) -> list[_Item]:
    tag = el.tag
    # Comments have a function as tag; svg/math children carry a "{namespace}".
    if not isinstance(tag, str) or tag.startswith("{") or tag in _DROP:
        return []
    if depth > _MAX_DEPTH:
        return [_clean_chars(_flat_text(el))]
    tag = _RENAME.get(tag, tag)
    if tag in _BOUNDARY:
        return [_Node("div", (), _lower(el, depth))]
    if tag not in _KEPT:
        return _lower(el, depth)
    attrs = _attributes(tag, el.attrib)
    if attrs is None:  # a link without a safe href is text; an unsafe image is nothing
        return _lower(el, depth) if tag == "a" else []
    return [_Node(tag, attrs, [] if tag in _VOID else _lower(el, depth))]


def _flat_text(root: Element) -> str:
    """Text of a pathologically deep subtree, without recursion."""
    parts: list[str] = []
    todo: list[Element | str] = [root]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        tag = item.tag
        if not isinstance(tag, str) or tag.startswith("{") or tag in _DROP:
            continue
        gap = " " if _RENAME.get(tag, tag) in _GAPPED else ""
        todo.append(gap)
        for child in reversed(item):
            todo.extend((child.tail or "", child))
        todo.extend((item.text or "", gap))
    return "".join(parts)


def _attributes(tag: str, attrib: dict[str, str]) -> tuple[tuple[str, str], ...] | None:
    match tag:
        case "a":
            href = _safe_url(attrib.get("href", ""), _LINK_SCHEMES)
            return None if href is None else (("href", href), ("rel", _REL))
        case "img":
            src = _safe_url(attrib.get("src", ""), frozenset({"https"}))
            if src is None or src[:8].lower() != "https://":
                return None
            attrs = [("src", src)]
            if "alt" in attrib:
                attrs.append(("alt", _plain(attrib["alt"])))
            attrs += [(k, v) for k in ("width", "height") if (v := _number(attrib.get(k)))]
            return (*attrs, *_IMG_EXTRA)
        case "td" | "th":
            return tuple((k, v) for k in ("colspan", "rowspan") if (v := _number(attrib.get(k))))
        case "abbr" | "time":
            name = "title" if tag == "abbr" else "datetime"
            value = _plain(attrib.get(name, ""))
            return ((name, value),) if value else ()
        case _:
            return ()


def _safe_url(value: str, schemes: frozenset[str]) -> str | None:
    url = _URL_DROPPED.sub("", _clean_chars(value)).strip(_URL_TRIMMED)
    # A colon before the first / ? # makes a scheme. Judge it as a browser would and
    # again with every invisible character gone, so neither "java\u00a0script:" nor
    # "java\ufffdscript:" passes as a relative URL.
    for candidate in (url, _INVISIBLE.sub("", url)):
        head = _URL_HEAD.match(candidate)
        if head and head.group(1).lower() not in schemes:
            return None
    return url or None


def _plain(value: str) -> str:
    return " ".join(_clean_chars(value).split())


def _number(value: str | None) -> str | None:
    value = (value or "").strip()
    return str(int(value)) if _NUMBER.fullmatch(value) and int(value) > 0 else None


# _Node tree -> canonical HTML.


class _Flow:
    """The block children of one container, with runs of phrasing content between them."""

    def __init__(self, *, wrap: bool, sep: str, figure: bool = False) -> None:
        self.wrap = wrap  # whether bare runs always become <p>
        self.sep = sep
        self.figure = figure  # whether a figcaption here is a block of its own
        self.toks: list[_Tok] = []
        self.parts: list[_Out] = []

    def flush(self) -> None:
        run = _render(self.toks, pre=False)
        self.toks = []
        if run.html:
            self.parts.append(_Out(run.html, run.text, run=True))

    def add(self, outs: Iterable[_Out]) -> None:
        self.flush()
        self.parts.extend(out for out in outs if out.html)

    def result(self) -> _Out:
        self.flush()
        wrap = self.wrap or any(a.run and b.run for a, b in pairwise(self.parts))
        parts = [_Out(f"<p>{p.html}</p>", p.text) if p.run and wrap else p for p in self.parts]
        return _join(parts, self.sep)


def _walk_flow(items: Iterable[_Item], stack: _Stack, flow: _Flow) -> None:
    for item in items:
        if isinstance(item, str) or not _has_block(item):
            _tokens([item], stack, flow.toks, pre=False)
        elif item.tag in _PHRASING:
            # A link around blocks: carry it into each block instead.
            _walk_flow(item.children, _push(stack, item), flow)
        elif item.tag == "figcaption" and flow.figure:
            flow.add([_text_block("figcaption", item.children, stack)])
        elif builder := _BLOCKS.get(item.tag):
            flow.add(builder(item, stack))
        else:  # div, or a list item/cell/caption out of place: a boundary, text kept
            flow.flush()
            _walk_flow(item.children, stack, flow)
            flow.flush()


def _has_block(node: _Node) -> bool:
    if node.tag in _PHRASING:
        return any(isinstance(c, _Node) and _has_block(c) for c in node.children)
    return node.tag not in {"br", "img"}


def _push(stack: _Stack, node: _Node) -> _Stack:
    if node.tag == "a" and any(n.tag == "a" for n in stack):
        return stack  # a link inside a link: the parser would split the outer one
    return (*stack, node)


def _join(parts: Iterable[_Out], sep: str) -> _Out:
    html: list[str] = []
    seen_text = False
    for part in parts:
        if part.text and seen_text:
            html.append(sep)
        html.append(part.html)
        seen_text = seen_text or part.text
    return _Out("".join(html), seen_text)


def _wrap(tag: str, inner: _Out) -> _Out:
    return _Out(f"<{tag}>{inner.html}</{tag}>", inner.text) if inner.html else _EMPTY


def _text_block(tag: str, items: Iterable[_Item], stack: _Stack) -> _Out:
    toks: list[_Tok] = []
    _tokens(items, stack, toks, pre=tag == "pre")
    return _wrap(tag, _render(toks, pre=tag == "pre"))


def _flow_of(tag: str, items: Iterable[_Item], stack: _Stack) -> _Out:
    figure = tag == "figure"
    flow = _Flow(wrap=tag == "blockquote", sep="\n" if figure else "\n\n", figure=figure)
    _walk_flow(items, stack, flow)
    return flow.result()


def _list(node: _Node, stack: _Stack) -> list[_Out]:
    """ul, ol and dl: only items as children; stray content becomes an item of its own."""
    own, stray_tag = ({"li"}, "li") if node.tag in {"ul", "ol"} else ({"dt", "dd"}, "dd")
    items: list[_Out] = []
    stray: list[_Item] = []
    for child in [*_expand(node.children), _SPLIT]:
        if child is _SPLIT or (isinstance(child, _Node) and child.tag in own):
            items.append(_wrap(stray_tag, _flow_of(stray_tag, stray, stack)))
            stray = []
        if isinstance(child, _Node) and child.tag == "dt":
            items.append(_text_block("dt", child.children, stack))
        elif isinstance(child, _Node) and child.tag in own:
            items.append(_wrap(child.tag, _flow_of(child.tag, child.children, stack)))
        elif child is not _SPLIT:
            stray.append(child)
    return [_wrap(node.tag, _join((i for i in items if i.html), "\n"))]


_SPLIT = _Node("split")  # marks where a div ended inside a list


def _expand(items: Iterable[_Item]) -> Iterator[_Item]:
    """Children with divs spliced in: `<ul><div><li>` is a common way to group items."""
    for item in items:
        if isinstance(item, _Node) and item.tag == "div":
            yield _SPLIT
            yield from _expand(item.children)
            yield _SPLIT
        else:
            yield item


def _table(node: _Node, stack: _Stack) -> list[_Out]:
    # Text outside cells cannot exist here (the parser moves it before the table), but
    # a caption can: it becomes a paragraph before the table.
    captions: list[_Out] = []
    sections: list[_Out] = []
    for child in node.children:
        if not isinstance(child, _Node):
            continue
        if child.tag == "caption":
            captions.append(_text_block("p", child.children, stack))
        elif child.tag in {"thead", "tbody", "tfoot"}:
            rows = (_row(row, stack) for row in child.children if isinstance(row, _Node))
            sections.append(_wrap(child.tag, _join((r for r in rows if r.html), "\n")))
    return [*captions, _wrap("table", _join((s for s in sections if s.html), "\n"))]


def _row(node: _Node, stack: _Stack) -> _Out:
    if node.tag != "tr":
        return _EMPTY
    cells: list[_Out] = []
    content = False
    for cell in node.children:
        if isinstance(cell, _Node) and cell.tag in {"td", "th"}:
            inner = _flow_of(cell.tag, cell.children, stack)
            # An empty cell stays, or the columns after it would shift left.
            cells.append(_Out(f"{_start_tag(cell)}{inner.html}</{cell.tag}>", inner.text))
            content = content or bool(inner.html)
    return _wrap("tr", _join(cells, "\t")) if content else _EMPTY


_BLOCKS: dict[str, Callable[[_Node, _Stack], list[_Out]]] = {
    **{tag: lambda n, s: [_text_block(n.tag, n.children, s)] for tag in _TEXT_BLOCKS},
    "hr": lambda _n, _s: [_Out("<hr>")],
    "ul": _list,
    "ol": _list,
    "dl": _list,
    **{
        tag: lambda n, s: [_wrap(n.tag, _flow_of(n.tag, n.children, s))]
        for tag in ("blockquote", "figure")
    },
    "table": _table,
}


# Phrasing content -> tokens -> HTML with whitespace normalised.


def _tokens(items: Iterable[_Item], stack: _Stack, toks: list[_Tok], *, pre: bool) -> None:
    for item in items:
        if isinstance(item, str):
            if pre:
                item = item.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "")  # noqa: PLW2901
            pieces = enumerate((_PRE_WS if pre else _WS).split(item))
            toks.extend(
                _Tok("space", stack, p) if i % 2 else _Tok("word", stack, escape(p, quote=False))
                for i, p in pieces
                if p
            )
        elif item.tag == "br":
            toks.append(_Tok("br", stack, ""))
        elif item.tag == "img":
            toks.append(_Tok("img", stack, _start_tag(item)))
        elif item.tag in _PHRASING:
            _tokens(item.children, _push(stack, item), toks, pre=pre)
        else:  # a block where only phrasing may go (a div in a heading): keep words apart
            toks.append(_Tok("break", stack, ""))
            _tokens(item.children, stack, toks, pre=pre)
            toks.append(_Tok("break", stack, ""))


def _render(toks: list[_Tok], *, pre: bool) -> _Out:
    content = [i for i, t in enumerate(toks) if t.kind in {"word", "img"}]
    if not content:
        return _EMPTY
    words = [i for i, t in enumerate(toks) if t.kind == "word"] or [len(toks)]
    out = _Emitter()
    if pre:
        _render_pre(toks[: content[-1] + 1], out)
    else:
        _render_collapsed(toks[: content[-1] + 1], content[0], (words[0], words[-1]), out)
    return _Out(out.close(), text=words[0] < len(toks))


def _render_collapsed(toks: list[_Tok], start: int, words: tuple[int, int], out: _Emitter) -> None:
    space: _Stack | None = None  # where a space was seen since the last content
    separated = True  # the last word is already followed by a space or newline
    brs = 0  # consecutive brs so far
    for i, tok in enumerate(toks[start:], start):
        between_words = words[0] < i < words[1]
        if tok.kind in {"word", "img"}:
            if space is not None:
                out.emit(space, " ")
                space, separated = None, True
            out.emit(tok.stack, tok.html)
            brs = 0
            separated = separated and tok.kind == "img"
        elif tok.kind == "br":
            if brs < 2:
                out.emit(tok.stack, "<br>\n" if between_words else "<br>")
                brs += 1
                if between_words:
                    space, separated = None, True
        elif between_words and not separated and space is None:
            space = tok.stack


def _render_pre(toks: list[_Tok], out: _Emitter) -> None:
    pending: list[tuple[_Stack, str]] = []  # whitespace since the last content
    started = False
    for tok in toks:
        if tok.kind in {"word", "img"}:
            if not started:  # drop leading blank lines, keep the first line's indent
                cut = [i for i, (_, ws) in enumerate(pending) if "\n" in ws]
                if cut:
                    stack, ws = pending[cut[-1]]
                    pending = [(stack, ws.rpartition("\n")[2]), *pending[cut[-1] + 1 :]]
            for stack, ws in pending:
                out.emit(stack, ws)
            pending = []
            out.emit(tok.stack, tok.html)
            started = True
        elif tok.kind != "break" or not any("\n" in ws for _, ws in pending):
            pending.append((tok.stack, "\n" if tok.kind != "space" else tok.html))


class _Emitter:
    """Writes pieces of phrasing content, opening and closing their elements as needed."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.open: _Stack = ()

    def emit(self, stack: _Stack, html: str) -> None:
        if not html:
            return  # an element is only opened for something to put in it
        keep = 0
        while keep < min(len(self.open), len(stack)) and self.open[keep] is stack[keep]:
            keep += 1
        self.parts.extend(f"</{n.tag}>" for n in reversed(self.open[keep:]))
        self.parts.extend(_start_tag(n) for n in stack[keep:])
        self.open = stack
        self.parts.append(html)

    def close(self) -> str:
        self.parts.extend(f"</{n.tag}>" for n in reversed(self.open))
        self.open = ()
        return "".join(self.parts)


def _start_tag(node: _Node) -> str:
    return "".join((f"<{node.tag}", *(f' {k}="{escape(v)}"' for k, v in node.attrs), ">"))
