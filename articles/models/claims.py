"""The fact-checking desk: claims marked on passages, their evidence, verdicts and log.

A claim is an annotation (motivation `assessing`), so it has the same anchors, review
states and audience as any other; `Claim` holds what the desk adds to it. Who may see or
work a claim is `articles.permissions`; the workflow's rules are `articles.claims`.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.models.annotations import Annotation


class Claim(models.Model):
    class Status(models.TextChoices):
        TO_CHECK = "to_check", "To check"
        IN_PROGRESS = "in_progress", "In progress"
        VERDICT = "verdict", "Verdict"
        PUBLISHED = "published", "Published"
        DROPPED = "dropped", "Dropped"

    annotation = models.OneToOneField(Annotation, on_delete=models.CASCADE, related_name="claim")
    # The words claimed, as marked (the annotation's quote may be re-anchored later), and
    # their MinHash bands (`articles.claims.bands`): "seen before" looks up the claims
    # sharing a band (an index on `bands`), then compares their wording.
    text = models.TextField()
    bands = ArrayField(models.BigIntegerField(), default=list, blank=True, editable=False)
    claimant = models.ForeignKey(
        "Entity", null=True, blank=True, on_delete=models.SET_NULL, related_name="claims"
    )
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.TO_CHECK, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claims_assigned",
    )
    verdict = models.CharField(max_length=60, blank=True)  # a label of the team's scale
    rating = models.SmallIntegerField(null=True, blank=True)  # its rating, when it has one
    summary = models.TextField(blank=True)  # Markdown
    summary_html = models.TextField(blank=True, editable=False)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    verdict_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # The earlier claim this one repeats, when the desk linked them (seen before): one
    # check for all of them, and each lists every article where it appears.
    repeats = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="repeated_by"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [GinIndex(fields=["bands"], name="claim_bands")]  # for `&&`
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="published") | ~models.Q(verdict=""),
                name="claim_published_has_a_verdict",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return reverse("claim", args=[self.pk])


class Evidence(models.Model):
    """Something that supports or contradicts a claim: a link, a note, or a passage of
    another article in the library (an annotation)."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports"
        CONTRADICTS = "contradicts", "Contradicts"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    stance = models.CharField(max_length=12, choices=Stance.choices)
    url = models.URLField(max_length=2000, blank=True)
    note = models.TextField(blank=True)
    annotation = models.ForeignKey(
        Annotation, null=True, blank=True, on_delete=models.CASCADE, related_name="evidence_for"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(url="", note="", annotation__isnull=True),
                name="evidence_is_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_stance_display()}: {self.url or self.note[:60] or self.annotation}"


class ClaimEvent(models.Model):
    """One change to a claim, kept for good: who, when, what, from, to."""

    class Field(models.TextChoices):
        MARKED = "marked", "Marked"
        STATUS = "status", "Status"
        ASSIGNEE = "assignee", "Assignee"
        CLAIMANT = "claimant", "Claimant"
        VERDICT = "verdict", "Verdict"
        SUMMARY = "summary", "Summary"
        EVIDENCE = "evidence", "Evidence"
        SIGN_OFF = "sign_off", "Sign-off"
        REPEATS = "repeats", "Seen before"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    field = models.CharField(max_length=12, choices=Field.choices)
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_field_display()}: {self.before!r} → {self.after!r}"
