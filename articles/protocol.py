"""The W3C Web Annotation Protocol's documents and header rules, as pure functions: what
an annotation container and its pages say, which media type an `Accept` header allows,
what a `Prefer` header asks for, and the container's ETag. The views that answer HTTP
are `articles.views.protocol`.

- A container is described with `first` and `last` as IRIs, never with the first page
  embedded (the spec's §4.2 example embeds it; both are allowed). An embedded first page
  and a `last` IRI always differ, so a client that compares them to find a one-page
  container (wpt's server tests do) would look for a `next` page that is not there.
- Pages are numbered from 0, as in the spec's examples: `<container>?page=0`. A page of
  IRIs only (PreferContainedIRIs) has its own IRI, `<container>?iris=1&page=0`, so the two
  representations never share a URL; `?iris=0` (or none) is the full descriptions.
- `PAGE_SIZE` annotations a page, in text order (the reader's order).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from articles import webannotation
from articles.api.http import etag

if TYPE_CHECKING:
    from collections.abc import Iterable

    from articles.models import Annotation, Article

JsonLd = dict[str, Any]

ANNO_CONTEXT = webannotation.CONTEXT
LDP_CONTEXT = "http://www.w3.org/ns/ldp.jsonld"
MEDIA_TYPE = f'application/ld+json; profile="{ANNO_CONTEXT}"'
JSON = "application/json"
PAGE_SIZE = 100

PREFER_MINIMAL = "http://www.w3.org/ns/ldp#PreferMinimalContainer"
PREFER_IRIS = "http://www.w3.org/ns/oa#PreferContainedIRIs"
PREFER_DESCRIPTIONS = "http://www.w3.org/ns/oa#PreferContainedDescriptions"

BASIC_CONTAINER = "http://www.w3.org/ns/ldp#BasicContainer"
RESOURCE = "http://www.w3.org/ns/ldp#Resource"
CONSTRAINED_BY = (
    '<http://www.w3.org/TR/annotation-protocol/>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
)
CONTAINER_LINK = f'<{BASIC_CONTAINER}>; rel="type", {CONSTRAINED_BY}'
RESOURCE_LINK = f'<{RESOURCE}>; rel="type"'


# Content negotiation -------------------------------------------------------------------


def _ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an Accept header with their quality (RFC 9110 §12.5.1)."""
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if not media:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value.strip())
                except ValueError:
                    quality = 0.0
        ranges.append((media.lower(), quality))
    return ranges


def _quality(ranges: list[tuple[str, float]], media: str) -> float:
    """The quality the most specific matching range gives `media` (0 if none matches)."""
    kind = media.split("/", 1)[0] + "/*"
    for candidate in (media, kind, "*/*"):
        found = [q for r, q in ranges if r == candidate]
        if found:
            return max(found)
    return 0.0


def negotiate(accept: str) -> str | None:
    """The Content-Type to answer with: JSON-LD with the annotation profile (the default,
    and the choice on a tie), plain JSON when only that is accepted, or None (406)."""
    if not accept.strip():
        return MEDIA_TYPE
    ranges = _ranges(accept)
    jsonld, json = _quality(ranges, "application/ld+json"), _quality(ranges, JSON)
    if jsonld <= 0 and json <= 0:
        return None
    return MEDIA_TYPE if jsonld >= json else JSON


# Prefer (RFC 7240, as §5.2 of the protocol uses it) ---------------------------------------


@dataclass(frozen=True)
class Preference:
    minimal: bool = False  # PreferMinimalContainer: no annotations in the container
    iris: bool = False  # PreferContainedIRIs: pages list IRIs, not descriptions


def preference(header: str) -> Preference:
    """What `Prefer: return=representation;include="..."` asks for; anything else (or
    nothing) is the default, full descriptions."""
    included: set[str] = set()
    for pref in header.split(","):
        for param in pref.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "include":
                included.update(value.strip().strip('"').split())
    return Preference(
        minimal=PREFER_MINIMAL in included,
        iris=PREFER_IRIS in included and PREFER_DESCRIPTIONS not in included,
    )


# Documents -----------------------------------------------------------------------------


def stamp(value: dt.datetime) -> str:
    """xsd:dateTime in UTC to the second, as `webannotation` writes times."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def last_page(total: int, size: int) -> int:
    """The number of the last page (from 0); an empty container has one empty page."""
    return max(0, (total - 1) // size)


def page_iri(container: str, number: int, *, iris: bool) -> str:
    return f"{container}?iris=1&page={number}" if iris else f"{container}?page={number}"


@dataclass(frozen=True)
class Contents:
    """What the caller may see in one container: how many, and when last changed."""

    container: str  # its IRI
    total: int
    modified: dt.datetime
    size: int = PAGE_SIZE  # annotations a page

    @property
    def last(self) -> int:
        return last_page(self.total, self.size)


def container_document(article: Article, contents: Contents, *, iris: bool) -> JsonLd:
    """The container itself (§4.2): a BasicContainer and AnnotationCollection whose pages
    are given as IRIs, whatever the preference (see the module's docstring)."""
    iri = contents.container
    return {
        "@context": [ANNO_CONTEXT, LDP_CONTEXT],
        "id": iri,
        "type": ["BasicContainer", "AnnotationCollection"],
        "label": article.title,
        "total": contents.total,
        "modified": stamp(contents.modified),
        "first": page_iri(iri, 0, iris=iris),
        "last": page_iri(iri, contents.last, iris=iris),
    }


def page_document(
    contents: Contents,
    number: int,
    annotations: Iterable[Annotation],
    *,
    iris: bool,
    base_url: str,
) -> JsonLd:
    """Page `number` (from 0) of the container (§4.3): `annotations` are its items, as
    IRIs or as whole annotations (each with its own @context, as a client that stores
    them one by one needs)."""
    container = contents.container
    items: list[str | JsonLd] = [
        webannotation.annotation_iri(a, base_url)
        if iris
        else webannotation.annotation_to_jsonld(a, base_url)
        for a in annotations
    ]
    page: JsonLd = {
        "@context": ANNO_CONTEXT,
        "id": page_iri(container, number, iris=iris),
        "type": "AnnotationPage",
        "partOf": {
            "id": container,
            "total": contents.total,
            "modified": stamp(contents.modified),
        },
        "startIndex": number * contents.size,
    }
    if number > 0:
        page["prev"] = page_iri(container, number - 1, iris=iris)
    if number < contents.last:
        page["next"] = page_iri(container, number + 1, iris=iris)
    page["items"] = items
    return page


def container_etag(article: Article, viewer_pk: int, summary: tuple[object, ...]) -> str:
    """The ETag of one representation of the container for one caller: `summary` holds
    what changes with the annotations the caller sees (count, latest change, ids) and the
    representation chosen (page, preference, page size)."""
    seed = repr((viewer_pk, article.updated_at.timestamp(), *summary))
    return etag("container", article.pk, hashlib.sha256(seed.encode()).hexdigest()[:24])
