"""Helpers for the worker tests: real `manage.py worker` processes, task rows left RUNNING
by a worker that died, and a worker that is alive (it holds its liveness lock)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from werkzeug import Response

from articles import maintenance, workers
from tests.conftest import ROOT
from tests.fetching import STORY

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import IO

    from django.tasks import Task
    from pytest_httpserver import HTTPServer

DEAD = "nw:gone.example:4242:Zz9Zz9"  # the id of a worker whose process is gone


def database_url() -> str:
    """The test database, for a worker in another process."""
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    auth = db["USER"] + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def start_worker(
    log: IO[bytes], url: str = "", *, command: str = "worker"
) -> subprocess.Popen[bytes]:
    """`manage.py worker` (or `db_worker`) in its own process, fetching from this machine."""
    env = {
        **os.environ,
        "DATABASE_URL": url or database_url(),
        "NEWSROOM_FETCH_ALLOW_PRIVATE": "true",
        "NEWSROOM_LOG_LEVEL": "INFO",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", command, "--no-startup-delay", "--no-reload",
         "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )  # fmt: skip


def stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(15)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def wait_for(predicate: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := predicate():
            return found
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def work_until(
    log: IO[bytes], predicate: Callable[[], Any], what: str, *, command: str = "worker"
) -> None:
    """Start a worker, wait (30 s at most) until `predicate` holds, stop it."""
    worker = start_worker(log, command=command)
    try:
        wait_for(predicate, 30, what)
    finally:
        stop(worker)


def fresh_beat() -> DBTaskResult[Any, Any]:
    """A heartbeat that has just finished, as a worker leaves it (/healthz then says 200)."""
    queued = maintenance.maintain.enqueue()
    DBTaskResult.objects.filter(pk=queued.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now(), return_value={"feeds": 0}
    )
    return DBTaskResult.objects.get(pk=queued.id)


def left_running(
    task: Task[Any, Any],
    *args: Any,
    worker: str = DEAD,
    started: dt.timedelta = dt.timedelta(minutes=1),
) -> DBTaskResult[Any, Any]:
    """A task row as a worker leaves it when it dies mid-task: claimed, RUNNING."""
    result = task.enqueue(*args)
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started,
        worker_ids=[worker],
    )
    return DBTaskResult.objects.get(pk=result.id)


@contextmanager
def alive(worker_id: str) -> Iterator[None]:
    """A live worker: its liveness lock held (here, by the test's own connection)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_lock(%s, %s)", [workers.LIVENESS_LOCKS, workers.lock_key(worker_id)]
        )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, %s)",
                [workers.LIVENESS_LOCKS, workers.lock_key(worker_id)],
            )


@dataclass
class SlowStory:
    """The story at /story, whose first request hangs until `release` is set (or 10 s):
    the worker fetching it is killed meanwhile. Later requests answer at once."""

    url: str
    first_request: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    calls: list[float] = field(default_factory=list)


def serve_slow_story(httpserver: HTTPServer) -> SlowStory:
    slow = SlowStory(httpserver.url_for("/story"))

    def story(_request: object) -> Response:
        slow.calls.append(time.monotonic())
        if len(slow.calls) == 1:
            slow.first_request.set()
            slow.release.wait(10)
        return Response(STORY, content_type="text/html")

    httpserver.expect_request("/story").respond_with_handler(story)
    return slow
