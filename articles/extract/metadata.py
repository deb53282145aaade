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
from trafilatura import metadata as trafilatura_metadata
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import line_processing
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

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
    prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS)
    found = trafilatura_metadata.extract_metainfo(tree, AUTHOR_XPATHS, len_limit=120)
    if not found:
        return ""
    return line_processing(unescape(normalize_authors(None, found) or "")) or ""
