"""What a page says about itself: its address, language, names and date.

Invariants:
- `source_url` is "" or an absolute http(s) URL with a lower-case scheme and host, a
  path (at least "/"), no fragment and no tracking parameters; the parameters it keeps
  stay byte for byte as the page wrote them. A canonical URL declared by the page wins
  over the address it was fetched from, unless it is the site's home page and the page
  is not.
- `language` is "" or a two-letter lower-case code taken from the page's own markup.
- `absolute` never raises: a link it cannot resolve stays as the page wrote it.
- `describe` reads the page before anything changes it, once per page, whichever
  extraction passes follow; `byline_in_text` reads it last, and prunes it as it reads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from html import unescape
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

from htmldate import find_date
from lxml import etree
from trafilatura import metadata as trafilatura_metadata
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import line_processing, trim
from trafilatura.xml import delete_element
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS

if TYPE_CHECKING:
    from lxml.html import HtmlElement
    from trafilatura.settings import Document


def squash(text: str) -> str:
    return " ".join(text.split())


def date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def absolute(link: str, base: str) -> str:
    link = link.strip()
    try:
        return urljoin(base, link) if base else link
    except ValueError:  # a malformed URL stays as the page wrote it
        return link


# Query parameters that identify a campaign or a click, never the document.
_TRACKING = re.compile(
    r"utm_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_ga|_gl"
    r"|ocid|cmpid|ncid|smid|mkt_tok|sr_share|s_cid|__twitter_impression|ref_src|ref_url",
    re.IGNORECASE,
)


def source_url(tree: HtmlElement, url: str) -> str:
    declared = [
        *tree.xpath(
            "//link[contains(concat(' ', normalize-space(@rel), ' '), ' canonical ')]/@href"
        ),
        *tree.xpath("//meta[@property='og:url' or @name='og:url']/@content"),
    ]
    page = _clean_url(url)
    for candidate in declared:
        cleaned = _clean_url(absolute(candidate, url))
        # Some sites declare their home page as every page's canonical URL: not this page.
        if cleaned and not (page and urlsplit(cleaned).path == "/" != urlsplit(page).path):
            return cleaned
    return page


def _clean_url(url: str) -> str:
    """The URL without fragment and tracking parameters; "" unless absolute http(s)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname:
        return ""
    # Split by hand so the parameters we keep stay byte for byte as the page wrote them.
    kept = [p for p in parts.query.split("&") if p and not _TRACKING.fullmatch(p.split("=")[0])]
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", "&".join(kept), "")
    )


def language(tree: HtmlElement) -> str:
    declared = [
        tree.get("lang"),
        tree.get("xml:lang"),
        *tree.xpath(
            "//meta[translate(@http-equiv, 'CONTENTLAGU', 'contentlagu') = 'content-language']"
            "/@content"
        ),
        *tree.xpath("//meta[@property='og:locale' or @name='language']/@content"),
    ]
    for value in declared:
        code = re.split(r"[-_,; ]", (value or "").strip(), maxsplit=1)[0].lower()
        if len(code) == 2 and code.isascii() and code.isalpha():
            return code
    return ""


def describe(tree: HtmlElement, url: str) -> Document:
    """Title, author, site name, date and description, as trafilatura finds them.

    trafilatura's own `extract_metadata` in the order it runs it, less what Newsroom never
    shows (categories, tags, licence, host name): those lookups scan the whole page and
    cost more than the rest together. `url` helps the date (many sites put it in the path).
    The author comes from the page's metadata only: `byline_in_text` looks further.
    """
    found = trafilatura_metadata.examine_meta(tree)
    if found.author and " " not in found.author:  # a login name, not a person's name
        found.author = None
    # Malformed JSON-LD is the page's fault, not the reader's: do without it, as
    # trafilatura does (its JSON parsing has failed on pages before).
    with contextlib.suppress(Exception):
        found = trafilatura_metadata.extract_meta_json(tree, found)
    found.title = found.title or trafilatura_metadata.extract_title(tree)
    found.date = find_date(
        tree,
        url=url or None,
        # A date found anywhere (a copyright line) is worse than none.
        extensive_search=False,
        original_date=True,
        max_date=dt.datetime.now(tz=dt.UTC).date().isoformat(),
    )
    found.sitename = found.sitename or trafilatura_metadata.extract_sitename(tree)
    if found.sitename:
        found.sitename = found.sitename.lstrip("@")
        if "." not in found.sitename and not found.sitename[0].isupper():
            found.sitename = found.sitename.title()
    elif url and (host := trafilatura_metadata.META_URL.match(url)):
        found.sitename = host[1]
    found.clean_and_trim()
    return found


def byline_in_text(tree: HtmlElement) -> str:
    """The byline printed on the page, as trafilatura's `extract_author` finds it.

    It prunes what cannot hold a byline first, from a copy of the whole page; here from
    the page itself, which nothing reads afterwards: the copy cost more than the search.
    """
    for elem in [e for e in tree.iterdescendants(*_DISCARD_TAGS) if _discarded(e)]:
        delete_element(elem)
    prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS[1:])  # //time|//figure
    texts = (trim(" ".join(e.itertext())) for found in author_candidates(tree) for e in found)
    byline = next((text for text in texts if 2 < len(text) < _MAX_BYLINE), "")
    if not byline:
        return ""
    return line_processing(unescape(normalize_authors(None, byline) or "")) or ""


# trafilatura's AUTHOR_DISCARD_XPATHS[0] and AUTHOR_XPATHS, read in Python: the same
# attribute tests with the same regular expressions (what XPath's re:test runs), in one
# walk over the page. As XPath each search cost 2 ms, its predicates evaluated one by one
# on every element; tests/test_extract.py holds these to trafilatura's.
_MAX_BYLINE = 120  # longer is a paragraph, not a byline (trafilatura's len_limit)
_DISCARD_TAGS = ("a", "div", "section", "span")
_DISCARD_ID = re.compile(r"^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    r"^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram"
    r"|article-(?:share|support)|print|category|meta-date|meta-reviewer"
)


def _discarded(elem: HtmlElement) -> bool:
    """What trafilatura takes for comments, sidebars, titles and dates."""
    ident, cls = elem.get("id") or "", elem.get("class") or ""
    return (
        ident == "comments"
        or cls in {"comments", "title", "date"}
        or _DISCARD_ID.search(ident) is not None
        or _DISCARD_CLASS.search(cls) is not None
        or "Figure" in (elem.get("data-component") or "")
    )


_SPECIFIC_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_SPECIFIC_CLASS = re.compile(r"author-?name|AuthorName|authorName")
_GENERIC_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
_GENERIC_ID = re.compile(r"author|zuozhe|bianji|xiaobian")
_GENERIC_CLASS = re.compile(
    r"author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_ANY_ID = re.compile(r"[Aa]uthor")
_ANY_CLASS = re.compile(r"[Aa]uthor|screenname|writer|[Bb]yline")
# Who any of the tests could select: a class or id holding one of these, or one of the
# other attributes they read. Most elements have neither, and substring tests are cheap.
_MAYBE = (
    *("uthor", "screenname", "writer", "yline", "channel-name", "zuozhe", "bianji"),
    *("xiaobian", "submitted-by", "posted-by", "journalist-name", "byl", "BBL", "username"),
)
_OTHERS = frozenset({"itemprop", "rel", "data-testid", "data-component"})


def _maybe(value: str) -> bool:
    return any(part in value for part in _MAYBE)


def author_candidates(tree: HtmlElement) -> tuple[list[HtmlElement], ...]:
    """The elements that each of trafilatura's three `AUTHOR_XPATHS` selects, most
    specific first, each in document order."""
    specific: list[HtmlElement] = []
    generic: list[HtmlElement] = []
    anywhere: list[HtmlElement] = []
    root = tree.getroottree().getroot()
    holding_rel = {rel.getparent() for rel in root.iter("rel")}  # see rel='me' below
    for elem in root.iter(etree.Element):
        tag, ident, cls = elem.tag, elem.get("id") or "", elem.get("class") or ""
        if tag == "author":
            specific.append(elem)
        if not (
            (cls and _maybe(cls))
            or (ident and _maybe(ident))
            or not _OTHERS.isdisjoint(elem.keys())
            or elem in holding_rel
        ):
            continue
        itemprop = elem.get("itemprop") or ""
        if tag in _SPECIFIC_TAGS and (
            elem.get("rel") == "author"
            or "author" in {ident, cls}
            or itemprop == "author name"
            or elem.get("data-testid") in {"AuthorCard", "AuthorURL"}
            or _SPECIFIC_CLASS.search(cls) is not None
            # rel='me' in the XPath, without @: a child element <rel> reading "me"
            or any(child.text_content() == "me" for child in elem.iterchildren("rel"))
        ):
            specific.append(elem)
        if tag in _GENERIC_TAGS and (
            cls in {"byline", "username", "byl", "BBL"}
            or "author" in itemprop
            or _GENERIC_ID.search(ident) is not None
            or _GENERIC_CLASS.search(cls) is not None
        ):
            generic.append(elem)
        if (
            "Byline" in (elem.get("data-component") or "")
            or "author" in itemprop
            or _ANY_ID.search(ident) is not None
            or _ANY_CLASS.search(cls) is not None
        ):
            anywhere.append(elem)
    return specific, generic, anywhere
