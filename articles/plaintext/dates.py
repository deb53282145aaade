"""Publication dates found in pasted text: a date line, a wire dateline, or the URL path.

A *date line* is a line that holds nothing but a date and its trimmings ("Published:",
a weekday, a time, a time zone). It is metadata and leaves the body. A *dateline*
("KYIV, Oct. 17 (AFP) -") opens the first paragraph; it is story text and stays there.
Nothing here guesses a year: a dateline without one only counts when the URL gives it.
"""

import datetime as dt
import re
from dataclasses import dataclass

MONTHS: dict[str, int] = {
    name: number
    for number, names in enumerate(
        [
            "january jan janvier januar января январь",
            "february feb février fevrier februar февраля февраль",
            "march mar mars märz marz марта март",
            "april apr avril апреля апрель",
            "may mai мая май",
            "june jun juin juni июня июнь",
            "july jul juillet juli июля июль",
            "august aug août aout августа август",
            "september sep sept septembre сентября сентябрь",
            "october oct octobre oktober октября октябрь",
            "november nov novembre ноября ноябрь",
            "december dec décembre decembre dezember декабря декабрь",
        ],
        start=1,
    )
    for name in names.split()
}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"

_DATE = re.compile(
    rf"(?<!\w)(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>{_DAY}),?\s+(?P<y1>\d{{4}})"
    rf"|(?P<d2>{_DAY})\.?\s+(?:of\s+)?(?P<m2>{_MONTH})\.?,?\s+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})"
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
    r"|(?P<y4>\d{4})/(?P<m4>\d{1,2})/(?P<d4>\d{1,2})"
    r"|(?P<d5>\d{1,2})\.(?P<m5>\d{1,2})\.(?P<y5>\d{4}))(?!\w)",
    re.IGNORECASE,
)
# What may surround the date on a date line. Anything else (a name, a place, a sentence)
# means the line is story text that happens to hold a date.
_TRIMMINGS = re.compile(
    r"(?<!\w)(?:(?:first\s+|last\s+)?(?:published|posted|updated|modified|dated?)(?:\s+on)?"
    r"|on|at|as\s+of|am|le|г|года|опубликовано|обновлено|publié|mis\s+à\s+jour"
    r"|veröffentlicht|aktualisiert|stand"
    r"|(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
    r"|\d{1,2}(?:[:.h]\d{2}){1,2}(?:\s*[ap]\.?\s?m\.?)?|[ap]\.?m\.?"
    r"|(?:utc|gmt|bst|cet|cest|eet|eest|msk|et|est|edt|ct|cst|cdt|mt|mst|mdt|pt|pst|pdt"
    r"|ist|jst|kst|hkt|sgt|aest|aedt)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?)(?!\w)"
    r"|[\s|,.;:\u00b7\u2022()\[\]\-\u2013\u2014/]+",
    re.IGNORECASE,
)
_UPDATED = re.compile(r"\s*(?:last\s+)?(?:updated|modified)", re.IGNORECASE)
_MAX_DATE_LINE = 90

_PARTIAL = re.compile(
    rf"(?<!\w)(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH})\.?(?:\s+(?P<y2>\d{{4}}))?)(?!\w)",
    re.IGNORECASE,
)
# "KYIV, Oct. 17 (AFP) - ", "WASHINGTON (Reuters) - ", "PARIS, Ukraine — ": an upper-case
# place, optional details, an optional agency in brackets, then a dash.
_DATELINE = re.compile(
    r"^(?P<head>[^\W\d_a-z][^\W\da-z]+(?:[ .'\u2019-]+[^\W\d_a-z][^\W\da-z]*)*"
    r"(?:,[^()\u2013\u2014]{1,40}?)?)"
    r"\s*(?:\((?P<agency>[^()]{1,30})\))?\s*(?:--?|\u2013|\u2014)\s"
)
_URL_DATE = re.compile(r"/(?P<y>(?:19|20)\d\d)[/-](?P<m>\d{1,2})[/-](?P<d>\d{1,2})(?:[/-]|$)")


@dataclass(frozen=True)
class DateLine:
    date: dt.date
    updated: bool  # an "Updated ..." line: weaker evidence of publication than the others


@dataclass(frozen=True)
class Dateline:
    date: dt.date | None
    month_day: tuple[int, int] | None  # when the dateline gives no year
    agency: str


def _build(year: str, month: str, day: str) -> dt.date | None:
    number = MONTHS.get(month.lower().rstrip("."), 0) if not month.isdigit() else int(month)
    try:
        return dt.date(int(year), number, int(re.sub(r"\D", "", day)))
    except ValueError:
        return None


def _from_match(match: re.Match[str]) -> dt.date | None:
    for n in "12345":
        if match[f"y{n}"]:
            return _build(match[f"y{n}"], match[f"m{n}"], match[f"d{n}"])
    return None


def date_line(text: str) -> DateLine | None:
    if len(text) > _MAX_DATE_LINE:
        return None
    first = _DATE.search(text)
    if first is None or _TRIMMINGS.sub("", _DATE.sub(" ", text)):
        return None
    found = _from_match(first)
    if found is None:
        return None
    return DateLine(found, updated=_UPDATED.match(text) is not None)


def dateline(paragraph: str) -> Dateline | None:
    match = _DATELINE.match(paragraph)
    if match is None or not match["head"].split(",")[0].isupper():
        return None
    agency = (match["agency"] or "").strip()
    partial = _PARTIAL.search(match["head"])
    if partial is None:
        return Dateline(None, None, agency)
    for n in "12":
        if partial[f"m{n}"]:
            month = MONTHS[partial[f"m{n}"].lower()]
            day = int(partial[f"d{n}"])
            if partial[f"y{n}"]:
                return Dateline(_build(partial[f"y{n}"], str(month), str(day)), None, agency)
            return Dateline(None, (month, day), agency)
    return Dateline(None, None, agency)


def url_date(path: str) -> dt.date | None:
    match = _URL_DATE.search(path)
    return _build(match["y"], match["m"], match["d"]) if match else None
