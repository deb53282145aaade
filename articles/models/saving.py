"""Saving from the web: fetch jobs (and who follows them), feeds and their entries,
earlier versions, save tokens.

The background tasks only move these rows forward (`articles.jobs`, `articles.feeds`);
what the library and the feeds page show is read from them.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import Article

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class FetchJob(models.Model):
    """One request to fetch a page: a new article (SAVE) or a new text for one (REFRESH).

    The background task only moves a job forward; the job row is what the library shows
    ("Fetching…", the article, or the reason it failed, with a Retry button unless no
    retry can help). A job left FETCHING past its lease belonged to a worker that died and
    is handed out again.

    One job per address is on its way at a time: whoever else saves it meanwhile follows
    that job (`followers`), sees it in their own list and dismisses it for themselves.
    `dismissed` is the requester's own dismissal; a follower's is on their follow.
    """

    class Purpose(models.TextChoices):
        SAVE = "save", "Save"
        REFRESH = "refresh", "Refresh"

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        FETCHING = "fetching", "Fetching"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    url = models.URLField(max_length=2000)
    purpose = models.CharField(max_length=8, choices=Purpose.choices, default=Purpose.SAVE)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    error = models.TextField(blank=True)
    # Why the last attempt failed (`fetch.FetchError.reason`, "gone" for a refresh whose
    # article was deleted); empty for other failures.
    reason = models.CharField(max_length=16, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="fetch_jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fetch_jobs",
    )
    # Summary-only feed items are fetched in full through a job too.
    feed = models.ForeignKey(
        "Feed", null=True, blank=True, on_delete=models.SET_NULL, related_name="fetch_jobs"
    )
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    dismissed = models.BooleanField(default=False)
    followers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="FetchJobFollower",
        blank=True,
        related_name="followed_fetch_jobs",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "lease_until"], name="fetchjob_status_lease")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.url} ({self.get_status_display()})"

    # Failures that fetching again cannot mend: an address Newsroom refuses to fetch
    # (private, with credentials, not http), one that is malformed, an article gone.
    FINAL_REASONS = frozenset({"refused", "invalid", "gone"})

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.PENDING, self.Status.FETCHING}

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED and self.reason not in self.FINAL_REASONS

    def dismiss(self, user: User) -> bool:
        """Take a finished or failed job off `user`'s list (the requester's or a
        follower's; nobody else's changes); a job still on its way stays (it would come
        back when it finishes). False when nothing changed."""
        if self.is_active:
            return False
        if self.requested_by_id == user.pk:
            if self.dismissed:
                return False
            self.dismissed = True
            return bool(FetchJob.objects.filter(pk=self.pk).update(dismissed=True))
        follows = FetchJobFollower.objects.filter(job_id=self.pk, user_id=user.pk)
        return bool(follows.filter(dismissed=False).update(dismissed=True))


class FetchJobFollower(models.Model):
    """Someone who saved an address while another person's job for it was on its way: the
    job is in their list too, until they dismiss it (for themselves)."""

    job = models.ForeignKey(FetchJob, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fetch_job_follows"
    )
    dismissed = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "user"], name="fetchjobfollower_once")
        ]
        # The library's list asks "which jobs does this person follow?"
        indexes = [models.Index(fields=["user", "job"], name="fetchjobfollower_user")]

    def __str__(self) -> str:
        return f"{self.user} follows {self.job}"


class Feed(models.Model):
    """An RSS or Atom feed polled on a schedule; its state is what the feeds page shows."""

    url = models.URLField(max_length=2000, unique=True)
    title = models.CharField(max_length=300, blank=True)
    site_url = models.URLField(max_length=2000, blank=True)
    interval_minutes = models.PositiveIntegerField(default=30)
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now, db_index=True)
    last_status = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    last_new_items = models.PositiveIntegerField(default=0)
    total_items = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title", "url"]

    def __str__(self) -> str:
        return self.title or self.url

    def schedule_next(self, *, polled_at: dt.datetime | None = None) -> dt.datetime:
        """Set `next_poll_at` one interval after the last poll (`polled_at`, else the last
        recorded one, else the subscription) and return it; the caller saves."""
        base = polled_at or self.last_polled_at or self.created_at
        self.next_poll_at = base + dt.timedelta(minutes=self.interval_minutes)
        return self.next_poll_at


class FeedEntry(models.Model):
    """An item already seen in a feed, so each is ingested once."""

    feed = models.ForeignKey(Feed, on_delete=models.CASCADE, related_name="entries")
    guid = models.CharField(max_length=2000)
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL)
    error = models.TextField(blank=True)
    # The entry's title and content as last seen (sha256): a re-poll that finds them
    # changed gives the article the new text. Empty for entries seen before it was kept.
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["feed", "guid"], name="feedentry_once_per_feed")
        ]

    def __str__(self) -> str:
        return self.guid


class ArticleVersion(models.Model):
    """An earlier text of an article, kept whenever its text was replaced."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    title = models.CharField(max_length=500)
    body_html = models.TextField()
    body_text = models.TextField()
    # When this text stopped being the current one.
    replaced_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title} (until {self.replaced_at:%Y-%m-%d %H:%M})"


class SaveToken(models.Model):
    """The secret in a person's bookmarklet: it authenticates "Save page" POSTs from other
    sites, where the session cookie is not sent. Regenerating it retires the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="save_token"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"save token of {self.user}"

    @classmethod
    def regenerate(cls, user: User) -> SaveToken:
        token, _ = cls.objects.update_or_create(
            user=user, defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()}
        )
        return token
