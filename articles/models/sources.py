"""The file an article was made from, when it is not text: today, the original PDF
(`SourceFile`); and each page fetched for an article, as the server sent it
(`PageCapture`).

Invariants:
- At most one per article, written in the transaction that creates the article
  (`ingest.save`), and never changed afterwards: `sha256` and `size` describe `data`.
- Only the reader's download view (`views.sources.download`) sends it, to whoever may
  open the article (`permissions.article_for`); it is never shown inline.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class SourceFile(models.Model):
    article = models.OneToOneField(
        "articles.Article", on_delete=models.CASCADE, related_name="source_file"
    )
    content_type = models.CharField(max_length=100)
    # The name it was uploaded under (or taken from the URL), for the download.
    filename = models.CharField(max_length=255, blank=True)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.content_type} of article {self.article_id} ({self.size} bytes)"


class PageCapture(models.Model):
    """A page fetched for an article (saving it from its address, or a refresh), kept
    byte for byte and gzip-compressed, so anyone can later show what was captured.
    `sha256` and `size` are those of the bytes as fetched (uncompressed); the same bytes
    fetched again for the same article are kept once (`articles.captures.keep`)."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="captures"
    )
    url = models.URLField(max_length=2000)
    content_type = models.CharField(max_length=100)
    fetched_at = models.DateTimeField(default=timezone.now)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    data = models.BinaryField()  # gzip

    class Meta:
        ordering = ["-fetched_at", "-id"]
        indexes = [models.Index(fields=["article", "-fetched_at"], name="capture_article_newest")]

    def __str__(self) -> str:
        return f"page of article {self.article_id} fetched {self.fetched_at:%Y-%m-%d %H:%M}"
