"""The trash: deleting an article puts it away for `Article.TRASH_DAYS` days, restorable.

Invariants:
- A trashed article is out of every page, count and search (`Article.objects` leaves it
  out; `permissions.visible_annotations` leaves out its annotations), but nothing of it
  is lost until it is purged: its versions, annotations, labels and share links wait.
- Who may trash, restore or delete it for good is `permissions.may_delete_article`: the
  person who added it, or an administrator. Deleting for good needs the article in the
  trash first, so no click removes colleagues' work at once.
- Saving the same story again (same text or same source URL) restores it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from articles.models import Annotation, Article

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.db.models import QuerySet


@dataclass(frozen=True)
class Impact:
    """What deleting an article takes with it, as the person deleting it is told: counts
    only, so nobody learns the content of notes they cannot see."""

    yours: int  # annotations of the person deleting
    theirs: int  # annotations of colleagues, private ones included
    colleagues: int  # how many colleagues wrote them


def impact(article: Article, user: User) -> Impact:
    counts = Annotation.objects.filter(article=article).aggregate(
        yours=Count("pk", filter=Q(author_id=user.pk)),
        theirs=Count("pk", filter=~Q(author_id=user.pk)),
        colleagues=Count("author", filter=~Q(author_id=user.pk), distinct=True),
    )
    return Impact(counts["yours"], counts["theirs"], counts["colleagues"])


def move_to_trash(article: Article, by: User) -> Article:
    with transaction.atomic():
        Article.with_trash.filter(pk=article.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=by
        )
    article.refresh_from_db()
    return article


def move_all_to_trash(pks: Iterable[int], by: User) -> int:
    """`move_to_trash` for many articles in one statement; how many went."""
    return Article.with_trash.filter(pk__in=list(pks), deleted_at__isnull=True).update(
        deleted_at=timezone.now(), deleted_by=by
    )


def restore(article: Article) -> Article:
    Article.with_trash.filter(pk=article.pk).update(deleted_at=None, deleted_by=None)
    article.refresh_from_db()
    return article


def expires_at(article: Article) -> dt.datetime | None:
    """When the trashed `article` is purged."""
    if article.deleted_at is None:
        return None
    return article.deleted_at + dt.timedelta(days=Article.TRASH_DAYS)


def trashed(articles: QuerySet[Article]) -> list[Article]:
    """The trashed `articles` (`permissions.visible_trash`), most recently deleted first,
    with `annotation_count`."""
    return list(
        articles.filter(deleted_at__isnull=False)
        .defer("body_html", "body_text")
        .select_related("deleted_by__profile", "added_by")
        .annotate(annotation_count=Count("annotations"))
        .order_by("-deleted_at", "-id")
    )


def delete_for_good(article: Article) -> None:
    """Remove a trashed article and all it holds; refused for a live one."""
    if article.deleted_at is None:
        raise ValueError("Only an article in the trash can be deleted for good.")
    Article.with_trash.filter(pk=article.pk).delete()


def purge(now: dt.datetime | None = None) -> int:
    """Delete for good what has been in the trash longer than TRASH_DAYS (maintenance)."""
    limit = (now or timezone.now()) - dt.timedelta(days=Article.TRASH_DAYS)
    _deleted, by_model = Article.with_trash.filter(deleted_at__lt=limit).delete()
    return by_model.get(Article._meta.label, 0)  # noqa: SLF001 - the model's own label
