"""The pages as fetched: every page fetched for an article (saving it from its address,
a refresh, `manage.py ingest URL`), kept gzip-compressed with its hash and fetch time.

Rules:
- Kept in the transaction that saves or refreshes the article from the page
  (`jobs._finish`, `jobs.ingest_url`); never changed afterwards.
- The same bytes fetched again for the same article are kept once: a refresh that found
  the page unchanged adds nothing.
- A PDF is not captured here: the file itself is the article's `SourceFile`.
- Only administrators download a capture (`views.versions.capture`): it is the source
  site's page, scripts and all, sent as an attachment and never shown inline.
"""

from __future__ import annotations

import gzip
import hashlib
from typing import TYPE_CHECKING

from articles.models import PageCapture

if TYPE_CHECKING:
    from articles.ingest import Fetched
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
