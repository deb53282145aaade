"""The library's labels, each person's reading state, and the filters over them.

Invariants:
- Labels are the team's. A name is plain text with its whitespace collapsed, 1-50
  characters, unique ignoring case: adding "ukraine" where "Ukraine" exists reuses it,
  and renaming onto another label's name is refused (nothing is merged behind anyone's
  back). Every write touching more than one row runs in one transaction.
- Reading state is per person: `set_state` writes only the requesting person's row,
  creating it on first use; no row means unread, not archived, not a favourite.
- A person's place in an article (`save_progress`) is theirs like the rest of the state:
  a fraction in [0, 1] and an offset into body_text, clamped, never trusted as sent.
- Filters come from the query string and never fail: an unknown view reads as "all",
  an unknown sort as the default (newest added); a label that is not a number, or no
  longer exists, is reported as `label_missing`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Lower, NullIf, Substr
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
    from django.db.models import OrderBy, QuerySet
    from django_stubs_ext import WithAnnotations

    from articles.models.articles import ReadingState
    from articles.models.library import ArticleCount, ReadingPlace

    class Shelved(ReadingState, ReadingPlace):
        """What `load_state` adds to one article."""


__all__ = [
    "SORTS",
    "STATES",
    "Filters",
    "LabelError",
    "add_label",
    "clean_label_name",
    "filter_bar",
    "label_for_name",
    "label_named",
    "labels_with_counts",
    "load_state",
    "remove_label",
    "rename_label",
    "save_progress",
    "set_state",
    "shelf",
]

# The per-person states a form may change: form name -> ArticleState field.
STATES = {"read": "read_at", "archived": "archived_at", "favourite": "favourite_at"}

# The library's orders: `?sort=` value -> (what the menu says, the ORDER BY). The first is
# the default. Each ends on the id, so a page boundary never repeats or skips an article.
SORTS: dict[str, tuple[str, tuple[str | OrderBy | Lower, ...]]] = {
    "added": ("Newest added", ("-created_at", "-id")),
    "published": (
        "Newest published",
        (F("published_at").desc(nulls_last=True), "-created_at", "-id"),
    ),
    "title": ("Title, A–Z", (Lower("title"), "id")),
    "reading": ("Shortest read", ("reading_minutes", "-created_at", "-id")),
}
DEFAULT_SORT = "added"
# The one-line excerpt is cut from this many characters of the standfirst or the text,
# read in SQL, so the library never loads a body.
EXCERPT_CHARS = 240


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


def label_for_name(name: str, user: User) -> Label:
    """The label called `name` (already clean), created by `user` if there is none."""
    label = label_named(name)
    if label is None:
        try:
            with transaction.atomic():  # a colleague may create it at the same moment
                label = Label.objects.create(name=name, created_by=user)
        except IntegrityError:
            label = label_named(name)
            if label is None:  # pragma: no cover - deleted in between as well
                raise
    return label


def add_label(article: Article, raw_name: str, user: User) -> Label:
    """Put the label named `raw_name` on `article`, creating the label if it is new.

    Adding a label the article already carries changes nothing.
    """
    name = clean_label_name(raw_name)
    with transaction.atomic():
        label = label_for_name(name, user)
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


def save_progress(user: User, article: Article, *, progress: float, position: int) -> ArticleState:
    """Remember where `user` is in `article`: `progress` (the fraction scrolled past) is
    clamped to [0, 1], `position` (the offset in body_text of the first paragraph on
    screen) to the text's length (a NaN reads as 0). Only `user`'s row is written."""
    progress = min(max(progress, 0.0), 1.0) if math.isfinite(progress) else 0.0
    position = min(max(position, 0), len(article.body_text))
    now = timezone.now()
    with transaction.atomic():
        row, _ = ArticleState.objects.select_for_update().get_or_create(user=user, article=article)
        row.progress, row.position, row.position_at = progress, position, now
        row.save(update_fields=["progress", "position", "position_at", "updated_at"])
    return row


def load_state(article: Article, user: User) -> WithAnnotations[Article, Shelved]:
    """Give one article `is_read`, `is_archived`, `is_favourite` for `user`, their place in
    it (`reading_progress`, `reading_position`, None if never reported) and its labels (as
    `with_state().with_labels()` does for a list): two queries."""
    row = ArticleState.objects.filter(user_id=user.pk, article=article).first()
    # The same object, from here on typed with the attributes set on it.
    stated = cast("WithAnnotations[Article, Shelved]", article)
    stated.is_read = bool(row and row.read_at)
    stated.is_archived = bool(row and row.archived_at)
    stated.is_favourite = bool(row and row.favourite_at)
    stated.reading_progress = row.progress if row else None
    stated.reading_position = row.position if row else None
    prefetch_related_objects(
        [stated], Prefetch("labels", queryset=Label.objects.order_by(Lower("name"), "id"))
    )
    return stated


@dataclass(frozen=True)
class Filters:
    """What the library shows: a view, perhaps a label, and an order, as in
    `?view=unread&label=3&sort=title`."""

    view: str = LibraryView.ALL
    label: Label | None = None
    # A label was asked for but is not a number or no longer exists.
    label_missing: bool = False
    page: int | None = None
    sort: str = DEFAULT_SORT

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
            sort=sort if (sort := params.get("sort") or "") in SORTS else DEFAULT_SORT,
        )

    def query(self, **changes: object) -> str:
        """The query string of these filters, with `changes` (view=, label=, page=, sort=)
        applied; defaults are left out, so the plain library is `""`."""
        view = changes.get("view", self.view)
        label = changes.get("label", self.label)
        page = changes.get("page", self.page)
        sort = changes.get("sort", self.sort)
        params = {}
        if view != LibraryView.ALL:
            params["view"] = view
        if label is not None:
            params["label"] = label.pk if isinstance(label, Label) else label
        if sort != DEFAULT_SORT:
            params["sort"] = sort
        if page and page != 1:
            params["page"] = page
        return urlencode(params)

    def url(self, **changes: object) -> str:
        query = self.query(**changes)
        return reverse("library") + (f"?{query}" if query else "")

    def articles(self, user: User) -> QuerySet[Article]:
        """The articles these filters show `user`, in their order, with state, labels and
        the person's place (`reading_progress`, `reading_position`), `review_count` (how
        many of the annotations they see there need review) and `excerpt`: the start of
        the standfirst, or of the text. One query for the page, one for its labels."""
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
        lead = Coalesce(NullIf("summary", Value("")), "body_text")
        return (
            found.with_state(user)
            .with_labels()
            .annotate(
                review_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0),
                excerpt=Substr(lead, 1, EXCERPT_CHARS),
                # with_state's join on the person's own row: no further query.
                reading_progress=F("viewer_state__progress"),
                reading_position=F("viewer_state__position"),
            )
            .order_by(*SORTS[self.sort][1])
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
        "sorts": [
            {"value": value, "name": name, "current": value == filters.sort}
            for value, (name, _) in SORTS.items()
        ],
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
