"""The images of an article's body, kept by Newsroom so that reading never asks the
source site for anything (`articles.images` fetches and serves them).

Invariants:
- One row per (article, address as written in the body's `img src`), made when the
  article is saved or refreshed, PENDING until the background job has tried it.
- STORED: `file` holds exactly the fetched bytes, named by their SHA-256 (the same image
  in two articles is one file), and `content_type` is what those bytes are (png, jpeg,
  gif, webp or avif, read from the bytes, never from the server's word).
- FAILED: `error` says why in one line; the reader shows the alt text and a link to the
  original instead, never a broken image.
"""

from __future__ import annotations

from typing import Any

from django.core.files.storage import Storage, storages
from django.db import models
from django.utils import timezone


class _Images(Storage):
    """`storages["images"]`, looked up on every use rather than when the models load:
    STORAGES may change after that (the tests change it), and reading it so early would
    also fix every other storage (static files) as it stood then. A Storage subclass, as
    FileField asks; every attribute comes from the configured backend."""

    def __getattribute__(self, name: str) -> Any:
        return getattr(storages["images"], name)


_images = _Images()


def image_storage() -> Storage:
    """`STORAGES["images"]` (files under var/images by default; any django-storages
    backend by setting)."""
    return _images


class ArticleImage(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        STORED = "stored", "Stored"
        FAILED = "failed", "Failed"

    article = models.ForeignKey("articles.Article", on_delete=models.CASCADE, related_name="images")
    source_url = models.URLField(max_length=2000)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(storage=image_storage, upload_to="", max_length=200, blank=True)
    content_type = models.CharField(max_length=20, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "source_url"], name="article_image_once_per_address"
            )
        ]
        indexes = [models.Index(fields=["sha256"], name="article_image_sha256")]

    def __str__(self) -> str:
        return f"image {self.source_url} of article {self.article_id} ({self.status})"
