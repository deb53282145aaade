"""An article's text over time: the one writer of its text, and the versions it keeps.

Invariants:
- `replace_text` is the only way an existing article's `body_html` / `body_text` change:
  the admin's edit, `ingest --update` of a file or a URL, a refresh, a feed's re-poll.
  In one transaction, with the article row locked, it stores the old text as an
  `ArticleVersion` (which the annotations written on it now name as `written_on`), writes
  the new text and what is measured from it, re-anchors every annotation onto it
  (unchanged, on changed words and flagged so, or orphaned; see annotations) and
  records when (`text_changed_at`, which raises the reader's "updated since you
  annotated it" notice).
- The same text (same content hash) changes nothing and keeps no version. A new text's
  images are recorded and fetched as a saved article's are (`images.record`); the rows
  of images it no longer has stay, for the versions that still show them.
- The diff is made on words of `body_text`, so what it marks is exactly what changed
  in the text annotations point into; it is rendered by autoescaping templates.
"""

from __future__ import annotations

import difflib
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles import captures, images, ingest
from articles.annotations import reanchor_article
from articles.errors import IngestError
from articles.measure import content_hash, count_words, reading_minutes
from articles.models import Annotation, Article, ArticleVersion

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User

    from articles.anchoring import Reanchored
    from articles.ingest import Document
    from articles.types import Viewer

# A token is a word with the space after it, but words are compared without that space:
# a word followed by a new paragraph is still the same word.
_TOKENS = re.compile(r"\s+|\S+\s*")


@dataclass(frozen=True)
class Applied:
    changed: bool
    reanchored: Reanchored | None = None


def replace_text(article: Article, doc: Document) -> Applied:
    """Make `doc` (sanitised by ingest) the article's text, keeping the old one as a
    version; its title too, when it has one."""
    if not doc.body_text.strip():
        raise IngestError("The new text is empty.")
    digest = content_hash(doc.body_text)
    try:
        with transaction.atomic():
            # A trashed article still follows its source (a feed's re-poll): with_trash.
            locked = Article.with_trash.select_for_update().get(pk=article.pk)
            if digest == locked.content_hash:
                return Applied(changed=False)
            version = ArticleVersion.objects.create(
                article=locked,
                title=locked.title,
                body_html=locked.body_html,
                body_text=locked.body_text,
            )
            # Annotations written on the text being replaced: it is now this version.
            Annotation.objects.filter(article=locked, written_on__isnull=True).update(
                written_on=version
            )
            locked.body_html = doc.body_html
            locked.body_text = doc.body_text
            locked.content_hash = digest
            locked.word_count = count_words(doc.body_text)
            locked.reading_minutes = reading_minutes(doc.body_text)
            locked.text_changed_at = timezone.now()
            locked.page_starts = doc.page_starts  # a PDF's pages; [] for any other text
            captures.replace_original(locked, doc.original)
            if doc.title:
                locked.title = doc.title[:500]
            locked.save(
                update_fields=[
                    "title", "body_html", "body_text", "content_hash", "word_count",
                    "reading_minutes", "text_changed_at", "page_starts", "updated_at",
                ]
            )  # fmt: skip
            images.record(locked)  # the new text's new images; the old ones' rows stay
            result = reanchor_article(locked)
    except IntegrityError:
        raise IngestError(
            "The new text is identical to another article in the library; nothing changed."
        ) from None
    article.refresh_from_db()
    return Applied(changed=True, reanchored=result)


def save_or_update(doc: Document, user: User | None = None) -> ingest.IngestResult:
    """Save `doc` as a new article; or, when an article from the same source URL is in the
    library, make `doc` its text (`ingest --update`)."""
    found = Article.objects.filter(source_url=doc.source_url).first() if doc.source_url else None
    if found is None:
        return ingest.save(doc, user)
    applied = replace_text(found, doc)
    return ingest.IngestResult(found, duplicate=True, updated=applied.reanchored)


def updated_since_annotated(
    article: Article, user: Viewer, annotations: Iterable[Annotation]
) -> bool:
    """True when the text changed after this person's first annotation on it
    (`annotations`: those the reader already loaded, so this costs no query)."""
    if article.text_changed_at is None or not user.is_authenticated:
        return False
    mine = [a.created_at for a in annotations if a.author_id == user.pk]
    return bool(mine) and min(mine) < article.text_changed_at


@dataclass(frozen=True)
class Segment:
    kind: str  # "same", "ins" or "del"
    text: str


@dataclass(frozen=True)
class Diff:
    before: list[Segment]
    after: list[Segment]
    inserted_words: int
    deleted_words: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted_words or self.deleted_words)


def _words(segments: list[str]) -> int:
    return sum(1 for token in segments if token.strip())


def diff(old: str, new: str) -> Diff:
    """Word diff of two texts: the old side marks deletions, the new side insertions."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    words_a, words_b = [t.strip() for t in a], [t.strip() for t in b]
    matcher = difflib.SequenceMatcher(None, words_a, words_b, autojunk=False)
    before: list[Segment] = []
    after: list[Segment] = []
    inserted = deleted = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            before.append(Segment("same", "".join(a[i1:i2])))
            after.append(Segment("same", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            before.append(Segment("del", "".join(a[i1:i2])))
            deleted += _words(a[i1:i2])
        if j2 > j1:
            after.append(Segment("ins", "".join(b[j1:j2])))
            inserted += _words(b[j1:j2])
    return Diff(before, after, inserted, deleted)


@dataclass(frozen=True)
class Piece:
    """A stretch of one side of a diff: its kind ("same", "ins", "del"), its text, and the
    colour of an annotation on it ("" for none)."""

    kind: str
    text: str
    color: str = ""


def with_annotations(segments: list[Segment], ranges: list[tuple[int, int, str]]) -> list[Piece]:
    """One side of a diff split where annotations (start, end, colour), in the offsets of
    that side's text, begin and end. Overlaps show the colour of the one starting last."""
    cuts = sorted({b for start, end, _ in ranges for b in (start, end)})
    pieces: list[Piece] = []
    offset = 0
    for seg in segments:
        end = offset + len(seg.text)
        bounds = [offset, *(c for c in cuts if offset < c < end), end]
        for lo, hi in itertools.pairwise(bounds):
            color = next((c for s, e, c in reversed(ranges) if s <= lo and hi <= e), "")
            pieces.append(Piece(seg.kind, seg.text[lo - offset : hi - offset], color))
        offset = end
    return pieces


def written_on(version: ArticleVersion, annotations: Iterable[Annotation]) -> list[Annotation]:
    """Those of `annotations` written on `version` whose original words are still where
    they were in it, to be drawn there."""
    text = version.body_text
    return [
        a
        for a in annotations
        if a.written_on_id == version.pk
        and a.original_start is not None
        and a.original_end is not None
        and text[a.original_start : a.original_end] == a.original_exact
    ]
