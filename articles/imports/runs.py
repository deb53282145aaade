"""An import from the page: upload (parsed at once, for the preview), confirm, run as a
background task, and what the page shows of it.

Invariants:
- The upload is parsed before anything is kept: a file no importer reads is refused
  with its reason and no ImportJob. The bytes are kept in the job row until the run is
  done, and read again from there by the task: nothing goes to disk. A preview left
  unconfirmed for `PREVIEW_KEPT` is deleted (with its file) at the next upload.
- A job runs once at a time: the task claims it (QUEUED -> RUNNING) under a row lock;
  a task run twice, or for a job already running, does nothing. A run that failed, or
  whose worker died (the task closed while the job still says RUNNING), can be started
  again: importing is idempotent (`save`), so nothing is added twice.
- Only its owner sees or changes a job (`job_for` in the views); a guest imports nothing,
  and a person made a guest after confirming finds the run refused.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.tasks import TaskResultStatus, task
from django.tasks.exceptions import TaskResultDoesNotExist
from django.utils import timezone

from articles import accounts
from articles.imports import detect, pending, save
from articles.imports.core import ImportFileError, Parsed
from articles.models import Article, Feed, ImportJob, PendingImport

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

logger = logging.getLogger(__name__)

PREVIEW_PROBLEMS = 200
PREVIEW_KEPT = dt.timedelta(days=1)
KEPT_ERRORS = 2000
PROGRESS_EVERY = 0.5  # seconds between the progress updates a run writes
GUEST = "Guests cannot import: an administrator can make you a member."


def preview(parsed: Parsed, user: User) -> dict[str, Any]:
    """What the import would do, without doing it: counts (new articles, those already
    in the library, those to fetch, annotations, feeds) and what will be skipped."""
    urls = sorted({entry.url for entry in parsed.entries if entry.url})
    there = _found(Article.objects.values_list("source_url", flat=True), "source_url", urls)
    mine = PendingImport.objects.filter(owner=user).values_list("url", flat=True)
    queued = _found(mine, "url", urls)
    new = [e for e in parsed.entries if not (e.url and (e.url in there or e.url in queued))]
    targets = sorted({url for item in parsed.addressed for url in item.urls})
    placed = set(save.reader_articles(targets))
    placed |= _found(Article.objects.values_list("source_url", flat=True), "source_url", targets)
    feed_urls = [feed.url for feed in parsed.feeds]
    known_feeds = set(Feed.objects.filter(url__in=feed_urls).values_list("url", flat=True))
    return {
        "articles": len(parsed.entries),
        "new": len(new),
        "existing": len(parsed.entries) - len(new),
        "to_fetch": sum(1 for e in new if not e.has_text),
        "annotations": sum(len(e.highlights) for e in parsed.entries) + len(parsed.addressed),
        "addressed": len(parsed.addressed),
        "addressed_unmatched": sum(1 for item in parsed.addressed if not placed & set(item.urls)),
        "feeds": len(parsed.feeds),
        "new_feeds": len(set(feed_urls) - known_feeds),
        "skipped": len(parsed.problems),
        "problems": [p.as_json() for p in parsed.problems[:PREVIEW_PROBLEMS]],
    }


def _found(values: QuerySet[Any, str], field: str, wanted: list[str]) -> set[str]:
    """Which of `wanted` are among `values` (a values_list of `field`), a thousand at a
    time (a query has a limit on its parameters)."""
    found: set[str] = set()
    for start in range(0, len(wanted), 1000):
        found.update(values.filter(**{f"{field}__in": wanted[start : start + 1000]}))
    return found


def upload(user: User, data: bytes, filename: str = "") -> ImportJob:
    """Parse the file and keep it for the run, with its preview; ImportFileError when no
    importer can read it."""
    parsed = detect.read(data, filename)
    # Previews nobody confirmed keep a file each: a day is long enough to decide.
    ImportJob.objects.filter(
        status=ImportJob.Status.PREVIEW, created_at__lt=timezone.now() - PREVIEW_KEPT
    ).delete()
    return ImportJob.objects.create(
        owner=user,
        format=parsed.format,
        filename=filename[:255],
        size=len(data),
        data=data,
        preview=preview(parsed, user),
        total=parsed.total,
    )


def confirm(job: ImportJob) -> ImportJob:
    """Queue the run of a previewed (or failed) job; a job already queued, running or
    done is left as it is."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status not in {ImportJob.Status.PREVIEW, ImportJob.Status.FAILED}:
            return job
        job.status = ImportJob.Status.QUEUED
        job.done = 0
        job.summary = ""
        job.save(update_fields=["status", "done", "summary"])
        transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    result = run_import.enqueue(job_id)
    ImportJob.objects.filter(pk=job_id).update(task_id=str(result.id))


def check_alive(job: ImportJob) -> ImportJob:
    """A job still QUEUED or RUNNING whose task has ended (its worker died with it) is
    failed, so that its owner can start it again."""
    if not job.is_active or not job.task_id:
        return job
    try:
        result = run_import.get_result(job.task_id)
    except TaskResultDoesNotExist:
        result = None
    if result is not None and result.status not in {
        TaskResultStatus.FAILED,
        TaskResultStatus.SUCCESSFUL,
    }:
        return job
    ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=ImportJob.Status.FAILED,
        summary="The import stopped before the end. Start it again: nothing is added twice.",
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def _claim(job_id: int) -> ImportJob | None:
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .filter(pk=job_id, status=ImportJob.Status.QUEUED)
            .select_related("owner")
            .first()
        )
        if job is None:
            return None
        job.status = ImportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
    return job


def _finish(job: ImportJob, status: str, summary: str, **fields: Any) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, summary=summary, finished_at=timezone.now(), **fields
    )


class _Progress:
    """Writes the job's `done` as the run goes, at most every PROGRESS_EVERY seconds."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.done = 0
        self.written = time.monotonic()

    def __call__(self, n: int) -> None:
        self.done += n
        if time.monotonic() - self.written >= PROGRESS_EVERY:
            ImportJob.objects.filter(pk=self.job.pk).update(done=self.done)
            self.written = time.monotonic()


def run(job_id: int) -> str:
    """Run one confirmed import; returns its new status (for the task result)."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    if not accounts.may_contribute(job.owner):
        _finish(job, ImportJob.Status.FAILED, GUEST)
        return ImportJob.Status.FAILED
    try:
        parsed = detect.read(bytes(job.data), job.filename)
    except ImportFileError as exc:
        _finish(job, ImportJob.Status.FAILED, str(exc))
        return ImportJob.Status.FAILED
    ImportJob.objects.filter(pk=job.pk).update(total=parsed.total)
    try:
        outcome = save.save(parsed, job.owner, job=job, progress=_Progress(job))
    except Exception:
        logger.exception("Import %s failed unexpectedly", job.pk)
        _finish(
            job,
            ImportJob.Status.FAILED,
            "Something went wrong while importing. What was imported stays; start it again "
            "to import the rest (nothing is added twice).",
        )
        raise
    _finish(
        job,
        ImportJob.Status.DONE,
        outcome.line(reasons=False),
        done=parsed.total,
        counts=outcome.counts(),
        errors=[p.as_json() for p in outcome.problems[:KEPT_ERRORS]],
        data=b"",
    )
    pending.ensure_advancing()
    return ImportJob.Status.DONE


@task
def run_import(job_id: int) -> str:
    return run(job_id)


def recent_for(user: User, *, besides: ImportJob | None = None, limit: int = 5) -> list[ImportJob]:
    """The person's latest imports, but for the one the page shows (`besides`)."""
    jobs = ImportJob.objects.filter(owner=user).defer("data")
    if besides is not None:
        jobs = jobs.exclude(pk=besides.pk)
    return list(jobs.order_by("-created_at", "-id")[:limit])
