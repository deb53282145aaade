"""The values parse_plaintext() returns: plain frozen dataclasses, no behaviour."""

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class RelatedLink:
    """A story the text points to; `url` is "" when the text named it without a link."""

    title: str
    url: str


@dataclass(frozen=True)
class ParsedText:
    title: str
    byline: str
    source_url: str
    site_name: str
    published: dt.date | None
    paragraphs: list[str]
    related: list[RelatedLink]
