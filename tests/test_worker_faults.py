"""Workers that outlive faults (articles/management/commands/worker.py): real `manage.py
worker` processes killed mid-fetch and mid-heartbeat, and one that lives through
PostgreSQL being killed and started again (on a throwaway cluster of its own)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import time

import psycopg
import pytest
from django.db import OperationalError, connection, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import jobs, maintenance, workers
from articles.management.commands.worker import ResilientWorker
from articles.models import Article, Feed, FetchJob
from tests import pgscratch
from tests.fetching import LONG, item, rss
from tests.workers import serve_slow_story, start_worker, stop, wait_for, work_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_private")]

MAINTAIN = maintenance.maintain.module_path


def _let_time_pass(row_pk) -> None:
    """As if the grace for a fresh claim and the minute between beats had gone by."""
    DBTaskResult.objects.filter(pk=row_pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=1)
    )
    DBTaskResult.objects.filter(task_path=MAINTAIN).update(
        enqueued_at=timezone.now() - dt.timedelta(minutes=2)
    )


def test_a_worker_killed_mid_fetch_is_succeeded_at_once_and_one_article_is_made(
    httpserver, tmp_path
):
    story = serve_slow_story(httpserver)
    job = jobs.submit(story.url)
    log = tmp_path / "workers.log"
    with log.open("wb") as out:
        first = start_worker(out)
        try:
            wait_for(story.first_request.is_set, 30, "the first worker to start fetching")
            row = DBTaskResult.objects.get(task_path=jobs.run_fetch_job.module_path)
            assert row.status == TaskResultStatus.RUNNING
            assert workers.pid_of(row.worker_ids[-1]) == first.pid
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
        finally:
            stop(first)
            story.release.set()
        _let_time_pass(row.pk)

        work_until(
            out,
            lambda: FetchJob.objects.get(pk=job.pk).status == FetchJob.Status.DONE,
            "the second worker to finish the job, well within its lease",
        )
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED, log.read_text()
    assert "stopped while running this task" in row.traceback
    job.refresh_from_db()
    assert job.attempts == 2
    assert len(story.calls) == 2
    assert Article.objects.get().title == "Harbour reopens after repairs"


def test_a_worker_killed_mid_heartbeat_does_not_stop_the_heartbeat(httpserver, feed, tmp_path):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(item("a1", "Budget agreed", content=f"<p>{LONG}</p>")),
        content_type="application/rss+xml",
    )
    log = tmp_path / "workers.log"
    with log.open("wb") as out:
        # Hold the feeds table so the first beat stops there, half done, when it is killed.
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Feed._meta.db_table} IN EXCLUSIVE MODE")
            first = start_worker(out)
            try:
                beat = wait_for(
                    lambda: DBTaskResult.objects.filter(
                        task_path=MAINTAIN, status=TaskResultStatus.RUNNING
                    ).first(),
                    30,
                    "the first worker to start the heartbeat",
                )
                time.sleep(0.5)  # now waiting for the table
                os.kill(first.pid, signal.SIGKILL)
                first.wait(10)
            finally:
                stop(first)
        feed.refresh_from_db()
        assert feed.last_polled_at is None  # the dead beat changed nothing
        _let_time_pass(beat.pk)

        work_until(
            out,
            lambda: Feed.objects.get(pk=feed.pk).last_polled_at,
            "the next heartbeat to poll the feed",
        )
    beat.refresh_from_db()
    assert beat.status == TaskResultStatus.FAILED, log.read_text()
    assert beat.exception_class_path == "articles.workers.WorkerLost"
    assert maintenance.last_heartbeat() is not None
    assert Article.objects.count() == 1


def test_a_task_whose_outcome_could_not_be_written_is_closed_once_the_database_is_back(
    monkeypatch,
):
    maintenance.maintain.enqueue()
    worker = ResilientWorker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id=workers.new_worker_id("test"),
        excluded_queue_names=[],
    )  # fmt: skip

    def database_gone(row):
        monkeypatch.undo()
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(worker, "run_task", database_gone)
    monkeypatch.setattr("articles.management.commands.worker.backoff", lambda _failures: 0)
    worker._loop()  # without the liveness thread
    row = DBTaskResult.objects.get(task_path=MAINTAIN)
    assert row.status == TaskResultStatus.FAILED
    assert "lost the database while running this task" in row.traceback


@pytest.fixture
def scratch():
    cluster = pgscratch.create(port=55000 + os.getpid() % 1000)
    try:
        cluster.migrate()
        yield cluster
    finally:
        cluster.destroy()


def _beats(cluster: pgscratch.ScratchCluster) -> int:
    with psycopg.connect(cluster.url) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult"
            " WHERE task_path = %s AND status = 'SUCCESSFUL'",
            [MAINTAIN],
        ).fetchone()
    return count


@pytest.mark.slow
def test_a_worker_lives_through_postgresql_being_killed_and_carries_on(scratch, tmp_path):
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = start_worker(out, scratch.url)
        try:
            wait_for(lambda: _beats(scratch) == 1, 30, "the first heartbeat")
            scratch.kill()
            time.sleep(3)
            assert worker.poll() is None, log.read_text()
            scratch.start()
            with psycopg.connect(scratch.url) as conn:  # the next beat is due
                conn.execute(
                    "UPDATE django_tasks_database_dbtaskresult"
                    " SET enqueued_at = enqueued_at - interval '2 minutes'"
                )
            wait_for(lambda: _beats(scratch) == 2, 30, "a heartbeat after the outage")
            assert worker.poll() is None
        finally:
            stop(worker)
    assert worker.returncode == 0
    text = log.read_text()
    assert "lost the database (OperationalError" in text
    assert "the database is back after" in text
