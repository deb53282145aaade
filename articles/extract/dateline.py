"""The date in a story's dateline: "Lima, 12 June 2023 - A network of ...".

Wire copy and press releases open with the place and the date they were filed. When a
page states no date of its own (no metadata, nothing htmldate finds), that date is the
publication date a reader would take from the page.

Invariants:
- Only the opening of the article is read (`_OPENING` characters of each of its first
  `_BLOCKS` blocks), and only a date that follows a place and is followed by a dash,
  colon or "/Agency/": a date in the middle of a sentence is no dateline.
- A date that does not exist, or lies in the future, is no date.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml import etree

_BLOCKS = 3
_OPENING = 160

# English, French, German, Spanish, Portuguese and Italian month names and abbreviations.
_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            "january jan janvier janv januar enero ene janeiro gennaio gen",
            "february feb février févr fevrier februar febrero fevereiro fev febbraio",
            "march mar mars märz marz marzo março marco",
            "april apr avril avr abril aprile",
            "may mai mayo maio maggio mag",
            "june jun juin juni junio junho giugno giu",
            "july jul juillet juil juli julio julho luglio lug",
            "august aug août aout agosto ago",
            "september sep sept septembre september septiembre setembro settembre set",
            "october oct octobre oktober okt octubre outubro ottobre ott",
            "november nov novembre noviembre novembro",
            "december dec décembre decembre dezember dez diciembre dic dezembro dicembre",
        ],
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th|er|º|\.)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DE = r"(?:\s+de)?"  # "12 de junio de 2023"
_DATES = [
    rf"{_DAY}{_DE}\s+{_MONTH}{_DE},?\s+{_YEAR}",  # 12 June 2023, 12 de junio de 2023
    rf"{_MONTH}\s+{_DAY},?\s+{_YEAR}",  # June 12, 2023; Nov. 19, 2019
    r"(?P<year>(?:19|20)\d\d)-(?P<num>\d\d)-(?P<day>\d\d)",  # 2023-06-12
]
# A place (capitalised words, commas, a parenthesis or two), the date, then what ends a
# dateline: a dash, a colon, or the agency's name between slashes or in parentheses.
_PLACE = r"\s*(?:[^\W\d_][\w.'’-]*(?:[ ,]+[\w.'’()-]+){0,5}\s*[,(]\s*)?"
_END = r"\s*\)?\s*(?:[-–—:]|/[^/]{2,40}/|\(\w[\w .]{1,30}\))"
_DATELINES = [re.compile(f"{_PLACE}{date}{_END}") for date in _DATES]


def dateline_date(body: etree._Element) -> dt.date | None:
    """The date of the dateline opening the article, if it has one."""
    for block in list(body)[:_BLOCKS]:
        opening = " ".join("".join(block.itertext()).split())[:_OPENING]
        for dateline in _DATELINES:
            if (found := dateline.match(opening)) and (date := _date(found)):
                return date
    return None


def _date(found: re.Match[str]) -> dt.date | None:
    parts = found.groupdict()
    month = int(parts["num"]) if "num" in parts else _MONTHS.get(parts["month"].casefold())
    if month is None:
        return None
    try:
        date = dt.date(int(parts["year"]), month, int(parts["day"]))
    except ValueError:
        return None
    return date if date <= dt.datetime.now(tz=dt.UTC).date() else None
