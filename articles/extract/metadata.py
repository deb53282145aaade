"""What a page says about itself: its address, language, names and date.

Invariants:
- `source_url` is "" or an absolute http(s) URL with a lower-case scheme and host, a
  path (at least "/"), no fragment and no tracking parameters; the parameters it keeps
  stay byte for byte as the page wrote them. A canonical URL declared by the page wins
  over the address it was fetched from, unless it is the site's home page and the page
  is not.
- `language` is "" or a two-letter lower-case code taken from the page's own markup.
- `absolute` never raises: a link it cannot resolve stays as the page wrote it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit, urlunsplit

if TYPE_CHECKING:
    from lxml.html import HtmlElement


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
