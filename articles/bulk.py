"""Acting on several library articles at once: label, archive, mark read, delete.

Invariants:
- The selection is a list of article ids from a form, and is trusted no further than
  any other input: every id must be a plain number naming a live article, or nothing is
  done (`BulkError`, with a status: 400 malformed, 404 not in the library, 403 not the
  person's to delete). A hidden article answers like a missing one.
- Each action runs in one transaction and writes what a single row's control would:
  the person's own reading state, the team's labels, the trash (for the articles
  `permissions.may_delete_article` lets them delete, after a confirmation listing them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from articles import library, trash, watchlists
from articles.models import Article, ArticleLabel, ArticleState, Label
from articles.parsing import parse_int
from articles.permissions import may_delete_article

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.contrib.auth.models import User

# Form value -> what its button says (and the confirmation's verb).
ACTIONS = {
    "label": "Add label",
    "read": "Mark as read",
    "archive": "Archive",
    "delete": "Delete…",
}
# More than a page of the library (25) by far; a longer list is not from our form.
MAX_SELECTED = 500


class BulkError(ValueError):
    """A selection or action that cannot be carried out; nothing was changed."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def _count(n: int) -> str:
    return f"{n} article{'s' * (n != 1)}"


def selected(raw_ids: Sequence[str]) -> list[Article]:
    """The live articles the form's `ids` name, in library order, bodies left out.
    An empty selection is an empty list; a malformed or unknown id is a BulkError."""
    if len(raw_ids) > MAX_SELECTED:
        raise BulkError(f"Select at most {MAX_SELECTED} articles at once.")
    parsed = {parse_int(raw, minimum=1) for raw in raw_ids}
    pks = {pk for pk in parsed if pk is not None}
    if len(pks) != len(parsed):
        raise BulkError("The selection holds something that is not an article.")
    found = list(Article.objects.for_library().filter(pk__in=pks))
    if len(found) != len(pks):
        missing = len(pks) - len(found)
        raise BulkError(
            f"{_count(missing)} of the selection {'is' if missing == 1 else 'are'} no longer "
            "in the library (deleted by a colleague, or never there).",
            status=404,
        )
    return found


@dataclass(frozen=True)
class Done:
    """What an action did, as the person is told."""

    message: str
    count: int


def mark(user: User, articles: Sequence[Article], state: str) -> Done:
    """Mark `articles` read or archived (`state` in library.STATES) for `user` only;
    those already so keep their first time. Two statements, one transaction."""
    field = library.STATES[state]
    now = timezone.now()
    pks = [a.pk for a in articles]
    with transaction.atomic():
        ArticleState.objects.bulk_create(
            [ArticleState(user=user, article_id=pk) for pk in pks], ignore_conflicts=True
        )
        ArticleState.objects.filter(user=user, article_id__in=pks, **{field: None}).update(
            **{field: now, "updated_at": now}
        )
    done = "Marked {} as read." if state == "read" else "Archived {}."
    return Done(done.format(_count(len(pks))), len(pks))


def label(user: User, articles: Sequence[Article], raw_name: str) -> Done:
    """Put the label named `raw_name` on every one of `articles` (creating it if new);
    raises library.LabelError for a name that cannot be used."""
    name = library.clean_label_name(raw_name)
    pks = [a.pk for a in articles]
    with transaction.atomic():
        chosen: Label = library.label_for_name(name, user)
        had = set(
            ArticleLabel.objects.filter(label=chosen, article_id__in=pks).values_list(
                "article_id", flat=True
            )
        )
        new = [pk for pk in pks if pk not in had]
        ArticleLabel.objects.bulk_create(
            [ArticleLabel(article_id=pk, label=chosen, added_by=user) for pk in new]
        )
        watchlists.labels_put([(pk, chosen.pk) for pk in new], by=user)
    return Done(f"Labelled {_count(len(pks))} “{chosen.name}”.", len(pks))


def deletable(user: User, articles: Sequence[Article]) -> tuple[list[Article], list[Article]]:
    """`articles` split into those `user` may move to the trash and those they may not."""
    mine = [a for a in articles if may_delete_article(user, a)]
    return mine, [a for a in articles if not may_delete_article(user, a)]


def delete(user: User, articles: Sequence[Article]) -> Done:
    """Move every one of `articles` to the trash, or none (BulkError, 403) if any is not
    `user`'s to delete."""
    _, refused = deletable(user, articles)
    if refused:
        raise BulkError(
            f"{_count(len(refused))} of the selection {'was' if len(refused) == 1 else 'were'} "
            "added by someone else: only the person who added an article, or an "
            "administrator, may delete it.",
            status=403,
        )
    with transaction.atomic():
        moved = trash.move_all_to_trash([a.pk for a in articles], user)
    return Done(
        f"Moved {_count(moved)} to the trash; restore them from there within "
        f"{Article.TRASH_DAYS} days.",
        moved,
    )
