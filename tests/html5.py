"""HTML read back as a browser builds it, and what every cleaned fragment must be.

An independent HTML5 parse: html5lib (bleach's vendored copy) building a minidom tree,
not the ElementTree one the sanitiser walks, read the way DOM textContent reads. The
sanitiser's tests and the highlights' oracle (tests/marks.py) both read output this way.
"""

from __future__ import annotations

import re
from xml.dom import Node

from bleach._vendor import html5lib

from articles.sanitize import clean_article_html, text_content

# What clean_article_html writes on every image and every link.
IMG = ' loading="lazy" decoding="async" referrerpolicy="no-referrer">'
REL = ' rel="nofollow noopener noreferrer"'

NO_ATTRIBUTES = (
    "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "em", "strong", "b",
    "i", "u", "s", "sub", "sup", "code", "pre", "kbd", "br", "hr", "table", "thead", "tbody",
    "tfoot", "tr", "figure", "figcaption", "dl", "dt", "dd", "q", "cite", "small"
)  # fmt: skip

ALLOWED: dict[str, set[str]] = {tag: set() for tag in NO_ATTRIBUTES} | {
    "a": {"href", "rel"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "img": {"src", "alt", "width", "height", "loading", "decoding", "referrerpolicy"},
    "abbr": {"title"},
    "time": {"datetime"},
}

# What the sanitiser collapses; other Unicode spaces (U+2003 ...) are text, as in a browser.
WHITESPACE = " \t\n\r\f\u00a0"
BAD_SCHEME = re.compile(r"^(javascript|vbscript|livescript|data):", re.IGNORECASE)


def parse(html: str) -> Node:
    """The output as a browser would build it inside <div id="article-body">."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("dom"))
    return parser.parseFragment(html, container="div")


def text_nodes(root: Node) -> list[tuple[str, bool]]:
    """Every text node in document order, with whether it sits inside a pre."""
    found: list[tuple[str, bool]] = []
    todo: list[tuple[Node, bool]] = [(root, False)]
    while todo:
        node, in_pre = todo.pop()
        if node.nodeType == Node.TEXT_NODE:
            found.append((node.data, in_pre))
        in_pre = in_pre or getattr(node, "tagName", "") == "pre"
        todo.extend((child, in_pre) for child in reversed(node.childNodes))
    return found


def dom_text(html: str) -> str:
    return "".join(data for data, _ in text_nodes(parse(html)))


def elements(root: Node) -> list[Node]:
    found = []
    todo = list(root.childNodes)
    while todo:
        node = todo.pop()
        assert node.nodeType in {Node.ELEMENT_NODE, Node.TEXT_NODE}, node  # no comments
        if node.nodeType == Node.ELEMENT_NODE:
            found.append(node)
            todo.extend(node.childNodes)
    return found


def check_stable(out: str) -> None:
    assert clean_article_html(out) == out, "not idempotent"


def check_text(out: str) -> None:
    assert dom_text(out) == text_content(out), "text_content differs from the DOM"


def check_allowed(out: str) -> None:
    for el in elements(parse(out)):
        assert el.tagName in ALLOWED, el.tagName
        names = {el.attributes.item(i).name for i in range(el.attributes.length)}
        assert names <= ALLOWED[el.tagName], (el.tagName, names)
        if el.tagName == "a":
            assert not BAD_SCHEME.match(re.sub(r"[\x00-\x20]", "", el.getAttribute("href")))
            assert el.getAttribute("rel") == "nofollow noopener noreferrer"
        if el.tagName == "img":
            assert el.getAttribute("src").lower().startswith(("https://", "http://"))


def check_whitespace(out: str) -> None:
    """No whitespace at either end of body text and no double space, pre apart."""
    nodes = [(data, in_pre) for data, in_pre in text_nodes(parse(out)) if data]
    if nodes and not nodes[0][1]:
        assert nodes[0][0][0] not in WHITESPACE, "body text starts with whitespace"
    if nodes and not nodes[-1][1]:
        assert nodes[-1][0][-1] not in WHITESPACE, "body text ends with whitespace"
    # Adjacent nodes join (a space may end one and start the next); pre text breaks them.
    outside_pre = "".join("\0" if in_pre else data for data, in_pre in nodes)
    assert "  " not in outside_pre, "double space outside pre"


def clean(html: str) -> str:
    """clean_article_html, checking every property the rest of Newsroom relies on."""
    out = clean_article_html(html)
    for check in (check_stable, check_text, check_allowed, check_whitespace):
        check(out)
    return out
