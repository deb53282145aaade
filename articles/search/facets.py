"""The facets beside the results, from the one statement's tallies: each entry counts
the results its qualifier leads to, and carries the query that applies it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from articles.search import limits
from articles.search.query import same_value

if TYPE_CHECKING:
    from articles.search.query import Query

# GROUPING() of the sets above: which column each row of "groups" counts by.
SETS = {0b01111: "kind", 0b10111: "site", 0b11011: "color", 0b11101: "username", 0b11110: "year"}


def grouped(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The one-scan tallies as the page wants them: counts per kind, and the facets
    counted over every hit (sites, authors, colours, years)."""
    tally: dict[str, list[tuple[Any, int]]] = {name: [] for name in SETS.values()}
    for row in rows:
        column = SETS.get(row["set"])
        if column and row[column] is not None:
            tally[column].append((row[column], row["n"]))

    def top(column: str, size: int | None = limits.FACET_SIZE) -> list[dict[str, Any]]:
        ordered = sorted(tally[column], key=lambda item: (-item[1], str(item[0])))
        return [{"value": value, "label": value, "n": n} for value, n in ordered[:size]]

    listed = dict(tally["kind"])
    return {
        "listed": sum(listed.values()),
        "sites": top("site"),
        "authors": top("username"),
        "colors": top("color", None),
        "years": sorted(top("year", None), key=lambda item: -item["value"])[:12],
    }


def facets(query: Query, row: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    def entries(key: str, facet: str) -> list[dict[str, Any]]:
        out = []
        for item in row.get(key) or []:
            value = str(item["value"])
            active = any(q.key == facet and same_value(q.value, value) for q in query.qualifiers)
            out.append({
                "value": value,
                "label": item.get("label") or value,
                "kind": item.get("kind", ""),  # an entity's, shown beside its name
                "count": item["n"],
                "active": active,
                "q": query.adding(facet, value),
            })  # fmt: skip
        return out

    facets = {
        "site": entries("sites", "site"),
        "entity": entries("entities", "entity"),
        "label": entries("labels", "label"),
        "by": entries("authors", "by"),
        "color": entries("colors", "color"),
    }
    years = []
    for item in row.get("years") or []:
        year = int(item["value"])
        if not dt.MINYEAR <= year < dt.MAXYEAR:  # a mistyped date; no year after it to give
            continue
        first, next_first = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        years.append({
            "value": str(year), "label": str(year), "count": item["n"],
            "active": query.after == first and query.before == next_first,
            "q": query.between(first, next_first),
        })  # fmt: skip
    facets["year"] = years
    return facets
