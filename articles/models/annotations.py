"""Annotations: highlights, notes on a passage, page notes and entity mentions.

Selectors follow the W3C Web Annotation model on `article.body_text`. Who may see an
annotation is decided in `articles.permissions`, nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.articles import Article

if TYPE_CHECKING:
    from django.utils.safestring import SafeString


class Color(models.TextChoices):
    """The team's highlight palette; labels are set per team in ColorLabel."""

    YELLOW = "yellow", "Yellow"
    GREEN = "green", "Green"
    BLUE = "blue", "Blue"
    PINK = "pink", "Pink"
    PURPLE = "purple", "Purple"


class ColorLabel(models.Model):
    """What a colour means for this team (green = "Verified claim"), shown as a legend."""

    color = models.CharField(max_length=16, choices=Color.choices, unique=True)
    label = models.CharField(max_length=60, blank=True)

    class Meta:
        verbose_name = "colour label"

    def __str__(self) -> str:
        return (
            f"{self.get_color_display()}: {self.label}" if self.label else self.get_color_display()
        )

    @classmethod
    def legend(cls) -> list[tuple[str, str, str]]:
        """(color, name, label) for every colour of the palette, in palette order."""
        labels = dict(cls.objects.values_list("color", "label"))
        return [(value, name, labels.get(value, "")) for value, name in Color.choices]


# Generic in the model so that the annotations of `.annotate()` survive its methods.
class AnnotationQuerySet[M: Annotation](models.QuerySet[M]):
    def in_text_order(self) -> Self:
        return self.order_by(models.F("start").asc(nulls_first=True), "end", "created_at", "id")


class Annotation(models.Model):
    """A highlight, a note on a passage, or a page note, on one article.

    Selectors follow the W3C Web Annotation model on `article.body_text`: a
    TextPositionSelector (`start`, `end`) and a TextQuoteSelector (`exact`, `prefix`,
    `suffix`), derived by the server from the offsets (see anchoring.select). A page note
    has no selector. `note_html` is made from `note` on write and is the only annotation
    field a template marks safe.
    """

    class Motivation(models.TextChoices):
        HIGHLIGHTING = "highlighting", "Highlight"
        COMMENTING = "commenting", "Note"
        IDENTIFYING = "identifying", "Entity mention"

    class Status(models.TextChoices):
        ANCHORED = "anchored", "Anchored"
        ORPHANED = "orphaned", "Orphaned"

    NOTE_MAX_CHARS = 20_000

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations"
    )
    motivation = models.CharField(
        max_length=16, choices=Motivation.choices, default=Motivation.HIGHLIGHTING
    )
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    exact = models.TextField(blank=True)
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    color = models.CharField(max_length=16, choices=Color.choices, default=Color.YELLOW)
    note = models.TextField(blank=True)
    note_html = models.TextField(blank=True, editable=False)
    # Its audience: the members of this group; None means only the author ("Only me").
    group = models.ForeignKey(
        "TeamGroup",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,  # a deleted group's annotations fall back to private
        related_name="annotations",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ANCHORED)
    # Set exactly when motivation is "identifying": the entity this passage mentions.
    entity = models.ForeignKey(
        "Entity", on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()

    # Not columns: set on the instances some pages load, and only there.
    card: SafeString  # the rendered panel card (`reader.with_cards`, `reader.shared_cards`)
    author_name: str  # the author's public name (activity feed, entity page)

    class Meta:
        ordering = ["article", "start", "id"]
        indexes = [models.Index(fields=["article", "start"], name="annotation_article_start")]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(start__isnull=True, end__isnull=True)
                    | models.Q(start__isnull=False, end__isnull=False, end__gt=models.F("start"))
                ),
                name="annotation_selector_is_a_range_or_absent",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(motivation="identifying", entity__isnull=False)
                    | (~models.Q(motivation="identifying") & models.Q(entity__isnull=True))
                ),
                name="annotation_mention_has_an_entity",
            ),
        ]

    def __str__(self) -> str:
        return self.exact[:60] or self.note[:60] or f"annotation {self.pk}"

    def get_absolute_url(self) -> str:
        return f"{self.article.get_absolute_url()}#annotation-{self.pk}"

    @property
    def is_page_note(self) -> bool:
        return self.start is None and self.entity_id is None

    @property
    def is_mention(self) -> bool:
        return self.entity_id is not None

    @property
    def is_private(self) -> bool:
        return self.group_id is None

    @property
    def is_orphaned(self) -> bool:
        return self.status == self.Status.ORPHANED
