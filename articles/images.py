"""The images of an article, kept by Newsroom: recorded when the body is written, fetched
by a background task, served from here, and drawn into the reader in place of the source
site's addresses.

Invariants:
- `record` runs in the transaction that writes a body (`ingest.save`, `versions.replace_text`):
  one `ArticleImage` row per distinct `img src` not yet recorded for the article
  (PENDING; FAILED at once past `IMAGE_MAX_PER_ARTICLE`), and, when any is PENDING, one
  task queued after commit. Nothing is fetched before the article is saved, so a slow
  image never delays it. Rows for addresses a newer text no longer has stay: older
  versions still show those images.
- `fetch_pending` (the task) fetches each PENDING row with `articles.fetch` (every hop's
  address checked) under a per-image and a per-article byte cap, and keeps only bytes whose
  magic numbers say png, jpeg, gif, webp or avif, whatever the server called them (SVG
  is refused: it can carry script). Every other outcome is FAILED with a one-line reason.
  A row leaves PENDING once, so a task run twice (or two at once) changes nothing more.
- Files are stored through `storages["images"]` under `<sha256>.<ext>`, never a name the
  server gave: the same bytes, in any number of articles, are one file.
- Who may load a stored image: whoever has its address, signed in or not (the share page
  of a signed-out visitor shows images too). The address carries a signature of the file
  name made with SECRET_KEY, so it is a capability like a share link: knowing an image's
  bytes (and so its hash) is not enough to ask whether this Newsroom keeps it.
- `localize` adds no text: a stored image's `src` becomes its Newsroom address; any other
  becomes an empty placeholder (alt text in `data-alt`, shown by CSS, and an aria-label),
  a link to the original unless the image is already inside a link. So `textContent` of
  the reader's body is still `body_text`, and no page loads an image from another host.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from html import escape, unescape
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Sum
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from articles import fetch
from articles.errors import IngestError
from articles.models import ArticleImage
from articles.models.images import image_storage

if TYPE_CHECKING:
    from collections.abc import Iterable

    from articles.models import Article

logger = logging.getLogger(__name__)

# Canonical body HTML (see articles.highlights): every "<" starts a tag, attribute values
# are double-quoted and escaped.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_ATTR = re.compile(r'([a-zA-Z][a-zA-Z0-9-]*)="([^"]*)"')
_SRC = re.compile(r'<img\s[^>]*?(?<=\s)src="([^"]*)"')
_SRC_ATTR = re.compile(r'(?<=\s)src="[^"]*"')
_REL = "nofollow noopener noreferrer"
# What a server may call an image and still be read: the bytes decide what it is.
_ACCEPT = frozenset({
    "image/png", "image/x-png", "image/apng", "image/jpeg", "image/pjpeg", "image/jpg",
    "image/gif", "image/webp", "image/avif", "image/svg+xml", "application/octet-stream",
    "binary/octet-stream",
})  # fmt: skip
EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/avif": "avif",
}
_NAME = re.compile(r"([0-9a-f]{64})\.(png|jpg|gif|webp|avif)")
_SIGNER = signing.Signer(salt="articles.images", algorithm="sha256")
_KINDS = "png, jpeg, gif, webp or avif"


# Recording -------------------------------------------------------------------------------


def sources(body_html: str) -> list[str]:
    """The distinct image addresses of a canonical body, in order."""
    return list(dict.fromkeys(unescape(m.group(1)) for m in _SRC.finditer(body_html)))


def record(article: Article) -> int:
    """Record the images of the article's body not yet recorded, and queue their fetch
    after this transaction commits. Returns how many new ones are waiting."""
    waiting = _add(article)
    if waiting:
        queue(article.pk)
    return waiting


def _add(article: Article) -> int:
    found = [url for url in sources(article.body_html) if len(url) <= 2000]
    if not found:
        return 0
    known = set(
        ArticleImage.objects.filter(article=article, source_url__in=found).values_list(
            "source_url", flat=True
        )
    )
    already = ArticleImage.objects.filter(article=article).count() if known else 0
    room = max(0, settings.IMAGE_MAX_PER_ARTICLE - already)
    new = [url for url in found if url not in known]
    rows = [ArticleImage(article=article, source_url=url) for url in new[:room]]
    rows += [
        ArticleImage(
            article=article,
            source_url=url,
            status=ArticleImage.Status.FAILED,
            error=f"More than {settings.IMAGE_MAX_PER_ARTICLE} images in one article.",
            fetched_at=timezone.now(),
        )
        for url in new[room:]
    ]
    ArticleImage.objects.bulk_create(rows, ignore_conflicts=True)
    return min(len(new), room)


def queue(article_id: int) -> None:
    """Fetch the article's waiting images in the background, once this transaction commits."""
    transaction.on_commit(lambda: fetch_article_images.enqueue(article_id))


# Fetching --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kept:
    sha256: str
    name: str
    content_type: str
    size: int


def sniff(data: bytes) -> str:
    """The media type the bytes are, or raise IngestError saying what they are instead."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if _is_avif(data):
        return "image/avif"
    head = data[:1024].lstrip().lower()
    if b"<svg" in head or (head.startswith(b"<?xml") and b"svg" in head):
        raise IngestError("SVG images are refused: they can carry scripts.")
    if head.startswith(b"<"):
        raise IngestError(f"It is a web page or XML, not a {_KINDS} image.")
    raise IngestError(f"It is not a {_KINDS} image.")


def _is_avif(data: bytes) -> bool:
    """An ISO media file (`ftyp` box first) whose brands include AVIF."""
    if data[4:8] != b"ftyp":
        return False
    size = int.from_bytes(data[:4], "big")
    brands = data[8 : min(max(size, 16), 64)]
    # Major brand at 8, minor version at 12, compatible brands from 16, four bytes each.
    names = [brands[0:4], *(brands[i : i + 4] for i in range(8, len(brands) - 3, 4))]
    return any(name in {b"avif", b"avis"} for name in names)


def _store(data: bytes, content_type: str) -> Kept:
    sha = hashlib.sha256(data).hexdigest()
    name = f"{sha}.{EXTENSIONS[content_type]}"
    storage = image_storage()
    if not storage.exists(name):
        saved = storage.save(name, ContentFile(data))
        if saved != name:  # another worker stored the same bytes meanwhile
            storage.delete(saved)
    return Kept(sha, name, content_type, len(data))


def _human(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def _reason(exc: fetch.FetchError, limit: int) -> str:
    """One line for a failed fetch, about an image rather than a page."""
    if exc.reason == "too_large":
        return f"Larger than the {_human(limit)} an image may be."
    if exc.reason == "not_article":
        return f"The address does not give a {_KINDS} image."
    if exc.reason == "forbidden":
        return "The site refused to give the image."
    return str(exc).replace("the page", "the image").replace("The page", "The image")[:200]


def fetch_one(url: str, limit: int) -> Kept:
    """Fetch and keep one image of at most `limit` bytes; IngestError says why not."""
    response = fetch.fetch(url, accept=_ACCEPT, max_bytes=limit)
    return _store(response.content, sniff(response.content))


def _reuse(url: str) -> Kept | None:
    """The same address already kept for another article: its file, with no fetch."""
    row = (
        ArticleImage.objects.filter(source_url=url, status=ArticleImage.Status.STORED)
        .values_list("sha256", "file", "content_type", "size")
        .first()
    )
    if row is None or not image_storage().exists(row[1]):
        return None
    return Kept(row[0], row[1], row[2], row[3] or 0)


def fetch_pending(article_id: int) -> dict[str, int]:
    """Fetch the article's PENDING images; returns how many were stored and failed."""
    pending = list(
        ArticleImage.objects.filter(article_id=article_id, status=ArticleImage.Status.PENDING)
    )
    used = (
        ArticleImage.objects.filter(
            article_id=article_id, status=ArticleImage.Status.STORED
        ).aggregate(total=Sum("size"))["total"]
        or 0
    )
    tally = {"stored": 0, "failed": 0}
    for image in pending:
        try:
            kept = _keep(image.source_url, settings.IMAGE_MAX_ARTICLE_BYTES - used)
        except IngestError as exc:
            error = str(exc)[:200]
            tally["failed"] += _finish(image, status=ArticleImage.Status.FAILED, error=error)
            continue
        changed = _finish(
            image,
            status=ArticleImage.Status.STORED,
            file=kept.name,
            sha256=kept.sha256,
            content_type=kept.content_type,
            size=kept.size,
        )
        used += kept.size * changed
        tally["stored"] += changed
    return tally


def _keep(url: str, budget: int) -> Kept:
    """The image at `url`, kept (or found kept already) within the per-image cap and what
    is left of the article's (`budget`); IngestError says in one line why not."""
    cap = settings.IMAGE_MAX_BYTES
    over = IngestError(
        f"The article's images would pass {_human(settings.IMAGE_MAX_ARTICLE_BYTES)} in all."
    )
    if budget <= 0:
        raise over
    limit = min(cap, budget)
    try:
        kept = _reuse(url) or fetch_one(url, limit)
    except fetch.FetchError as exc:
        if exc.reason == "too_large" and limit < cap:
            raise over from None
        raise IngestError(_reason(exc, limit)) from None
    if kept.size > limit:
        raise over if kept.size <= cap else IngestError(_reason(_TOO_LARGE, cap))
    return kept


_TOO_LARGE = fetch.FetchError("", reason="too_large")


def _finish(image: ArticleImage, **values: object) -> int:
    """Write the outcome unless another run already did (a row leaves PENDING once)."""
    return ArticleImage.objects.filter(pk=image.pk, status=ArticleImage.Status.PENDING).update(
        fetched_at=timezone.now(), **values
    )


@task
def fetch_article_images(article_id: int) -> dict[str, int]:
    return fetch_pending(article_id)


def requeue(articles: Iterable[Article], *, retry_failed: bool = False) -> tuple[int, int]:
    """Record the images of `articles` (those saved before Newsroom kept images), and
    queue every article with any waiting: `manage.py images fetch`. With `retry_failed`,
    failed ones wait again. Returns (articles queued, images waiting)."""
    queued = waiting = 0
    for article in articles:
        with transaction.atomic():
            if retry_failed:
                ArticleImage.objects.filter(
                    article=article, status=ArticleImage.Status.FAILED
                ).update(status=ArticleImage.Status.PENDING, error="", fetched_at=None)
            _add(article)
            count = ArticleImage.objects.filter(
                article=article, status=ArticleImage.Status.PENDING
            ).count()
            if count:
                queue(article.pk)
                queued += 1
                waiting += count
    return queued, waiting


# Serving ---------------------------------------------------------------------------------


def url_for(name: str) -> str:
    """The address Newsroom serves a stored file at (see the module's invariants)."""
    return reverse("article_image", args=[_SIGNER.signature(name), name])


def stored(signature: str, filename: str) -> tuple[str, str] | None:
    """(sha256, content type) of the file an image address names, or None when the
    address is not one Newsroom made or no article keeps that file any more."""
    match = _NAME.fullmatch(filename)
    if match is None:
        return None
    try:
        _SIGNER.unsign(f"{filename}{_SIGNER.sep}{signature}")
    except signing.BadSignature:
        return None
    content_type = (
        ArticleImage.objects.filter(sha256=match.group(1), status=ArticleImage.Status.STORED)
        .values_list("content_type", flat=True)
        .first()
    )
    return None if content_type is None else (match.group(1), content_type)


# Drawing ---------------------------------------------------------------------------------


def localize(html: str, article_id: int) -> str:
    """`html` (an article's body or a version of it, marks and all) with every image
    drawn from Newsroom or as a placeholder; one query, none when there is no image."""
    urls = sources(html)
    if not urls:
        return html
    rows = ArticleImage.objects.filter(article_id=article_id, source_url__in=urls).values_list(
        "source_url", "status", "file"
    )
    local = {url: url_for(name) for url, status, name in rows if status == "stored" and name}
    states = {url: status for url, status, _name in rows}
    out: list[str] = []
    last = 0
    links = 0  # how many <a> are open here
    for m in _TAG.finditer(html):
        closing, name = m.group(1), m.group(2).lower()
        if name == "a":
            links += -1 if closing else 1
        if name != "img" or closing:
            continue
        out.append(html[last : m.start()])
        last = m.end()
        attrs = {k: unescape(v) for k, v in _ATTR.findall(m.group(3))}
        src = attrs.get("src", "")
        if src in local:
            out.append(_SRC_ATTR.sub(f'src="{local[src]}"', m.group(0), count=1))
        else:
            out.append(_placeholder(src, attrs.get("alt", ""), states.get(src, ""), links > 0))
    out.append(html[last:])
    return "".join(out)


def _placeholder(src: str, alt: str, state: str, in_link: bool) -> str:
    """An empty element standing for an image not kept: its alt text shows through CSS,
    so it adds no text; a link to the original unless it already is inside one."""
    shown = alt or "Image"
    common = f'class="image-missing" data-alt="{escape(shown)}" data-state="{state or "pending"}"'
    if in_link:
        return f'<span {common} role="img" aria-label="{escape(f"Image: {shown}")}"></span>'
    label = escape(f"Image: {shown} (open the original)")
    return f'<a {common} href="{escape(src)}" rel="{_REL}" aria-label="{label}"></a>'
