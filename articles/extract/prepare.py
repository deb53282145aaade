"""Prepare a page before trafilatura reads it, so that it keeps what belongs to the story.

Each step mends one way trafilatura lost or mangled article text: relative links
resolved against the wrong base, screen-reader labels read as text, quoted posts pruned
with their "social" wrappers, a body cut at the first ad slot, <br><br> text split at
every link, captions dropped for their form.

Invariants:
- Every step changes the tree in place and only where its own pattern matches; a page
  without such markup passes through untouched.
- The steps move and regroup content; the one that removes any, `drop_hidden_labels`,
  removes only text that a screen reader alone would read.
- Captions leave here as <p class="newsroom-caption"> (`CAPTION`), the one form that
  trafilatura keeps and that `convert` turns into <figcaption>.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from lxml import etree

from articles.extract.metadata import absolute
from articles.extract.tree import PARAGRAPH_END, detach, mark_double_breaks, nodes, regroup, remove

if TYPE_CHECKING:
    from lxml.html import HtmlElement


def resolve_links(tree: HtmlElement, address: str) -> str:
    """Make links and image sources absolute; return the base URL they resolve against.

    Done here because trafilatura resolves a relative link against the site's root, not
    the page: "times" on /news/ferries became /times.
    """
    declared = next(iter(tree.xpath("//base/@href")), "").strip()
    base = absolute(declared, address) if declared else address
    if not base:
        return ""
    for elem in tree.iter("a", "img"):
        for name, value in elem.attrib.items():
            relative = not value.startswith(("https://", "http://"))  # most are absolute
            if relative and (name in {"href", "src"} or name.startswith("data-src")):
                elem.set(name, absolute(value, base))
    return base


_HIDDEN_LABEL = re.compile(
    r"(sr|screenreader)-only|visually-?hidden|off-?screen|screen-reader-text|element-invisible",
    re.IGNORECASE,
)
# A cheap XPath filter first: a regular expression over every element costs milliseconds.
_MAYBE_HIDDEN = (
    "//*[contains(@class, '-only') or contains(@class, 'hidden') or contains(@class, 'screen')"
    " or contains(@class, 'invisible')]"
)


def drop_hidden_labels(tree: HtmlElement) -> None:
    """Remove text for screen readers only ("Image caption", ...): nobody sees it."""
    for label in tree.xpath(_MAYBE_HIDDEN):
        if any(_HIDDEN_LABEL.fullmatch(name) for name in label.get("class", "").split()):
            remove(label)


_EMBEDDED_POSTS = (
    "//blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed') or contains(@class, 'bluesky-embed')]"
)
_EMBED_WRAPPER = re.compile(r"social|embed|share|tweet|twitter|instagram|tiktok", re.IGNORECASE)


def rescue_embedded_posts(tree: HtmlElement) -> None:
    """Lift quoted posts out of the small wrappers that mark them as social widgets.

    The reporter quoted these posts, so they belong to the story, but trafilatura prunes
    anything whose class says "social" or "embed", the post with it.
    """
    for quote in tree.xpath(_EMBEDDED_POSTS):
        wrapper = quote.getparent()
        while (
            wrapper is not None
            and wrapper.getparent() is not None
            and len(wrapper) <= 3
            and _EMBED_WRAPPER.search(f"{wrapper.get('class', '')} {wrapper.get('id', '')}")
        ):
            quote.tail = wrapper.tail
            wrapper.getparent().replace(wrapper, quote)
            wrapper = quote.getparent()


_BODY_CLASS = re.compile(r"body|content|text|article|story|entry", re.IGNORECASE)


def merge_split_bodies(tree: HtmlElement) -> None:
    """Join an article body that the page split into several containers around ad slots.

    trafilatura keeps one container, so the story stopped at the first ad. Containers
    merge only when they share tag and class, each holds real paragraphs, none holds
    another, and no h1 sits between them (an h1 starts the next story on endless pages).
    """
    groups: defaultdict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for elem in tree.iter("div", "section", "article"):
        classes = elem.get("class") or ""
        if not _BODY_CLASS.search(classes) or "comment" in classes.lower():
            continue
        paragraphs = elem.findall("p")
        if len(paragraphs) >= 2 and sum(len(p.text_content().strip()) for p in paragraphs) >= 200:
            groups[elem.tag, classes].append(elem)
    for parts in groups.values():
        if len(parts) < 2 or any(a in b.iterancestors() for a in parts for b in parts):
            continue
        if set(parts[0].xpath("following::h1")) & set(parts[-1].xpath("preceding::h1")):
            continue
        for part in parts[1:]:
            parts[0].extend(list(part))
            part.getparent().remove(part)


# What may sit inside a paragraph.
_INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "dfn", "em", "font", "i"}
    | {"img", "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time"}
    | {"u", "var"}
)


def paragraphs_from_breaks(tree: HtmlElement) -> None:
    """Turn text laid out with <br><br> into paragraphs before trafilatura reads it.

    trafilatura splits such text at every link and trims the spaces around it: "the
    last i9 <a>MacBook Pro</a> was" came out as two blocks, "i9" and "MacBook Prowas".
    """
    for parent in list(tree.iter("div", "td", "section", "article", "main", "span", "font")):
        children = list(parent)
        loose = (parent.text or "").strip() or any((c.tail or "").strip() for c in children)
        if not loose or sum(child.tag == "br" for child in children) < 2:
            continue
        found = mark_double_breaks(nodes(parent))
        if not any(node is PARAGRAPH_END for node in found):
            continue
        detach(parent)
        regroup(parent, found, standalone=lambda elem: elem.tag not in _INLINE)


CAPTION = "newsroom-caption"


def mark_captions(tree: HtmlElement) -> None:
    """Give every caption the one form trafilatura keeps, marked to become <figcaption>.

    trafilatura drops a <figcaption> of bare text yet keeps one wrapping a <p>, and keeps
    a <p class="caption">.
    """
    for caption in tree.xpath("//figcaption | //p[contains(@class, 'caption')]"):
        for block in caption.iter("p", "div"):
            if block is not caption:
                block.tail = f" {block.tail or ''}"
        etree.strip_tags(caption, "p", "div")
        caption.tag = "p"
        caption.attrib.clear()
        caption.set("class", CAPTION)
