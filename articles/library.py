"""The library's labels, each person's reading state, and the filters over them.

Invariants:
- Labels are the team's. A name is plain text with its whitespace collapsed, 1-50
  characters, unique ignoring case: adding "ukraine" where "Ukraine" exists reuses it,
  and renaming onto another label's name is refused (nothing is merged behind anyone's
  back). Every write touching more than one row runs in one transaction.
- Reading state is per person: `set_state` writes only the requesting person's row,
  creating it on first use; no row means unread, not archived, not a favourite.
- Filters come from the query string and never fail: an unknown view reads as "all";
  a label that is not a number, or no longer exists, is reported as `label_missing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils import timezone

from articles import watchlists
from articles.models import Annotation, Article, ArticleLabel, ArticleState, Label, LibraryView
from articles.names import clean_name
from articles.parsing import parse_int
from articles.permissions import visible_annotations
from articles.sharing import public_name

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from django.contrib.auth.models import User
    from django.db.models import QuerySet
    from django_stubs_ext import WithAnnotations

    from articles.models.articles import ReadingState
    from articles.models.library import ArticleCount

__all__ = [
    "STATES",
    "Filters",
    "LabelError",
    "add_label",
    "clean_label_name",
    "filter_bar",
    "label_named",
    "labels_with_counts",
    "load_state",
    "remove_label",
    "rename_label",
    "set_state",
    "shelf",
]

# The per-person states a form may change: form name -> ArticleState field.
STATES = {"read": "read_at", "archived": "archived_at", "favourite": "favourite_at"}


class LabelError(ValueError):
    """A label name that cannot be used; the message says why, for the person who typed it."""


def clean_label_name(raw: str) -> str:
    return clean_name(
        raw,
        limit=Label.NAME_MAX_CHARS,
        error=LabelError,
        empty="Give the label a name.",
        too_long=f"A label is at most {Label.NAME_MAX_CHARS} characters.",
    )


def label_named(name: str) -> Label | None:
    """The label called `name`, ignoring case (the same rule as the unique constraint)."""
    return Label.objects.alias(key=Lower("name")).filter(key=Lower(Value(name))).first()


def add_label(article: Article, raw_name: str, user: User) -> Label:
    """Put the label named `raw_name` on `article`, creating the label if it is new.

    Adding a label the article already carries changes nothing.
    """
    name = clean_label_name(raw_name)
    with transaction.atomic():
        label = label_named(name)
        if label is None:
            try:
                with transaction.atomic():  # a colleague may create it at the same moment
                    label = Label.objects.create(name=name, created_by=user)
            except IntegrityError:
                label = label_named(name)
                if label is None:  # pragma: no cover - deleted in between as well
                    raise
        _, put = ArticleLabel.objects.get_or_create(
            article=article, label=label, defaults={"added_by": user}
        )
        if put:
            watchlists.labels_put([(article.pk, label.pk)], by=user)
    return label


def remove_label(article: Article, label: Label) -> bool:
    """Take `label` off `article`; False when it was not on it. The label itself stays."""
    deleted, _ = ArticleLabel.objects.filter(article=article, label=label).delete()
    return bool(deleted)


def rename_label(label: Label, raw_name: str) -> Label:
    """Rename `label` everywhere. A change of case alone is allowed; another label's
    name (ignoring case) is refused with a LabelError saying so."""
    name = clean_label_name(raw_name)
    other = label_named(name)
    if other is not None and other.pk != label.pk:
        raise LabelError(
            f"There is already a label called “{other.name}”. Choose another name, or "
            f"delete this label and add “{other.name}” to its articles."
        )
    label.name = name
    try:
        with transaction.atomic():
            label.save(update_fields=["name"])
    except IntegrityError:
        raise LabelError(f"There is already a label called “{name}”.") from None
    return label


def labels_with_counts() -> list[WithAnnotations[Label, ArticleCount]]:
    """Every label with `article_count`, in name order: one query."""
    live = Q(article_links__article__deleted_at__isnull=True)
    labels = Label.objects.annotate(article_count=Count("article_links", filter=live))
    return list(labels.order_by(Lower("name"), "id"))


def set_state(user: User, article: Article, state: str, on: bool) -> ArticleState:
    """Mark `article` read, archived or favourite (`state` in STATES) for `user` only,
    or clear it. Setting what is already set keeps its first time."""
    field = STATES[state]
    with transaction.atomic():
        row, _ = ArticleState.objects.select_for_update().get_or_create(user=user, article=article)
        current = getattr(row, field)
        if on and current is None:
            setattr(row, field, timezone.now())
        elif not on:
            setattr(row, field, None)
        row.save()
    return row


def load_state(article: Article, user: User) -> WithAnnotations[Article, ReadingState]:
    """Give one article `is_read`, `is_archived`, `is_favourite` for `user` and its labels
    (as `with_state().with_labels()` does for a list): two queries."""
    row = ArticleState.objects.filter(user_id=user.pk, article=article).first()
    # The same object, from here on typed with the attributes set on it.
    stated = cast("WithAnnotations[Article, ReadingState]", article)
    stated.is_read = bool(row and row.read_at)
    stated.is_archived = bool(row and row.archived_at)
    stated.is_favourite = bool(row and row.favourite_at)
    prefetch_related_objects(
        [stated], Prefetch("labels", queryset=Label.objects.order_by(Lower("name"), "id"))
    )
    return stated


@dataclass(frozen=True)
class Filters:
    """What the library shows: a view and perhaps a label, as in `?view=unread&label=3`."""

    view: str = LibraryView.ALL
    label: Label | None = None
    # A label was asked for but is not a number or no longer exists.
    label_missing: bool = False
    page: int | None = None

    @classmethod
    def parse(cls, params: Mapping[str, str], labels: Iterable[Label] | None = None) -> Filters:
        """The filters in `params`; the label is looked up among `labels` when given (the
        list the page shows anyway), else in the database."""
        view = params.get("view") or LibraryView.ALL
        if view not in LibraryView.values:
            view = LibraryView.ALL
        raw = (params.get("label") or "").strip()
        label = None
        pk = parse_int(raw)
        if pk is not None:
            if labels is None:
                label = Label.objects.filter(pk=pk).first()
            else:
                label = next((known for known in labels if known.pk == pk), None)
        return cls(
            view=view,
            label=label,
            label_missing=bool(raw) and label is None,
            # Nine digits: more pages than any library has; a longer number is noise.
            page=parse_int(params.get("page"), minimum=1, maximum=999_999_999),
        )

    def query(self, **changes: object) -> str:
        """The query string of these filters, with `changes` (view=, label=, page=) applied;
        defaults are left out, so the plain library is `""`."""
        view = changes.get("view", self.view)
        label = changes.get("label", self.label)
        page = changes.get("page", self.page)
        params = {}
        if view != LibraryView.ALL:
            params["view"] = view
        if label is not None:
            params["label"] = label.pk if isinstance(label, Label) else label
        if page and page != 1:
            params["page"] = page
        return urlencode(params)

    def url(self, **changes: object) -> str:
        query = self.query(**changes)
        return reverse("library") + (f"?{query}" if query else "")

    def articles(self, user: User) -> QuerySet[Article]:
        """The articles these filters show `user`, newest first, with state and labels,
        and `review_count`: how many of the annotations they see there need review."""
        found = Article.objects.for_library().in_view(user, self.view)
        if self.label_missing:
            return found.none()
        if self.view == LibraryView.REVIEW:
            found = found.filter(Exists(to_review(user).filter(article=OuterRef("pk"))))
        if self.label is not None:
            found = found.labelled(self.label)
        counted = (
            to_review(user)
            .filter(article=OuterRef("pk"))
            .order_by()
            .values("article")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            found.with_state(user)
            .with_labels()
            .annotate(review_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0))
        )

    def unread_count(self, user: User) -> int:
        """Unread articles under the same label filter, so the count matches the view."""
        found = Article.objects.in_view(user, LibraryView.UNREAD)
        if self.label_missing:
            return 0
        if self.label is not None:
            found = found.labelled(self.label)
        return found.count()


def to_review(user: User) -> QuerySet[Annotation]:
    """The annotations `user` sees whose text changed under them (changed or orphaned)."""
    return visible_annotations(user).exclude(status=Annotation.Status.ANCHORED)


def review_feed(user: User, limit: int = 10) -> list[Annotation]:
    """For the activity: the person's own and their groups' annotations that need review,
    on the articles whose text changed last first."""
    found = list(
        to_review(user)
        .select_related("article", "author__profile")
        .defer("article__body_html", "article__body_text", "article__summary")
        .order_by("-article__text_changed_at", "article_id", "start", "id")[:limit]
    )
    for annotation in found:
        annotation.author_name = public_name(annotation.author)
    return found


def review_count(user: User) -> int:
    """How many articles hold annotations `user` sees that need review."""
    return to_review(user).order_by().values("article").distinct().count()


def filter_bar(
    user: User,
    filters: Filters,
    labels: list[WithAnnotations[Label, ArticleCount]] | None = None,
) -> dict[str, Any]:
    """What the library's filter bar shows: the views with the unread count, the labels
    (`labels_with_counts`, fetched here unless given) each as a link keeping the view."""
    if labels is None:
        labels = labels_with_counts()
    current = filters.label.pk if filters.label else None
    return {
        "filters": filters,
        "unread_count": filters.unread_count(user),
        "review_count": review_count(user),
        "labels": labels,
        "view_links": [
            {
                "value": value,
                "name": name,
                "url": filters.url(view=value, page=None),
                "current": value == filters.view,
            }
            for value, name in LibraryView.choices
        ],
        "label_links": [
            {
                "label": label,
                # The current label's chip clears the label filter.
                "url": filters.url(label=None if label.pk == current else label, page=None),
                "current": label.pk == current,
            }
            for label in labels
        ],
        "clear_label_url": filters.url(label=None, page=None),
    }


def shelf(article: Article, user: User) -> dict[str, Any]:
    """The reader's shelf: the person's state of the article, its labels, and every label
    name for the add box's suggestions. Three queries."""
    load_state(article, user)
    return {"article": article, "label_names": Label.objects.values_list("name", flat=True)}
