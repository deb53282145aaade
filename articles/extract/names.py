"""The article's title and byline, without what the site adds to them.

A site puts its own name beside every headline in <title> and og:title (for tabs and
search results: "... | Al Bawaba", "Opinion | ..."), and its metadata sometimes names the
publisher among the authors ("Condé Nast, Molly Wood"). Readers want the headline and
the people who wrote the piece.

Invariants:
- `title` only ever removes whole segments at either end of the title, cut at a
  separator set off by spaces; what is left is a headline the page prints (one of its
  h1), or the title less the site's own name. It never returns an empty title.
- `byline` only removes whole names (comma-separated parts): the page's publishers, and
  what is no person's name (a date, a job description after "is a"). Names it keeps stay
  as the page wrote them. A byline that is the publisher alone is kept.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# " | ", " - ", " – ", " — ", " · ", " • ", " :: ", " » ", " / ": how titles join parts.
_SEPARATOR = re.compile(r"\s+(?:[|\-–—·•»«/]|::)\s+")
# Other ways to name a publisher: a copyright notice, with its years and formula.
_COPYRIGHT = re.compile(r"copyright|\(c\)|©|\d{4}|all rights reserved\.?", re.IGNORECASE)
_JSON_PUBLISHER = re.compile(r'"publisher"\s*:\s*\{[^{}]*?"name"\s*:\s*"([^"]{2,100})"')


def _key(text: str) -> str:
    """What two spellings of a name share: letters and digits, lower case."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def publishers(tree: HtmlElement, site_name: str) -> frozenset[str]:
    """Keys (`_key`) of the names the page declares for its publisher and its site."""
    names = [site_name]
    for meta in tree.iterfind(".//head/meta[@content]"):
        kind = (meta.get("name") or meta.get("property") or "").lower()
        if kind in {"og:site_name", "publisher", "article:publisher", "copyright", "dc.publisher"}:
            names.append(_COPYRIGHT.sub(" ", meta.get("content", "")))
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        names.extend(_json_names(script.text or ""))
    return frozenset(key for name in names if len(key := _key(name)) >= 2)


# Second-level names under which sites register: "bbc" of news.bbc.co.uk, not "co".
_REGISTRY_LABELS = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or"})


def host_name(url: str) -> frozenset[str]:
    """The key of the name a site registered: "bgr" of www.bgr.com, "cnn" of edition.cnn.com."""
    labels = (urlsplit(url).hostname or "").split(".")[:-1]  # less the top-level domain
    while labels and labels[-1] in _REGISTRY_LABELS:
        labels.pop()
    return frozenset({_key(labels[-1])}) if labels and len(_key(labels[-1])) >= 2 else frozenset()


def _json_names(text: str) -> list[str]:
    """Publisher names in JSON-LD, read as JSON strings ("Cond\\u00e9 Nast")."""
    found = []
    for name in _JSON_PUBLISHER.findall(text):
        try:
            found.append(json.loads(f'"{name}"'))
        except ValueError:
            continue
    return found


def title(raw: str, headlines: list[str], publisher_keys: frozenset[str]) -> str:
    """The headline within a <title>: a printed h1 it holds, else it less the site name."""
    raw = _without_site_prefix(raw, publisher_keys)
    parts = _SEPARATOR.split(raw)
    if len(parts) < 2:
        return raw
    # A printed headline that is a run of whole parts at one end: the rest, shorter than
    # the headline, is decoration (a logo set as an h1 may match the site's part too).
    cuts = [(parts[:n], parts[n:]) for n in range(1, len(parts))]
    ends = [*cuts, *((rest, run) for run, rest in cuts)]
    for headline in headlines:
        if _key(headline) in publisher_keys:  # the site's name, set as a heading
            continue
        for run, rest in ends:
            words = len(headline.split())
            if words >= 2 and _key("".join(run)) == _key(headline) and words > _words(rest):
                return " ".join(headline.split())
    # Otherwise drop the parts that name the site, from either end, keeping one at least.
    while len(parts) > 1 and _key(parts[-1]) in publisher_keys | {""}:
        parts = parts[:-1]
    while len(parts) > 1 and _key(parts[0]) in publisher_keys | {""}:
        parts = parts[1:]
    # A site name that itself holds a separator ("Remember 80/90 - Memorabilia anni 80/90").
    for cut in range(1, len(parts)):
        if _key("".join(parts[cut:])) in publisher_keys:
            parts = parts[:cut]
            break
    return _join(raw, parts)


def _words(parts: list[str]) -> int:
    return sum(len(part.split()) for part in parts)


def _join(raw: str, parts: list[str]) -> str:
    """The stretch of `raw` from the first part to the last, separators as written."""
    start = raw.find(parts[0])
    end = raw.rfind(parts[-1]) + len(parts[-1])
    return raw[start:end].strip() if 0 <= start < end else " ".join(parts)


def _without_site_prefix(text: str, publisher_keys: frozenset[str]) -> str:
    """ "LinkNaija: Nollywood Actress ..." less the site's name before the colon."""
    head, colon, rest = text.partition(": ")
    if colon and rest.strip() and _key(head) in publisher_keys:
        return rest.strip()
    return text


# Not a name: the date the page's markup glued to the byline ("Jeff Foust Monday,
# November 18"), or a description of the writer ("Phil Helsel is a reporter").
_WEEKDAY_ON = re.compile(
    r"\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b.*$", re.IGNORECASE
)
_MONTH_ALONE = re.compile(
    r"(january|february|march|april|may|june|july|august|september|october|november"
    r"|december)(\s+\d{1,2})?(\s+\d{4})?|\d{1,4}",
    re.IGNORECASE,
)
_ROLE = re.compile(r"\s+is an?\s.*$", re.IGNORECASE)


def byline(raw: str, publisher_keys: frozenset[str]) -> str:
    """The authors' names, less the publisher and what is no name.

    A publisher that is the only name stays: on a one-person site the writer is the site
    ("Jane Doe" by Jane Doe), and a byline is better wrong in form than lost.
    """
    kept: list[str] = []
    publisher = ""
    for part in raw.split(","):
        name = _ROLE.sub("", _WEEKDAY_ON.sub("", part)).strip()
        if _MONTH_ALONE.fullmatch(name) or not name or name in kept:
            continue
        if _key(name) in publisher_keys:
            publisher = publisher or name
            continue
        kept.append(name)
    return ", ".join(kept) or publisher
