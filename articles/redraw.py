"""What a new highlight, note or claim changes in the reader, drawn alone: the top-level
blocks of the body its passage touches (with every mark the viewer sees on them), its card
in its place in the panel, and the panel's count. So a write costs the same with 500
annotations on the article as with 5, and sends a paragraph rather than the article.

Invariants:
- A block drawn here is byte for byte that block of `reader.build`'s body: both go through
  `reader.marked_body`/`marked_blocks` (one pipeline), and the annotations read are those
  the blocks want (`highlights.Block.wants`), by the viewer's `visible_annotations`.
- A fixed number of queries whatever the number of annotations (four, and one more for
  the card's review history; images add one when a block holds any).
- `for_new` answers None, and the caller draws everything, whenever the partial answer
  could differ from a full one: the body has no block layout, the annotation is not on a
  passage, or it changes more of the panel than its count and its card (the first passage
  shown, the first by its author or in its audience: the panel's filters gain a choice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from articles import reader, sharing
from articles.highlights import layout
from articles.models import Annotation, ColorLabel
from articles.permissions import visible_annotations

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.models import AnnotationQuerySet, Article

    type Annotations = AnnotationQuerySet[Annotation]

ORPHANED = Annotation.Status.ORPHANED
ANCHORED = Annotation.Status.ANCHORED


@dataclass(frozen=True)
class Redraw:
    blocks: list[str]  # the touched blocks, marked: safe HTML from the sanitised body
    annotation: Annotation  # the new one, with its `card`
    after: int | None  # the passage whose card it follows in the panel; None: the first
    annotation_count: int  # the panel's count, with the new one


def for_new(viewer: User, article: Article, annotation: Annotation) -> Redraw | None:
    """What `annotation`, just made by `viewer` on `article`, changes; None when only a
    full redraw is sure to be right."""
    laid = layout(article.body_html)
    if annotation.start is None or annotation.end is None or annotation.entity_id:
        return None
    touched = laid.touched(annotation.start, annotation.end)
    if not touched:
        return None
    mine = visible_annotations(viewer).filter(article=article)
    others = _panel_counts(mine.exclude(pk=annotation.pk), viewer, annotation)
    if not (others["passages"] and others["by_author"] and others["in_audience"]):
        return None
    first, last = laid.blocks[touched[0]], laid.blocks[touched[-1]]
    # Every annotation the blocks want: on their text, or anchored in them.
    drawn = list(
        mine.filter(start__isnull=False)
        .exclude(status=ORPHANED)
        .filter(
            Q(start__lt=last.end, end__gt=first.start)
            | Q(start__gte=first.anchors_from, start__lt=last.anchors_to)
        )
        .select_related("author__profile", "group", "entity", "claim")
    )
    new = next((a for a in drawn if a.pk == annotation.pk), None)
    if new is None:
        return None
    assertive = ColorLabel.assertive()
    new.article = article
    reader.with_cards(
        viewer, [new], links=sharing.active_links(viewer, article), assertive=assertive
    )
    return Redraw(
        blocks=reader.marked_blocks(article, touched, drawn, assertive),
        annotation=new,
        after=_passage_before(mine, new),
        annotation_count=others["drawn"] + 1,
    )


def _panel_counts(others: Annotations, viewer: User, annotation: Annotation) -> dict[str, int]:
    """Of the article's other annotations the viewer sees: those drawn in the text (the
    panel's count), the passages it lists, and those sharing the new one's author and
    audience (so the panel's author and group filters offer nothing new). One query."""
    passage = Q(start__isnull=False, entity__isnull=True)
    audience = (
        Q(group__isnull=True) if annotation.group_id is None else Q(group=annotation.group_id)
    )
    result: dict[str, int] = others.aggregate(
        drawn=Count("pk", filter=passage & ~Q(status=ORPHANED)),
        passages=Count("pk", filter=passage & Q(status=ANCHORED)),
        by_author=Count("pk", filter=Q(author=viewer)),
        in_audience=Count("pk", filter=audience),
    )
    return result


def _passage_before(mine: Annotations, new: Annotation) -> int | None:
    """The passage listed just before `new` in the panel (text order: start, end, created,
    id), or None when it comes first. One query."""
    earlier = (
        Q(start__lt=new.start)
        | Q(start=new.start, end__lt=new.end)
        | Q(start=new.start, end=new.end, created_at__lt=new.created_at)
        | Q(start=new.start, end=new.end, created_at=new.created_at, pk__lt=new.pk)
    )
    return (
        mine.filter(earlier, start__isnull=False, entity__isnull=True, status=ANCHORED)
        .order_by("-start", "-end", "-created_at", "-id")
        .values_list("pk", flat=True)
        .first()
    )
