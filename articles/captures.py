"""The pages as fetched: every page fetched for an article (saving it from its address,
a refresh, `manage.py ingest URL`), kept gzip-compressed with its hash and fetch time.

Rules:
- Kept in the transaction that saves or refreshes the article from the page
  (`jobs._finish`, `jobs.ingest_url`); never changed afterwards.
- The same bytes fetched again for the same article are kept once: a refresh that found
  the page unchanged adds nothing.
- A PDF is not captured here: the file itself is the article's `SourceFile`. When a
  refresh or an update replaces a PDF article's text with another PDF's, the new file
  becomes the `SourceFile` and the one it replaces is kept here (`replace_original`), so
  every file an article's text came from can still be downloaded.
- Only administrators download a capture (`views.versions.capture`): it is the source
  site's page, scripts and all, sent as an attachment and never shown inline.
"""

from __future__ import annotations

import gzip
import hashlib
from typing import TYPE_CHECKING

from django.utils import timezone

from articles.models import PageCapture, SourceFile

if TYPE_CHECKING:
    from articles.ingest import Fetched, Original
    from articles.models import Article


def keep(article: Article, fetched: Fetched) -> PageCapture | None:
    """Keep `fetched` for `article`, unless it is the capture kept last."""
    digest = hashlib.sha256(fetched.data).hexdigest()
    last = PageCapture.objects.filter(article=article).values_list("sha256", flat=True).first()
    if last == digest:
        return None
    return PageCapture.objects.create(
        article=article,
        url=fetched.url[:2000],
        content_type=fetched.content_type[:100],
        fetched_at=fetched.fetched_at,
        sha256=digest,
        size=len(fetched.data),
        data=gzip.compress(fetched.data, mtime=0),
    )


def original_bytes(capture: PageCapture) -> bytes:
    """The page as it was fetched."""
    return gzip.decompress(bytes(capture.data))


def replace_original(article: Article, original: Original | None) -> None:
    """Make `original` the file `article`'s text now comes from (None: a text with no
    file, such as a page); the file it replaces, if another, moves to the pages as
    fetched. Run inside the transaction that replaces the text."""
    digest = hashlib.sha256(original.data).hexdigest() if original is not None else ""
    current = SourceFile.objects.select_for_update().filter(article=article).first()
    if current is not None and current.sha256 == digest:
        return
    if current is not None:
        PageCapture.objects.create(
            article=article,
            url=article.source_url[:2000],
            content_type=current.content_type,
            fetched_at=current.created_at,
            sha256=current.sha256,
            size=current.size,
            data=gzip.compress(bytes(current.data), mtime=0),
        )
        current.delete()
    if original is None:
        return
    SourceFile.objects.create(
        article=article,
        content_type=original.content_type,
        filename=original.filename[:255],
        data=original.data,
        sha256=digest,
        size=len(original.data),
        created_at=timezone.now(),
    )
