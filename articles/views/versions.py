"""Refreshing an article from its source, and its versions side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles import fetch, jobs, versions
from articles.models import Annotation, FetchJob
from articles.permissions import article_for, visible_annotations

if TYPE_CHECKING:
    from django.http import HttpResponse

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
        wanted = request.GET.get("v")
        chosen = all_versions[0]
        if wanted and wanted.isdigit():
            chosen = get_object_or_404(article.versions, pk=int(wanted))
    refresh_job = (
        FetchJob.objects.filter(article=article, purpose=FetchJob.Purpose.REFRESH)
        .order_by("-created_at", "-id")
        .first()
    )
    context = {
        "article": article,
        "versions": all_versions,
        "chosen": chosen,
        "diff": versions.diff(chosen.body_text, article.body_text) if chosen else None,
        "refresh_job": refresh_job,
        "orphans": visible_annotations(request.user)
        .filter(article=article, status=Annotation.Status.ORPHANED)
        .count(),
    }
    return render(request, "articles/versions.html", context)
