"""The feeds page: subscribe, see each feed's last poll, new items and errors, poll now,
change how often, unsubscribe (after a confirmation). Every signed-in member of the team
sees the team's feeds; the person who added a feed, or staff, changes or removes it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from articles import feeds, fetch
from articles.forms import MAX_INTERVAL_MINUTES, FeedForm, IntervalForm
from articles.models import Feed, FetchJob
from articles.permissions import feed_for

if TYPE_CHECKING:
    from django.http import HttpResponse

    from articles.views._shared import HtmxHttpRequest


@require_http_methods(["GET", "POST"])
def feed_list(request: HtmxHttpRequest) -> HttpResponse:
    form = FeedForm(
        request.POST or None, initial={"interval_minutes": settings.FEED_INTERVAL_MINUTES}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                feed = feeds.subscribe(
                    form.cleaned_data["url"], request.user, form.cleaned_data["interval_minutes"]
                )
            except fetch.FetchError as exc:
                form.add_error("url", str(exc))
            else:
                messages.success(request, f"Subscribed to {feed}; the first items arrive shortly.")
                return redirect("feeds")
        status = 400
    feeds_shown = Feed.objects.annotate(
        failed_fetches=Count("fetch_jobs", filter=Q(fetch_jobs__status=FetchJob.Status.FAILED))
    ).order_by("url")
    context = {"form": form, "feeds": feeds_shown}
    template = "articles/feeds.html"
    if request.htmx and request.htmx.target == "feed-list":
        template += "#feed-list"
    return render(request, template, context, status=status)


@require_POST
def poll_now(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    feed = feed_for(request, pk)
    feeds.schedule_now(feed)
    messages.info(request, f"Checking {feed} now.")
    return redirect("feeds")


@require_POST
def change_interval(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    feed = feed_for(request, pk, change=True)
    form = IntervalForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, f"Check every: a whole number of minutes from 1 to {MAX_INTERVAL_MINUTES}."
        )
        return redirect("feeds")
    feed.interval_minutes = form.cleaned_data["interval_minutes"]
    feed.schedule_next()
    feed.save(update_fields=["interval_minutes", "next_poll_at"])
    messages.success(request, f"{feed} is now checked every {feed.interval_minutes} minutes.")
    return redirect("feeds")


@require_http_methods(["GET", "POST"])
def delete_feed(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    feed = feed_for(request, pk, change=True)
    if request.method == "POST":
        name = str(feed)
        feed.delete()
        messages.success(request, f"Unsubscribed from {name}. Its articles stay in the library.")
        return redirect("feeds")
    return render(request, "articles/confirm_delete_feed.html", {"feed": feed})
