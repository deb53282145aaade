"""Names people type (labels, entities, aliases): plain text, whitespace collapsed."""

from __future__ import annotations


def clean_name(raw: str, *, limit: int, error: type[ValueError], empty: str, too_long: str) -> str:
    """`raw` with its whitespace collapsed; raises `error` with `empty` or `too_long` when
    nothing is left or more than `limit` characters are."""
    name = " ".join(raw.split())
    if not name:
        raise error(empty)
    if len(name) > limit:
        raise error(too_long)
    return name
