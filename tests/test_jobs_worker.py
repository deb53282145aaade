"""A real `manage.py db_worker` process (django-tasks-db's own, which takes no liveness
lock), killed in the middle of a fetch: once the job's lease is over it is handed out
again and ends with exactly one article. (`manage.py worker` does better: see
tests/test_worker_faults.py.)"""

from __future__ import annotations

import datetime as dt
import os
import signal

import pytest
from django.utils import timezone

from articles import jobs
from articles.models import Article, FetchJob
from tests.workers import serve_slow_story, start_worker, wait_for, work_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_worker_killed_mid_fetch_loses_nothing_and_makes_one_article(httpserver, tmp_path):
    with (tmp_path / "worker.log").open("wb") as log:
        _kill_and_recover(httpserver, log)
    job = FetchJob.objects.get()
    assert job.status == FetchJob.Status.DONE, (tmp_path / "worker.log").read_text()
    assert job.attempts == 2
    assert Article.objects.count() == 1
    assert job.article.title == "Harbour reopens after repairs"


def _kill_and_recover(httpserver, log):
    story = serve_slow_story(httpserver)
    job = jobs.submit(story.url)

    worker = start_worker(log, command="db_worker")
    try:
        wait_for(story.first_request.is_set, 30, "the worker to start fetching")
        job.refresh_from_db()
        assert job.status == FetchJob.Status.FETCHING
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    story.release.set()
    job.refresh_from_db()
    assert job.status == FetchJob.Status.FETCHING  # the dead worker never finished it
    assert not Article.objects.exists()

    # Once its lease is over, the heartbeat hands the job out again.
    assert jobs.recover(now=timezone.now() + jobs.lease() + dt.timedelta(seconds=1)) == 1
    work_until(
        log,
        lambda: FetchJob.objects.get(pk=job.pk).status == FetchJob.Status.DONE,
        "the second worker to finish the job",
        command="db_worker",
    )
    assert len(story.calls) == 2


def test_recovery_leaves_jobs_with_a_live_lease_alone(httpserver):
    job = jobs.submit(httpserver.url_for("/story"))
    FetchJob.objects.filter(pk=job.pk).update(
        status=FetchJob.Status.FETCHING, lease_until=timezone.now() + dt.timedelta(minutes=5)
    )
    assert jobs.recover() == 0
    assert jobs.run(job.pk) == "skipped"  # another worker holds it


@pytest.mark.django_db(transaction=True)
def test_sixteen_people_saving_one_address_at_once_make_one_job(user):
    import threading

    from django.db import connection

    from articles.models import FetchJob
    from tests.factories import make_user

    people = [user] + [make_user(f"saver{i}") for i in range(15)]
    start = threading.Barrier(len(people))
    errors: list[BaseException] = []

    def save(person):
        try:
            start.wait()
            jobs.submit("https://news.example.org/2026/12/02/one-story", person)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert FetchJob.objects.count() == 1
