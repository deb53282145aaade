"""Saving from the web: a URL from the library's box, the fetch jobs' states, the
bookmarklet's settings page and its "Save page" endpoint.

The jobs list (`#fetch-jobs`) polls itself with htmx every 2 seconds only while a job
is waiting or fetching, and stops once all are done or failed. The save endpoint is the
one view that takes a POST from other sites: it authenticates by the person's save token
(never by cookie, so it needs no CSRF token) and changes nothing on a GET.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from articles import bookmarklet, fetch, jobs
from articles.errors import IngestError
from articles.models import FetchJob, SaveToken

if TYPE_CHECKING:
    from articles.forms import AddArticleForm
    from articles.permissions import HtmxHttpRequest


def _job_for(request: HtmxHttpRequest, pk: int) -> FetchJob:
    """A person sees and retries their own jobs; administrators see everyone's."""
    jobs_seen = FetchJob.objects.all()
    if not request.user.is_staff:
        jobs_seen = jobs_seen.filter(requested_by=request.user)
    return get_object_or_404(jobs_seen, pk=pk)


def _jobs_fragment(
    request: HtmxHttpRequest, job_list: jobs.JobList | None = None, *, oob: bool = False
) -> str:
    return render_to_string(
        "articles/fetch_jobs.html#fetch-jobs",
        {"jobs": job_list or jobs.visible_for(request.user), "oob": oob},
        request,
    )


def submit_url(request: HtmxHttpRequest, form: AddArticleForm) -> HttpResponse:
    """The library's "Add article" box was given a web address (form already valid)."""
    from articles.forms import AddArticleForm  # noqa: PLC0415 - forms imports ingest

    try:
        job = jobs.submit(form.cleaned_data["url"], request.user)
    except fetch.FetchError as exc:
        from articles.views import _render_library  # noqa: PLC0415 - views imports this module

        form.add_error("url", str(exc))
        return _render_library(request, form, status=400)
    if job.status == FetchJob.Status.DONE and job.article:
        messages.info(request, "That article is already in the library; here it is.")
        url = job.article.get_absolute_url()
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    if request.htmx:
        html = render(request, "articles/library.html#add-article", {"form": AddArticleForm()})
        html.content += _jobs_fragment(request, oob=True).encode()
        return html
    messages.success(request, "Fetching the page; it appears below when it is ready.")
    return redirect("library")


@require_GET
def fetch_jobs(request: HtmxHttpRequest) -> HttpResponse:
    job_list = jobs.visible_for(request.user)
    response = HttpResponse(_jobs_fragment(request, job_list))
    if request.htmx and not job_list.polling:
        # The list was polling and everything has arrived: the library list reloads.
        trigger_client_event(response, "newsroom:fetched")
    return response


def _back(request: HtmxHttpRequest) -> HttpResponse:
    if request.htmx:
        return HttpResponse(_jobs_fragment(request))
    return redirect("library")


@require_POST
def retry_job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    jobs.retry(_job_for(request, pk))
    return _back(request)


@require_POST
def dismiss_job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request, pk)
    if not job.is_active:
        FetchJob.objects.filter(pk=job.pk).update(dismissed=True)
    return _back(request)


@require_http_methods(["GET", "POST"])
def save_settings(request: HtmxHttpRequest) -> HttpResponse:
    """The bookmarklet, and regenerating its token (POST, after a confirmation)."""
    if request.method == "POST":
        SaveToken.regenerate(request.user)
        messages.success(request, "New bookmarklet made; the old one no longer works.")
        return redirect("save_settings")
    token = SaveToken.objects.filter(user=request.user).first()
    if token is None:
        token = SaveToken.regenerate(request.user)
    origin = request.build_absolute_uri("/").rstrip("/")
    return render(
        request,
        "articles/save_settings.html",
        {"bookmarklet": bookmarklet.code(origin, token.token), "token": token},
    )


def _user_for_token(raw: str) -> object | None:
    if not raw or len(raw) > 64:
        return None
    token = SaveToken.objects.select_related("user").filter(token=raw).first()
    if token is None or not secrets.compare_digest(token.token, raw):
        return None
    return token.user if token.user.is_active else None


@csrf_exempt  # authenticated by the per-user token in the body, not by a cookie
@login_not_required
@require_POST
def save_page(request: HtmxHttpRequest) -> HttpResponse:
    """Save the page the bookmarklet sent: its address and HTML as the browser had it."""
    try:
        user = _user_for_token(request.POST.get("token", ""))
    except RequestDataTooBig:
        return render(
            request,
            "articles/saved.html",
            {"error": "The page is too large for Newsroom to save."},
            status=413,
        )
    if user is None:
        return render(
            request,
            "articles/saved.html",
            {"error": "This bookmarklet is no longer valid. Get a new one from Newsroom's "
             "“Save from the web” page."},
            status=403,
        )  # fmt: skip
    url, html = request.POST.get("url", ""), request.POST.get("html", "")
    try:
        result = bookmarklet.save(url, html, user)
    except IngestError as exc:
        return render(request, "articles/saved.html", {"error": str(exc), "url": url}, status=400)
    return render(request, "articles/saved.html", {"result": result})
