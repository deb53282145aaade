"""Imported entries that arrive without their text: fetched through the saving machinery
(`jobs.submit`, as an address typed in the library is), a few at a time, and given what
the import carried once their article is there.

Invariants:
- At most `IN_FLIGHT` imported entries are being fetched at once, whatever the number of
  imports: a 10,000-row export neither floods the workers' queue nor a site. The
  `advance_imports` task submits the next ones and runs again `AGAIN` later while any
  wait; `ensure_advancing` starts it when none is queued (after an import, and whenever
  the import page is shown: a task lost with its worker is started again).
- A PendingImport is deleted once given to its article (`settle`, in one transaction
  with the gift), or once its fetch failed for good (a refused or malformed address);
  one whose fetch may succeed on a Retry stays until it does.
- Settling is idempotent: the gift is the import's own (`save.give`), which adds nothing
  twice.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles import fetch, jobs
from articles.imports import save
from articles.imports.core import importing
from articles.models import Article, FetchJob, PendingImport

logger = logging.getLogger(__name__)

IN_FLIGHT = 20
AGAIN = dt.timedelta(seconds=3)
SETTLE_BATCH = 200
_ACTIVE = [FetchJob.Status.PENDING, FetchJob.Status.FETCHING]


def settle_soon() -> None:
    """Settle once the current transaction is over (an article was just saved)."""
    if not importing.get():
        transaction.on_commit(settle)


def settle() -> int:
    """Give every arrived article what its import carried; how many were settled."""
    settled = 0
    while True:
        with transaction.atomic():
            batch = list(
                PendingImport.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(fetch_job__status=FetchJob.Status.DONE, fetch_job__article__isnull=False)
                .select_related("fetch_job__article", "owner", "job")[:SETTLE_BATCH]
            )
            for row in batch:
                job = row.fetch_job
                if job is None or job.article is None:  # pragma: no cover - filtered above
                    continue
                # The article is the import's when its fetch made it (after the import).
                save.give(row, job.article, new=job.article.created_at >= row.created_at)
                row.delete()
            settled += len(batch)
        if len(batch) < SETTLE_BATCH:
            break
    PendingImport.objects.filter(
        fetch_job__status=FetchJob.Status.FAILED, fetch_job__reason__in=FetchJob.FINAL_REASONS
    ).delete()
    return settled


def waiting() -> Q:
    """Pending imports not yet fetched: never submitted, or on their way."""
    return Q(fetch_job__isnull=True) | Q(fetch_job__status__in=_ACTIVE)


def advance() -> bool:
    """Settle what arrived, then submit the next entries; True while some still wait."""
    settle()
    with transaction.atomic():
        in_flight = PendingImport.objects.filter(fetch_job__status__in=_ACTIVE).count()
        room = IN_FLIGHT - in_flight
        batch = (
            list(
                PendingImport.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(fetch_job__isnull=True)
                .select_related("owner")
                .order_by("id")[:room]
            )
            if room > 0
            else []
        )
        for row in batch:
            try:
                row.fetch_job = jobs.submit(row.url, row.owner)
            except fetch.FetchError:
                row.delete()  # an address that can never be fetched
                continue
            row.save(update_fields=["fetch_job"])
    if any(row.fetch_job and row.fetch_job.status == FetchJob.Status.DONE for row in batch):
        settle()  # already in the library: give it at once
    return PendingImport.objects.filter(waiting()).exists()


@task
def advance_imports() -> bool:
    more = advance()
    if more:
        advance_imports.using(run_after=timezone.now() + AGAIN).enqueue()
    return more


def ensure_advancing() -> None:
    """Queue `advance_imports` when entries wait and it is not already queued or running."""
    if not PendingImport.objects.filter(waiting()).exists():
        settle()
        return
    queued = DBTaskResult.objects.filter(
        task_path=advance_imports.module_path,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    )
    if not queued.exists():
        transaction.on_commit(advance_imports.enqueue)


def waiting_for(import_job_id: int) -> int:
    """How many entries of one import still wait for their article."""
    return PendingImport.objects.filter(waiting(), job_id=import_job_id).count()


@receiver(post_save, sender=Article, dispatch_uid="newsroom-settle-imports")
def _article_arrived(
    sender: type[Article],  # noqa: ARG001 - the signal's signature
    instance: Article,
    created: bool,
    **kwargs: object,
) -> None:
    """A new article may be one an import is waiting for: once its transaction is over
    (the fetch job is then DONE with it), what the import carried is given to it."""
    if created and instance.source_url and not kwargs.get("raw"):
        settle_soon()
