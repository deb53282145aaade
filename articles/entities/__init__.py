"""Entities and their mentions: the gazetteer, suggestions, tagging, and curation.

A mention is an annotation with motivation "identifying" and an entity; it has the same
selectors, visibility and re-anchoring as a highlight (see articles.annotations). This
module decides what to suggest in an article and performs every entity write.

Invariants:
- Suggestions never overlap a mention the viewer can see, and a text rejected in an
  article (case-insensitively) is not suggested there again.
- Known-entity suggestions come from one Aho-Corasick pass over the article with every
  name and alias in the library (`matching.Gazetteer`), rebuilt only when an entity or
  alias changed (`_gazetteer_version`), never from one query per entity.
- Every write that touches more than one row (tag with a new entity, tag all, accept,
  merge) runs in one transaction: it happens whole or not at all.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from articles import annotations as annotating
from articles.entities.candidates import find_in_headline, scan_body
from articles.entities.matching import Gazetteer, Match, fold, leftmost_longest
from articles.models import Annotation, Article, Entity, EntityAlias, RejectedSuggestion

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import AbstractBaseUser

    from articles.models import TeamGroup

__all__ = [
    "EntityError",
    "Suggestion",
    "accept",
    "add_alias",
    "create_entity",
    "gazetteer",
    "merge",
    "occurrences",
    "publish",
    "reject",
    "remove_alias",
    "suggest",
    "tag",
    "tag_all",
    "update_entity",
]


class EntityError(ValueError):
    """The request cannot be done; the message says why, in one line."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A place where the article may mention an entity.

    `where` is "text" for the body (start and end are body_text offsets), or "title" /
    "related" for a name found only outside the body (no offsets; accepting it makes a
    page-level mention).
    """

    text: str
    start: int | None
    end: int | None
    kind: Literal["known", "candidate"]
    entity_id: int | None = None
    where: Literal["text", "title", "related"] = "text"

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "kind": self.kind,
        }
        if self.entity_id is not None:
            data["entity_id"] = self.entity_id
        if self.where != "text":
            data["where"] = self.where
        return data


# --- the gazetteer ------------------------------------------------------------------

_cache: dict[str, tuple[tuple, Gazetteer]] = {}
_cache_lock = threading.Lock()


def _gazetteer_version() -> tuple:
    """Changes whenever an entity or alias is added, changed or removed (one query)."""
    entity, alias = Entity._meta.db_table, EntityAlias._meta.db_table  # noqa: SLF001
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {entity}), (SELECT max(updated_at) FROM {entity}), "  # noqa: S608 - table names from the models, no user input
            f"(SELECT count(*) FROM {alias}), (SELECT max(id) FROM {alias})"
        )
        return tuple(cursor.fetchone())


@functools.lru_cache(maxsize=256)
def _known_in(version: tuple, user_id: int | None, text: str) -> tuple[Match, ...]:
    """Known names in `text` for this user: the team's entities and their own private
    ones; remembered per gazetteer version, user and text."""
    found = gazetteer(version).find(text)
    private = _private_gazetteer(version, user_id)
    if private is not None:
        found = leftmost_longest([*found, *private.find(text)])
    return tuple(found)


@functools.lru_cache(maxsize=256)
def _private_gazetteer(version: tuple, user_id: int | None) -> Gazetteer | None:  # noqa: ARG001 - the cache key
    if user_id is None:
        return None
    names = list(Entity.objects.filter(private_to_id=user_id).values_list("pk", "name"))
    if not names:
        return None
    aliases = EntityAlias.objects.filter(entity__private_to_id=user_id)
    return Gazetteer(names + list(aliases.values_list("entity_id", "name")))


def gazetteer(version: tuple | None = None) -> Gazetteer:
    """Every name and alias of the team's entities, as one automaton; cached per process.
    (Private entities are matched for their owner only, by `_private_gazetteer`.)"""
    if version is None:
        version = _gazetteer_version()
    cached = _cache.get("all")
    if cached and cached[0] == version:
        return cached[1]
    with _cache_lock:
        team = Entity.objects.filter(private_to__isnull=True)
        names = list(team.values_list("pk", "name"))
        aliases = EntityAlias.objects.filter(entity__private_to__isnull=True)
        names += list(aliases.values_list("entity_id", "name"))
        built = Gazetteer(names)
        _cache["all"] = (version, built)
    return built


def _names_of(entity: Entity, extra: Iterable[str] = ()) -> Gazetteer:
    names = [(entity.pk, entity.name)]
    names += [(entity.pk, alias.name) for alias in entity.aliases.all()]
    names += [(entity.pk, form) for form in extra if form.strip()]
    return Gazetteer(names)


# --- suggestions --------------------------------------------------------------------


class _Covered:
    """Which characters of a text are already claimed; an overlap test costs one scan of
    the range, not one comparison per claimed span."""

    def __init__(self, length: int, spans: Iterable[tuple[int, int]]) -> None:
        self._marks = bytearray(length + 1)
        for start, end in spans:
            self._marks[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._marks.find(1, start, end) != -1


def _headlines(article: Article) -> list[tuple[Literal["title", "related"], str]]:
    lines: list[tuple[Literal["title", "related"], str]] = [("title", article.title)]
    lines += [("related", link.get("title", "")) for link in article.related_links or []]
    return [(where, line) for where, line in lines if line]


def suggest(
    article: Article,
    user: AbstractBaseUser | None,
    visible: Iterable[Annotation] | None = None,
) -> list[Suggestion]:
    """What the article may mention and the viewer has not tagged, in text order; known
    entities first where a name is both. With no user, every mention counts as tagged.

    `visible` is the article's annotations the user can see, when the caller has them.
    """
    if visible is None:
        everyone = Annotation.objects.all()
        annotations = everyone if user is None else everyone.visible_to(user)
        visible = annotations.filter(article=article, entity__isnull=False)
    mentions = [(a.start, a.end, a.entity_id, a.exact) for a in visible if a.entity_id]
    taken = [(s, e) for s, e, _, _ in mentions if s is not None]
    page_level = {fold(exact) for s, _, _, exact in mentions if s is None}
    page_level |= {entity_id for s, _, entity_id, _ in mentions if s is None}
    rejected = set(article.rejected_suggestions.values_list("text", flat=True))
    text = article.body_text

    version = _gazetteer_version()
    user_id = user.pk if user is not None and user.is_authenticated else None
    known_matches = _known_in(version, user_id, text)
    tagged = _Covered(len(text), taken)
    found: list[Suggestion] = [
        Suggestion(m.text, m.start, m.end, "known", m.entity_ids[0])
        for m in known_matches
        if not tagged.overlaps(m.start, m.end) and fold(m.text) not in rejected
    ]
    claimed = _Covered(len(text), [*taken, *((m.start, m.end) for m in known_matches)])
    candidates, confirmed = scan_body(text)
    found += [
        Suggestion(c.text, c.start, c.end, "candidate")
        for c in candidates
        if not claimed.overlaps(c.start, c.end) and fold(c.text) not in rejected
    ]
    found.sort(key=lambda s: (s.start, s.end))
    found += _headline_suggestions(
        article,
        in_body=found,
        known_matches=known_matches,
        page_level=page_level,
        rejected=rejected,
        confirmed=confirmed,
        version=version,
        user_id=user_id,
    )
    return found


def _headline_suggestions(  # noqa: PLR0913 - what suggest() already knows, passed on
    article: Article,
    *,
    in_body: list[Suggestion],
    known_matches: tuple[Match, ...],
    page_level: set,
    rejected: set[str],
    confirmed: frozenset[str],
    version: tuple,
    user_id: int | None,
) -> list[Suggestion]:
    """Names found only in the title or related links (such as "Seoul" after a dash)."""
    seen = {fold(s.text) for s in in_body} | {fold(m.text) for m in known_matches}
    seen |= rejected | {k for k in page_level if isinstance(k, str)}
    known_ids = {m.entity_ids[0] for m in known_matches} | {
        k for k in page_level if isinstance(k, int)
    }
    found = []
    for where, line in _headlines(article):
        for match in _known_in(version, user_id, line):
            if fold(match.text) not in seen and match.entity_ids[0] not in known_ids:
                found.append(
                    Suggestion(match.text, None, None, "known", match.entity_ids[0], where)
                )
                seen.add(fold(match.text))
        for candidate in find_in_headline(line, confirmed):
            if fold(candidate.text) not in seen:
                found.append(Suggestion(candidate.text, None, None, "candidate", None, where))
                seen.add(fold(candidate.text))
    return found


def occurrences(
    article: Article, user: AbstractBaseUser, entity: Entity, extra: Iterable[str] = ()
) -> list[Match]:
    """Untagged places in the body where the entity's name, an alias or one of `extra`
    surface forms appears."""
    taken = _Covered(
        len(article.body_text),
        Annotation.objects.visible_to(user)
        .filter(article=article, entity__isnull=False, start__isnull=False)
        .values_list("start", "end"),
    )
    return [
        m
        for m in _names_of(entity, extra).find(article.body_text)
        if not taken.overlaps(m.start, m.end)
    ]


# --- writes -------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise EntityError("An entity needs a name.")
    if len(name) > Entity.NAME_MAX_CHARS:
        raise EntityError(f"A name can have at most {Entity.NAME_MAX_CHARS} characters.")
    return name


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
    user: AbstractBaseUser | None = None,
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


def _entity_for(
    entity: Entity | None, name: str, kind: str, user: AbstractBaseUser, *, private: bool
) -> Entity:
    if entity is None:
        return create_entity(name, kind, user, private=private)
    return entity if private else publish(entity)


def _maybe_alias(entity: Entity, surface: str, *, wanted: bool, private: bool) -> None:
    """Remember the tagged words as an alias, unless that would tell the team something
    about a private mention (an alias of a team entity is seen by everyone)."""
    surface = " ".join(surface.split())
    if private and entity.private_to_id is None:
        return
    if wanted and surface and fold(surface) != fold(entity.name):
        add_alias(entity, surface, quiet=True)


@dataclass(frozen=True, slots=True)
class Tagged:
    mention: Annotation
    others: int  # untagged occurrences left in the article (names, aliases, this form)


def tag(  # noqa: PLR0913 - one argument per field of the tag form
    article: Article,
    user: AbstractBaseUser,
    *,
    start: int,
    end: int,
    quote: str,
    entity: Entity | None = None,
    name: str = "",
    kind: str = "",
    note: str = "",
    visibility: str = Annotation.Visibility.SHARED,
    group: TeamGroup | None = None,
    add_as_alias: bool = False,
) -> Tagged:
    """Mark the selected passage as a mention of `entity`, or of a new one."""
    private = visibility == Annotation.Visibility.PRIVATE
    with transaction.atomic():
        chosen = _entity_for(entity, name or quote, kind, user, private=private)
        try:
            mention = annotating.create(
                article,
                user,
                start=start,
                end=end,
                quote=quote,
                note=note,
                visibility=visibility,
                group=group,
                entity=chosen,
            )
        except annotating.AnnotationError as exc:
            raise EntityError(str(exc)) from exc
        _maybe_alias(chosen, mention.exact, wanted=add_as_alias, private=private)
    others = occurrences(article, user, chosen, [mention.exact])
    return Tagged(mention, len(others))


def tag_all(  # noqa: PLR0913 - what to tag, and where the mentions go
    article: Article,
    user: AbstractBaseUser,
    entity: Entity,
    *,
    forms: Iterable[str] = (),
    visibility: str = Annotation.Visibility.SHARED,
    group: TeamGroup | None = None,
) -> list[Annotation]:
    """Tag every untagged occurrence of the entity's names, aliases and `forms`."""
    try:
        with transaction.atomic():
            Article.objects.select_for_update().filter(pk=article.pk).first()
            if visibility != Annotation.Visibility.PRIVATE:
                entity = publish(entity)
            return [
                annotating.create(
                    article,
                    user,
                    start=m.start,
                    end=m.end,
                    quote=m.text,
                    visibility=visibility,
                    group=group,
                    entity=entity,
                )
                for m in occurrences(article, user, entity, forms)
            ]
    except annotating.AnnotationError as exc:
        raise EntityError(str(exc)) from exc


def accept(  # noqa: PLR0913 - the fields of the accept form
    article: Article,
    user: AbstractBaseUser,
    *,
    text: str,
    entity: Entity | None = None,
    name: str = "",
    kind: str = "",
    visibility: str = Annotation.Visibility.SHARED,
    group: TeamGroup | None = None,
) -> list[Annotation]:
    """Accept the suggestion `text`: every place it is suggested becomes a mention."""
    key = fold(" ".join(text.split()))
    if not key:
        raise EntityError("Which suggestion? The form did not say.")
    current = [s for s in suggest(article, user) if fold(s.text) == key]
    if not current:
        raise EntityError(f"{text[:60]!r} is no longer suggested in this article.")
    try:
        return _accept(article, user, current, entity, name, kind, visibility, group)
    except annotating.AnnotationError as exc:
        raise EntityError(str(exc)) from exc


def _accept(  # noqa: PLR0913, PLR0917 - accept()'s checked arguments, passed on
    article: Article,
    user: AbstractBaseUser,
    current: list[Suggestion],
    entity: Entity | None,
    name: str,
    kind: str,
    visibility: str,
    group: TeamGroup | None,
) -> list[Annotation]:
    with transaction.atomic():
        if entity is None and current[0].entity_id is not None and not name:
            entity = Entity.objects.get(pk=current[0].entity_id)
        private = visibility == Annotation.Visibility.PRIVATE
        chosen = _entity_for(
            entity, name or current[0].text, kind or Entity.Kind.OTHER, user, private=private
        )
        _maybe_alias(chosen, current[0].text, wanted=True, private=private)
        made = []
        for s in current:
            if s.start is None:
                made.append(
                    annotating.create_page_mention(
                        article,
                        user,
                        entity=chosen,
                        text=s.text,
                        visibility=visibility,
                        group=group,
                    )
                )
            else:
                made.append(
                    annotating.create(
                        article,
                        user,
                        start=s.start,
                        end=s.end or s.start,
                        quote=s.text,
                        visibility=visibility,
                        group=group,
                        entity=chosen,
                    )
                )
        return made


def reject(article: Article, user: AbstractBaseUser, text: str) -> None:
    key = fold(" ".join(text.split()))[: Entity.NAME_MAX_CHARS]
    if not key:
        raise EntityError("Which suggestion? The form did not say.")
    RejectedSuggestion.objects.get_or_create(
        article=article, text=key, defaults={"rejected_by": user}
    )


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
