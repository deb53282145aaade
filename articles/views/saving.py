"""Saving from the web: the fetch jobs' states, regenerating the bookmarklet (shown on the
settings page, `views.profile`) and its "Save page" endpoint. (A web address typed in the
library's box is `library.add_article`.)

The jobs list (`#fetch-jobs`) polls itself with htmx every 2 seconds only while a job
is waiting or fetching, and stops once all are done or failed. The save endpoint is the
one view that takes a POST from other sites: it authenticates by the person's save token
(never by cookie, so it needs no CSRF token) and changes nothing on a GET.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from articles import bookmarklet, jobs
from articles.errors import IngestError
from articles.models import SaveToken
from articles.permissions import job_for, user_for_save_token
from articles.views._shared import HtmxHttpRequest, VisitorRequest, render_jobs


@require_GET
def fetch_jobs(request: HtmxHttpRequest) -> HttpResponse:
    job_list = jobs.recent_for(request.user)
    response = HttpResponse(render_jobs(request, job_list))
    if request.htmx and not job_list.polling:
        # The list was polling and everything has arrived: the library list reloads.
        trigger_client_event(response, "newsroom:fetched")
    return response


def _back(request: HtmxHttpRequest) -> HttpResponse:
    if request.htmx:
        return HttpResponse(render_jobs(request))
    return redirect("library")


@require_POST
def retry_job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    jobs.retry(job_for(request, pk), request.user)
    return _back(request)


@require_POST
def dismiss_job(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    job_for(request, pk).dismiss(request.user)
    return _back(request)


@require_http_methods(["GET", "POST"])
def save_settings(request: HtmxHttpRequest) -> HttpResponse:
    """Regenerating the bookmarklet's token (POST, after the settings page's confirmation).
    The bookmarklet itself is on the settings page now; old links to here land there."""
    if request.method == "POST":
        SaveToken.regenerate(request.user)
        messages.success(
            request,
            "New bookmarklet made; the old one no longer works.",
            extra_tags="bookmarklet",
        )
    return redirect(reverse("settings") + "#bookmarklet")


@csrf_exempt  # authenticated by the per-user token in the body, not by a cookie
@login_not_required
@require_POST
def save_page(request: VisitorRequest) -> HttpResponse:
    """Save the page the bookmarklet sent: its address and HTML as the browser had it."""
    try:
        user = user_for_save_token(request.POST.get("token", ""))
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
