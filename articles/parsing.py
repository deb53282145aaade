"""Numbers from requests: ASCII digits only, a bounded length, an optional range.

Every request value that becomes an int (a page, an id, an offset) goes through
`parse_int`, because Python's own tests disagree with each other and with what a form
sends: `"²".isdigit()` is true but `int("²")` raises; `int()` takes `"٣"`, `" 7 "`,
`"+7"` and `"1_000"`, which no form sends; and a number of 40 digits passes both, then
overflows the database. Anything but plain digits is treated as absent (None), so a page
answers as it does without the value, and a view that needs it refuses with a 400.
"""

from __future__ import annotations

import re

# Eighteen digits always fit PostgreSQL's bigint, which every id and offset column is.
MAX_DIGITS = 18
_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def parse_int(value: str | None, *, minimum: int = 0, maximum: int | None = None) -> int | None:
    """`value` as a whole number within [minimum, maximum], or None for anything else:
    missing, empty, signed, spaced, a fraction, other scripts' digits, too long."""
    if value is None or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    if number < minimum or (maximum is not None and number > maximum):
        return None
    return number


def parse_ids(value: str | None, *, limit: int) -> list[int]:
    """The ids in a space-separated list (`ids=12 15`), from its first `limit` words;
    words that are not ids are left out."""
    words = (value or "").split(maxsplit=limit)[:limit]
    return [number for word in words if (number := parse_int(word, minimum=1)) is not None]
