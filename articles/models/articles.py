"""Articles: the text everything else points into.

Invariants:
- `body_html` is the output of `sanitize.clean_article_html` and is the only article field
  a template marks safe.
- `body_text == sanitize.text_content(body_html)`: it equals, character for character,
  the browser's `textContent` of `#article-body`, and it is the coordinate space of every
  annotation selector. Only `versions.replace_text` changes the two once an article
  exists, and it changes both together.
- `source_url` is canonical and unique when present; `content_hash` is unique. Together
  they make ingest idempotent.
- Reading state is one person's and is only ever read through `with_state(user)` /
  `in_view(user, ...)` for that person.
"""

from __future__ import annotations

import bisect
import functools
import re
from typing import TYPE_CHECKING, Self, TypedDict, cast

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone
from django.utils.text import slugify

from articles.models.library import ArticleLabel, ArticleState, Label, LibraryView

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.types import Viewer

# An article's sub-pages share the /articles/<id>/<segment>/ shape with its slug.
_ARTICLE_ROUTE = "articles/<int:pk>/"
_SEGMENT = re.compile(r"[^/<>.]+")


@functools.cache
def reserved_slugs() -> frozenset[str]:
    """The literal segments of the article's sub-page routes (delete, share, ...): a
    title that slugifies to one gets "-article" appended, so its reader URL does not
    open that page. Read from the URL configuration, so a new route is covered."""
    reserved = set()
    for pattern in get_resolver().url_patterns:
        route = str(pattern.pattern) if isinstance(pattern, URLPattern) else ""
        if route.startswith(_ARTICLE_ROUTE):
            segment = route.removeprefix(_ARTICLE_ROUTE).split("/", 1)[0].split(".", 1)[0]
            if _SEGMENT.fullmatch(segment):
                reserved.add(segment)
    return frozenset(reserved)


class ReadingState(TypedDict):
    """What `ArticleQuerySet.with_state` and `library.load_state` add to an article."""

    is_read: bool
    is_archived: bool
    is_favourite: bool


# Generic in the model so that the annotations of `.annotate()` survive its methods.
class ArticleQuerySet[M: Article](models.QuerySet[M]):
    def for_library(self) -> Self:
        # The library never shows bodies; leave the large columns in the database.
        return self.defer("body_html", "body_text").order_by("-created_at", "-id")

    def with_state(self, user: Viewer) -> Self:
        """Annotate `is_read`, `is_archived` and `is_favourite` (booleans) for `user`.

        One LEFT JOIN on that person's ArticleState row (unique per user and article, so
        rows are never repeated); no row reads as unread, not archived, not a favourite.
        Signed out, all three are False.
        """
        if not user.is_authenticated:
            false = models.Value(False)  # noqa: FBT003 - a SQL literal, not a flag
            return self.annotate(is_read=false, is_archived=false, is_favourite=false)
        mine = models.FilteredRelation("states", condition=models.Q(states__user_id=user.pk))

        def has(field: str) -> models.ExpressionWrapper[models.Q]:
            q = models.Q(**{f"viewer_state__{field}__isnull": False})
            return models.ExpressionWrapper(q, output_field=models.BooleanField())

        return self.alias(viewer_state=mine).annotate(
            is_read=has("read_at"), is_archived=has("archived_at"), is_favourite=has("favourite_at")
        )

    def in_view(self, user: User, view: str) -> Self:
        """The articles in one of `user`'s library views (a LibraryView value):

        - all: everything but the articles they archived;
        - unread: not marked read and not archived (archiving is putting away);
        - favourites: their starred articles, archived or not;
        - archived: the articles they archived;
        - review: every article (library.Filters keeps those needing review).

        Filters by EXISTS on the person's state rows, so it composes with `with_state`,
        `labelled` and any other filter in any order. Raises ValueError for another view.
        """
        mine = ArticleState.objects.filter(user_id=user.pk, article=models.OuterRef("pk"))
        archived = models.Exists(mine.filter(archived_at__isnull=False))
        match view:
            case LibraryView.ALL:
                return self.filter(~archived)
            case LibraryView.UNREAD:
                return self.filter(~archived, ~models.Exists(mine.filter(read_at__isnull=False)))
            case LibraryView.FAVOURITES:
                return self.filter(models.Exists(mine.filter(favourite_at__isnull=False)))
            case LibraryView.ARCHIVED:
                return self.filter(archived)
            case LibraryView.REVIEW:
                # Archived or not: what it holds is decided by the annotations the person
                # may see, a rule of articles.permissions that library.Filters applies.
                return self
        raise ValueError(f"There is no library view {view!r}.")

    def labelled(self, label: Label | int) -> Self:
        """Articles carrying `label` (a Label or its id). Chain it for several labels."""
        links = ArticleLabel.objects.filter(article=models.OuterRef("pk"), label=label)
        return self.filter(models.Exists(links))

    def with_labels(self) -> Self:
        """Prefetch each article's labels in name order: one query for the whole page."""
        return self.prefetch_related(
            models.Prefetch("labels", queryset=Label.objects.order_by(Lower("name"), "id"))
        )


ArticleManager = models.Manager.from_queryset(ArticleQuerySet)


class LiveArticleManager(ArticleManager["Article"]):
    """Articles not in the trash."""

    def get_queryset(self) -> ArticleQuerySet[Article]:
        live = super().get_queryset().filter(deleted_at__isnull=True)
        return cast("ArticleQuerySet[Article]", live)


class Article(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", "Plain text"
        HTML = "html", "Web page"
        PDF = "pdf", "PDF document"

    title = models.CharField(max_length=500)
    byline = models.CharField(max_length=300, blank=True)
    site_name = models.CharField(max_length=200, blank=True)
    # The standfirst under a web page's headline, shown above the body (not annotatable).
    summary = models.TextField(blank=True)
    source_url = models.URLField(max_length=2000, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.TEXT)
    body_html = models.TextField()
    body_text = models.TextField()
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    word_count = models.PositiveIntegerField(default=0)
    reading_minutes = models.PositiveSmallIntegerField(default=1)
    # [{"title": ..., "url": ...}], http(s) URLs only: they are rendered as links.
    related_links = models.JSONField(default=list, blank=True)
    # A PDF's pages: where each starts in body_text (code points, non-decreasing; a page
    # without text starts where the next text does). Empty for every other kind.
    page_starts = models.JSONField(default=list, blank=True, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_added",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When the text was last replaced (an ArticleVersion keeps the old one).
    text_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    # In the trash since then (and restorable for TRASH_DAYS); None for a live article.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    # Live articles only: every page, search and count leaves the trash out by default.
    objects = LiveArticleManager()
    # Live and trashed: the trash page, restoring, purging, and finding a duplicate.
    with_trash = ArticleManager()

    TRASH_DAYS = 30

    class Meta:
        ordering = ["-created_at", "-id"]
        default_manager_name = "objects"
        base_manager_name = "with_trash"
        indexes = [
            # The trash is small: "not in the trash" is a look at this index.
            models.Index(
                fields=["deleted_at"],
                condition=models.Q(deleted_at__isnull=False),
                name="article_in_trash",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source_url"],
                condition=~models.Q(source_url=""),
                name="article_source_url_unique_when_present",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reader", kwargs={"pk": self.pk, "slug": self.slug})

    @property
    def slug(self) -> str:
        slug = slugify(self.title, allow_unicode=True)[:80] or "article"
        return f"{slug}-article" if slug in reserved_slugs() else slug

    def page_at(self, offset: int) -> int | None:
        """The page (from 1) on which `offset` of body_text lies; None without pages."""
        if not self.page_starts:
            return None
        return max(1, bisect.bisect_right(self.page_starts, offset))

    @property
    def paragraph_count(self) -> int:
        """Blocks of the body: the sanitiser separates top-level blocks with a blank line."""
        return sum(1 for block in self.body_text.split("\n\n") if block.strip())
