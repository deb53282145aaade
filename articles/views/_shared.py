"""What several view modules share: the request type, refusals, and the answer after a
write in the reader. (Request values become numbers through `articles.parsing`.)

htmx requests get back only what changed: after a new highlight, note or claim, the
blocks of the body it touches and its card (`created`, out of band, `articles.redraw`);
after any other reader write, the article body (`#article-body`, re-rendered with its
marks) and the panel (`#annotation-panel`, out of band). Without JavaScript the same URLs
answer with redirects and full pages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django_htmx.http import reswap, retarget, trigger_client_event

from articles import jobs, reader, redraw, sharing
from articles.parsing import parse_int

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import User
    from django.core.paginator import Page
    from django_htmx.middleware import HtmxDetails

    from articles.models import Annotation, Article


class VisitorRequest(HttpRequest):
    """A request to a page open without signing in (the shared page, the bookmarklet)."""

    htmx: HtmxDetails


class HtmxHttpRequest(VisitorRequest):
    """A request from a signed-in member: LoginRequiredMiddleware lets no other through."""

    user: User


def refused(request: HtmxHttpRequest, message: str, status: int = 400) -> HttpResponse:
    """A reader write that cannot be done: the status line for htmx, a page without it."""
    if request.htmx:
        response = HttpResponse(
            render_to_string("articles/reader.html#annotate-status", {"error": message}, request),
            status=status,
        )
        retarget(response, "#annotate-status")
        reswap(response, "outerHTML")
        return response
    return render(request, "articles/refused.html", {"message": message}, status=status)


def changed(
    request: HtmxHttpRequest,
    article: Article,
    event: dict[str, object] | None = None,
    *,
    told: str = "",
) -> HttpResponse:
    """After a reader write: the new body and panel for htmx, or back to the article.
    `told`: what the status line then says (replacing any offer it held)."""
    if not request.htmx:
        if told:
            messages.success(request, told)
        anchor = f"#annotation-{event['id']}" if event and event.get("id") else ""
        return redirect(article.get_absolute_url() + anchor)
    context = {"article": article, "reader": reader.build(request.user, article, request.GET)}
    html = render_to_string("articles/reader.html#article-body", context, request)
    html += render_to_string(
        "articles/reader.html#annotation-panel", {**context, "oob": True}, request
    )
    if told:
        html += render_to_string(
            "articles/reader.html#annotate-status", {"oob": True, "told": told}, request
        )
    response = HttpResponse(html)
    retarget(response, "#article-body")
    reswap(response, "outerHTML")
    if event:
        # After settling: the form that asked may sit in the popover the handler closes.
        trigger_client_event(response, "newsroom:annotated", event, after="settle")
    return response


def created(
    request: HtmxHttpRequest, article: Article, annotation: Annotation, event: dict[str, object]
) -> HttpResponse:
    """After a new highlight, note or claim: for htmx, only the blocks of the body it
    touches, its card in its place and the panel's count, all out of band, so the body and
    the panel stay where they are; everything (`changed`) when that could differ from a
    full redraw: the page shows an older text or a filtered panel, or `redraw` declines."""
    update = (
        redraw.for_new(request.user, article, annotation) if _partial_ok(request, article) else None
    )
    if update is None:
        return changed(request, article, event)
    html = "".join(
        block.replace(' id="block-', ' hx-swap-oob="true" id="block-', 1) for block in update.blocks
    )
    html += render_to_string(
        "articles/reader.html#panel-heading",
        {"reader": {"annotation_count": update.annotation_count}, "heading_oob": True},
        request,
    )
    html += render_to_string(
        "articles/reader.html#new-passage",
        {"annotation": update.annotation, "after": update.after},
        request,
    )
    response = HttpResponse(html)
    reswap(response, "none")  # the out-of-band parts are the whole answer
    trigger_client_event(response, "newsroom:annotated", event, after="settle")
    return response


def _partial_ok(request: HtmxHttpRequest, article: Article) -> bool:
    """Whether the page that asked shows this text with the panel unfiltered (its URL,
    from htmx), so that a partial answer lands where it belongs."""
    if not request.htmx or request.POST.get("text") != article.content_hash[:16]:
        return False
    query = urlsplit(request.htmx.current_url or "").query
    return not reader.PanelFilters.parse(QueryDict(query)).active


def chosen_audience(request: HtmxHttpRequest) -> sharing.Audience:
    """Where a new annotation from this form goes; a choice made here is remembered as
    the person's default. Raises SharingError for a group they are not in."""
    audience, chosen = sharing.audience_for_new(request.user, request.POST)
    if chosen:
        sharing.remember_audience(request.user, audience)
    return audience


def render_jobs(
    request: HtmxHttpRequest, job_list: jobs.JobList | None = None, *, oob: bool = False
) -> str:
    """The library's list of the person's fetch jobs (`#fetch-jobs`)."""
    return render_to_string(
        "articles/fetch_jobs.html#fetch-jobs",
        {"jobs": job_list or jobs.recent_for(request.user), "oob": oob},
        request,
    )


def render_filters(request: HtmxHttpRequest, context: dict[str, Any]) -> str:
    """The library's filter bar (`library.filter_bar`), out of band: it rides along with
    every list or row swap, so counts and chips stay true."""
    context = {**context, "oob": True}
    return render_to_string("articles/library.html#library-filters", context, request)


def page_links(page: Page[Any], url: Callable[[int], str]) -> dict[str, str]:
    """The previous and next pages' URLs of a list (`url(number)`), for pagination.html."""
    return {
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }


def query_url(**params: object) -> str:
    """A link to this page with these query parameters (empty ones left out)."""
    return "?" + urlencode({k: v for k, v in params.items() if v not in ("", None)})


class Passage(TypedDict):
    start: int
    end: int
    quote: str


def selection(request: HtmxHttpRequest) -> Passage | None:
    """The passage a reader write is about: its offsets and quote, as posted; None when
    the offsets are not whole numbers."""
    start, end = parse_int(request.POST.get("start")), parse_int(request.POST.get("end"))
    if start is None or end is None:
        return None
    return {"start": start, "end": end, "quote": request.POST.get("quote", "")}


NOT_A_SELECTION = "The selection's offsets must be whole numbers."
