"""One search across articles, highlights, page notes and entities.

How a search runs, in a fixed number of queries whatever the corpus:
1. `query.parse` splits the box into words and qualifiers, and hints at what it ignored.
2. The text-search configurations in use are read with a skip scan (one per language).
3. One statement (`plan.Plan`) finds every hit: articles whose stored `search_vector`
   matches `websearch_to_tsquery(<the article's configuration>, words)`, annotations the
   user may see likewise, entities by folded name or alias prefix; it ranks them with
   `ts_rank_cd` (normalised to 0..1, so kinds interleave: a title match outranks a body
   match by its weight), takes the page, counts every kind, and tallies the facets, in one
   round trip.
4. The page's rows are loaded (`results.load`), and `snippets` makes their highlighted
   excerpts.

Who may see what comes from `articles.permissions`, as SQL compiled from its querysets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from articles.search import limits
from articles.search.facets import facets
from articles.search.plan import Plan
from articles.search.query import KINDS, parse
from articles.search.results import Result, SearchResult, load

if TYPE_CHECKING:
    from articles.types import Viewer

__all__ = ["Result", "SearchResult", "limits", "parse", "run"]


def run(user: Viewer, raw: str, page: int = 1) -> SearchResult:
    query = parse(raw)
    result = SearchResult(query=query, page=min(max(page, 1), limits.MAX_PAGE))
    if query.is_empty or not user.is_authenticated:
        return result
    plan = Plan(query, user)
    if plan.nothing:
        _hint_at_stop_words(result, plan)
        return result
    row = plan.execute((result.page - 1) * limits.PAGE_SIZE)
    result.counts = {kind: row["counts"].get(kind, 0) for kind in KINDS}
    result.total = sum(result.counts.values())
    result.listed = min(row["listed"], result.total)
    result.more = not query.text and any(
        n > limits.HIT_CAP
        for n in (result.counts["article"], result.counts["highlight"] + result.counts["note"])
    )
    if result.more:
        result.listed = min(result.listed, limits.HIT_CAP * 2)
        query.hints.append(
            f"More than {limits.HIT_CAP:,} results: the newest are listed. Add a word or another "
            "filter to narrow the search."
        )
    elif result.listed < result.total:  # a common word: the newest matches are listed
        query.hints.append(
            f"{result.total:,} results: the newest {result.listed:,} are listed, ranked, "
            "and counted in the filters. Add a word or a filter (site:, before:) to narrow "
            "the search."
        )
    result.facets = facets(query, row)
    hits = row["page"] or []
    result.has_next = len(hits) > limits.PAGE_SIZE
    result.results = load(hits[: limits.PAGE_SIZE], user, query)
    _hint_at_stop_words(result, plan)
    return result


def _hint_at_stop_words(result: SearchResult, plan: Plan) -> None:
    if not result.total and result.query.text and plan.only_stop_words:
        result.query.hints.append(
            "Your search has only very common words, which are not indexed; add a more "
            "specific word."
        )
