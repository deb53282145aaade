r"""Turn untrusted article HTML into Newsroom's canonical body_html, and read its text.

`clean_article_html` is the only gate between fetched or pasted HTML and the template
that marks HTML safe; `text_content` reads the text of its output as a browser's DOM
has it. It takes markup, or an element already parsed (the extractor's lxml tree, a
plain text's paragraphs), which it lowers as it stands: the same allow-list and the same
serialisation, so every promise below holds for either. This package is the only code
that imports bleach (for its vendored html5lib), and this module the only one in it.

Invariants (tests/test_sanitize.py checks them, most for arbitrary input):

- Safe: only the elements of `policy.KEPT` and the attributes of `policy.attributes`
  survive. Links are http(s), mailto or relative, with rel="nofollow noopener
  noreferrer"; images need an https src and load lazily without a referrer. No class,
  id, style, on* or comment. `mark` is reserved for annotation highlights: incoming
  ones become plain text, like span, font and unknown tags.
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

The package splits the work by stage: `policy` (the allow-list: elements, attributes,
URLs, characters), `tree` (the parsed tree lowered to what the policy keeps), `blocks`
(block structure and separators) and `phrasing` (inline content and whitespace). The
names exported here are the whole interface.
"""

from __future__ import annotations

from html.parser import HTMLParser

import bleach
from bleach import html5lib_shim
from bleach.linkifier import LinkifyFilter

from articles.sanitize.blocks import Flow, walk_flow
from articles.sanitize.policy import clean_chars
from articles.sanitize.tree import Parsed, lower

__all__ = ["Parsed", "clean_article_html", "clean_note_html", "text_content"]

# Notes are Markdown rendered by `articles.notes` with raw HTML escaped; this allow-list
# is the second wall, for what Markdown itself can produce.
NOTE_TAGS = frozenset(
    {"p", "br", "strong", "em", "b", "i", "s", "del", "code", "pre", "blockquote", "ul", "ol",
     "li", "a", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table", "thead", "tbody", "tr", "th",
     "td"}
)  # fmt: skip
NOTE_PROTOCOLS = frozenset({"http", "https", "mailto"})


# bleach's linkify attributes: (namespace, name) -> value.
type _LinkAttrs = dict[tuple[str | None, str], str]


def _note_link_attrs(attrs: _LinkAttrs, new: bool = False) -> _LinkAttrs:  # noqa: ARG001 - bleach callback
    attrs[(None, "rel")] = "nofollow noopener noreferrer"
    return attrs


_NOTE_CLEANER = bleach.Cleaner(
    tags=NOTE_TAGS,
    attributes={"a": ["href", "title"], "th": ["align"], "td": ["align"]},
    protocols=NOTE_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[
        lambda source: LinkifyFilter(
            source, callbacks=[_note_link_attrs], skip_tags={"pre", "code"}
        )
    ],
)


def clean_note_html(html: str) -> str:
    """Sanitise the HTML rendered from a note's Markdown: formatting and web links only."""
    cleaned: str = _NOTE_CLEANER.clean(clean_chars(html))
    return cleaned


def clean_article_html(html: str | Parsed) -> str:
    """Sanitise article HTML into the canonical fragment stored as body_html.

    `html` is markup, or an element already parsed (the extractor's, an lxml element
    whose content is the article): that is lowered as it stands, not written out and
    parsed again.
    """
    if isinstance(html, str):
        parser = html5lib_shim.HTMLParser(namespaceHTMLElements=False)
        parsed: Parsed = parser.parseFragment(clean_chars(html), container="div")
    else:
        parsed = html
    flow = Flow(wrap=True, sep="\n\n")
    walk_flow(lower(parsed, 0), (), flow)
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
