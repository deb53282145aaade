"""Writing annotations: create, change, delete, and re-anchor when an article's text changes.

Invariants:
- A passage annotation's selectors are derived by the server from the offsets on the
  article's current body_text (`anchoring.select`); the quote the browser saw must match
  them, or nothing is stored.
- `note_html` is rendered from `note` on every write (`notes.render_note`), and every
  change of a note, from the reader or the admin, is logged (NoteChange): `update` is
  its only writer.
- An annotation's audience is one value: a group its author belongs to, or None for
  "Only me" (`sharing.resolve`). Every later change of it goes through `sharing.move`.
- Every annotation keeps the words it was written on (`original_*`, `written_on`) apart
  from its current place. Only a person's review (`still_stands`, `move`, `detach`)
  changes them, and each review is logged with the words it replaced (AnnotationReview).
- Re-anchoring runs inside the text writer's transaction (`versions.replace_text`), with
  the article row locked, so an annotation is never left pointing into text that is no
  longer there. It moves only the current place, and states the result in `status`:
  unchanged (on the same words, maybe elsewhere), changed (on words that differ from the
  original: the mark and the card say so) or orphaned (no place; the original is shown).
  Words are "the same" when they differ only in spacing and typography (`same_words`).
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Literal

from django.db import transaction
from django.utils import timezone

from articles import anchoring, sharing
from articles.entities.curation import publish
from articles.models import Annotation, AnnotationReview, Article, Color, Entity, NoteChange
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
    motivation: str = "",
) -> Annotation:
    """A highlight, a note on a passage, or (with `entity`) a mention of that entity, for
    `audience`: a group, None for "Only me", or EVERYONE. `motivation` is set only by
    the desk (`assessing`, a claim: `articles.claims`)."""
    try:
        selector = anchoring.select(article.body_text, start, end, quote)
    except anchoring.AnchorError as exc:
        raise AnnotationError(str(exc)) from exc
    note = _check_note(note)
    if motivation:
        pass
    elif entity is not None:
        motivation = Annotation.Motivation.IDENTIFYING
    elif note.strip():
        motivation = Annotation.Motivation.COMMENTING
    else:
        motivation = Annotation.Motivation.HIGHLIGHTING
    return _saved(
        Annotation(
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
    )


def _saved(annotation: Annotation) -> Annotation:
    """A new annotation, stored with its words as its original."""
    annotation.keep_original()
    annotation.original_at = annotation.created_at
    annotation.save(force_insert=True)
    return annotation


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
    return _saved(
        Annotation(
            article=article,
            author=author,
            motivation=Annotation.Motivation.IDENTIFYING,
            entity=entity,
            exact=text[: Entity.NAME_MAX_CHARS],
            group=_audience(author, audience),
        )
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
    return _saved(
        Annotation(
            article=article,
            author=author,
            motivation=Annotation.Motivation.COMMENTING,
            note=note,
            note_html=render_note(note),
            group=_audience(author, audience),
        )
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
    before = annotation.note
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
        if note is not None and note != before:
            NoteChange.objects.create(
                annotation=annotation,
                annotation_ref=annotation.pk,
                changed_by=by or annotation.author,
                before=before,
                after=annotation.note,
            )
        if target is not sharing.KEEP:
            sharing.move(annotation, target, by=by or annotation.author)
            if target is not None and annotation.entity is not None:
                # Colleagues must not see a mention of an entity they cannot open.
                annotation.entity = publish(annotation.entity)
                if annotation.entity_id != annotation.entity.pk:  # merged into the team's
                    annotation.refresh_from_db()
    return annotation


# Beyond the re-anchoring's one-for-one folding (`anchoring.fold`): an ellipsis and its
# three dots, and soft hyphens, which the eye does not see.
_ELLIPSIS_AND_SOFT_HYPHEN = str.maketrans({"\u2026": "...", "\u00ad": ""})
_SPACE = re.compile(r"\s+")


def same_words(a: str, b: str) -> bool:
    """Whether two quotes say the same: equal but for spacing and line breaks, curly or
    straight quotes, dashes, ellipses and soft hyphens. A changed letter, digit or
    punctuation mark that carries meaning (a comma, a full stop) is a change."""

    def plain(text: str) -> str:
        folded = anchoring.fold(text.translate(_ELLIPSIS_AND_SOFT_HYPHEN))
        return _SPACE.sub(" ", folded).strip()

    return a == b or plain(a) == plain(b)


def reanchor_article(article: Article) -> anchoring.Reanchored:
    """Re-place every passage annotation of `article` on its current body_text. Runs in the
    caller's transaction: `versions.replace_text`, the one writer of an article's text.

    Each is placed from its current place (the text it was on until now); whether it is
    unchanged or changed is judged against its original words, which stay as they are."""
    annotations = list(
        Annotation.objects.select_for_update().filter(article=article, start__isnull=False)
    )
    olds = [
        anchoring.Selector(a.start, a.end, a.exact, a.prefix, a.suffix)
        for a in annotations
        if a.start is not None and a.end is not None  # all: a start has an end (constraint)
    ]
    anchors = anchoring.reanchor_all(olds, article.body_text)
    kept = moved = orphaned = changed = 0
    for annotation, old, anchor in zip(annotations, olds, anchors, strict=True):
        if anchor.selector is None:
            # Keep the last place's selectors: the next text may hold them again.
            annotation.status = Annotation.Status.ORPHANED
            orphaned += 1
            continue
        new = anchor.selector
        annotation.start, annotation.end = new.start, new.end
        annotation.exact, annotation.prefix, annotation.suffix = new.exact, new.prefix, new.suffix
        if same_words(new.exact, annotation.original_exact or old.exact):
            annotation.status = Annotation.Status.ANCHORED
            if (new.start, new.end) == (old.start, old.end):
                kept += 1
            else:
                moved += 1
        else:
            annotation.status = Annotation.Status.CHANGED
            changed += 1
    Annotation.objects.bulk_update(
        annotations, ["start", "end", "exact", "prefix", "suffix", "status", "updated_at"]
    )
    return anchoring.Reanchored(kept=kept, moved=moved, orphaned=orphaned, changed=changed)


def describe(result: anchoring.Reanchored) -> str:
    """What re-anchoring did, in one phrase for the person who changed the text."""
    review = result.changed + result.orphaned
    told = (
        f"{result.kept} unchanged, {result.moved} moved, {result.changed} on changed words, "
        f"{result.orphaned} orphaned"
    )
    return told + (f"; {review} need{'s' if review == 1 else ''} review" if review else "")


# Review: a person's verdict on a changed or orphaned annotation -----------------------------


def _log(annotation: Annotation, action: str, by: User, *, was: Annotation) -> None:
    AnnotationReview.objects.create(
        annotation=annotation,
        by=by,
        action=action,
        status=was.status,
        was_exact=was.original_exact,
        was_written_on_id=was.written_on_id,
        now_exact=annotation.exact,
    )


def _locked(annotation: Annotation) -> tuple[Annotation, Annotation]:
    """The annotation's row locked for a review, and a copy of it as it was."""
    row = Annotation.objects.select_for_update().select_related("article").get(pk=annotation.pk)
    return row, copy.copy(row)


def still_stands(annotation: Annotation, by: User) -> Annotation:
    """The annotation holds for its new words: they become its original; the old ones
    stay in its history."""
    with transaction.atomic():
        row, was = _locked(annotation)
        if not row.is_changed:
            raise AnnotationError(
                "Only an annotation whose words changed can be confirmed on its new words."
                if not row.is_orphaned
                else "This annotation has no place in the current text: move or detach it."
            )
        row.keep_original()
        row.status = Annotation.Status.ANCHORED
        row.save()
        _log(row, AnnotationReview.Action.STILL_STANDS, by, was=was)
    return row


def move(annotation: Annotation, by: User, *, start: int, end: int, quote: str) -> Annotation:
    """Attach the annotation (note, colour, entity) to other words of the current text;
    they become its original."""
    with transaction.atomic():
        row, was = _locked(annotation)
        if row.start is None and not row.original_exact:
            raise AnnotationError("A note on the whole article has no passage to move.")
        try:
            selector = anchoring.select(row.article.body_text, start, end, quote)
        except anchoring.AnchorError as exc:
            raise AnnotationError(str(exc)) from exc
        row.start, row.end = selector.start, selector.end
        row.exact, row.prefix, row.suffix = selector.exact, selector.prefix, selector.suffix
        row.keep_original()
        row.status = Annotation.Status.ANCHORED
        row.save()
        _log(row, AnnotationReview.Action.MOVE, by, was=was)
    return row


def detach(annotation: Annotation, by: User) -> Annotation:
    """Make the annotation a note on the article as a whole, keeping its original quote
    (and its version) as what it was written on."""
    with transaction.atomic():
        row, was = _locked(annotation)
        if row.start is None:
            raise AnnotationError("This annotation is already on the article as a whole.")
        row.start = row.end = None
        row.exact = row.original_exact or row.exact
        row.prefix, row.suffix = row.original_prefix, row.original_suffix
        row.status = Annotation.Status.ANCHORED
        row.updated_at = timezone.now()
        row.save()
        _log(row, AnnotationReview.Action.DETACH, by, was=was)
    return row
