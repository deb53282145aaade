"""Which background workers are alive, and what is left to do for the dead ones.

A worker (`manage.py worker`) proves it is alive by holding a session-level PostgreSQL
advisory lock, keyed by its id, on a connection of its own (the `Liveness` thread). The
operating system closes that connection when the process dies, however it dies (kill -9,
out of memory, the machine gone), and PostgreSQL then drops the lock: no heartbeat row to
keep fresh, no clock to trust.

Invariants:
- A task row is abandoned when it is RUNNING and the worker that claimed it (the last of
  its `worker_ids`) holds no liveness lock, judged only once the row has run for
  CLAIM_GRACE and PostgreSQL has been up for RESTART_GRACE: after a restart every lock is
  gone until the live workers take theirs again, which their threads do within
  LIVENESS_EVERY.
- A row RUNNING for TOO_LONG is abandoned whoever claimed it: no task of ours takes an
  hour, and it covers rows claimed by a worker that takes no lock (a plain `manage.py
  db_worker`, whose id lacks our prefix) and whatever else a fault may leave behind.
  (A live worker closes, itself, a task whose outcome it could not write, once the
  database is back: see the `worker` command.)
- An abandoned row is closed as FAILED with the reason in its traceback (class
  `WorkerLost`), exactly once (the update is conditional on the row still being RUNNING
  for that worker). Work that is safe to do twice is then queued again: a fetch job (its
  lease stops two runs at once, and ingest makes one article however often it runs) is
  handed out at once rather than after its lease; a feed poll is queued again (entries
  are unique per feed). Anything else stays closed: running it twice may not be safe.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import socket
import threading
import zlib
from typing import Any

from django.db import DatabaseError, connection, connections, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

from articles import feeds, jobs

logger = logging.getLogger(__name__)

# The advisory-lock namespace (the first of the two int4 keys) of worker liveness locks.
LIVENESS_LOCKS = 72_311
LIVENESS_EVERY = 5.0  # seconds between the liveness thread's checks of its connection
CLAIM_GRACE = dt.timedelta(seconds=15)
RESTART_GRACE = dt.timedelta(seconds=30)
TOO_LONG = dt.timedelta(hours=1)
ID_PREFIX = "nw:"
_OURS = re.compile(rf"^{ID_PREFIX}.*:(\d+):[A-Za-z0-9]{{6}}$")


class WorkerLost(Exception):  # noqa: N818 - named for what happened, as task errors are read
    """The failure recorded on a task whose worker died (or lost the database) mid-run."""


def new_worker_id(name: str = "") -> str:
    """`nw:<name or host>:<pid>:<random>`: ours (it takes a liveness lock), and an operator
    reading a task row can tell on which machine and in which process it ran."""
    suffix = f":{os.getpid()}:{get_random_string(6)}"
    room = 64 - len(ID_PREFIX) - len(suffix)
    return ID_PREFIX + (name or socket.gethostname())[:room] + suffix


def pid_of(worker_id: str) -> int | None:
    """The process id in one of our worker ids (None for another kind of worker)."""
    found = _OURS.match(worker_id)
    return int(found.group(1)) if found else None


def lock_key(worker_id: str) -> int:
    return zlib.crc32(worker_id.encode()) & 0x7FFFFFFF


def _live_keys() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objid::bigint FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND classid = %s AND objsubid = 2"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [LIVENESS_LOCKS],
        )
        return {key for (key,) in cursor.fetchall()}


def live_count() -> int:
    """How many workers hold their liveness lock now."""
    return len(_live_keys())


def server_started() -> dt.datetime:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_postmaster_start_time()")
        (started,) = cursor.fetchone()
    return started  # type: ignore[no-any-return]


class _Judge:
    """Decides, for RUNNING rows, whether their worker is gone (one query for the locks)."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.live = _live_keys()
        self.settled = server_started() <= now - RESTART_GRACE

    def reason(self, row: DBTaskResult[Any, Any]) -> str:
        """Why `row` is abandoned, or "" when it may still be running."""
        worker = row.worker_ids[-1] if row.worker_ids else ""
        started = row.started_at or row.enqueued_at
        if started <= self.now - TOO_LONG:
            return (
                f"This task has run for more than {TOO_LONG.total_seconds() / 60:.0f} "
                f"minutes (under worker {worker or '(unknown)'}), far longer than any of "
                "Newsroom's tasks can take."
            )
        if pid_of(worker) is None:
            return ""  # a worker that takes no liveness lock: only time can tell
        if not self.settled or started > self.now - CLAIM_GRACE or lock_key(worker) in self.live:
            return ""
        return (
            f"Worker {worker} stopped while running this task: its process ended or lost "
            "the database."
        )


def is_abandoned(row: DBTaskResult[Any, Any], now: dt.datetime | None = None) -> bool:
    return bool(_Judge(now or timezone.now()).reason(row))


def _run_again(row: DBTaskResult[Any, Any]) -> bool:
    args = row.args_kwargs.get("args", [])
    kwargs = row.args_kwargs.get("kwargs", {})
    if row.task_path == jobs.run_fetch_job.module_path:
        return jobs.release(*args, **kwargs)
    if row.task_path == feeds.poll_feed.module_path:
        feeds.poll_feed.enqueue(*args, **kwargs)
        return True
    return False


def close(row: DBTaskResult[Any, Any], reason: str, now: dt.datetime | None = None) -> bool:
    """Close an abandoned row as failed with `reason`, and queue its work again when that
    is safe. False when the row was no longer running under the same worker."""
    now = now or timezone.now()
    closed = DBTaskResult.objects.filter(
        pk=row.pk, status=TaskResultStatus.RUNNING, worker_ids=row.worker_ids
    ).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
        traceback=f"{WorkerLost.__qualname__}: {reason}",
    )
    if not closed:
        return False
    if _run_again(row):
        reason += " Its work was queued again."
        DBTaskResult.objects.filter(pk=row.pk).update(
            traceback=f"{WorkerLost.__qualname__}: {reason}"
        )
    logger.warning("Closed task %s (%s): %s", row.pk, row.task_path, reason)
    return True


def recover_abandoned(now: dt.datetime | None = None) -> int:
    """Close (and, when safe, queue again) every abandoned task row; how many."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(DBTaskResult.objects.running().select_for_update(skip_locked=True))
        if not rows:
            return 0
        judge = _Judge(now)
        return sum(close(row, reason, now) for row in rows if (reason := judge.reason(row)))


class Liveness(threading.Thread):
    """Holds a worker's liveness lock on a connection of its own for as long as the
    process lives, and takes it again when that connection broke (the database went away
    and came back). Django's connections are per thread, so this one is its own."""

    def __init__(self, worker_id: str, every: float = LIVENESS_EVERY) -> None:
        super().__init__(name=f"liveness {worker_id}", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.held = threading.Event()
        self._stopping = threading.Event()

    def run(self) -> None:
        try:
            while True:
                try:
                    self._check()
                except Exception:  # a thread that died would leave the worker unseen
                    logger.exception("The liveness check of worker %s failed", self.worker_id)
                if self._stopping.wait(self.every):
                    return
        finally:
            connections.close_all()

    def _check(self) -> None:
        try:
            with connection.cursor() as cursor:
                if self.held.is_set():
                    cursor.execute("SELECT 1")
                    return
                cursor.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)",
                    [LIVENESS_LOCKS, lock_key(self.worker_id)],
                )
                (taken,) = cursor.fetchone()
        except DatabaseError:
            self.held.clear()
            _close_quietly()
            return
        if taken:
            self.held.set()
        else:
            logger.error("Another session holds the liveness lock of worker %s", self.worker_id)

    def stop(self) -> None:
        self._stopping.set()


def _close_quietly() -> None:
    with contextlib.suppress(DatabaseError):
        connection.close()
