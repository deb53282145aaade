"""Article versions: what a refresh keeps when a story's text changed, and the diff shown.

Invariants:
- A new text replaces the current one only through `apply`, in one transaction that
  first stores the old text as an `ArticleVersion` and then re-anchors every annotation
  onto the new text (`annotations.replace_body`): kept, found again, or listed as
  orphaned, never attached to other words.
- The same text (same content hash) changes nothing and keeps no version.
- The diff is made on words of `body_text`, so what it marks is exactly what changed
  in the text annotations point into; it is rendered by autoescaping templates.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone

from articles import annotations
from articles.errors import IngestError
from articles.models import Annotation, Article, ArticleVersion, content_hash

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AbstractBaseUser

    from articles.annotations import Reanchored
    from articles.ingest import Document

# A token is a word with the space after it, but words are compared without that space:
# a word followed by a new paragraph is still the same word.
_TOKENS = re.compile(r"\s+|\S+\s*")


@dataclass(frozen=True)
class Applied:
    changed: bool
    reanchored: Reanchored | None = None


def apply(article: Article, doc: Document) -> Applied:
    """Make `doc` the article's current text, keeping the old one as a version."""
    if content_hash(doc.body_text) == article.content_hash:
        return Applied(changed=False)
    try:
        with transaction.atomic():
            locked = Article.objects.select_for_update().get(pk=article.pk)
            ArticleVersion.objects.create(
                article=locked,
                title=locked.title,
                body_html=locked.body_html,
                body_text=locked.body_text,
            )
            result = annotations.replace_body(locked, doc.body_html)
            changes = {"text_changed_at": timezone.now()}
            if doc.title:
                changes["title"] = doc.title[:500]
            Article.objects.filter(pk=locked.pk).update(**changes)
    except IntegrityError:
        raise IngestError(
            "The new text is identical to another article in the library; nothing changed."
        ) from None
    article.refresh_from_db()
    return Applied(changed=True, reanchored=result)


def updated_since_annotated(
    article: Article, user: AbstractBaseUser, annotations: Iterable[Annotation]
) -> bool:
    """True when a refresh changed the text after this person's first annotation on it
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
