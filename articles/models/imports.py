"""Imports: a file someone brought from another tool (Pocket, Omnivore, Wallabag, ...),
and what is left to do for the articles it named that are still being fetched.

An ImportJob keeps the uploaded file in the database (`data`) from the upload to the
end of the run: the preview and the background run read the same bytes, and nothing is
ever written to disk by a name the file chose. The bytes are dropped once the run is
done. The background task only moves the job forward (`articles.imports.run`); the page
shows its row.

A PendingImport is what an imported entry without its text carries until its fetch job
brings the article: the labels, the reading state, the time it was saved, its
annotations. `articles.imports.pending.settle` applies and deletes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.saving import FetchJob


class ImportJob(models.Model):
    class Format(models.TextChoices):
        POCKET_CSV = "pocket-csv", "Pocket (CSV)"
        POCKET_HTML = "pocket-html", "Pocket (HTML)"
        NETSCAPE = "netscape", "Bookmarks (HTML)"
        OMNIVORE = "omnivore", "Omnivore (ZIP)"
        WALLABAG = "wallabag", "Wallabag (JSON)"
        HYPOTHESIS = "hypothesis", "Hypothesis (JSON)"
        WEB_ANNOTATION = "web-annotation", "Web Annotations (JSON-LD)"
        HIGHLIGHTS_CSV = "highlights-csv", "Highlights (CSV)"
        OPML = "opml", "Feed subscriptions (OPML)"

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Importing"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    format = models.CharField(max_length=16, choices=Format.choices)
    filename = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    # The file as uploaded, until the run is done.
    data = models.BinaryField(editable=False)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PREVIEW)
    # What the preview found: counts, and what will be skipped and why.
    preview = models.JSONField(default=dict, blank=True)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    # What the run did: counts (articles, queued, annotations, feeds, existing, skipped) ...
    counts = models.JSONField(default=dict, blank=True)
    # ... the line the command prints, and each skipped entry: [{"where", "reason"}].
    summary = models.TextField(blank=True)
    errors = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "-created_at"], name="importjob_owner_recent")]

    def __str__(self) -> str:
        return f"{self.get_format_display()} {self.filename} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in {self.Status.QUEUED, self.Status.RUNNING}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return min(100, self.done * 100 // self.total) if self.total else 0


class PendingImport(models.Model):
    """An imported entry whose article is still being fetched, and what to give it.
    Without an owner (an import from the command line with no --user), only labels."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.CASCADE,
        related_name="pending_imports",
    )
    job = models.ForeignKey(ImportJob, null=True, on_delete=models.SET_NULL, related_name="+")
    fetch_job = models.ForeignKey(FetchJob, null=True, on_delete=models.SET_NULL, related_name="+")
    url = models.URLField(max_length=2000)  # canonical
    saved_at = models.DateTimeField(null=True, blank=True)
    labels = models.JSONField(default=list, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    favourite_at = models.DateTimeField(null=True, blank=True)
    # Highlights and notes, as `articles.imports.core.Highlight.as_json` writes them.
    annotations = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "url"], name="pendingimport_once_per_owner")
        ]
        indexes = [models.Index(fields=["url"], name="pendingimport_url")]

    def __str__(self) -> str:
        return f"{self.url} for {self.owner}"
