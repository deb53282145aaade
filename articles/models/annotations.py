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
    # An assertion ("Verified claim", "False") says something about the very words: a
    # changed annotation in this colour stops showing it until someone reviews it.
    asserts = models.BooleanField(
        default=False,
        verbose_name="is an assertion",
        help_text="The colour states something about the words (for example “Verified "
        "claim”): when the text changes under it, it shows “needs re-check” instead.",
    )

    class Meta:
        verbose_name = "colour label"

    def __str__(self) -> str:
        return (
            f"{self.get_color_display()}: {self.label}" if self.label else self.get_color_display()
        )

    @classmethod
    def legend(cls) -> list[tuple[str, str, str]]:
        """(color, name, label) for every colour of the palette, in palette order."""
        return cls.palette()[0]

    @classmethod
    def assertive(cls) -> frozenset[str]:
        """The colours an administrator marked as assertions."""
        return cls.palette()[1]

    @classmethod
    def palette(cls) -> tuple[list[tuple[str, str, str]], frozenset[str]]:
        """The legend and the assertive colours, from one query."""
        rows = list(cls.objects.values_list("color", "label", "asserts"))
        labels = {color: label for color, label, _ in rows}
        assertive = frozenset(color for color, _, asserts in rows if asserts)
        return [(value, name, labels.get(value, "")) for value, name in Color.choices], assertive


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
        ASSESSING = "assessing", "Claim"  # the fact-checking desk's: see models.claims

    class Status(models.TextChoices):
        """Where it stands on the current text, against the words it was written on."""

        ANCHORED = "anchored", "Unchanged"  # on its original words (maybe moved)
        CHANGED = "changed", "Changed"  # on words that differ from the original
        ORPHANED = "orphaned", "Orphaned"  # no place on the current text

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
    # The words it was written on (or last reviewed on), kept for good: re-anchoring
    # changes only the current place above. `written_on` is the stored version of that
    # text, None while it is still the article's current text.
    original_exact = models.TextField(blank=True)
    original_prefix = models.CharField(max_length=64, blank=True)
    original_suffix = models.CharField(max_length=64, blank=True)
    original_start = models.PositiveIntegerField(null=True, blank=True)
    original_end = models.PositiveIntegerField(null=True, blank=True)
    original_at = models.DateTimeField(default=timezone.now)
    written_on = models.ForeignKey(
        "ArticleVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="annotations_written",
    )
    # Set exactly when motivation is "identifying": the entity this passage mentions.
    entity = models.ForeignKey(
        "Entity", on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    # From the W3C Web Annotation Protocol: the IRI that a client gave the annotation
    # (`canonical`, kept unchanged, model 3.3.6), and the IRI it is about when that is
    # not this article (an annotation made elsewhere and posted to this article's
    # container is kept as a page note about `target_iri`).
    canonical = models.CharField(max_length=2000, blank=True)
    target_iri = models.CharField(max_length=2000, blank=True)
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

    @property
    def is_changed(self) -> bool:
        return self.status == self.Status.CHANGED

    @property
    def needs_review(self) -> bool:
        """Changed or orphaned: someone should look at it again."""
        return self.status != self.Status.ANCHORED

    def keep_original(self) -> None:
        """Make the current place its original: on creation and on a review."""
        self.original_exact, self.original_prefix = self.exact, self.prefix
        self.original_suffix = self.suffix
        self.original_start, self.original_end = self.start, self.end
        self.original_at = timezone.now()
        self.written_on = None


class AnnotationReview(models.Model):
    """One review of a changed or orphaned annotation: who, when, what, and the words it
    stood on before (its history)."""

    class Action(models.TextChoices):
        STILL_STANDS = "still_stands", "Still stands"
        MOVE = "move", "Moved"
        DETACH = "detach", "Detached"

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="reviews")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=16, choices=Action.choices)
    status = models.CharField(max_length=8, choices=Annotation.Status.choices)  # before it
    was_exact = models.TextField(blank=True)  # the original words before the review
    was_written_on = models.ForeignKey(
        "ArticleVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    now_exact = models.TextField(blank=True)  # the words it stands on after it

    class Meta:
        ordering = ["annotation", "at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"


class NoteChange(models.Model):
    """The audit log of notes: every change of an annotation's note, from anywhere (the
    reader, the admin), with the text before and after."""

    annotation = models.ForeignKey(
        Annotation, null=True, on_delete=models.SET_NULL, related_name="note_changes"
    )
    annotation_ref = models.PositiveBigIntegerField(
        help_text="The annotation's id, kept after deletion."
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"note of annotation {self.annotation_ref} changed {self.changed_at:%Y-%m-%d %H:%M}"
