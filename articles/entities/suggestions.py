"""What an article may mention: known entities found again, and new names worth tagging.

Invariants:
- Suggestions never overlap a mention the viewer can see, and a text rejected in an
  article (case-insensitively) is not suggested there again.
- Known-entity suggestions come from one Aho-Corasick pass over the article with every
  name and alias in the library (`matching.Gazetteer`), rebuilt only when an entity or
  alias changed (`_gazetteer_version`), never from one query per entity.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.db import connection

from articles.entities.candidates import find_in_headline, scan_body
from articles.entities.matching import Gazetteer, Match, fold, leftmost_longest
from articles.models import Annotation, Article, Entity, EntityAlias
from articles.permissions import visible_annotations

if TYPE_CHECKING:
    from collections.abc import Iterable

    from articles.types import Viewer


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

# The entity and alias tables' counts and latest changes (`_gazetteer_version`).
type GazetteerVersion = tuple[object, ...]

_cache: dict[str, tuple[GazetteerVersion, Gazetteer]] = {}
_cache_lock = threading.Lock()


def _gazetteer_version() -> GazetteerVersion:
    """Changes whenever an entity or alias is added, changed or removed (one query)."""
    entity, alias = Entity._meta.db_table, EntityAlias._meta.db_table  # noqa: SLF001
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT count(*) FROM {entity}), (SELECT max(updated_at) FROM {entity}), "  # noqa: S608 - table names from the models, no user input
            f"(SELECT count(*) FROM {alias}), (SELECT max(id) FROM {alias})"
        )
        return tuple(cursor.fetchone())


@functools.lru_cache(maxsize=256)
def _known_in(version: GazetteerVersion, user_id: int | None, text: str) -> tuple[Match, ...]:
    """Known names in `text` for this user: the team's entities and their own private
    ones; remembered per gazetteer version, user and text."""
    found = gazetteer(version).find(text)
    private = _private_gazetteer(version, user_id)
    if private is not None:
        found = leftmost_longest([*found, *private.find(text)])
    return tuple(found)


@functools.lru_cache(maxsize=256)
def _private_gazetteer(version: GazetteerVersion, user_id: int | None) -> Gazetteer | None:  # noqa: ARG001 - the cache key
    if user_id is None:
        return None
    names = list(Entity.objects.filter(private_to_id=user_id).values_list("pk", "name"))
    if not names:
        return None
    aliases = EntityAlias.objects.filter(entity__private_to_id=user_id)
    return Gazetteer(names + list(aliases.values_list("entity_id", "name")))


def gazetteer(version: GazetteerVersion | None = None) -> Gazetteer:
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

    def __init__(self, length: int, spans: Iterable[tuple[int | None, int | None]]) -> None:
        self._marks = bytearray(length + 1)
        for start, end in spans:
            # Offsets as stored: a start always has an end (the annotation's check
            # constraint); a mention without a passage claims no characters.
            if start is not None and end is not None:
                self._marks[start:end] = b"\x01" * (end - start)

    def overlaps(self, start: int, end: int) -> bool:
        return self._marks.find(1, start, end) != -1


def _headlines(article: Article) -> list[tuple[Literal["title", "related"], str]]:
    lines: list[tuple[Literal["title", "related"], str]] = [("title", article.title)]
    lines += [("related", link.get("title", "")) for link in article.related_links or []]
    return [(where, line) for where, line in lines if line]


def suggest(
    article: Article,
    user: Viewer | None,
    visible: Iterable[Annotation] | None = None,
) -> list[Suggestion]:
    """What the article may mention and the viewer has not tagged, in text order; known
    entities first where a name is both. With no user, every mention counts as tagged.

    `visible` is the article's annotations the user can see, when the caller has them.
    """
    if visible is None:
        everyone = Annotation.objects.all()
        annotations = everyone if user is None else visible_annotations(user)
        visible = annotations.filter(article=article, entity__isnull=False)
    mentions = [(a.start, a.end, a.entity_id, a.exact) for a in visible if a.entity_id]
    taken = [(s, e) for s, e, _, _ in mentions if s is not None]
    page_level: set[str | int] = {fold(exact) for s, _, _, exact in mentions if s is None}
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
    page_level: set[str | int],
    rejected: set[str],
    confirmed: frozenset[str],
    version: GazetteerVersion,
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
    article: Article, user: Viewer, entity: Entity, extra: Iterable[str] = ()
) -> list[Match]:
    """Untagged places in the body where the entity's name, an alias or one of `extra`
    surface forms appears."""
    taken = _Covered(
        len(article.body_text),
        visible_annotations(user)
        .filter(article=article, entity__isnull=False, start__isnull=False)
        .values_list("start", "end"),
    )
    return [
        m
        for m in _names_of(entity, extra).find(article.body_text)
        if not taken.overlaps(m.start, m.end)
    ]


# --- writes -------------------------------------------------------------------------
