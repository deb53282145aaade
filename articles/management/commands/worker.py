"""`manage.py worker`: django-tasks-db's worker, made to outlive faults. Run this one
(as many as you like, on any machine), not `db_worker`.

What it adds to `manage.py db_worker`, whose `Worker` it extends and whose options it takes:
- The database going away (refused connections, a restart, a dropped connection) does not
  end it: the loop backs off (0.5 s, doubling to 10 s, jittered) and carries on once the
  database is back. A task whose outcome could not be written meanwhile is then closed as
  failed, and queued again when that is safe (`workers.close`).
- Each turn of the loop calls `maintenance.tick`, so the heartbeat is scheduled by
  whichever workers are alive, not by a chain of tasks.
- A liveness lock (`workers.Liveness`, on a connection of its own) tells the others,
  through PostgreSQL, that it is alive; its id names the machine and the process.

The loop is django-tasks-db's (0.13), rewritten here because its `run` has no hook per
turn and lets any database error out; `run_task`, claiming and signals are its own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import time
from typing import TYPE_CHECKING, Any

from django.core.management.base import CommandError
from django.db import InterfaceError, OperationalError, close_old_connections, connections
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from articles import maintenance, workers

if TYPE_CHECKING:
    from argparse import ArgumentParser

logger = logging.getLogger("articles.workers")
LOST = (OperationalError, InterfaceError)
BACKOFF_FIRST = 0.5
BACKOFF_MOST = 10.0
# A worker claims nothing before the others can see it alive, unless the database is
# down: then it starts anyway and waits in the loop.
LIVENESS_WAIT = 10.0


def backoff(failures: int) -> float:
    """Seconds to wait after the `failures`-th failed turn in a row."""
    delay = min(BACKOFF_MOST, BACKOFF_FIRST * 2.0 ** max(0, failures - 1))
    return delay * random.uniform(0.75, 1.25)  # noqa: S311 - spreading workers out


class ResilientWorker(db_worker.Worker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.liveness = workers.Liveness(self.worker_id)
        # The row of a task that ran while the database went away: its outcome is unknown
        # to the database until this worker closes it.
        self.unfinished: DBTaskResult[Any, Any] | None = None

    def run(self) -> None:
        logger.info("Starting worker %s (queues %s)", self.worker_id, ",".join(self.queue_names))
        self.liveness.start()
        try:
            self.liveness.held.wait(LIVENESS_WAIT)
            if self.startup_delay and self.interval:
                time.sleep(random.random())  # noqa: S311 - no thundering herd
            self._loop()
        finally:
            self.liveness.stop()

    def _loop(self) -> None:
        failures = 0
        lost_at = 0.0
        while self.running:
            try:
                row = self._turn()
            except LOST as exc:
                if not failures:
                    lost_at = time.monotonic()
                    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
                    logger.warning(
                        "Worker %s lost the database (%s: %s); trying again with back-off",
                        self.worker_id,
                        type(exc).__name__,
                        first,
                    )
                failures += 1
                _close_connections()
                time.sleep(backoff(failures))
                continue
            if failures:
                logger.warning(
                    "Worker %s: the database is back after %.1f s",
                    self.worker_id,
                    time.monotonic() - lost_at,
                )
                failures = 0
            if self.batch and row is None:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            if self.running and row is None:
                time.sleep(self.interval)

    def _turn(self) -> DBTaskResult[Any, Any] | None:
        """One turn: settle what the last outage left, maybe queue a heartbeat, claim and
        run one task. Returns the task's row, or None when none was due."""
        close_old_connections()
        if self.unfinished is not None:
            workers.close(
                self.unfinished,
                f"Worker {self.worker_id} lost the database while running this task, so "
                "its outcome was never written.",
            )
            self.unfinished = None
        maintenance.tick()
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            row = tasks.get_locked()
            if row is not None:
                row.claim(self.worker_id)
                # Before the commit: if the connection drops during it, the claim may
                # still have been made, and is closed later (it is a no-op if it was not).
                self.unfinished = row
        if row is not None:
            self.run_task(row)  # records the outcome, or raises if it cannot
            self.unfinished = None
        close_old_connections()
        return row


def _close_connections() -> None:
    for conn in connections.all(initialized_only=True):
        with contextlib.suppress(*LOST):
            conn.close()


class Command(db_worker.Command):
    help = "Run a background worker that outlives database outages and schedules the heartbeat"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.set_defaults(worker_id=None)

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        reload = options["reload"] and not options["batch"]
        exclude = options["exclude_queues"]
        if exclude and "*" not in options["queue_name"].split(","):
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = ResilientWorker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=workers.new_worker_id(options["worker_id"] or ""),
            excluded_queue_names=exclude.split(",") if exclude else [],
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloader's child
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
