r"""Phrasing content to HTML: tokens, whitespace normalised, elements opened and closed.

A run of phrasing content (text, images, brs and the inline elements around them) is
cut into tokens, each carrying the stack of inline elements it sits in; the tokens are
written back with whitespace laid out as `articles.sanitize` promises.

Invariants:
- Outside pre, whitespace between words is one " ", none at either end of the run, and
  a space only between two words; brs are capped at two in a row, never lead or trail,
  and are followed by "\n" only between words.
- In pre, text is verbatim but for CR to LF, FF removed, leading blank lines and
  trailing whitespace dropped, and a br or nested block written as a newline.
- An element is opened only for something to put in it, and every element opened is
  closed in order; a link inside a link is not nested (the parser would split it).
- Text is escaped (& < >) and attribute values quoted, so a parser rebuilds exactly the
  nodes written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, NamedTuple

from articles.sanitize.policy import PHRASING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from articles.sanitize.tree import Item, Node, Stack

_SPACES = " \t\n\r\f\xa0"  # what collapses outside pre
_WS = re.compile(f"[{_SPACES}]+")
_PRE_WS = re.compile("([ \t\n]+)")


@dataclass(frozen=True)
class Out:
    html: str  # "" when the block has no content and is dropped
    text: bool = False  # has non-whitespace text, so it takes a separator
    run: bool = False  # bare phrasing content between blocks


EMPTY = Out("")


class Tok(NamedTuple):
    kind: str  # "word", "img", "space", "br" or "break" (a block flattened into phrasing)
    stack: Stack
    html: str


def push(stack: Stack, node: Node) -> Stack:
    if node.tag == "a" and any(n.tag == "a" for n in stack):
        return stack  # a link inside a link: the parser would split the outer one
    return (*stack, node)


def tokens(items: Iterable[Item], stack: Stack, toks: list[Tok], *, pre: bool) -> None:
    for item in items:
        if isinstance(item, str):
            if pre:
                _pre_tokens(item, stack, toks)
            else:
                _collapsed_tokens(item, stack, toks)
        elif item.tag == "br":
            toks.append(Tok("br", stack, ""))
        elif item.tag == "img":
            toks.append(Tok("img", stack, start_tag(item)))
        elif item.tag in PHRASING:
            tokens(item.children, push(stack, item), toks, pre=pre)
        else:  # a block where only phrasing may go (a div in a heading): keep words apart
            toks.append(Tok("break", stack, ""))
            tokens(item.children, stack, toks, pre=pre)
            toks.append(Tok("break", stack, ""))


def _pre_tokens(text: str, stack: Stack, toks: list[Tok]) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "")
    toks.extend(
        Tok("space", stack, p) if i % 2 else Tok("word", stack, escape(p, quote=False))
        for i, p in enumerate(_PRE_WS.split(text))
        if p
    )


def _collapsed_tokens(text: str, stack: Stack, toks: list[Tok]) -> None:
    """One "word" token for all the words of a text, with one space between them.

    Spaces inside one text always stand between two words of the same elements, which
    is where rendering writes one " ": joining them here writes the same HTML with a
    token per text rather than per word (a page of prose has thousands of words).
    """
    words = text.strip(_SPACES)
    if not words:
        if text:
            toks.append(Tok("space", stack, text))
        return
    if text[0] in _SPACES:
        toks.append(Tok("space", stack, text[: len(text) - len(text.lstrip(_SPACES))]))
    toks.append(Tok("word", stack, escape(_WS.sub(" ", words), quote=False)))
    if text[-1] in _SPACES:
        toks.append(Tok("space", stack, text[len(text.rstrip(_SPACES)) :]))


def render(toks: list[Tok], *, pre: bool) -> Out:
    content = [i for i, t in enumerate(toks) if t.kind in {"word", "img"}]
    if not content:
        return EMPTY
    words = [i for i, t in enumerate(toks) if t.kind == "word"] or [len(toks)]
    out = _Emitter()
    if pre:
        _render_pre(toks[: content[-1] + 1], out)
    else:
        _render_collapsed(toks[: content[-1] + 1], content[0], (words[0], words[-1]), out)
    return Out(out.close(), text=words[0] < len(toks))


def _render_collapsed(toks: list[Tok], start: int, words: tuple[int, int], out: _Emitter) -> None:
    space: Stack | None = None  # where a space was seen since the last content
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


def _render_pre(toks: list[Tok], out: _Emitter) -> None:
    pending: list[tuple[Stack, str]] = []  # whitespace since the last content
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
        self.open: Stack = ()

    def emit(self, stack: Stack, html: str) -> None:
        if not html:
            return  # an element is only opened for something to put in it
        if stack is self.open:  # most pieces sit where the last one did
            self.parts.append(html)
            return
        keep = 0
        while keep < min(len(self.open), len(stack)) and self.open[keep] is stack[keep]:
            keep += 1
        self.parts.extend(f"</{n.tag}>" for n in reversed(self.open[keep:]))
        self.parts.extend(start_tag(n) for n in stack[keep:])
        self.open = stack
        self.parts.append(html)

    def close(self) -> str:
        self.parts.extend(f"</{n.tag}>" for n in reversed(self.open))
        self.open = ()
        return "".join(self.parts)


def start_tag(node: Node) -> str:
    return "".join((f"<{node.tag}", *(f' {k}="{escape(v)}"' for k, v in node.attrs), ">"))
