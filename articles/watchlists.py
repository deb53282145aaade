"""Watchlists: a person watches an entity, a label or a saved search, and is told when a
new article brings it.

Rules:
- An article *arrives* when it is first saved: by hand, from a feed, by an import
  (`ingest.save` calls `article_arrived`, in the transaction that creates it). It then
  notifies each watcher of an entity it mentions (the gazetteer's rule: any name or alias
  of the entity, as whole words, capitals kept, `entities.matching`) and of a saved search
  it matches (the search box's own SQL, as the watcher, `search.plan.Plan.articles_among`).
- A label notifies when it is put on an article (`labels_put`), by hand or by an import.
- Nobody is told of what they did themselves: the person who saved an article by hand
  (not through a feed or an import) or who put the label on.
- One notification per watch and article, ever (a unique constraint): a feed polled twice,
  an article saved again, a label taken off and put back tell no one twice.
- A person is told only of what they may see (every member reads every article, and a
  watched entity is one they saw when they watched it).
- E-mail (`WatchSettings.digest`) goes out from the worker (`deliver`), never from a
  request or a feed poll: "at once" is queued when an arrival commits and sends what the
  person has not been sent; "daily" collects it into one message a day (the heartbeat,
  `maintenance.maintain`, queues those due; `manage.py notifications digest` sends them
  now). A failed send loses nothing: what was not e-mailed stays unsent and goes with the
  next; a person whose notifications are all read gets no e-mail.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from articles import search
from articles.entities.matching import Gazetteer
from articles.models import (
    Digest,
    Entity,
    Label,
    Notification,
    Watch,
    WatchSettings,
)
from articles.search.plan import Plan

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from articles.models import Article
    from articles.types import Viewer

log = logging.getLogger(__name__)

DAILY = dt.timedelta(days=1)
# At most this many articles are listed in one e-mail; the rest are counted, with a link.
EMAIL_LIST_MAX = 50


class WatchError(ValueError):
    """A watch that cannot be made, with the words to show."""


# --- Watching ----------------------------------------------------------------------------


def _made(user: User, **fields: Any) -> Watch:
    """The user's watch with these fields, made if new (twice is once)."""
    try:
        with transaction.atomic():
            watch, _ = Watch.objects.get_or_create(user=user, **fields)
    except IntegrityError:  # the same watch made at the same moment elsewhere
        watch = Watch.objects.get(user=user, **fields)
    return watch


def watch_entity(user: User, entity: Entity) -> Watch:
    return _made(user, kind=Watch.Kind.ENTITY, entity=entity)


def watch_label(user: User, label: Label) -> Watch:
    return _made(user, kind=Watch.Kind.LABEL, label=label)


def clean_search(raw: str) -> str:
    """The search's words as they will be stored, or WatchError saying what is wrong."""
    text = " ".join((raw or "").split())
    if not text:
        raise WatchError("Type the search to watch.")
    if len(text) > Watch.QUERY_MAX_CHARS:
        raise WatchError(f"A watched search has at most {Watch.QUERY_MAX_CHARS} characters.")
    query = search.parse(text)
    if query.is_empty:
        raise WatchError("This search has no words or filters Newsroom understands.")
    if query.annotations_only or (query.kinds and "article" not in query.kinds):
        raise WatchError(
            "A watched search tells you of new articles: leave out the filters that find "
            "only highlights and notes (type:, color:, by:, has:note)."
        )
    return text


def watch_search(user: User, raw: str, name: str = "") -> Watch:
    text = clean_search(raw)
    watch = _made(user, kind=Watch.Kind.SEARCH, query=text)
    name = " ".join(name.split())[: Watch.NAME_MAX_CHARS]
    if name and watch.name != name:
        watch.name = name
        watch.save(update_fields=["name"])
    return watch


def watches_of(user: Viewer) -> list[Watch]:
    if not user.is_authenticated:
        return []
    return list(Watch.objects.filter(user=user).select_related("entity", "label"))


def watching(user: Viewer, **target: object) -> Watch | None:
    """The user's watch of this entity or label (`entity=` or `label=`), if any."""
    if not user.is_authenticated:
        return None
    return Watch.objects.filter(user=user, **target).first()


# --- Matching ----------------------------------------------------------------------------


def _entity_matches(article: Article) -> dict[int, str]:
    """{entity id: the name as written in the article} for each watched entity the
    article mentions (title or text)."""
    with connection.cursor() as cursor:  # every name and alias of the watched, at once
        cursor.execute(
            """
            WITH watched AS (SELECT DISTINCT entity_id FROM articles_watch WHERE kind = %s)
            SELECT e.id, e.name FROM articles_entity e JOIN watched w ON w.entity_id = e.id
            UNION ALL
            SELECT a.entity_id, a.name FROM articles_entityalias a
            JOIN watched w ON w.entity_id = a.entity_id
            """,
            [Watch.Kind.ENTITY.value],
        )
        names = cursor.fetchall()
    if not names:
        return {}
    gazetteer = Gazetteer(names)
    found: dict[int, str] = {}
    for text in (article.title, article.body_text):
        for match in gazetteer.find(text):
            for entity_id in match.entity_ids:
                found.setdefault(entity_id, match.text)
    return found


def _notify(made: list[Notification]) -> list[Notification]:
    """Store what is new (a notification already made is left alone), and, after the
    transaction commits, e-mail those who asked for it at once (what they have not been
    sent: sending twice sends nothing twice)."""
    if not made:
        return []
    stored = Notification.objects.bulk_create(made, ignore_conflicts=True)
    instant = WatchSettings.objects.filter(
        user_id__in={n.user_id for n in made}, digest=Digest.INSTANT
    ).values_list("user_id", flat=True)
    for user_id in instant:
        transaction.on_commit(partial(deliver.enqueue, user_id, Digest.INSTANT.value))
    return stored


def article_arrived(article: Article, *, saved_by: User | None = None) -> list[Notification]:
    """Notify the watchers of what the new `article` mentions or matches. `saved_by` is
    the person who saved it by hand, who is not told."""
    now = timezone.now()
    others = Q() if saved_by is None else ~Q(user_id=saved_by.pk)
    made: list[Notification] = []
    mentions = _entity_matches(article)
    if mentions:
        for watch in Watch.objects.filter(others, kind=Watch.Kind.ENTITY, entity__in=mentions):
            reason = f"mentions {mentions[watch.entity_id or 0]}"
            made.append(_notification(watch, article.pk, reason, now))
    searches = Watch.objects.filter(others, kind=Watch.Kind.SEARCH, user__is_active=True)
    made += [
        _notification(watch, article.pk, f"matches “{watch.subject}”", now)
        for watch in _searches_finding(article, list(searches.select_related("user")))
    ]
    return _notify(made)


def _searches_finding(article: Article, watches: list[Watch]) -> list[Watch]:
    """The saved searches among `watches` that find the new `article`. Words alone (most
    saved searches) are asked all at once, in one statement: the article's own vector
    against each search's words parsed in the article's configuration, as the search
    box's SQL does; a search with filters (site:, label:, is:…) goes through the search
    box's own plan, as its owner (`Plan.articles_among`)."""
    plain: dict[int, str] = {}
    found: list[Watch] = []
    for watch in watches:
        query = search.parse(watch.query)
        if not query.qualifiers:
            plain[watch.pk] = query.text
        elif article.pk in Plan(query, watch.user).articles_among([article.pk]):
            found.append(watch)
    if plain:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT w.id FROM unnest(%s::bigint[], %s::text[]) AS w(id, words)
                JOIN articles_articlesearch s ON s.article_id = %s
                WHERE s.search_vector @@ websearch_to_tsquery(s.search_config, w.words)
                """,
                [list(plain), list(plain.values()), article.pk],
            )
            matched = {pk for (pk,) in cursor.fetchall()}
        found += [watch for watch in watches if watch.pk in matched]
    return found


def labels_put(pairs: Iterable[tuple[int, int]], *, by: User | None = None) -> list[Notification]:
    """Notify the watchers of each label put on an article: (article id, label id) pairs,
    whoever put them (`by`, who is not told)."""
    by_label: dict[int, set[int]] = defaultdict(set)
    for article_id, label_id in pairs:
        by_label[label_id].add(article_id)
    if not by_label:
        return []
    now = timezone.now()
    others = Q() if by is None else ~Q(user_id=by.pk)
    watches = Watch.objects.filter(others, kind=Watch.Kind.LABEL, label__in=by_label)
    made = [
        _notification(watch, article_id, f"labelled {watch.label.name}", now)
        for watch in watches.select_related("label")
        if watch.label is not None
        for article_id in sorted(by_label[watch.label.pk])
    ]
    return _notify(made)


def _notification(watch: Watch, article_id: int, reason: str, now: dt.datetime) -> Notification:
    return Notification(
        user_id=watch.user_id,
        watch=watch,
        article_id=article_id,
        reason=reason[:300],
        created_at=now,
    )


# --- Reading them ------------------------------------------------------------------------


def notifications_of(user: Viewer) -> QuerySet[Notification]:
    """The user's notifications, newest first, without those whose article is in the
    trash (they come back with it)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user, article__deleted_at__isnull=True)


def unread_count(user: Viewer) -> int:
    return notifications_of(user).filter(read_at__isnull=True).count()


def mark_read(user: User, ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications `ids` (all of them when None) read; how many were."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


def settings_of(user: User) -> WatchSettings:
    found = WatchSettings.objects.filter(user=user).first()
    return found or WatchSettings(user=user)


def set_digest(user: User, digest: str) -> WatchSettings:
    if digest not in Digest.values:
        raise WatchError("Choose how often to hear by e-mail.")
    chosen, _ = WatchSettings.objects.update_or_create(user=user, defaults={"digest": digest})
    return chosen


# --- E-mail ------------------------------------------------------------------------------


def _site_url() -> str:
    return str(settings.NEWSROOM_SITE_URL)


def _email(user: User, notes: list[Notification], *, daily: bool) -> bool:
    """Send `notes` to `user` in one message; True when the backend took it."""
    if not user.email or not user.is_active:
        return False
    shown = notes[:EMAIL_LIST_MAX]
    context = {
        "user": user,
        "notifications": shown,
        "more": len(notes) - len(shown),
        "site": _site_url(),
        "page": _site_url() + reverse("notifications"),
        "daily": daily,
    }
    count = len(notes)
    subject = (
        f"Newsroom: {count} new article{'s' if count != 1 else ''} on your watchlist"
        if daily or count != 1
        else f"Newsroom: {notes[0].article.title[:120]}"
    )
    try:
        send_mail(
            subject,
            render_to_string("notifications/email.txt", context),
            None,
            [user.email],
        )
    except OSError:  # smtplib's errors are OSErrors: the next send tries again
        log.exception("could not e-mail %s their notifications", user.get_username())
        return False
    return True


def _unsent(user_id: int) -> list[Notification]:
    return list(
        Notification.objects.filter(
            user_id=user_id,
            emailed_at__isnull=True,
            read_at__isnull=True,
            article__deleted_at__isnull=True,
        )
        .select_related("article", "watch", "user")
        .order_by("created_at", "id")
    )


def _send(user_id: int, *, daily: bool, now: dt.datetime | None = None) -> int:
    """E-mail the user's unsent notifications in one message, if they still ask for this
    kind (and, daily, a day has passed); how many went."""
    now = now or timezone.now()
    with transaction.atomic():
        # One sender at a time per person: two workers never send the same lines twice.
        row = (
            WatchSettings.objects.select_for_update(skip_locked=True)
            .filter(user_id=user_id, digest=Digest.DAILY if daily else Digest.INSTANT)
            .first()
        )
        if row is None or (daily and row.digest_sent_at and row.digest_sent_at > now - DAILY):
            return 0
        notes = _unsent(user_id)
        if not notes or not _email(notes[0].user, notes, daily=daily):
            return 0
        Notification.objects.filter(pk__in=[n.pk for n in notes]).update(emailed_at=now)
        row.digest_sent_at = now
        row.save(update_fields=["digest_sent_at"])
    return len(notes)


def send_now(user_id: int) -> int:
    """The "at once" e-mail: what the user has not been sent yet, if they still ask."""
    return _send(user_id, daily=False)


def due_digests(now: dt.datetime | None = None) -> list[int]:
    """The people whose daily digest is due (a day after the last) with something in it."""
    now = now or timezone.now()
    due = WatchSettings.objects.filter(digest=Digest.DAILY).filter(
        Q(digest_sent_at__isnull=True) | Q(digest_sent_at__lte=now - DAILY)
    )
    unsent = Notification.objects.filter(
        user_id=OuterRef("user_id"),
        emailed_at__isnull=True,
        read_at__isnull=True,
        article__deleted_at__isnull=True,
    )
    return list(due.filter(Exists(unsent)).values_list("user_id", flat=True))


def send_digests(now: dt.datetime | None = None) -> int:
    """Send the daily digests that are due, here and now (`manage.py notifications
    digest`); how many messages went."""
    return sum(bool(_send(user_id, daily=True, now=now)) for user_id in due_digests(now))


@task
def deliver(user_id: int, digest: str) -> int:
    """The background task: one person's e-mail, `digest` "daily" or "instant" (the
    heartbeat queues the daily ones; an arrival queues the "at once" ones after it
    commits)."""
    return _send(user_id, daily=digest == Digest.DAILY)
