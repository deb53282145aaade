"""Entities: the team's gazetteer of people, organisations, places and events.

Mentions are annotations with motivation "identifying"; who may see an entity, and who may
merge or delete one, is decided in `articles.permissions`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Self, TypedDict

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone

from articles.models.articles import Article

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from articles.models.annotations import Annotation


class MentionCount(TypedDict):
    """What `EntityQuerySet.with_mention_counts` adds to an entity (None: no mention)."""

    mention_count: int | None


# Generic in the model so that the annotations of `.annotate()` survive its methods.
class EntityQuerySet[M: Entity](models.QuerySet[M]):
    def matching(self, query: str) -> Self:
        """Entities whose name or an alias contains `query`, ignoring case."""
        query = query.strip()
        if not query:
            return self
        return self.filter(
            models.Q(name__icontains=query)
            | models.Exists(
                EntityAlias.objects.filter(entity=models.OuterRef("pk"), name__icontains=query)
            )
        )

    def with_mention_counts(
        self, mentions: models.QuerySet[Annotation]
    ) -> EntityQuerySet[WithAnnotations[Entity, MentionCount]]:
        """Annotate `mention_count`: how many of `mentions` (the ones the viewer may see,
        from `permissions.visible_annotations`) name each entity, so a private mention of
        someone else is never counted."""
        counted = mentions.filter(entity=models.OuterRef("pk")).order_by().values("entity")
        return self.annotate(
            mention_count=models.Subquery(
                counted.annotate(n=models.Count("pk")).values("n"),
                output_field=models.IntegerField(),
            )
        )


class Entity(models.Model):
    """A person, organisation, place, event or other thing the team tags in articles.

    Entities are shared by the whole team (the gazetteer), except one made from a private
    mention, which stays its creator's (`private_to`) until a mention of it is shared.
    Mentions are annotations with motivation "identifying", visible by their own rule.
    `name` and `description` are plain text, escaped wherever they are shown.
    """

    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANISATION = "organisation", "Organisation"
        PLACE = "place", "Place"
        EVENT = "event", "Event"
        OTHER = "other", "Other"

    NAME_MAX_CHARS = 200
    DESCRIPTION_MAX_CHARS = 2000

    name = models.CharField(max_length=NAME_MAX_CHARS)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX_CHARS)
    wikidata_id = models.CharField(
        "Wikidata identifier",
        max_length=20,
        blank=True,
        validators=[
            RegexValidator(
                r"^Q[1-9][0-9]*$",
                "A Wikidata identifier is Q followed by digits, such as Q42.",
            )
        ],
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set while the entity exists only through its creator's private mentions: nobody else
    # sees it, its name or its aliases. Its first shared mention gives it to the team.
    private_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Bumped whenever the entity or its aliases change: the gazetteer's cache key.
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entities"
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "kind",
                "private_to",
                nulls_distinct=False,
                name="entity_name_kind_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("entity", kwargs={"pk": self.pk})

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class EntityAlias(models.Model):
    """Another name an entity goes by ("Putin" for "Vladimir Putin")."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=Entity.NAME_MAX_CHARS)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "entity aliases"
        ordering = [Lower("name"), "id"]
        constraints = [
            models.UniqueConstraint("entity", Lower("name"), name="entity_alias_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class RejectedSuggestion(models.Model):
    """A suggested mention the team declined in one article: not offered there again.

    Keyed by the surface text, lower-cased, so every occurrence of it is declined.
    """

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="rejected_suggestions"
    )
    text = models.CharField(max_length=Entity.NAME_MAX_CHARS)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint("article", "text", name="rejected_suggestion_unique"),
        ]

    def __str__(self) -> str:
        return self.text
