"""Refreshing an article from its source, its versions side by side with the annotations
on each, and one stored version read as it was, with the annotations written on it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from articles import captures, fetch, images, jobs, versions
from articles.highlights import Span, render_marks
from articles.models import FetchJob, PageCapture
from articles.parsing import parse_int
from articles.permissions import article_for, visible_annotations
from articles.reader import anchored

if TYPE_CHECKING:
    from articles.views._shared import HtmxHttpRequest


@require_POST
def refresh(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    if not article.source_url:
        messages.error(request, "This article has no web address to refresh it from.")
        return redirect(article.get_absolute_url())
    try:
        jobs.submit(
            article.source_url, request.user, purpose=FetchJob.Purpose.REFRESH, article=article
        )
    except fetch.FetchError as exc:
        messages.error(request, str(exc))
        return redirect(article.get_absolute_url())
    messages.info(request, "Fetching the current text of the story…")
    return redirect("article_versions", pk=article.pk)


@require_GET
def article_versions(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    all_versions = list(article.versions.defer("body_html"))
    chosen = None
    if all_versions:
        wanted = parse_int(request.GET.get("v"))
        chosen = all_versions[0]
        if wanted is not None:
            chosen = get_object_or_404(article.versions, pk=wanted)
    refresh_job = (
        FetchJob.objects.filter(article=article, purpose=FetchJob.Purpose.REFRESH)
        .order_by("-created_at", "-id")
        .first()
    )
    annotations = list(
        visible_annotations(request.user).filter(article=article).select_related("author__profile")
    )
    context = {
        "article": article,
        "versions": all_versions,
        "chosen": chosen,
        "refresh_job": refresh_job,
        "review": sum(1 for a in annotations if a.needs_review),
        # The pages as fetched: an administrator's to download (`capture`).
        "captures": list(article.captures.defer("data")) if request.user.is_staff else [],
    }
    if chosen is not None:
        change = versions.diff(chosen.body_text, article.body_text)
        before = [
            (a.original_start, a.original_end, a.color)
            for a in versions.written_on(chosen, annotations)
            if a.original_start is not None and a.original_end is not None
        ]
        now = [
            (a.start, a.end, a.color)
            for a in anchored(annotations)
            if a.start is not None and a.end is not None
        ]
        context.update(
            diff=change,
            before=versions.with_annotations(change.before, before),
            after=versions.with_annotations(change.after, now),
            before_count=len(before),
            after_count=len(now),
        )
    return render(request, "articles/versions.html", context)


@require_GET
def article_version(request: HtmxHttpRequest, pk: int, version: int) -> HttpResponse:
    """A stored version as it read then, with the annotations written on it in place;
    `?a=` names the one the reader came from."""
    article = article_for(request, pk)
    stored = get_object_or_404(article.versions, pk=version)
    annotations = versions.written_on(
        stored,
        visible_annotations(request.user)
        .filter(article=article, written_on=stored)
        .select_related("author__profile", "entity"),
    )
    spans = [
        Span(a.pk, a.original_start, a.original_end, a.color)
        for a in annotations
        if a.original_start is not None and a.original_end is not None
    ]
    wanted = request.GET.get("a", "")
    context = {
        "article": article,
        "version": stored,
        "body_html": images.localize(render_marks(stored.body_html, spans), article.pk),
        "annotations": annotations,
        "pointed": next((a for a in annotations if str(a.pk) == wanted), None),
    }
    return render(request, "articles/version.html", context)


@require_GET
def capture(request: HtmxHttpRequest, pk: int, capture_pk: int) -> HttpResponse:
    """A page as it was fetched for the article, for an administrator: an attachment
    (the source site's page, scripts and all, is never shown inline here)."""
    if not request.user.is_staff:
        raise Http404
    article = article_for(request, pk)
    found = get_object_or_404(PageCapture, pk=capture_pk, article=article)
    answer = HttpResponse(captures.original_bytes(found), content_type="application/octet-stream")
    stamp = timezone.localtime(found.fetched_at).strftime("%Y%m%d-%H%M%S")
    answer["Content-Disposition"] = f'attachment; filename="article-{article.pk}-{stamp}.html"'
    answer["Content-Security-Policy"] = "sandbox"
    answer["X-Content-Type-Options"] = "nosniff"
    return answer
