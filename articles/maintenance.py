"""The heartbeat: the background work nobody asks for, run about every minute.

`maintain` closes the task rows of workers that died (queuing their work again when that
is safe, `workers.recover_abandoned`), hands out again fetch jobs whose lease ran out,
polls the feeds that are due, queues the daily watchlist digests that are due, keeps
imports' waiting entries moving (queues `advance_imports` again if its worker died with
it), prunes old task results and rate-limit windows, and empties the trash of what is
past its 30 days. `health` is what /healthz says.

Invariants:
- No chain of self-queued tasks, which one kill or exception would break for good. Every
  worker calls `tick` on each turn of its loop; at most every CHECK_EVERY it asks whether
  a beat is due and, under a transaction-level advisory lock (so two workers never queue
  two), queues one. A beat is due when none is waiting and the last one was queued a
  HEARTBEAT ago, or the last one is still RUNNING but its worker died or it has run for
  STUCK. So a killed worker, a beat that raised or a database outage delays the next beat
  by about a HEARTBEAT at most; nothing stops it while one worker lives.
- `maintain` runs in one transaction under another advisory lock: two never run at once
  (a second answers "skipped"), and one killed midway leaves nothing half-done.
- The time of the last heartbeat is the newest successful, not skipped, beat's
  `finished_at` in django-tasks-db's own table: no table of ours, nothing to keep fresh.
  Pruning (KEEP_RESULTS) never reaches it while beats succeed.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import feeds, jobs, ratelimit, trash, watchlists, workers
from articles.imports import pending
from articles.models import Digest

HEARTBEAT = dt.timedelta(minutes=1)
CHECK_EVERY = 5.0  # seconds, per worker, between two looks at whether a beat is due
STUCK = dt.timedelta(minutes=10)
# /healthz answers 503 when the last beat finished longer ago than this.
HEALTHY_WITHIN = dt.timedelta(minutes=5)
# Finished task results are kept this long (errors stay on our own rows), then pruned.
KEEP_RESULTS = dt.timedelta(days=2)
# Before fetches and feed polls waiting in the queue (django-tasks-db runs higher first).
PRIORITY = 50
# Transaction-level advisory locks: (namespace, key).
_SCHEDULING = (workers.LIVENESS_LOCKS + 1, 1)
_MAINTAINING = (workers.LIVENESS_LOCKS + 1, 2)


def _try_lock(key: tuple[int, int]) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", list(key))
        (taken,) = cursor.fetchone()
    return bool(taken)


@task(priority=PRIORITY)
def maintain() -> dict[str, int]:
    with transaction.atomic():
        if not _try_lock(_MAINTAINING):
            return {"skipped": 1}
        abandoned = workers.recover_abandoned()
        recovered = jobs.recover()
        pending.ensure_advancing()  # an import's fetches go on after any kill
        due = feeds.due()
        for feed_id in due:
            feeds.poll_feed.enqueue(feed_id)
        pruned, _ = (
            DBTaskResult.objects.finished()
            .filter(finished_at__lt=timezone.now() - KEEP_RESULTS)
            .delete()
        )
        counters = ratelimit.prune()  # rate-limit windows that are over
        purged = trash.purge()  # articles in the trash past Article.TRASH_DAYS
        digests = watchlists.due_digests()
        for user_id in digests:  # sent by the worker, outside this transaction
            watchlists.deliver.enqueue(user_id, Digest.DAILY.value)
    return {
        "abandoned": abandoned,
        "recovered": recovered,
        "feeds": len(due),
        "pruned": pruned,
        "counters": counters,
        "purged": purged,
        "digests": len(digests),
    }


def _due(now: dt.datetime) -> bool:
    beats = DBTaskResult.objects.filter(task_path=maintain.module_path)
    if beats.filter(status=TaskResultStatus.READY).exists():
        return False
    last = beats.order_by("-enqueued_at").first()
    if last is None:
        return True
    if last.status == TaskResultStatus.RUNNING:
        started = last.started_at or last.enqueued_at
        return started < now - STUCK or workers.is_abandoned(last, now)
    return bool(last.enqueued_at <= now - HEARTBEAT)


def schedule(now: dt.datetime | None = None) -> bool:
    """Queue a beat if one is due (see the module's invariants). True when it queued one."""
    now = now or timezone.now()
    with transaction.atomic():
        if not _try_lock(_SCHEDULING) or not _due(now):
            return False
        maintain.enqueue()
    return True


def ensure_maintenance() -> bool:
    """Queue a beat now unless one is waiting or ran within a HEARTBEAT (`manage.py
    prepare` calls it, so the first beat runs as soon as a worker starts)."""
    return schedule()


class _Clock:
    next_look = 0.0


def tick() -> bool:
    """Called by every worker on each turn of its loop: queue a beat when one is due.
    Asks the database at most every CHECK_EVERY (jittered, so workers spread out)."""
    if time.monotonic() < _Clock.next_look:
        return False
    _Clock.next_look = time.monotonic() + CHECK_EVERY * random.uniform(0.5, 1.5)  # noqa: S311
    return schedule()


@dataclass(frozen=True)
class Health:
    """What /healthz reports. Counts are None when the database could not be asked."""

    database: bool
    heartbeat_age: float | None = None  # seconds since the last beat finished
    queued: int | None = None  # tasks due to run now, waiting for a worker
    running: int | None = None
    workers: int | None = None  # workers holding their liveness lock
    error: str = ""

    @property
    def healthy(self) -> bool:
        return (
            self.database
            and self.heartbeat_age is not None
            and self.heartbeat_age <= HEALTHY_WITHIN.total_seconds()
        )

    @property
    def problem(self) -> str:
        """What is wrong, for a person reading the monitor; "" when healthy."""
        if not self.database:
            return f"The database cannot be reached ({self.error})."
        if self.heartbeat_age is None:
            return "No heartbeat has finished yet: is a worker (`manage.py worker`) running?"
        if not self.healthy:
            limit = round(HEALTHY_WITHIN.total_seconds())
            return (
                f"The last heartbeat finished {round(self.heartbeat_age)} s ago (more than "
                f"{limit} s): are the workers running?"
            )
        return ""


def last_heartbeat() -> dt.datetime | None:
    return (
        DBTaskResult.objects.filter(
            task_path=maintain.module_path, status=TaskResultStatus.SUCCESSFUL
        )
        .exclude(return_value__has_key="skipped")
        .order_by("-finished_at")
        .values_list("finished_at", flat=True)
        .first()
    )


def health() -> Health:
    """The database, the heartbeat and the queue, in a few short queries (each bounded by
    a statement timeout, so a database in trouble makes a slow answer, not a hung one)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL statement_timeout = '2s'")
            beat = last_heartbeat()
            tasks = DBTaskResult.objects
            return Health(
                database=True,
                heartbeat_age=max(0.0, (now - beat).total_seconds()) if beat else None,
                queued=tasks.ready().count(),
                running=tasks.running().count(),
                workers=workers.live_count(),
            )
    except DatabaseError as exc:
        # The class only: the message names the database's host, for anyone to read here.
        return Health(database=False, error=type(exc).__name__)
