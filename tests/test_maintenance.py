"""The heartbeat (articles/maintenance.py) and the recovery of work whose worker died
(articles/workers.py): no kill and no exception stops the periodic work, and nothing a
dead worker held stays stuck."""

from __future__ import annotations

import datetime as dt

import pytest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import feeds, jobs, maintenance, workers
from articles.models import Article, Feed, FetchJob
from tests.fetching import LONG, STORY, item, rss, run_worker
from tests.workers import DEAD, alive, left_running

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_private")]

A_BEAT_LATER = dt.timedelta(minutes=1, seconds=1)


def beats():
    return DBTaskResult.objects.filter(task_path=maintenance.maintain.module_path)


def test_the_heartbeat_polls_due_feeds_and_comes_round_again_a_minute_later(httpserver, feed):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(item("a1", "Budget agreed", content=f"<p>{LONG}</p>")),
        content_type="application/rss+xml",
    )
    later = Feed.objects.create(
        url=httpserver.url_for("/later.xml"), next_poll_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert maintenance.ensure_maintenance() is True
    assert maintenance.ensure_maintenance() is False  # one heartbeat waiting is enough
    run_worker()
    feed.refresh_from_db()
    later.refresh_from_db()
    assert feed.last_polled_at is not None
    assert later.last_polled_at is None
    assert Article.objects.count() == 1
    assert maintenance.schedule() is False  # one ran within the minute
    assert maintenance.schedule(timezone.now() + A_BEAT_LATER) is True
    assert maintenance.last_heartbeat() is not None


def test_a_beat_that_raised_is_followed_by_the_next(monkeypatch):
    def broken(now=None):
        raise RuntimeError("the feeds table is on fire")

    monkeypatch.setattr(feeds, "due", broken)
    maintenance.schedule()
    run_worker()
    assert beats().get().status == TaskResultStatus.FAILED
    assert maintenance.last_heartbeat() is None

    monkeypatch.undo()
    assert maintenance.schedule(timezone.now() + A_BEAT_LATER) is True
    run_worker()
    assert beats().filter(status=TaskResultStatus.SUCCESSFUL).count() == 1


def test_a_beat_whose_worker_died_midway_is_replaced_at_once_and_closed_with_a_reason():
    dead = left_running(maintenance.maintain)
    assert maintenance.schedule() is True  # no need to wait for the minute
    run_worker()
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.FAILED
    assert dead.exception_class_path == "articles.workers.WorkerLost"
    assert f"Worker {DEAD} stopped while running this task" in dead.traceback
    fresh = beats().get(status=TaskResultStatus.SUCCESSFUL)
    assert fresh.return_value["abandoned"] == 1
    assert beats().count() == 2  # the dead beat is not run again: the next one replaced it


def test_a_beat_running_under_a_live_worker_is_left_to_finish():
    live = workers.new_worker_id("busy")
    with alive(live):
        running = left_running(maintenance.maintain, worker=live)
        assert maintenance.schedule() is False
        assert workers.recover_abandoned() == 0
    running.refresh_from_db()
    assert running.status == TaskResultStatus.RUNNING


def test_a_beat_stuck_for_ten_minutes_gets_a_successor_that_does_not_run_beside_it():
    live = workers.new_worker_id("stuck")
    with alive(live):
        left_running(maintenance.maintain, worker=live, started=dt.timedelta(minutes=11))
        assert maintenance.schedule() is True


def test_an_abandoned_fetch_is_handed_out_at_once_and_makes_one_article(httpserver):
    httpserver.expect_request("/story").respond_with_data(STORY, content_type="text/html")
    job = jobs.submit(httpserver.url_for("/story"))
    DBTaskResult.objects.all().delete()  # the queued task is the dead worker's below
    dead = left_running(jobs.run_fetch_job, job.pk)
    lease = timezone.now() + jobs.lease()
    FetchJob.objects.filter(pk=job.pk).update(
        status=FetchJob.Status.FETCHING, attempts=1, lease_until=lease
    )

    assert maintenance.maintain.call()["abandoned"] == 1
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.FAILED
    assert dead.traceback.endswith("Its work was queued again.")
    job.refresh_from_db()
    assert job.status == FetchJob.Status.PENDING  # without waiting for its lease
    run_worker()
    job.refresh_from_db()
    assert job.status == FetchJob.Status.DONE
    assert job.attempts == 2
    assert Article.objects.count() == 1


def test_an_abandoned_feed_poll_is_queued_again(httpserver, feed):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(item("a1", "Budget agreed", content=f"<p>{LONG}</p>")),
        content_type="application/rss+xml",
    )
    Feed.objects.filter(pk=feed.pk).update(next_poll_at=timezone.now() + dt.timedelta(hours=1))
    left_running(feeds.poll_feed, feed.pk)
    assert workers.recover_abandoned() == 1
    run_worker()
    feed.refresh_from_db()
    assert feed.last_polled_at is not None
    assert Article.objects.count() == 1


def test_a_row_of_a_worker_without_liveness_lock_is_closed_only_after_an_hour():
    plain = "Qm7f2LrW0aXy1bZc3dEe4fGg5hHi6jJk"  # `manage.py db_worker` names itself so
    young = left_running(maintenance.maintain, worker=plain, started=dt.timedelta(minutes=30))
    assert workers.recover_abandoned() == 0
    DBTaskResult.objects.filter(pk=young.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=61)
    )
    assert workers.recover_abandoned() == 1
    young.refresh_from_db()
    assert "has run for more than 60 minutes" in young.traceback


def test_nothing_is_judged_while_workers_may_still_be_reconnecting(monkeypatch):
    dead = left_running(maintenance.maintain)
    monkeypatch.setattr(workers, "server_started", timezone.now)  # PostgreSQL just started
    assert workers.recover_abandoned() == 0
    assert maintenance.schedule() is False
    dead.refresh_from_db()
    assert dead.status == TaskResultStatus.RUNNING


def test_a_task_claimed_moments_ago_is_not_judged_yet():
    left_running(maintenance.maintain, started=dt.timedelta(seconds=2))
    assert workers.recover_abandoned() == 0


def test_old_results_are_pruned_but_the_last_heartbeat_is_kept():
    maintenance.schedule()
    run_worker()
    old = timezone.now() - maintenance.KEEP_RESULTS - dt.timedelta(hours=1)
    gone = jobs.run_fetch_job.enqueue(1)
    DBTaskResult.objects.filter(pk=gone.id).update(
        status=TaskResultStatus.SUCCESSFUL, finished_at=old
    )
    assert maintenance.maintain.call()["pruned"] == 1
    assert maintenance.last_heartbeat() is not None


def test_a_task_running_for_an_hour_is_closed_even_under_a_live_worker():
    live = workers.new_worker_id("hung")
    with alive(live):
        hung = left_running(maintenance.maintain, worker=live, started=dt.timedelta(minutes=61))
        assert workers.recover_abandoned() == 1
    hung.refresh_from_db()
    assert hung.status == TaskResultStatus.FAILED


@pytest.mark.django_db
def test_the_heartbeat_empties_the_trash_and_old_rate_limit_windows(user):
    import datetime as dt

    from articles import ratelimit, trash
    from articles.maintenance import maintain
    from articles.models import Article, RateCounter
    from tests.factories import make_article

    old = make_article("Old story\n\nThe quay was repaired in the spring.", user=user)
    trash.move_to_trash(old, user)
    Article.with_trash.filter(pk=old.pk).update(deleted_at=timezone.now() - dt.timedelta(days=31))
    ratelimit.hit("sign-in-address", "192.0.2.1")
    RateCounter.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    result = maintain.call()
    assert (result["purged"], result["counters"]) == (1, 1)
    assert not Article.with_trash.filter(pk=old.pk).exists()
