"""The library: the team's labels, and each person's reading state of each article.

Labels describe the article, so they are the team's; ArticleState (read, archived,
favourite) is one person's, and nobody but its owner ever sees it.
"""

from __future__ import annotations

from typing import TypedDict

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone


class LibraryView(models.TextChoices):
    """The library's views of one person's reading (see ArticleQuerySet.in_view)."""

    ALL = "all", "All"
    UNREAD = "unread", "Unread"
    FAVOURITES = "favourites", "Favourites"
    ARCHIVED = "archived", "Archived"
    # Articles holding annotations whose text changed under them (library.Filters).
    REVIEW = "review", "To review"


class ArticleCount(TypedDict):
    """What `library.labels_with_counts` (and the admin's list) add to a label."""

    article_count: int


class ReadingPlace(TypedDict):
    """Where one person is in an article, as `library.Filters.articles` and
    `library.load_state` add it (None until the reader reported it)."""

    reading_progress: float | None
    reading_position: int | None


class Label(models.Model):
    """A team-wide label on articles ("Ukraine", "Investigation X").

    Labels describe the article, so everyone sees, adds, removes, renames and deletes
    them. Names are plain text (escaped wherever shown), 1-50 characters with whitespace
    collapsed, and unique ignoring case: adding "ukraine" reuses "Ukraine".
    """

    NAME_MAX_CHARS = 50

    name = models.CharField(max_length=NAME_MAX_CHARS)
    # Typed by the base class: naming Article here would make these two modules import
    # each other (articles.py reads the library's models for its views).
    articles: models.ManyToManyField[models.Model, ArticleLabel] = models.ManyToManyField(
        "Article", through="ArticleLabel", related_name="labels", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="label_name_unique_ignoring_case"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The library filtered by this label."""
        return f"{reverse('library')}?label={self.pk}"

    def clean(self) -> None:
        # The admin's forms get the same spelling rule as library.clean_label_name.
        self.name = " ".join(self.name.split())


class ArticleLabel(models.Model):
    """One label on one article, and who put it there."""

    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="label_links")
    label = models.ForeignKey(Label, on_delete=models.CASCADE, related_name="article_links")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "label"], name="article_label_once"),
        ]
        indexes = [models.Index(fields=["label", "article"], name="articlelabel_label_article")]

    def __str__(self) -> str:
        return f"{self.label} on {self.article_id}"


class ArticleState(models.Model):
    """One person's reading of one article: read, archived, favourite (each a time or None),
    and their place in it.

    Created the first time the person changes one of them or scrolls the reader; no row
    means unread, not archived, not a favourite, never opened. Nobody but its owner ever
    sees it. The place is `progress` (the fraction of the body scrolled past, 0-1) and
    `position`, the offset in body_text (code points, the selectors' coordinate space) of
    the first paragraph on screen; both None until the reader reports them.
    """

    FIELDS = ("read_at", "archived_at", "favourite_at")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="article_states"
    )
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="states")
    read_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    favourite_at = models.DateTimeField(null=True, blank=True)
    progress = models.FloatField(null=True, blank=True)
    position = models.PositiveIntegerField(null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "article"], name="article_state_once"),
            models.CheckConstraint(
                condition=models.Q(progress__isnull=True)
                | models.Q(progress__gte=0, progress__lte=1),
                name="article_state_progress_is_a_fraction",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on article {self.article_id}"
