"""Watchlists: what a person watches (an entity, a label, a saved search), what they were
told about (a notification per article and watch, made once), and how they want to hear
(the notifications page only, or an e-mail digest daily or at once).

What matches and who is told is `articles.watchlists`; who may see a watch is its owner
alone (`articles.permissions`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Watch(models.Model):
    class Kind(models.TextChoices):
        ENTITY = "entity", "Entity"
        LABEL = "label", "Label"
        SEARCH = "search", "Saved search"

    QUERY_MAX_CHARS = 500
    NAME_MAX_CHARS = 80

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    entity = models.ForeignKey(
        "Entity", null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    label = models.ForeignKey(
        "Label", null=True, blank=True, on_delete=models.CASCADE, related_name="watches"
    )
    # A saved search: the search box's words and qualifiers, as typed, and a name for it.
    query = models.CharField(max_length=QUERY_MAX_CHARS, blank=True)
    name = models.CharField(max_length=NAME_MAX_CHARS, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="entity", entity__isnull=False, label__isnull=True, query="")
                    | Q(kind="label", label__isnull=False, entity__isnull=True, query="")
                    | (Q(kind="search", entity__isnull=True, label__isnull=True) & ~Q(query=""))
                ),
                name="watch_one_target",
            ),
            models.UniqueConstraint(
                fields=["user", "entity"], condition=Q(kind="entity"), name="watch_entity_once"
            ),
            models.UniqueConstraint(
                fields=["user", "label"], condition=Q(kind="label"), name="watch_label_once"
            ),
            models.UniqueConstraint(
                fields=["user", "query"], condition=Q(kind="search"), name="watch_search_once"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "entity"], name="watch_kind_entity"),
            models.Index(fields=["kind", "label"], name="watch_kind_label"),
        ]

    def __str__(self) -> str:
        return f"{self.user} watches {self.subject}"

    @property
    def subject(self) -> str:
        """What is watched, as a person reads it: the entity's or label's name, the search's
        name or its words."""
        if self.kind == self.Kind.ENTITY and self.entity is not None:
            return self.entity.name
        if self.kind == self.Kind.LABEL and self.label is not None:
            return self.label.name
        return self.name or self.query


class Notification(models.Model):
    """One article one watch brought to its owner, made once however often it is matched
    (a feed polled twice, an article labelled again)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="notifications")
    article = models.ForeignKey("Article", on_delete=models.CASCADE, related_name="+")
    # Why, in words: "mentions Vladimir Putin", "labelled Ukraine by bob", "matches “…”".
    reason = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["watch", "article"], name="notification_once"),
        ]
        indexes = [
            models.Index(
                fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
            models.Index(
                fields=["user", "created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notification_unsent",
            ),
            models.Index(fields=["user", "-created_at"], name="notification_user_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: article {self.article_id} {self.reason}"


class Digest(models.TextChoices):
    OFF = "off", "No e-mail (the notifications page only)"
    DAILY = "daily", "A daily digest"
    INSTANT = "instant", "At once, as articles arrive"


class WatchSettings(models.Model):
    """How one person hears of their notifications. Made when first changed; a person
    without one gets no e-mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watch_settings"
    )
    digest = models.CharField(max_length=8, choices=Digest.choices, default=Digest.OFF)
    # When the last digest went out: the daily one waits a day after it.
    digest_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "watch settings"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_digest_display()}"
