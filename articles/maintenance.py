"""The heartbeat: the background work nobody asks for, run every minute by the worker.

`maintain` re-queues fetch jobs whose worker died, polls the feeds that are due and prunes
old task results, then queues its own next run. `ensure_maintenance` (called by
`manage.py prepare`, so by `make run`) starts the heartbeat when none is waiting.
"""

from __future__ import annotations

import datetime as dt

from django.tasks import task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import feeds, jobs

HEARTBEAT = dt.timedelta(minutes=1)
# Finished task results are kept this long (errors stay on our own rows), then pruned.
KEEP_RESULTS = dt.timedelta(days=2)


@task
def maintain() -> dict[str, int]:
    recovered = jobs.recover()
    due = feeds.due()
    for feed_id in due:
        feeds.poll_feed.enqueue(feed_id)
    pruned, _ = (
        DBTaskResult.objects.finished()
        .filter(finished_at__lt=timezone.now() - KEEP_RESULTS)
        .delete()
    )
    ensure_maintenance(run_after=timezone.now() + HEARTBEAT)
    return {"recovered": recovered, "feeds": len(due), "pruned": pruned}


def ensure_maintenance(run_after: dt.datetime | None = None) -> bool:
    """Queue the heartbeat unless one is already waiting. True when one was queued."""
    waiting = DBTaskResult.objects.filter(task_path=maintain.module_path, status="READY")
    if waiting.exists():
        return False
    (maintain.using(run_after=run_after) if run_after else maintain).enqueue()
    return True
