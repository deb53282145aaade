"""Writing annotations: create, change, delete, and re-anchor when an article's text changes.

Invariants:
- A passage annotation's selectors are derived by the server from the offsets on the
  article's current body_text (`anchoring.select`); the quote the browser saw must match
  them, or nothing is stored.
- `note_html` is rendered from `note` on every write (`notes.render_note`).
- An annotation's audience is one value: a group its author belongs to, or None for
  "Only me" (`sharing.resolve`). Every later change of it goes through `sharing.move`.
- Re-anchoring runs inside the text writer's transaction (`versions.replace_text`), with
  the article row locked, so an annotation is never left pointing into text that is no
  longer there. What cannot be placed with confidence becomes orphaned, keeping its
  original quote; it is never attached to other words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.db import transaction

from articles import anchoring, sharing
from articles.entities.curation import publish
from articles.models import Annotation, Article, Color, Entity
from articles.notes import render_note

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.sharing import Audience, Named


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


def _audience(author: User, audience: Audience | Literal[Named.EVERYONE]) -> Audience:
    try:
        return sharing.resolve(author, audience)
    except sharing.SharingError as exc:
        raise AnnotationError(str(exc)) from None


def create(  # noqa: PLR0913 - one argument per field a person chooses
    article: Article,
    author: User,
    *,
    start: int,
    end: int,
    quote: str,
    color: str = Color.YELLOW,
    note: str = "",
    audience: Audience | Literal[Named.EVERYONE] = sharing.EVERYONE,
    entity: Entity | None = None,
) -> Annotation:
    """A highlight, a note on a passage, or (with `entity`) a mention of that entity, for
    `audience`: a group, None for "Only me", or EVERYONE."""
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
        group=_audience(author, audience),
    )


def create_page_mention(
    article: Article,
    author: User,
    *,
    entity: Entity,
    text: str,
    audience: Audience | Literal[Named.EVERYONE] = sharing.EVERYONE,
) -> Annotation:
    """A mention of `entity` by the article as a whole: a name found only in its title or
    related links, outside the body text that selectors address. `exact` keeps the words."""
    return Annotation.objects.create(
        article=article,
        author=author,
        motivation=Annotation.Motivation.IDENTIFYING,
        entity=entity,
        exact=text[: Entity.NAME_MAX_CHARS],
        group=_audience(author, audience),
    )


def create_page_note(
    article: Article,
    author: User,
    *,
    note: str,
    audience: Audience | Literal[Named.EVERYONE] = sharing.EVERYONE,
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
        group=_audience(author, audience),
    )


def update(
    annotation: Annotation,
    *,
    note: str | None = None,
    color: str | None = None,
    audience: Audience | Literal[Named.KEEP] = sharing.KEEP,
    by: User | None = None,
) -> Annotation:
    """Change what was asked; a new audience is logged (`sharing.move`). A mention shared
    at last gives its private entity to the team."""
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
    target = audience if audience is sharing.KEEP else _audience(annotation.author, audience)
    with transaction.atomic():
        annotation.save(update_fields=fields)
        if target is not sharing.KEEP:
            sharing.move(annotation, target, by=by or annotation.author)
            if target is not None and annotation.entity is not None:
                # Colleagues must not see a mention of an entity they cannot open.
                annotation.entity = publish(annotation.entity)
                if annotation.entity_id != annotation.entity.pk:  # merged into the team's
                    annotation.refresh_from_db()
    return annotation


def reanchor_article(article: Article) -> anchoring.Reanchored:
    """Re-place every passage annotation of `article` on its current body_text. Runs in the
    caller's transaction: `versions.replace_text`, the one writer of an article's text."""
    annotations = list(
        Annotation.objects.select_for_update().filter(article=article, start__isnull=False)
    )
    olds = [
        anchoring.Selector(a.start, a.end, a.exact, a.prefix, a.suffix)
        for a in annotations
        if a.start is not None and a.end is not None  # all: a start has an end (constraint)
    ]
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
    return anchoring.Reanchored(kept=kept, moved=moved, orphaned=orphaned)
