"""Sharing: groups, per-person preferences, share links and the audit log of moves.

Behaviour lives in `articles.sharing`; who may see what in `articles.permissions`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from articles.models.annotations import Annotation
from articles.models.articles import Article


class TeamGroup(models.Model):
    """A group of colleagues annotations are shared with ("Politics desk", "Fact-check").

    Exactly one group is the default, "Everyone": every user is made a member when the
    account is created (and again at sign-in, should a membership ever be missing).
    """

    name = models.CharField(max_length=80, unique=True)
    is_default = models.BooleanField(default=False, editable=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="team_groups", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    DEFAULT_NAME = "Everyone"

    class Meta:
        verbose_name = "group"
        ordering = ["-is_default", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="teamgroup_one_default",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    group = models.ForeignKey(TeamGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="membership_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.group}"


class Preference(models.Model):
    """What a person last chose in the reader. No row: share with Everyone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    # None means "Only me" (a deleted group therefore falls back to private, never wider).
    default_group = models.ForeignKey(
        TeamGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Reading preferences, applied by the server before the first paint (no flash) and
    # followed on every device the person signs in on. Empty/None: the browser's own.
    theme = models.CharField(
        max_length=5,
        blank=True,
        choices=[("", "Follow the system"), ("light", "Light"), ("dark", "Dark")],
    )
    text_scale = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    # The reader's typography (articles.preferences: FONTS, WIDTHS, LEADINGS); "" is the
    # default (serif, about 65 characters a line, 1.7 line height).
    font = models.CharField(max_length=8, blank=True)
    line_width = models.CharField(max_length=8, blank=True)
    line_height = models.CharField(max_length=8, blank=True)

    TEXT_SCALES = (0.8, 1.6)  # the range the reader's A−/A+ buttons move in

    def __str__(self) -> str:
        return f"preferences of {self.user}"


class AudienceChange(models.Model):
    """The audit log: an annotation moved to another group or made private (or back)."""

    annotation = models.ForeignKey(
        Annotation, null=True, on_delete=models.SET_NULL, related_name="audience_changes"
    )
    annotation_ref = models.PositiveBigIntegerField(
        help_text="The annotation's id, kept after deletion."
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Names as they were, so the log still reads right after a group is renamed or deleted.
    from_audience = models.CharField(max_length=80)
    to_audience = models.CharField(max_length=80)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"annotation {self.annotation_ref}: {self.from_audience} → {self.to_audience}"


class ShareLink(models.Model):
    """/s/<token>/: one article with a chosen set of shared annotations, read-only.

    The token is 192 random bits from `secrets`, so it cannot be guessed; a revoked or
    expired link answers exactly like a token that never existed.
    """

    class Scope(models.TextChoices):
        MINE = "mine", "My annotations"
        GROUP = "group", "Everything shared with a group"

    class Audience(models.TextChoices):
        COLLEAGUES = "colleagues", "Signed-in colleagues only"
        ANYONE = "anyone", "Anyone with the link (read-only)"

    token = models.CharField(max_length=64, unique=True, editable=False)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="share_links")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="share_links"
    )
    scope = models.CharField(max_length=8, choices=Scope.choices, default=Scope.MINE)
    group = models.ForeignKey(
        TeamGroup, null=True, blank=True, on_delete=models.CASCADE, related_name="share_links"
    )
    audience = models.CharField(
        max_length=12, choices=Audience.choices, default=Audience.COLLEAGUES
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    view_count = models.PositiveIntegerField(default=0)
    last_viewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scope="mine", group__isnull=True)
                    | models.Q(scope="group", group__isnull=False)
                ),
                name="sharelink_group_iff_group_scope",
            ),
        ]

    def __str__(self) -> str:
        return f"share link to {self.article}"

    def get_absolute_url(self) -> str:
        return reverse("share_link", kwargs={"token": self.token})

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired

    @property
    def description(self) -> str:
        if self.scope == self.Scope.GROUP and self.group is not None:
            return f"Everything shared with {self.group.name}"
        return "My annotations"
