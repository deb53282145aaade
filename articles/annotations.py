"""Writing annotations: create, change, delete, and re-anchor when an article's text changes.

Invariants:
- A passage annotation's selectors are derived by the server from the offsets on the
  article's current body_text (`anchoring.select`); the quote the browser saw must match
  them, or nothing is stored.
- `note_html` is rendered from `note` on every write (`notes.render_note`).
- Replacing an article's text and re-anchoring its annotations happen in one transaction,
  with the article row locked, so an annotation is never left pointing into text that is
  no longer there. What cannot be placed with confidence becomes orphaned, keeping its
  original quote; it is never attached to other words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction

from articles import anchoring, sanitize, sharing
from articles.errors import IngestError
from articles.models import (
    Annotation,
    Article,
    Color,
    Entity,
    content_hash,
    count_words,
    reading_minutes,
)
from articles.notes import render_note

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from articles.models import TeamGroup

# `update(group=KEEP)`: leave the audience as it is (None would mean "Only me").
KEEP = object()


class AnnotationError(ValueError):
    """The request cannot become an annotation; the message says why, in one line."""


def _check_note(note: str) -> str:
    if len(note) > Annotation.NOTE_MAX_CHARS:
        raise AnnotationError(
            f"The note is {len(note):,} characters long; the limit is "
            f"{Annotation.NOTE_MAX_CHARS:,}."
        )
    return note


def _check_color(color: str) -> str:
    if color not in Color.values:
        raise AnnotationError(
            f"Unknown colour {color[:20]!r}; choose one of {', '.join(Color.values)}."
        )
    return color


def _audience(
    author: AbstractBaseUser, visibility: str, group: TeamGroup | None
) -> TeamGroup | None:
    """The group an annotation goes to: None when private, "Everyone" when shared with no
    group named. The author must belong to the group."""
    if visibility not in Annotation.Visibility.values:
        raise AnnotationError("Visibility must be shared or private.")
    if visibility == Annotation.Visibility.PRIVATE:
        return None
    if group is None:
        return sharing.default_group()
    if not sharing.is_member(author, group):
        raise AnnotationError(f"You are not a member of {group.name}.")
    return group


def create(  # noqa: PLR0913 - one argument per field a person chooses
    article: Article,
    author: AbstractBaseUser,
    *,
    start: int,
    end: int,
    quote: str,
    color: str = Color.YELLOW,
    note: str = "",
    visibility: str = Annotation.Visibility.SHARED,
    group: TeamGroup | None = None,
    entity: Entity | None = None,
) -> Annotation:
    """A highlight, a note on a passage, or (with `entity`) a mention of that entity;
    shared with `group` ("Everyone" when None), or private."""
    try:
        selector = anchoring.select(article.body_text, start, end, quote)
    except anchoring.AnchorError as exc:
        raise AnnotationError(str(exc)) from exc
    note = _check_note(note)
    if entity is not None:
        motivation = Annotation.Motivation.IDENTIFYING
    elif note.strip():
        motivation = Annotation.Motivation.COMMENTING
    else:
        motivation = Annotation.Motivation.HIGHLIGHTING
    return Annotation.objects.create(
        article=article,
        author=author,
        entity=entity,
        motivation=motivation,
        start=selector.start,
        end=selector.end,
        exact=selector.exact,
        prefix=selector.prefix,
        suffix=selector.suffix,
        color=_check_color(color),
        note=note,
        note_html=render_note(note),
        group=_audience(author, visibility, group),
    )


def create_page_mention(  # noqa: PLR0913 - the mention and where it goes
    article: Article,
    author: AbstractBaseUser,
    *,
    entity: Entity,
    text: str,
    visibility: str = Annotation.Visibility.SHARED,
    group: TeamGroup | None = None,
) -> Annotation:
    """A mention of `entity` by the article as a whole: a name found only in its title or
    related links, outside the body text that selectors address. `exact` keeps the words."""
    return Annotation.objects.create(
        article=article,
        author=author,
        motivation=Annotation.Motivation.IDENTIFYING,
        entity=entity,
        exact=text[: Entity.NAME_MAX_CHARS],
        group=_audience(author, visibility, group),
    )


def create_page_note(
    article: Article,
    author: AbstractBaseUser,
    *,
    note: str,
    visibility: str = Annotation.Visibility.SHARED,
    group: TeamGroup | None = None,
) -> Annotation:
    if not note.strip():
        raise AnnotationError("A page note needs some text.")
    note = _check_note(note)
    return Annotation.objects.create(
        article=article,
        author=author,
        motivation=Annotation.Motivation.COMMENTING,
        note=note,
        note_html=render_note(note),
        group=_audience(author, visibility, group),
    )


def update(  # noqa: PLR0913 - one argument per thing a person changes
    annotation: Annotation,
    *,
    note: str | None = None,
    color: str | None = None,
    visibility: str | None = None,
    group: TeamGroup | object | None = KEEP,
    by: AbstractBaseUser | None = None,
) -> Annotation:
    """Change what was asked; a new audience (`group`, or `visibility` alone) is logged."""
    fields = ["updated_at"]
    if note is not None:
        if annotation.is_page_note and not note.strip():
            raise AnnotationError("A page note needs some text; delete it instead.")
        annotation.note = _check_note(note)
        annotation.note_html = render_note(note)
        fields += ["note", "note_html"]
    if color is not None:
        annotation.color = _check_color(color)
        fields.append("color")
    target: TeamGroup | object | None = KEEP
    if group is not KEEP:
        target = (
            _audience(annotation.author, Annotation.Visibility.SHARED, group) if group else None
        )
    elif visibility is not None and visibility != annotation.visibility:
        target = _audience(annotation.author, visibility, None)
    with transaction.atomic():
        annotation.save(update_fields=fields)
        if target is not KEEP:
            sharing.move(annotation, target, by=by or annotation.author)  # type: ignore[arg-type]
            if target is not None and annotation.entity_id is not None:
                # A private entity's mention is shared now: the entity goes to the team too,
                # or colleagues would see a mention of an entity they cannot open.
                from articles.entities import publish  # noqa: PLC0415 - entities imports this module

                annotation.entity = publish(annotation.entity)
                if annotation.entity_id != annotation.entity.pk:  # merged into the team's
                    annotation.refresh_from_db()
    return annotation


@dataclass(frozen=True)
class Reanchored:
    kept: int
    moved: int
    orphaned: int


def replace_body(article: Article, html: str) -> Reanchored:
    """Give the article new text (already extracted HTML) and re-anchor its annotations."""
    body_html = sanitize.clean_article_html(html)
    body_text = sanitize.text_content(body_html)
    if not body_text.strip():
        raise IngestError("The new text is empty.")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        locked.body_html = body_html
        locked.body_text = body_text
        locked.content_hash = content_hash(body_text)
        locked.word_count = count_words(body_text)
        locked.reading_minutes = reading_minutes(body_text)
        locked.save(
            update_fields=[
                "body_html", "body_text", "content_hash", "word_count", "reading_minutes",
                "updated_at",
            ]
        )  # fmt: skip
        result = reanchor_article(locked)
    article.refresh_from_db()
    return result


def reanchor_article(article: Article) -> Reanchored:
    """Re-place every passage annotation of `article` on its current body_text."""
    annotations = list(
        Annotation.objects.select_for_update().filter(article=article, start__isnull=False)
    )
    olds = [anchoring.Selector(a.start, a.end, a.exact, a.prefix, a.suffix) for a in annotations]
    anchors = anchoring.reanchor_all(olds, article.body_text)
    kept = moved = orphaned = 0
    for annotation, old, anchor in zip(annotations, olds, anchors, strict=True):
        if anchor.selector is None:
            # Keep the old selectors: they are the original quote the panel shows.
            annotation.status = Annotation.Status.ORPHANED
            orphaned += 1
        else:
            new = anchor.selector
            annotation.start, annotation.end = new.start, new.end
            annotation.exact, annotation.prefix, annotation.suffix = (
                new.exact,
                new.prefix,
                new.suffix,
            )
            annotation.status = Annotation.Status.ANCHORED
            if (new.start, new.end) == (old.start, old.end):
                kept += 1
            else:
                moved += 1
    Annotation.objects.bulk_update(
        annotations, ["start", "end", "exact", "prefix", "suffix", "status", "updated_at"]
    )
    return Reanchored(kept=kept, moved=moved, orphaned=orphaned)
