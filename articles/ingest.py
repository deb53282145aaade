"""Turn bytes from any source (upload, paste, stdin, a file on disk) into an Article.

The pipeline is: check size -> a PDF goes to `pdf` -> refuse binary -> decode (BOM,
UTF-8, declared charset, then detection) -> decide text or HTML -> parse (`plaintext` or
`extract`) -> sanitise (`sanitize`) -> save, idempotently.

Invariants:
- Nothing is written unless every step succeeded: `prepare` touches no database, and
  `save` runs in one transaction.
- Every refusal is an `IngestError` with a one-line message meant for the person who
  supplied the input.
- The same canonical URL, or the same text, returns the existing article with
  `duplicate=True` and adds nothing, even when two ingests race.
- A PDF (named .pdf, or unnamed bytes starting with %PDF-) is read by `pdf.read`; its
  article keeps where each page starts (`page_starts`) and the original file
  (`SourceFile`), saved in the article's transaction. PDF bytes under a text or HTML
  name are still refused as not text.
- Ingest only ever creates articles. A new text for an existing one goes through
  `versions.replace_text`, which keeps the old text and re-anchors.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import PurePath
from typing import TYPE_CHECKING, TypedDict, Unpack
from xml.etree import ElementTree as ET

import charset_normalizer
import py3langid
from django.conf import settings
from django.db import IntegrityError, transaction

from articles import extract, images, pdf, plaintext, sanitize, trash, watchlists
from articles.errors import IngestError
from articles.measure import content_hash, count_words, reading_minutes
from articles.models import Article, SourceFile

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.anchoring import Reanchored
    from articles.types import Viewer

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
PDF_SUFFIX = ".pdf"
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {PDF_SUFFIX}

PDF_MAGIC = b"%PDF-"
# Magic numbers of files people drop by mistake; named so the error can say what it was.
# A PDF reaches this check only under a text or HTML name (`prepare` reads it otherwise).
_MAGIC = [
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or a Word/OpenDocument file)"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "a program"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"RIFF", "a media file"),
    (b"OggS", "an audio file"),
    (b"ID3", "an MP3 file"),
]
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_PAGE_MARKERS = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_FRAGMENT_MARKERS = re.compile(
    r"</(p|div|article|section|h[1-6]|li|blockquote|table)>|<br\s*/?>", re.IGNORECASE
)
_FIRST_HEADING = re.compile(r"<h[12][^>]*>(.*?)</h[12]>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Original:
    """The file an article was made from, kept with it (a PDF)."""

    data: bytes
    content_type: str
    filename: str = ""


@dataclass(frozen=True)
class Fetched:
    """The bytes of a page as the server sent them, where from, and when."""

    data: bytes
    url: str
    content_type: str
    fetched_at: dt.datetime


@dataclass(frozen=True)
class Document:
    """An article ready to be saved: parsed, sanitised, measured."""

    title: str
    body_html: str
    body_text: str
    kind: str
    byline: str = ""
    summary: str = ""
    site_name: str = ""
    source_url: str = ""
    published: dt.date | None = None
    language: str = ""
    related: list[dict[str, str]] = field(default_factory=list)
    # A PDF's: where each page starts in body_text, and the file itself.
    page_starts: list[int] = field(default_factory=list)
    original: Original | None = None
    # The page as it was fetched (jobs.fetch_document), kept by `captures.keep`.
    fetched: Fetched | None = None


@dataclass(frozen=True)
class IngestResult:
    article: Article
    duplicate: bool
    # Set when an existing article's text was replaced (`versions.save_or_update`).
    updated: Reanchored | None = None


def _human_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} bytes"


def check_size(size: int) -> None:
    limit = settings.MAX_ARTICLE_BYTES
    if size > limit:
        raise IngestError(
            f"It is {_human_size(size)}; Newsroom accepts articles up to {_human_size(limit)}."
        )


def _refuse_binary(data: bytes) -> None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"It is {what}, not text or HTML.")


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (LookupError, UnicodeDecodeError):
        return None


def decode(data: bytes, *, html: bool = False) -> str:
    """Bytes to text, refusing what is empty or not text at all."""
    check_size(len(data))
    if not data.strip():
        raise IngestError("It is empty.")
    _refuse_binary(data)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            if (text := _try_decode(data, codec)) is not None:
                return _checked(text)
            break
    if b"\x00" in data[:8192]:
        raise IngestError("It is a binary file, not text or HTML.")
    if (text := _try_decode(data, "utf-8")) is not None:
        return _checked(text)
    if html and (match := _META_CHARSET.search(data[:4096])):
        declared = match.group(1).decode("ascii")
        if (text := _try_decode(data, declared)) is not None:
            return _checked(text)
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise IngestError("Its text encoding could not be worked out; save it as UTF-8.")
    return _checked(str(best))


def _checked(text: str) -> str:
    controls = len(_CONTROL.findall(text[:20000]))
    if controls > max(8, len(text[:20000]) // 100):
        raise IngestError("It is a binary file, not text or HTML.")
    return text


def detect_kind(text: str, filename: str = "") -> str:
    suffix = PurePath(filename).suffix.lower() if filename else ""
    if suffix in HTML_SUFFIXES:
        return Article.Kind.HTML
    if suffix in TEXT_SUFFIXES:
        return Article.Kind.TEXT
    if suffix:
        raise IngestError(f"Files ending in {suffix} are not supported; use .txt, .html or .pdf.")
    head = text[:4096]
    if _PAGE_MARKERS.search(head) or len(_FRAGMENT_MARKERS.findall(head)) >= 1:
        return Article.Kind.HTML
    return Article.Kind.TEXT


def _detect_language(text: str) -> str:
    if len(text.strip()) < 20:
        return ""
    lang: str
    # A few hundred words tell a language apart; the model reads the sample byte by byte
    # in Python, so more only costs time.
    lang, _score = py3langid.classify(text[:2000])
    return lang


def _fallback_title(body_text: str) -> str:
    first = body_text.strip().split("\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", first, maxsplit=1)[0]
    if len(sentence) <= 120:
        return sentence.rstrip(".")
    return sentence[:120].rsplit(" ", 1)[0] + "…"


def _safe_related(links: list[plaintext.RelatedLink]) -> list[dict[str, str]]:
    out = []
    for link in links:
        url = link.url if link.url.startswith(("https://", "http://")) else ""
        out.append({"title": link.title, "url": url})
    return out


# What both parsers (plain text and web pages) find about an article besides its text.
_SHARED_METADATA = ("byline", "site_name", "source_url", "published")


class _More(TypedDict, total=False):
    """What only one of the parsers finds (the standfirst, the language, related links)."""

    summary: str
    language: str
    related: list[dict[str, str]]


def _document(
    html: str | sanitize.Parsed,
    kind: str,
    *,
    title: str = "",
    found: object = None,
    **more: Unpack[_More],
) -> Document:
    """The article `html` (markup or a parsed element; sanitised here, its text derived
    from it), with the title or one made from the first sentence, and what the parser
    `found` about it."""
    body_html = sanitize.clean_article_html(html)
    body_text = sanitize.text_content(body_html)
    metadata = {name: getattr(found, name) for name in _SHARED_METADATA} if found else {}
    return Document(
        title=title or _fallback_title(body_text),
        body_html=body_html,
        body_text=body_text,
        kind=kind,
        **metadata,
        **more,
    )


def _from_text(text: str) -> Document:
    parsed = plaintext.parse_plaintext(text)
    # The paragraphs as elements: markup made here only to be parsed again would cost
    # the sanitiser's HTML5 parse for nothing.
    body = ET.Element("div")
    for paragraph in parsed.paragraphs:
        ET.SubElement(body, "p").text = paragraph
    return _document(
        body,
        Article.Kind.TEXT,
        title=parsed.title,
        found=parsed,
        related=_safe_related(parsed.related),
    )


def _from_fragment(text: str) -> Document:
    """A pasted piece of HTML (no <html>/<body>): the person chose it, so it is the body."""
    title = ""
    if match := _FIRST_HEADING.search(text):
        # A title is text: the heading's markup goes, its character references are read
        # ("S&amp;P 500" is "S&P 500"); templates escape it again when they show it.
        title = " ".join(unescape(_TAG.sub(" ", match.group(1))).split())
        text = text[: match.start()] + text[match.end() :]
    return _document(text, Article.Kind.HTML, title=title)


def _from_page(text: str, url: str) -> Document:
    page = extract.extract_article(text, url)
    return _document(
        page.html if page.body is None else page.body,  # the element: no second parse
        Article.Kind.HTML,
        title=page.title,
        found=page,
        summary=" ".join(page.summary.split()),
        language=page.language,
    )


def _from_pdf(data: bytes, filename: str) -> Document:
    check_size(len(data))
    if not data.startswith(PDF_MAGIC):
        raise IngestError("It ends in .pdf but is not a PDF document.")
    found = pdf.read(data)
    html = "\n\n".join(f"<p>{escape(p, quote=False)}</p>" for p in found.paragraphs)
    doc = _document(html, Article.Kind.PDF, title=found.title)
    return dataclasses.replace(
        doc,
        byline=found.author,
        page_starts=pdf.offsets(doc.body_text, found),
        original=Original(data, pdf.CONTENT_TYPE, PurePath(filename).name if filename else ""),
    )


def is_pdf(data: bytes | str, filename: str = "") -> bool:
    """Whether `prepare` reads `data` as a PDF: by its name, or unnamed by its start."""
    if not isinstance(data, bytes):
        return False
    suffix = PurePath(filename).suffix.lower() if filename else ""
    return suffix == PDF_SUFFIX or (not suffix and data.startswith(PDF_MAGIC))


def prepare(data: bytes | str, *, filename: str = "", url: str = "") -> Document:
    """Parse and sanitise without touching the database."""
    if isinstance(data, bytes) and is_pdf(data, filename):
        doc = _from_pdf(data, filename)
        if not doc.body_text.strip():
            raise IngestError(pdf.NO_TEXT)
        return dataclasses.replace(doc, language=_detect_language(doc.body_text))
    if isinstance(data, str):
        check_size(len(data.encode("utf-8", "surrogatepass")))
        if not data.strip():
            raise IngestError("It is empty.")
        text = _checked(data)
        kind = detect_kind(text, filename)
    else:
        suffix = PurePath(filename).suffix.lower() if filename else ""
        if suffix and suffix not in SUPPORTED_SUFFIXES:
            detect_kind("", filename)  # refuses the suffix before decoding anything
        text = decode(data, html=suffix in HTML_SUFFIXES or not suffix)
        kind = detect_kind(text, filename)
    if kind == Article.Kind.TEXT:
        doc = _from_text(text)
    elif _PAGE_MARKERS.search(text[:4096]):
        doc = _from_page(text, url)
    else:
        doc = _from_fragment(text)
    if not doc.body_text.strip():
        raise IngestError("No article text was found in it.")
    if not doc.language:
        doc = Document(**{**doc.__dict__, "language": _detect_language(doc.body_text)})
    return doc


def _existing(doc: Document, digest: str) -> Article | None:
    """The article `doc` duplicates, taken out of the trash if it was there: saving a
    deleted story again brings it back with everything on it."""
    query = Article.with_trash.filter(content_hash=digest)
    if doc.source_url:
        query = Article.with_trash.filter(source_url=doc.source_url) | query
    found = query.order_by("pk").first()
    if found is not None and found.deleted_at is not None:
        trash.restore(found)
    return found


def save(doc: Document, user: Viewer | None = None, *, by_hand: bool = True) -> IngestResult:
    """Save `doc`, or return the article it duplicates. A new article tells the watchers
    of what it mentions (`watchlists.article_arrived`), in the same transaction; not the
    person who saved it `by_hand` (a feed or an import is not by hand)."""
    digest = content_hash(doc.body_text)
    with transaction.atomic():
        if found := _existing(doc, digest):
            return IngestResult(found, duplicate=True)
        published = (
            dt.datetime.combine(doc.published, dt.time(), tzinfo=dt.UTC) if doc.published else None
        )
        try:
            with transaction.atomic():
                article = Article.objects.create(
                    title=doc.title[:500],
                    byline=doc.byline[:300],
                    summary=doc.summary,
                    site_name=doc.site_name[:200],
                    # A URL too long to store cannot be a useful canonical form.
                    source_url=doc.source_url if len(doc.source_url) <= 2000 else "",
                    published_at=published,
                    language=doc.language,
                    kind=doc.kind,
                    body_html=doc.body_html,
                    body_text=doc.body_text,
                    content_hash=digest,
                    word_count=count_words(doc.body_text),
                    reading_minutes=reading_minutes(doc.body_text),
                    related_links=doc.related,
                    page_starts=doc.page_starts,
                    added_by=user if user is not None and user.is_authenticated else None,
                )
                if doc.original is not None:
                    _keep_original(article, doc.original)
                images.record(article)  # fetched by a task once this commits
        except IntegrityError:
            # Another ingest of the same story won the race: answer as a duplicate.
            found = _existing(doc, digest)
            if found is None:
                raise
            return IngestResult(found, duplicate=True)
        saver = user if by_hand and user is not None and user.is_authenticated else None
        watchlists.article_arrived(article, saved_by=saver)
    return IngestResult(article, duplicate=False)


def _keep_original(article: Article, original: Original) -> None:
    SourceFile.objects.create(
        article=article,
        content_type=original.content_type,
        filename=original.filename[:255],
        data=original.data,
        sha256=hashlib.sha256(original.data).hexdigest(),
        size=len(original.data),
    )


def ingest(
    data: bytes | str,
    *,
    filename: str = "",
    url: str = "",
    user: User | None = None,
) -> IngestResult:
    return save(prepare(data, filename=filename, url=url), user)


def body_document(html: str, *, title: str = "") -> Document:
    """A new body for an article that exists (the admin's edit of its HTML): sanitised
    like every body, with no extraction, for `versions.replace_text`."""
    doc = _document(html, Article.Kind.HTML)
    if not doc.body_text.strip():
        raise IngestError("The new text is empty.")
    return dataclasses.replace(doc, title=title)  # empty: the article keeps its title
