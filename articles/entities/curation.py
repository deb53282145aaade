"""Curating the gazetteer: creating entities, editing them, their aliases, merging.

Invariants:
- Names are plain text with whitespace collapsed, 1-200 characters; the team has one
  entity per name (ignoring case) and kind, and each person one private one.
- `publish` gives a private entity to the team when one of its mentions is shared,
  merging it into the team's entity of the same name and kind if there is one.
- Every write that touches more than one row (merge, alias changes) runs in one
  transaction: it happens whole or not at all.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from articles.entities.matching import fold
from articles.errors import EntityError
from articles.models import Annotation, Entity, EntityAlias
from articles.names import clean_name

if TYPE_CHECKING:
    from articles.types import Viewer


def _clean_name(name: str) -> str:
    return clean_name(
        name,
        limit=Entity.NAME_MAX_CHARS,
        error=EntityError,
        empty="An entity needs a name.",
        too_long=f"A name can have at most {Entity.NAME_MAX_CHARS} characters.",
    )


def _clean_kind(kind: str) -> str:
    if kind not in Entity.Kind.values:
        raise EntityError(f"Choose a kind: {', '.join(Entity.Kind.labels).lower()}.")
    return kind


def _clean_wikidata(value: str) -> str:
    value = value.strip()
    if value.startswith(("https://www.wikidata.org/wiki/", "http://www.wikidata.org/wiki/")):
        value = value.rsplit("/", 1)[-1]
    if value and not re.fullmatch(r"Q[1-9][0-9]*", value):
        raise EntityError(
            f"{value[:30]!r} is not a Wikidata identifier: use Q followed by digits, such as Q42."
        )
    return value


def _clean_description(text: str) -> str:
    text = text.strip()
    if len(text) > Entity.DESCRIPTION_MAX_CHARS:
        raise EntityError(
            f"A description can have at most {Entity.DESCRIPTION_MAX_CHARS:,} characters."
        )
    return text


def create_entity(
    name: str,
    kind: str,
    user: Viewer | None = None,
    *,
    description: str = "",
    private: bool = False,
) -> Entity:
    """The team's entity with this name (any case) and kind, else the user's private one,
    else a new one: the user's own while `private` (made for a private mention), the
    team's otherwise."""
    name, kind = _clean_name(name), _clean_kind(kind)
    owner = user if user is not None and user.is_authenticated else None
    same = Entity.objects.filter(kind=kind).annotate(key=Lower("name")).filter(key=name.lower())
    if found := same.filter(private_to__isnull=True).first():
        return found
    if owner is not None and (mine := same.filter(private_to=owner).first()):
        return mine if private else publish(mine)
    try:
        with transaction.atomic():
            return Entity.objects.create(
                name=name,
                kind=kind,
                description=_clean_description(description),
                created_by=owner,
                private_to=owner if private else None,
            )
    except IntegrityError:  # created meanwhile by someone else
        return same.get(private_to=owner if private else None)


def publish(entity: Entity) -> Entity:
    """Give a private entity to the team: one of its mentions is now shared. If the team
    already has an entity of that name and kind, this one is merged into it."""
    if entity.private_to_id is None:
        return entity
    try:
        with transaction.atomic():
            entity.private_to = None
            entity.save()
    except IntegrityError:
        entity.refresh_from_db()
        team = (
            Entity.objects.filter(kind=entity.kind, private_to__isnull=True)
            .annotate(key=Lower("name"))
            .get(key=entity.name.lower())
        )
        return merge(entity, team)
    return entity


def update_entity(
    entity: Entity, *, name: str, kind: str, description: str, wikidata_id: str
) -> Entity:
    entity.name = _clean_name(name)
    entity.kind = _clean_kind(kind)
    entity.description = _clean_description(description)
    entity.wikidata_id = _clean_wikidata(wikidata_id)
    try:
        with transaction.atomic():
            entity.save()
    except IntegrityError:
        raise EntityError(
            f"There is already a {entity.get_kind_display().lower()} called {entity.name!r}; "
            "merge the two instead."
        ) from None
    return entity


def add_alias(entity: Entity, name: str, *, quiet: bool = False) -> EntityAlias | None:
    """Add an alias; an alias it already has (any case) or its own name is refused,
    or skipped when `quiet`."""
    name = _clean_name(name)
    if fold(name) == fold(entity.name) or entity.aliases.filter(name__iexact=name).exists():
        if quiet:
            return None
        raise EntityError(f"{entity.name} is already known as {name!r}.")
    with transaction.atomic():
        alias = EntityAlias.objects.create(entity=entity, name=name)
        Entity.objects.filter(pk=entity.pk).update(updated_at=timezone.now())
    return alias


def remove_alias(alias: EntityAlias) -> None:
    with transaction.atomic():
        Entity.objects.filter(pk=alias.entity_id).update(updated_at=timezone.now())
        alias.delete()


def merge(loser: Entity, survivor: Entity) -> Entity:
    """Fold `loser` into `survivor`: its mentions, name and aliases move; nothing is lost."""
    if loser.pk == survivor.pk:
        raise EntityError("An entity cannot be merged into itself.")
    with transaction.atomic():
        locked = {e.pk: e for e in Entity.objects.select_for_update().filter(
            pk__in=[loser.pk, survivor.pk]
        )}  # fmt: skip
        if len(locked) != 2:
            raise EntityError("One of the two entities no longer exists.")
        loser, survivor = locked[loser.pk], locked[survivor.pk]
        if survivor.private_to_id is not None and loser.private_to_id is None:
            survivor.private_to = None  # it takes in the team's mentions: it is the team's
        Annotation.objects.filter(entity=loser).update(entity=survivor)
        known = {fold(survivor.name)} | {fold(a.name) for a in survivor.aliases.all()}
        for name in [loser.name, *(a.name for a in loser.aliases.all())]:
            if fold(name) not in known:
                EntityAlias.objects.create(entity=survivor, name=name)
                known.add(fold(name))
        if not survivor.description and loser.description:
            survivor.description = loser.description
        if not survivor.wikidata_id and loser.wikidata_id:
            survivor.wikidata_id = loser.wikidata_id
        loser.delete()
        try:
            with transaction.atomic():
                survivor.save()
        except IntegrityError:
            raise EntityError(
                f"The team already has a {survivor.get_kind_display().lower()} called "
                f"{survivor.name!r}; merge into that one instead."
            ) from None
    return survivor
