"""The search page: one box on every page, one list of results, facets beside it."""

from __future__ import annotations

from django.http import HttpResponse  # noqa: TC002 - views return it at runtime
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from articles import search
from articles.models import ColorLabel
from articles.parsing import parse_int
from articles.search import limits
from articles.search.query import KINDS
from articles.views._shared import HtmxHttpRequest, query_url
from articles.views.watchlists import search_watch

FACET_TITLES = {
    "site": "Site",
    "entity": "Entity mentioned",
    "label": "Label",
    "by": "Annotated by",
    "color": "Colour",
    "year": "Date",
}


def _count(n: int) -> str:
    """A count, or "5,000+" where only the first HIT_CAP were counted."""
    return f"{limits.HIT_CAP:,}+" if n > limits.HIT_CAP else f"{n:,}"


@require_GET
@vary_on_headers("HX-Request")  # live search pushes URLs whose answer was only the results
def search_page(request: HtmxHttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    page = parse_int(request.GET.get("page")) or 1
    found = search.run(request.user, raw, page)
    query = found.query
    legend = {color: label or name for color, name, label in ColorLabel.legend()}
    facets = []
    for key, title in FACET_TITLES.items():
        entries = found.facets.get(key) or []
        if key == "color":
            for entry in entries:
                entry["label"] = legend.get(entry["value"], entry["value"])
        if entries:
            facets.append({"key": key, "title": title, "entries": entries})
    kinds = [
        {
            "key": key,
            "label": label,
            "count": _count(found.counts.get(key, 0)),
            "active": key in query.kinds,
            "q": query.adding("type", key),
        }
        for key, label in KINDS.items()
    ]
    for result in found.results:
        if result.kind in {"highlight", "note"}:
            result.color_label = legend.get(result.obj.color, result.obj.color)
    context = {
        "q": query.raw,
        "first_number": (found.page - 1) * limits.PAGE_SIZE + 1,
        "total": f"more than {limits.HIT_CAP:,}" if found.more else f"{found.total:,}",
        "found": found,
        "query": query,
        "kinds": kinds,
        "facets": facets,
        "active": [{"token": q.token, "q": query.without(q)} for q in query.qualifiers],
        "previous_url": query_url(q=query.raw, page=found.page - 1) if found.page > 1 else "",
        "next_url": query_url(q=query.raw, page=found.page + 1) if found.has_next else "",
        "search_watch": search_watch(request.user, query.raw),
    }
    template = "search/search.html"
    if request.htmx and request.htmx.target == "search-results":
        template += "#search-results"
    return render(request, template, context)
