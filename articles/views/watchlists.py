"""Watchlists as each person sees them: their notifications (newest first, the unread ones
marked), what they watch, how they hear by e-mail, and the Watch toggles on an entity's
page, a label's library and a search.

A watch, a notification and the e-mail choice are their owner's alone: every lookup here
filters by `request.user`, so another person's id answers 404 like one that does not
exist. They change nothing the team sees, so guests use them too (`GUEST_WRITES`).

Every write is a POST that redirects back where its form was, with a message
(post/redirect/get): the buttons work without JavaScript. A toggle posts to the same URL
to watch and, with `unwatch=1`, to stop. A refused write (a `WatchError`, a value no form
sends) answers 400 with the notifications page, the message beside its form and the
input still in it.

A notification of an article now in the trash is not listed nor counted (the trash's
titles are for the person who deleted the article); restored, it is back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse  # noqa: TC002 - views return it at runtime
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timesince import timesince
from django.views.decorators.http import require_GET, require_POST

from articles import library, watchlists
from articles.models import Digest, Notification, Watch
from articles.parsing import parse_int
from articles.permissions import entity_for, label_for
from articles.views._shared import page_links, query_url
from articles.watchlists import WatchError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.db.models import QuerySet
    from django.urls import URLPattern

    from articles.types import Viewer
    from articles.views._shared import HtmxHttpRequest

PAGE_SIZE = 25
NOT_A_NOTIFICATION = "That is not one of your notifications; nothing was marked read."


# Reading them --------------------------------------------------------------------------


def listed(user: Viewer) -> QuerySet[Notification]:
    """The person's notifications (`watchlists.notifications_of`: none of an article in
    the trash), newest first, with what a row shows loaded in the same query."""
    return (
        watchlists.notifications_of(user)
        .select_related("article", "watch__entity", "watch__label")
        .defer("article__body_html", "article__body_text")
    )


@dataclass(frozen=True)
class SearchWatch:
    """The "Watch this search" toggle: the words as they would be stored, and the person's
    watch of them, if any."""

    query: str
    watch: Watch | None


def search_watch(user: Viewer, raw: str) -> SearchWatch | None:
    """The toggle for the search `raw`, or None when it is not one to watch (empty, or
    finding only highlights and notes): one query, only for a search that is."""
    if not user.is_authenticated:
        return None
    try:
        text = watchlists.clean_search(raw)
    except WatchError:
        return None
    found = Watch.objects.filter(user_id=user.pk, kind=Watch.Kind.SEARCH, query=text).first()
    return SearchWatch(text, found)


# The page ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    notification: Notification
    when: str  # "just now", "3 hours ago", "12 Mar 2025"


def when(moment: dt.datetime, now: dt.datetime) -> str:
    """When a notification came, as a person says it: how long ago within the week, the
    date after."""
    ago = now - moment
    if ago < dt.timedelta(minutes=1):
        return "just now"
    if ago < dt.timedelta(days=7):
        return f"{timesince(moment, now, depth=1)} ago"
    return date_format(timezone.localtime(moment), "j M Y")


@dataclass
class Refusal:
    """A write refused: which form says so (`section`), the message, what was posted."""

    section: str
    message: str
    posted: Mapping[str, str] = field(default_factory=dict)


def _page(request: HtmxHttpRequest, refusal: Refusal | None = None) -> HttpResponse:
    user = request.user
    found = Paginator(listed(user), PAGE_SIZE)
    page = found.get_page(parse_int(request.GET.get("page"), minimum=1, maximum=999_999_999))
    digest = watchlists.settings_of(user).digest
    posted = refusal.posted if refusal else {}
    section = refusal.section if refusal else ""
    now = timezone.now()
    context = {
        "page": page,
        "rows": [Row(n, when(n.created_at, now)) for n in page.object_list],
        **page_links(page, lambda number: reverse("notifications") + query_url(page=number)),
        "watches": watchlists.watches_of(user),
        "digest": posted.get("digest", digest) if section == "email" else digest,
        "digests": Digest.choices,
        "refusal": refusal,
        "search_q": posted.get("q", "") if section == "search" else "",
        "search_name": posted.get("name", "") if section == "search" else "",
        "query_max": Watch.QUERY_MAX_CHARS,
        "name_max": Watch.NAME_MAX_CHARS,
    }
    return render(
        request, "notifications/notifications.html", context, status=400 if refusal else 200
    )


@require_GET
def notifications_page(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request)


def _back_to_page(request: HtmxHttpRequest, anchor: str = "") -> HttpResponse:
    """The notifications page the form was on (its `page`)."""
    number = parse_int(request.POST.get("page"), minimum=2, maximum=999_999_999)
    return redirect(reverse("notifications") + (query_url(page=number) if number else "") + anchor)


@require_GET
def notification_open(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and open its article (the title's link: a GET, so it
    works from a new tab as well)."""
    notification = get_object_or_404(listed(request.user), pk=pk)
    watchlists.mark_read(request.user, [notification.pk])
    return redirect(notification.article.get_absolute_url())


@require_POST
def notifications_read(request: HtmxHttpRequest) -> HttpResponse:
    """Mark every notification read, or only the one `id` names."""
    raw = request.POST.get("id", "")
    if not raw:
        count = watchlists.mark_read(request.user)
        told = f"Marked {count} notification{'s' if count != 1 else ''} read." if count else ""
        messages.success(request, told or "Nothing was unread.")
        return _back_to_page(request)
    pk = parse_int(raw, minimum=1)
    if pk is None:
        return _page(request, Refusal("read", NOT_A_NOTIFICATION, request.POST))
    notification = get_object_or_404(listed(request.user), pk=pk)
    watchlists.mark_read(request.user, [notification.pk])
    messages.success(request, f"Marked “{notification.article.title}” read.")
    return _back_to_page(request)


@require_POST
def notification_email(request: HtmxHttpRequest) -> HttpResponse:
    """How the person hears of new notifications: no e-mail, a daily digest, or at once."""
    user = request.user
    try:
        chosen = watchlists.set_digest(user, request.POST.get("digest", ""))
    except WatchError as exc:
        return _page(request, Refusal("email", str(exc), request.POST))
    if chosen.digest == Digest.OFF:
        messages.success(request, "No e-mail: your notifications wait for you on this page.")
    elif not user.email:
        messages.warning(
            request,
            f"Saved: {chosen.get_digest_display().lower()}. You have no e-mail address set, "
            "so no e-mail can be sent until you add one in Settings.",
        )
    else:
        messages.success(request, f"Saved: {chosen.get_digest_display().lower()}, to {user.email}.")
    return _back_to_page(request, "#email")


# Watching and unwatching ---------------------------------------------------------------


def _unwatching(request: HtmxHttpRequest) -> bool:
    return request.POST.get("unwatch") == "1"


def _stopped(request: HtmxHttpRequest, found: QuerySet[Watch], subject: str) -> None:
    """Delete the watch (and, with it, its notifications), saying so."""
    _, deleted = found.delete()
    if not deleted.get(Watch._meta.label):  # noqa: SLF001 - the model's own label
        messages.info(request, f"You were not watching {subject}.")
        return
    gone = deleted.get(Notification._meta.label, 0)  # noqa: SLF001
    removed = f" Its {gone} notification{'s' if gone != 1 else ''} went with it." if gone else ""
    messages.success(request, f"You no longer watch {subject}.{removed}")


@require_POST
def watch_entity(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    entity = entity_for(request, pk)
    if _unwatching(request):
        mine = Watch.objects.filter(user=request.user, kind=Watch.Kind.ENTITY, entity=entity)
        _stopped(request, mine, entity.name)
    else:
        watchlists.watch_entity(request.user, entity)
        messages.success(request, f"You will be told of new articles mentioning {entity.name}.")
    return redirect(entity)


@require_POST
def watch_label(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Watch the label; back to the library filtered by it, in the view the form was in."""
    label = label_for(request, pk)
    if _unwatching(request):
        mine = Watch.objects.filter(user=request.user, kind=Watch.Kind.LABEL, label=label)
        _stopped(request, mine, f"the label {label.name}")
    else:
        watchlists.watch_label(request.user, label)
        messages.success(request, f"You will be told when an article is labelled {label.name}.")
    filters = library.Filters.parse(request.POST, [label])
    return redirect(filters.url(label=label))


@require_POST
def watch_search(request: HtmxHttpRequest) -> HttpResponse:
    """Save a search to watch (`q`, and a `name` for it), or stop (`unwatch=1`); back to
    the search (`from=search`) or the watchlist."""
    raw = request.POST.get("q", "")
    from_search = request.POST.get("from") == "search"
    if from_search:
        back = reverse("search") + query_url(q=raw)
    else:
        back = reverse("notifications") + "#watchlist"
    if _unwatching(request):
        try:
            text = watchlists.clean_search(raw)
        except WatchError as exc:
            return _page(request, Refusal("search", str(exc), request.POST))
        mine = Watch.objects.filter(user=request.user, kind=Watch.Kind.SEARCH, query=text)
        _stopped(request, mine, f"the search “{text}”")
        return redirect(back)
    try:
        watch = watchlists.watch_search(request.user, raw, request.POST.get("name", ""))
    except WatchError as exc:
        return _page(request, Refusal("search", str(exc), request.POST))
    messages.success(request, f"You will be told of new articles matching “{watch.subject}”.")
    return redirect(back)


@require_POST
def unwatch(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Stop one of the person's watches, from their watchlist."""
    watch = get_object_or_404(
        Watch.objects.select_related("entity", "label"), pk=pk, user=request.user
    )
    subject = {
        Watch.Kind.ENTITY: watch.subject,
        Watch.Kind.LABEL: f"the label {watch.subject}",
    }.get(Watch.Kind(watch.kind), f"the search “{watch.subject}”")
    _stopped(request, Watch.objects.filter(pk=watch.pk), subject)
    return redirect(reverse("notifications") + "#watchlist")


urlpatterns: list[URLPattern] = [
    path("notifications/", notifications_page, name="notifications"),
    path("notifications/<int:pk>/open/", notification_open, name="notification_open"),
    path("notifications/read/", notifications_read, name="notifications_read"),
    path("notifications/email/", notification_email, name="notification_email"),
    path("watches/search/", watch_search, name="watch_search"),
    path("watches/<int:pk>/delete/", unwatch, name="unwatch"),
    path("entities/<int:pk>/watch/", watch_entity, name="watch_entity"),
    path("labels/<int:pk>/watch/", watch_label, name="watch_label"),
]
