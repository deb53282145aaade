"""Prepare a page before trafilatura reads it, so that it keeps what belongs to the story.

Each step mends one way trafilatura lost or mangled article text: image sources
resolved against the wrong base, lazy-loaded images with no source, screen-reader labels
read as text, quoted posts pruned with their "social" wrappers, a body cut at the first
ad slot, <br><br> text split at every link, captions dropped for their form.

Invariants:
- Every step changes the tree in place and only where its own pattern matches; a page
  without such markup passes through untouched.
- The steps move and regroup content; the two that remove any take only what no one
  reads on the page: `drop_unseen` scripts, styles, vector icons, templates and the
  head's meta and link elements, and `drop_hidden_labels` text that a screen reader
  alone would read.
- Captions leave here as <p class="newsroom-caption"> (`CAPTION`), the one form that
  trafilatura keeps; `mark_captions` returns their texts, which is how `convert` knows
  them again (trafilatura drops the class of a paragraph holding formatting).
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
    """Make image sources absolute; return the base URL that links resolve against.

    Links are resolved in `convert`, on the few that the article keeps; image sources
    here, because trafilatura turns "//host/a.jpg" into "http://host/a.jpg" when it is
    not given the page's address (it is not: it would resolve links against the site's
    root, "times" on /news/ferries becoming /times).
    """
    declared = next(iter(tree.xpath("//base/@href")), "").strip()
    base = absolute(declared, address) if declared else address
    for img in tree.iter("img"):
        _give_lazy_image_a_source(img)
        if not base:
            continue
        for name, value in img.attrib.items():
            relative = not value.startswith(("https://", "http://"))  # most are absolute
            if relative and (name == "src" or name.startswith("data-src")):
                img.set(name, absolute(value, base))
    return base


# Where lazy-loading scripts keep an image's address until it scrolls into view.
_LAZY_SOURCES = (
    "data-src", "data-normal", "data-original", "data-lazy-src", "data-lazy", "data-url",
    "data-hi-res-src", "data-srcset", "srcset",
)  # fmt: skip
_IMAGE_FILE = re.compile(r"[^\s]+\.(avif|gif|jpe?g|png|webp)(\b|$)", re.IGNORECASE)


def _give_lazy_image_a_source(img: HtmlElement) -> None:
    """A lazy-loaded image shows a placeholder (none, or a data: URI) as its source: give
    it its real one, or trafilatura drops the photo and keeps its caption alone."""
    src = img.get("src", "")
    if src and not src.startswith("data:"):
        return
    for name in _LAZY_SOURCES:
        # A srcset lists "url width" pairs: the first address will do.
        value = (img.get(name) or "").strip().split(" ", 1)[0].rstrip(",")
        if value and not value.startswith("data:") and _IMAGE_FILE.match(value):
            img.set("src", value)
            return


# Scripts (but the JSON-LD that trafilatura reads), styles, vector icons and templates:
# no reader sees them, every stage of trafilatura removes them, and until it does they
# ride along in its three copies of the page and its searches over it. So do the <meta>
# and <link> elements of the head (a tenth of a page's elements): what they say about the
# page has been read by now (`metadata`, `names`), and they hold no text.
_NEVER_SHOWN = (
    "//script[not(@type='application/ld+json')] | //style | //svg | //template"
    " | /html/head/meta | /html/head/link"
)


def drop_unseen(tree: HtmlElement) -> None:
    """Remove what no reader sees and trafilatura never keeps, before it copies the page."""
    for elem in tree.xpath(_NEVER_SHOWN):
        remove(elem)


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
_CONTAINERS_WITH_PARAGRAPHS = "//*[self::div or self::section or self::article][@class][p[2]]"


def merge_split_bodies(tree: HtmlElement) -> None:
    """Join an article body that the page split into several containers around ad slots.

    trafilatura keeps one container, so the story stopped at the first ad. Containers
    merge only when they share tag and class, each holds real paragraphs, none holds
    another, and no h1 sits between them (an h1 starts the next story on endless pages).
    """
    groups: defaultdict[tuple[str, str], list[HtmlElement]] = defaultdict(list)
    for elem in tree.xpath(_CONTAINERS_WITH_PARAGRAPHS):
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


_BREAK_HOLDERS = (
    "//*[self::div or self::td or self::section or self::article or self::main or self::span"
    " or self::font][count(br) >= 2]"
)


def paragraphs_from_breaks(tree: HtmlElement) -> None:
    """Turn text laid out with <br><br> into paragraphs before trafilatura reads it.

    trafilatura splits such text at every link and trims the spaces around it: "the
    last i9 <a>MacBook Pro</a> was" came out as two blocks, "i9" and "MacBook Prowas".
    """
    # Only elements with two <br> of their own can hold <br><br>: XPath finds them, in
    # document order, without a walk over every element in Python.
    for parent in tree.xpath(_BREAK_HOLDERS):
        children = list(parent)
        loose = (parent.text or "").strip() or any((c.tail or "").strip() for c in children)
        if not loose:
            continue
        found = mark_double_breaks(nodes(parent))
        if not any(node is PARAGRAPH_END for node in found):
            continue
        detach(parent)
        regroup(parent, found, standalone=lambda elem: elem.tag not in _INLINE)


CAPTION = "newsroom-caption"


def mark_captions(tree: HtmlElement) -> frozenset[str]:
    """Give every caption the one form trafilatura keeps, marked to become <figcaption>;
    return the captions' texts.

    trafilatura drops a <figcaption> of bare text yet keeps one wrapping a <p>, and keeps
    a <p class="caption">. The parts of a caption (text, credit) are apart on the page
    even when written as adjacent spans: they stay apart by a space.
    """
    texts = set()
    for caption in tree.xpath("//figcaption | //p[contains(@class, 'caption')]"):
        for part in caption.iterdescendants():
            if part.tag in {"p", "div"} or (
                part.getnext() is not None and not (part.tail or "").strip()
            ):
                part.tail = f" {part.tail or ''}"
        etree.strip_tags(caption, "p", "div")
        caption.tag = "p"
        caption.attrib.clear()
        caption.set("class", CAPTION)
        if text := " ".join(caption.text_content().split()):
            texts.add(text)
    return frozenset(texts)
