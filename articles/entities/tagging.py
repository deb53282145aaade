"""Tagging: mark a passage as a mention of an entity, tag every occurrence, accept or
reject a suggestion.

A mention is an annotation with motivation "identifying" and an entity; it has the same
selectors, audience and re-anchoring as a highlight (`articles.annotations`). Every write
that touches more than one row (tag with a new entity, tag all, accept) runs in one
transaction: it happens whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.db import transaction

from articles import annotations as annotating
from articles import sharing
from articles.entities.curation import add_alias, create_entity, publish
from articles.entities.matching import fold
from articles.entities.suggestions import Suggestion, occurrences, suggest
from articles.errors import EntityError
from articles.models import Annotation, Article, Entity, RejectedSuggestion

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User

    from articles.sharing import Audience, Named


def _entity_for(
    entity: Entity | None, name: str, kind: str, user: User, *, private: bool
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
    entity: Entity  # the mention's
    others: int  # untagged occurrences left in the article (names, aliases, this form)


def tag(  # noqa: PLR0913 - one argument per field of the tag form
    article: Article,
    user: User,
    *,
    start: int,
    end: int,
    quote: str,
    entity: Entity | None = None,
    name: str = "",
    kind: str = "",
    note: str = "",
    audience: Audience | Literal[Named.EVERYONE] = sharing.EVERYONE,
    add_as_alias: bool = False,
) -> Tagged:
    """Mark the selected passage as a mention of `entity`, or of a new one."""
    private = audience is None
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
                audience=audience,
                entity=chosen,
            )
        except annotating.AnnotationError as exc:
            raise EntityError(str(exc)) from exc
        _maybe_alias(chosen, mention.exact, wanted=add_as_alias, private=private)
    others = occurrences(article, user, chosen, [mention.exact])
    return Tagged(mention, chosen, len(others))


def tag_all(
    article: Article,
    user: User,
    entity: Entity,
    *,
    forms: Iterable[str] = (),
    audience: Audience | Literal[Named.EVERYONE] = sharing.EVERYONE,
) -> list[Annotation]:
    """Tag every untagged occurrence of the entity's names, aliases and `forms`."""
    try:
        with transaction.atomic():
            Article.objects.select_for_update().filter(pk=article.pk).first()
            if audience is not None:
                entity = publish(entity)
            return [
                annotating.create(
                    article,
                    user,
                    start=m.start,
                    end=m.end,
                    quote=m.text,
                    audience=audience,
                    entity=entity,
                )
                for m in occurrences(article, user, entity, forms)
            ]
    except annotating.AnnotationError as exc:
        raise EntityError(str(exc)) from exc


def accept(  # noqa: PLR0913 - the fields of the accept form
    article: Article,
    user: User,
    *,
    text: str,
    entity: Entity | None = None,
    name: str = "",
    kind: str = "",
    audience: Audience | Literal[Named.EVERYONE] = sharing.EVERYONE,
) -> list[Annotation]:
    """Accept the suggestion `text`: every place it is suggested becomes a mention."""
    key = fold(" ".join(text.split()))
    if not key:
        raise EntityError("Which suggestion? The form did not say.")
    current = [s for s in suggest(article, user) if fold(s.text) == key]
    if not current:
        raise EntityError(f"{text[:60]!r} is no longer suggested in this article.")
    try:
        return _accept(article, user, current, entity, name, kind, audience)
    except annotating.AnnotationError as exc:
        raise EntityError(str(exc)) from exc


def _accept(  # noqa: PLR0913, PLR0917 - accept()'s checked arguments, passed on
    article: Article,
    user: User,
    current: list[Suggestion],
    entity: Entity | None,
    name: str,
    kind: str,
    audience: Audience | Literal[Named.EVERYONE],
) -> list[Annotation]:
    with transaction.atomic():
        if entity is None and current[0].entity_id is not None and not name:
            entity = Entity.objects.get(pk=current[0].entity_id)
        private = audience is None
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
                        audience=audience,
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
                        audience=audience,
                        entity=chosen,
                    )
                )
        return made


def reject(article: Article, user: User, text: str) -> None:
    key = fold(" ".join(text.split()))[: Entity.NAME_MAX_CHARS]
    if not key:
        raise EntityError("Which suggestion? The form did not say.")
    RejectedSuggestion.objects.get_or_create(
        article=article, text=key, defaults={"rejected_by": user}
    )
