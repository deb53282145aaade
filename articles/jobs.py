"""Fetch jobs: a URL someone asked to save (or an article to refresh), moved forward by a
background task until it is an article or a reason it could not be.

Invariants:
- `submit` never fetches: it records the job and enqueues the task after the transaction
  commits. The same canonical URL already in the library answers at once (DONE, with the
  existing article); the same URL already waiting answers with that job, which the
  person then follows (`FetchJobFollower`) unless they asked for it: it is in their list
  (`recent_for`) as in the requester's, and each dismisses it for themselves only.
- `run` claims a job under a row lock and a lease. The fetch happens outside any
  transaction; the article and the job's DONE state are written in one transaction, so a
  worker killed at any point leaves either no article or a finished job, never half of
  one. A job still FETCHING after its lease belonged to a dead worker: `recover` hands it
  out again, and ingest is idempotent, so running it twice still makes one article. When
  the heartbeat sees that worker's liveness lock gone (`workers`), `release` hands the
  job out at once instead.
- Transient failures (timeouts, dropped connections, 5xx/429) are retried with
  exponential back-off up to `FETCH_MAX_ATTEMPTS`; every other failure is final, and the
  person sees its reason, with a Retry button unless retrying cannot help
  (`FetchJob.can_retry`: a refused address stays refused), and `retry` agrees.
- The task (`run_fetch_job`, run by `manage.py worker`) is a thin wrapper: the state
  lives in the job row, so a task that is lost or run twice changes nothing that matters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from articles import captures, fetch, ingest, versions
from articles.errors import IngestError
from articles.models import Article, FetchJob, FetchJobFollower

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.models import Feed
    from articles.types import Viewer

logger = logging.getLogger(__name__)
RETRY_BASE_SECONDS = 30
RECENT_JOBS = 8


def lease() -> dt.timedelta:
    """Longer than any one attempt can take (connect, reads, the whole-fetch deadline)."""
    return dt.timedelta(
        seconds=settings.FETCH_CONNECT_TIMEOUT + 4 * settings.FETCH_READ_TIMEOUT + 60
    )


def backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=RETRY_BASE_SECONDS * 4 ** max(0, attempts - 1))


def _enqueue(job: FetchJob, run_after: dt.datetime | None = None) -> None:
    queued = run_fetch_job if run_after is None else run_fetch_job.using(run_after=run_after)
    transaction.on_commit(lambda: queued.enqueue(job.pk))


def submit(
    url: str,
    user: Viewer | None = None,
    *,
    purpose: str = FetchJob.Purpose.SAVE,
    article: Article | None = None,
    feed: Feed | None = None,
) -> FetchJob:
    """Record a request to fetch `url` and queue it; raises FetchError for an address
    that can never be fetched (not http(s), no host)."""
    fetch.check_url(url)
    canonical = fetch.canonical_url(url)
    requester = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        # One submission of an address at a time (until this transaction ends): sixteen
        # people saving one story at once make one job, not sixteen.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [canonical])
        found = (
            Article.objects.filter(source_url=canonical).first()
            if purpose == FetchJob.Purpose.SAVE
            else None
        )
        if found:
            return FetchJob.objects.create(
                url=canonical,
                status=FetchJob.Status.DONE,
                article=found,
                requested_by=requester,
                feed=feed,
                dismissed=feed is not None,
            )
        active = FetchJob.objects.filter(
            url=canonical,
            purpose=purpose,
            status__in=[FetchJob.Status.PENDING, FetchJob.Status.FETCHING],
        ).first()
        if active:
            in_their_list = requester is None or (
                active.requested_by_id == requester.pk and active.feed_id is None
            )
            if requester is not None and not in_their_list:
                # Someone else's job for the same page, or a feed's (in no one's list,
                # not even of the person it was fetched for): this person follows it.
                FetchJobFollower.objects.update_or_create(
                    job=active, user_id=requester.pk, defaults={"dismissed": False}
                )
            return active
        job = FetchJob.objects.create(
            url=canonical, purpose=purpose, article=article, requested_by=requester, feed=feed
        )
        _enqueue(job)
    return job


def retry(job: FetchJob, user: User | None = None) -> FetchJob:
    """Queue a failed job again (when retrying can help). It comes back into the list of
    the person retrying (`user`; the requester's when none is given), and stays out of
    the lists of those who dismissed it."""
    with transaction.atomic():
        job = FetchJob.objects.select_for_update().get(pk=job.pk)
        if job.can_retry:
            job.status = FetchJob.Status.PENDING
            job.error = ""
            job.reason = ""
            job.attempts = 0
            job.next_attempt_at = None
            if user is None or user.pk == job.requested_by_id:
                job.dismissed = False
            else:
                FetchJobFollower.objects.filter(job=job, user_id=user.pk).update(dismissed=False)
            job.save()
            _enqueue(job)
    return job


def _unheld(job_id: int, state: Q) -> FetchJob | None:
    """The job, row-locked, when it is in `state` and no other transaction holds it."""
    return FetchJob.objects.select_for_update(skip_locked=True).filter(state, pk=job_id).first()


def _claim(job_id: int) -> FetchJob | None:
    now = timezone.now()
    with transaction.atomic():
        job = _unheld(
            job_id,
            Q(status=FetchJob.Status.PENDING)
            | Q(status=FetchJob.Status.FETCHING, lease_until__lt=now),
        )
        if job is None:
            return None
        job.status = FetchJob.Status.FETCHING
        job.attempts += 1
        job.lease_until = now + lease()
        job.save(update_fields=["status", "attempts", "lease_until", "updated_at"])
    return job


def fetch_document(url: str) -> tuple[ingest.Document, str]:
    """Fetch a page (or a PDF) and parse it; the document's source URL is canonical."""
    response = fetch.fetch(url, accept=fetch.HTML_TYPES | fetch.PDF_TYPES)
    if response.media_type in fetch.PDF_TYPES or response.content.startswith(ingest.PDF_MAGIC):
        name = urlsplit(response.url).path.rsplit("/", 1)[-1]
        doc = ingest.prepare(response.content, filename=_pdf_name(name), url=response.url)
    else:
        doc = ingest.prepare(response.text(), url=response.url)
        fetched = ingest.Fetched(
            response.content, response.url, response.media_type, timezone.now()
        )
        doc = dataclasses.replace(doc, fetched=fetched)
    source = fetch.canonical_url(doc.source_url or response.url)
    return dataclasses.replace(doc, source_url=source), response.url


def _pdf_name(name: str) -> str:
    """The name a fetched PDF is kept under: the URL's last segment, ending in .pdf."""
    name = unquote(name).strip() or "document"
    return name if name.lower().endswith(ingest.PDF_SUFFIX) else f"{name}{ingest.PDF_SUFFIX}"


def ingest_url(url: str, user: User | None = None, *, update: bool = False) -> ingest.IngestResult:
    """Fetch and save one page now (the command line's way); same rules as a job."""
    fetch.check_url(url)
    if not update and (found := Article.objects.filter(source_url=fetch.canonical_url(url))):
        return ingest.IngestResult(found.get(), duplicate=True)
    doc, _final = fetch_document(url)
    with transaction.atomic():
        result = versions.save_or_update(doc, user) if update else ingest.save(doc, user)
        if doc.fetched is not None:
            captures.keep(result.article, doc.fetched)
    return result


def _finish(job: FetchJob, doc: ingest.Document) -> None:
    with transaction.atomic():
        if job.purpose == FetchJob.Purpose.REFRESH and job.article_id:
            article = Article.objects.get(pk=job.article_id)
            versions.replace_text(article, doc)
        else:
            # A summary-only feed item fetched in full arrives from the feed, not by hand.
            article = ingest.save(doc, job.requested_by, by_hand=job.feed_id is None).article
        article_id = article.pk
        if doc.fetched is not None:
            captures.keep(article, doc.fetched)
        FetchJob.objects.filter(pk=job.pk).update(
            status=FetchJob.Status.DONE,
            article_id=article_id,
            error="",
            reason="",
            lease_until=None,
            updated_at=timezone.now(),
        )


def _fail(job: FetchJob, exc: IngestError, reason: str = "") -> None:
    """A transient failure waits for another attempt (backing off); any other is final."""
    transient = isinstance(exc, fetch.FetchError) and exc.transient
    reason = exc.reason if isinstance(exc, fetch.FetchError) else reason
    again = transient and job.attempts < settings.FETCH_MAX_ATTEMPTS
    when = timezone.now() + backoff(job.attempts) if again else None
    with transaction.atomic():
        FetchJob.objects.filter(pk=job.pk).update(
            status=FetchJob.Status.PENDING if again else FetchJob.Status.FAILED,
            error=str(exc),
            reason=reason,
            next_attempt_at=when,
            lease_until=None,
            updated_at=timezone.now(),
        )
        if when is not None:
            _enqueue(job, run_after=when)


def run(job_id: int) -> str:
    """Move one job forward; returns its new status (for the task result)."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    if job.purpose == FetchJob.Purpose.REFRESH and job.article_id is None:
        _fail(job, IngestError("The article to refresh was deleted."), reason="gone")
        return FetchJob.Status.FAILED
    try:
        doc, _final = fetch_document(job.url)
        _finish(job, doc)
    except IngestError as exc:
        _fail(job, exc)
    except Exception:
        logger.exception("Fetching %s failed unexpectedly", job.url)
        _fail(job, IngestError("Something went wrong while saving this page; try again."))
        raise
    return FetchJob.objects.values_list("status", flat=True).get(pk=job.pk)


@task
def run_fetch_job(job_id: int) -> str:
    return run(job_id)


def recover(now: dt.datetime | None = None) -> int:
    """Hand out again the jobs whose worker died (lease over) or whose task was lost
    (still waiting well after it was due). Returns how many were re-queued."""
    now = now or timezone.now()
    stale = FetchJob.objects.filter(
        Q(status=FetchJob.Status.FETCHING, lease_until__lt=now)
        | Q(status=FetchJob.Status.PENDING, next_attempt_at__lt=now - lease())
    )
    count = 0
    with transaction.atomic():
        for job in stale.select_for_update(skip_locked=True):
            _hand_out_again(job, now)
            count += 1
    return count


def _hand_out_again(job: FetchJob, now: dt.datetime) -> None:
    job.status = FetchJob.Status.PENDING
    job.lease_until = None
    job.next_attempt_at = now
    job.save(update_fields=["status", "lease_until", "next_attempt_at", "updated_at"])
    _enqueue(job)


def release(job_id: int) -> bool:
    """The worker running this job died (`workers` saw its liveness lock go): hand the job
    out again now rather than after its lease. True when it was queued again."""
    fetching = Q(status=FetchJob.Status.FETCHING)
    # Killed before it claimed the job (a job waiting for a retry has its own task).
    unclaimed = Q(status=FetchJob.Status.PENDING, next_attempt_at__isnull=True)
    with transaction.atomic():
        if job := _unheld(job_id, fetching | unclaimed):
            _hand_out_again(job, timezone.now())
    return job is not None


@dataclass(frozen=True)
class JobList:
    items: list[FetchJob]

    @property
    def polling(self) -> bool:
        """The list refreshes itself only while some job is still on its way."""
        return any(job.is_active for job in self.items)


def recent_for(user: Viewer) -> JobList:
    """The person's recent jobs for the library, those they asked for and those they follow
    (one query): waiting and failed ones until they dismiss them, finished ones for a day.
    (A feed's own jobs are in no one's list, unless someone followed one.)"""
    if not user.is_authenticated:
        return JobList([])
    since = timezone.now() - dt.timedelta(days=1)
    followed = FetchJobFollower.objects.filter(user_id=user.pk, dismissed=False)
    own = Q(requested_by_id=user.pk, dismissed=False, feed__isnull=True)
    return JobList(
        list(
            FetchJob.objects.filter(own | Q(pk__in=followed.values("job_id")))
            .filter(~Q(status=FetchJob.Status.DONE) | Q(updated_at__gte=since))
            .select_related("article")
            .defer("article__body_html", "article__body_text")
            .order_by("-created_at", "-id")[:RECENT_JOBS]
        )
    )
