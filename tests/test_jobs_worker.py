"""A real `manage.py db_worker` process, killed in the middle of a fetch: the job is
handed out again and ends with exactly one article."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import quote

import pytest
from django.db import connection
from django.utils import timezone
from werkzeug import Response

from articles import jobs
from articles.models import Article, FetchJob
from tests.conftest import ROOT
from tests.fetching import STORY

pytestmark = pytest.mark.django_db(transaction=True)


def _worker(log) -> subprocess.Popen:
    db = connection.settings_dict
    host = quote(db["HOST"], safe="") if db["HOST"].startswith("/") else db["HOST"]
    auth = db["USER"] + (f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else "")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{auth}@{host}{port}/{db['NAME']}",
        "NEWSROOM_FETCH_ALLOW_PRIVATE": "true",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload",
         "--interval", "0.2", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )  # fmt: skip


def _wait_for(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def test_a_worker_killed_mid_fetch_loses_nothing_and_makes_one_article(httpserver, tmp_path):
    with (tmp_path / "worker.log").open("wb") as log:
        _kill_and_recover(httpserver, log)
    job = FetchJob.objects.get()
    assert job.status == FetchJob.Status.DONE, (tmp_path / "worker.log").read_text()
    assert job.attempts == 2
    assert Article.objects.count() == 1
    assert job.article.title == "Harbour reopens after repairs"


def _kill_and_recover(httpserver, log):
    first_request = threading.Event()
    release = threading.Event()
    calls = []

    def story(_request):
        calls.append(time.monotonic())
        if len(calls) == 1:
            first_request.set()
            release.wait(10)  # the worker is killed while it waits for this answer
        return Response(STORY, content_type="text/html")

    httpserver.expect_request("/story").respond_with_handler(story)
    job = jobs.submit(httpserver.url_for("/story"))

    worker = _worker(log)
    try:
        _wait_for(first_request.is_set, 30, "the worker to start fetching")
        job.refresh_from_db()
        assert job.status == FetchJob.Status.FETCHING
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    release.set()
    job.refresh_from_db()
    assert job.status == FetchJob.Status.FETCHING  # the dead worker never finished it
    assert not Article.objects.exists()

    # Once its lease is over, the heartbeat hands the job out again.
    assert jobs.recover(now=timezone.now() + jobs.lease() + dt.timedelta(seconds=1)) == 1
    worker = _worker(log)
    try:
        _wait_for(
            lambda: FetchJob.objects.get(pk=job.pk).status == FetchJob.Status.DONE,
            30,
            "the second worker to finish the job",
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(15)
    assert len(calls) == 2


def test_recovery_leaves_jobs_with_a_live_lease_alone(httpserver):
    job = jobs.submit(httpserver.url_for("/story"))
    FetchJob.objects.filter(pk=job.pk).update(
        status=FetchJob.Status.FETCHING, lease_until=timezone.now() + dt.timedelta(minutes=5)
    )
    assert jobs.recover() == 0
    assert jobs.run(job.pk) == "skipped"  # another worker holds it
