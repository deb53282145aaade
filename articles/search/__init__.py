"""One search across articles, highlights, page notes and entities (issue 7).

How a search runs, in a fixed number of queries whatever the corpus:
1. `query.parse` splits the box into words and qualifiers, and hints at what it ignored.
2. The text-search configurations in use are read with a skip scan (one per language).
3. One statement finds every hit: articles whose stored `search_vector` matches
   `websearch_to_tsquery(<the article's configuration>, words)`, annotations the user may
   see likewise, entities by folded name or alias prefix; it ranks them with `ts_rank_cd`
   (normalised to 0..1, so kinds interleave: a title match outranks a body match by its
   weight), takes the page, counts every kind, and tallies the facets, in one round trip.
4. The page's rows are loaded, and `snippets` makes their highlighted excerpts.

Permissions: an annotation is a hit, or counted in any facet, only when
`Annotation.objects.visible_to(user)` holds for it (own, or shared with one of the user's
groups); the SQL below states that rule once, in `_VISIBLE`. Entities follow
`Entity.objects.visible_to`. Every value is a query parameter.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Prefetch, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from articles.models import Annotation, Article, Entity, Label
from articles.search import snippets
from articles.search.query import KINDS, WORD, Query, fold, is_domain, parse

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

PAGE_SIZE = 20
FACET_SIZE = 8
MAX_PAGE = 500

__all__ = ["PAGE_SIZE", "Result", "SearchResult", "parse", "run"]


@dataclass
class Result:
    kind: str  # article, highlight, note, entity
    rank: float
    obj: Any
    snippet: str = ""  # safe HTML: escaped text with <mark> around matched words
    note_snippet: str = ""
    url: str = ""
    color_label: str = ""


@dataclass
class SearchResult:
    query: Query
    page: int = 1
    results: list[Result] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    has_next: bool = False

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def run(user: AbstractBaseUser, raw: str, page: int = 1) -> SearchResult:
    query = parse(raw)
    result = SearchResult(query=query, page=min(max(page, 1), MAX_PAGE))
    if query.is_empty or not user.is_authenticated:
        return result
    plan = _Plan(query, user)
    if plan.nothing:
        return result
    row = plan.execute((result.page - 1) * PAGE_SIZE)
    result.counts = {kind: row["counts"].get(kind, 0) for kind in KINDS}
    result.total = sum(result.counts.values())
    result.facets = _facets(query, row)
    hits = row["page"] or []
    result.has_next = len(hits) > PAGE_SIZE
    result.results = _load(hits[:PAGE_SIZE], user, query)
    if not result.total and query.text and plan.only_stop_words:
        query.hints.append(
            "Your search has only very common words, which are not indexed; add a more "
            "specific word."
        )
    return result


# The one visibility rule of `AnnotationQuerySet.visible_to`, for a signed-in user.
_STATE = (
    "SELECT 1 FROM articles_articlestate s WHERE s.article_id = {t}.id AND s.user_id = %(user)s"
)
_STATE_SQL = {
    "read": f"EXISTS ({_STATE} AND s.read_at IS NOT NULL)",
    "unread": f"NOT EXISTS ({_STATE} AND (s.read_at IS NOT NULL OR s.archived_at IS NOT NULL))",
    "favourite": f"EXISTS ({_STATE} AND s.favourite_at IS NOT NULL)",
    "archived": f"EXISTS ({_STATE} AND s.archived_at IS NOT NULL)",
}

_VISIBLE = """({t}.author_id = %(user)s OR {t}.group_id IN (
    SELECT group_id FROM articles_membership WHERE user_id = %(user)s))"""

_CONFIGS = """
WITH RECURSIVE c(cfg) AS (
  (SELECT search_config FROM articles_article ORDER BY search_config LIMIT 1)
  UNION ALL
  SELECT (SELECT search_config FROM articles_article WHERE search_config > c.cfg
          ORDER BY search_config LIMIT 1)
  FROM c WHERE c.cfg IS NOT NULL
)
SELECT cfg::text, numnode(websearch_to_tsquery(cfg, %s)) > 0 FROM c WHERE cfg IS NOT NULL
"""


class _Plan:
    """The SQL for one query and user: which kinds to look for, and their conditions."""

    def __init__(self, query: Query, user: AbstractBaseUser) -> None:
        self.query = query
        self.params: dict[str, Any] = {"user": user.pk, "text": query.text}
        self.nothing = False
        self.only_stop_words = False
        self.configs: list[str] = []
        if query.text:
            with connection.cursor() as cursor:
                cursor.execute(_CONFIGS, [query.text])
                found = cursor.fetchall()
            self.configs = [cfg for cfg, has_lexemes in found if has_lexemes]
            self.only_stop_words = bool(found) and not self.configs
            if not self.configs and not self._entity_terms():
                self.nothing = True
                return
        self.params["configs"] = self.configs
        self.kinds = self._kinds()
        self._resolve_people_and_entities(user)

    def _entity_terms(self) -> list[str]:
        return self.query.prefix_terms()

    def _kinds(self) -> list[str]:
        query = self.query
        kinds = set(query.kinds) or set(KINDS)
        if query.annotations_only:
            kinds &= {"highlight", "note"}
        if query.filtered or not self._entity_terms():
            kinds.discard("entity")
        if not query.text:
            kinds.discard("entity")
        return [k for k in KINDS if k in kinds]

    def _resolve_people_and_entities(self, user: AbstractBaseUser) -> None:
        self._resolve_authors()
        self._resolve_entities(user)
        self._resolve_labels()
        self.nothing |= not self.kinds

    def _resolve_authors(self) -> None:
        query = self.query
        if query.authors:
            named = Q()
            for author in query.authors:
                named |= Q(username__iexact=author)
            found = {
                name.casefold(): pk
                for pk, name in get_user_model().objects.filter(named).values_list("pk", "username")
            }
            for name in query.authors:
                if name.casefold() not in found:
                    query.hints.append(f"No one here is called “{name}”.")
            self.params["authors"] = list(found.values())
            self.nothing |= not found

    def _resolve_entities(self, user: AbstractBaseUser) -> None:
        query = self.query
        if query.entity_names:
            entities: set[int] = set()
            for name in query.entity_names:
                matched = _entities_named(name, user)
                if not matched:
                    query.hints.append(f"No entity is called “{name}”.")
                entities |= matched
            self.params["entities"] = sorted(entities)
            self.nothing |= not entities

    def _resolve_labels(self) -> None:
        query = self.query
        if query.labels:
            wanted = {label.casefold() for label in query.labels}
            known = set(
                Label.objects.annotate(folded=Lower("name"))
                .filter(folded__in=wanted)
                .values_list("folded", flat=True)
            )
            for label in query.labels:
                if label.casefold() not in known:
                    query.hints.append(f"No label is called “{label}”.")
                    self.nothing = True

    # --- SQL -----------------------------------------------------------------------------

    def _article_filters(self, table: str = "a") -> list[str]:
        query, where = self.query, []
        if query.sites:
            hosts = [s for s in query.sites if is_domain(s)]
            self.params["hosts"] = hosts
            self.params["subdomains"] = ["%." + h.replace("_", r"\_") for h in hosts]
            self.params["site_names"] = [s.casefold() for s in query.sites]
            where.append(
                f"({table}.site_host = ANY(%(hosts)s) OR {table}.site_host LIKE ANY(%(subdomains)s)"
                f" OR lower({table}.site_name) = ANY(%(site_names)s))"
            )
        if query.labels:
            self.params["labels"] = [label.casefold() for label in query.labels]
            where.extend(  # each label must be on the article
                "EXISTS (SELECT 1 FROM articles_articlelabel al JOIN articles_label l "
                f"ON l.id = al.label_id WHERE al.article_id = {table}.id "
                f"AND lower(l.name) = (%(labels)s::text[])[{i + 1}])"
                for i in range(len(query.labels))
            )
        where.extend(_STATE_SQL[state].format(t=table) for state in sorted(query.states))
        if query.entity_names:
            visible = _VISIBLE.format(t="m")
            where.append(
                "EXISTS (SELECT 1 FROM articles_annotation m WHERE m.article_id = "
                f"{table}.id AND m.entity_id = ANY(%(entities)s) AND {visible})"
            )
        return where

    def _dates(self, column: str) -> list[str]:
        where = []
        if self.query.after:
            self.params["after"] = self.query.after
            where.append(f"{column} >= %(after)s")
        if self.query.before:
            self.params["before"] = self.query.before
            where.append(f"{column} < %(before)s")
        return where

    def _articles_sql(self) -> str:
        date = "coalesce(a.published_at, a.created_at)"
        where = [*self._article_filters(), *self._dates(date)]
        if self.query.text:
            source = (
                "q JOIN articles_article a ON a.search_config = q.cfg AND a.search_vector @@ q.tsq"
            )
            rank = "ts_rank_cd(a.search_vector, q.tsq, 32)"
        else:
            source, rank = "articles_article a", "0"
        return f"""
        SELECT 'article' AS kind, a.id, a.id AS article_id, {rank}::float8 AS rank,
               {date} AS date, NULL::text AS color, NULL::int AS author_id
        FROM {source} {_where(where)}"""

    def _annotations_sql(self) -> str:
        query = self.query
        where = [
            "n.motivation <> 'identifying'",
            _VISIBLE.format(t="n"),
            *self._article_filters(),
            *self._dates("n.created_at"),
        ]
        kinds = [k for k in ("highlight", "note") if k in self.kinds]
        if kinds == ["highlight"]:
            where.append("n.start IS NOT NULL")
        elif kinds == ["note"]:
            where.append("n.start IS NULL")
        if query.authors:
            where.append("n.author_id = ANY(%(authors)s)")
        if query.colors:
            self.params["colors"] = query.colors
            where.append("n.color = ANY(%(colors)s)")
        if query.has_notes:
            where.append("n.note <> ''")
        if query.text:
            source = (
                "q JOIN articles_annotation n ON n.search_config = q.cfg "
                "AND n.search_vector @@ q.tsq"
            )
            rank = "ts_rank_cd(n.search_vector, q.tsq, 32)"
        else:
            source, rank = "articles_annotation n", "0"
        needs_article = query.sites or query.entity_names or query.labels or query.states
        join = " JOIN articles_article a ON a.id = n.article_id" if needs_article else ""
        return f"""
        SELECT CASE WHEN n.start IS NULL THEN 'note' ELSE 'highlight' END, n.id,
               n.article_id, {rank}::float8, n.created_at, n.color, n.author_id
        FROM {source}{join} {_where(where)}"""

    def _entities_sql(self) -> str:
        terms = self._entity_terms()
        self.params["prefix"] = _prefix_query(terms)
        self.params["folded"] = " ".join(terms)
        return """
        SELECT 'entity', e.id, NULL::bigint,
               (CASE WHEN newsroom_fold(e.name) = %(folded)s THEN 1.0
                     WHEN bool_or(hit.exact) THEN 0.95 ELSE 0.6 END)::float8,
               e.updated_at, NULL::text, NULL::int
        FROM (
          SELECT id AS entity_id, false AS exact FROM articles_entity
          WHERE search_vector @@ to_tsquery('pg_catalog.simple', %(prefix)s)
          UNION ALL
          SELECT entity_id, newsroom_fold(name) = %(folded)s FROM articles_entityalias
          WHERE search_vector @@ to_tsquery('pg_catalog.simple', %(prefix)s)
        ) hit JOIN articles_entity e ON e.id = hit.entity_id
        WHERE (e.private_to_id IS NULL OR e.private_to_id = %(user)s)
        GROUP BY e.id"""

    def execute(self, offset: int) -> dict[str, Any]:
        parts = []
        if "article" in self.kinds:
            parts.append(self._articles_sql())
        if {"highlight", "note"} & set(self.kinds):
            parts.append(self._annotations_sql())
        if "entity" in self.kinds:
            parts.append(self._entities_sql())
        self.params["offset"] = offset
        self.params["limit"] = PAGE_SIZE + 1
        self.params["facet_size"] = FACET_SIZE
        union = " UNION ALL ".join(parts)
        sql = f"""
        WITH q AS (
          SELECT cfg, websearch_to_tsquery(cfg, %(text)s) AS tsq
          FROM unnest(%(configs)s::regconfig[]) AS cfg
        ),
        hits(kind, id, article_id, rank, date, color, author_id)
          AS MATERIALIZED ({union})
        SELECT
          (SELECT json_agg(p) FROM (
             SELECT kind, id, rank FROM hits
             ORDER BY rank DESC, date DESC NULLS LAST, kind, id
             LIMIT %(limit)s OFFSET %(offset)s) p) AS page,
          (SELECT coalesce(json_object_agg(kind, n), '{{}}') FROM (
             SELECT kind, count(*) AS n FROM hits GROUP BY kind) c) AS counts,
          {_FACETS}"""
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            columns = [c.name for c in cursor.description]
            values = cursor.fetchone()
        return {c: _json(v) for c, v in zip(columns, values, strict=True)}


_FACETS = """
(SELECT json_agg(f) FROM (
   SELECT a.site_host AS value, max(a.site_name) AS label, count(*) AS n
   FROM hits h JOIN articles_article a ON a.id = h.article_id
   WHERE a.site_host IS NOT NULL
   GROUP BY a.site_host ORDER BY n DESC, a.site_host LIMIT %(facet_size)s) f) AS sites,
(SELECT json_agg(f) FROM (
   SELECT e.name AS value, e.kind AS label, count(DISTINCT m.article_id) AS n
   FROM articles_annotation m JOIN articles_entity e ON e.id = m.entity_id
   WHERE m.article_id IN (SELECT article_id FROM hits WHERE article_id IS NOT NULL)
     AND m.entity_id IS NOT NULL AND (m.author_id = %(user)s OR m.group_id IN (
       SELECT group_id FROM articles_membership WHERE user_id = %(user)s))
     AND (e.private_to_id IS NULL OR e.private_to_id = %(user)s)
   GROUP BY e.id, e.name, e.kind ORDER BY n DESC, e.name LIMIT %(facet_size)s) f) AS entities,
(SELECT json_agg(f) FROM (
   SELECT l.name AS value, l.name AS label, count(DISTINCT al.article_id) AS n
   FROM articles_articlelabel al JOIN articles_label l ON l.id = al.label_id
   WHERE al.article_id IN (SELECT article_id FROM hits WHERE article_id IS NOT NULL)
   GROUP BY l.id, l.name ORDER BY n DESC, l.name LIMIT %(facet_size)s) f) AS labels,
(SELECT json_agg(f) FROM (
   SELECT u.username AS value, u.username AS label, count(*) AS n
   FROM hits h JOIN auth_user u ON u.id = h.author_id
   GROUP BY u.username ORDER BY n DESC, u.username LIMIT %(facet_size)s) f) AS authors,
(SELECT json_agg(f) FROM (
   SELECT color AS value, color AS label, count(*) AS n FROM hits
   WHERE color IS NOT NULL GROUP BY color ORDER BY n DESC, color) f) AS colors,
(SELECT json_agg(f) FROM (
   SELECT extract(year FROM date)::int AS value, count(*) AS n FROM hits
   WHERE date IS NOT NULL AND kind <> 'entity'
   GROUP BY 1 ORDER BY 1 DESC LIMIT 12) f) AS years
"""


def _where(conditions: list[str]) -> str:
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _prefix_query(terms: list[str]) -> str:
    """A tsquery text in which every term (letters and digits only) starts a word."""
    return " & ".join(f"'{t}':*" for t in terms)


def _entities_named(name: str, user: AbstractBaseUser) -> set[int]:
    """The visible entities called `name` or with it as an alias, ignoring case and
    accents; failing that, those whose name or an alias starts with it."""
    wanted = " ".join(fold(name).split())
    terms = WORD.findall(wanted)
    if not terms:
        return set()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT e.id, bool_or(hit.name = %(wanted)s), bool_or(starts_with(hit.name, %(wanted)s))
            FROM (
              SELECT id AS entity_id, newsroom_fold(name) AS name FROM articles_entity
              WHERE search_vector @@ to_tsquery('pg_catalog.simple', %(prefix)s)
              UNION ALL
              SELECT entity_id, newsroom_fold(name) FROM articles_entityalias
              WHERE search_vector @@ to_tsquery('pg_catalog.simple', %(prefix)s)
            ) hit JOIN articles_entity e ON e.id = hit.entity_id
            WHERE e.private_to_id IS NULL OR e.private_to_id = %(user)s
            GROUP BY e.id
            """,
            {"wanted": wanted, "prefix": _prefix_query(terms), "user": user.pk},
        )
        rows = cursor.fetchall()
    exact = {pk for pk, is_exact, _ in rows if is_exact}
    return exact or {pk for pk, _, starts in rows if starts}


def _facets(query: Query, row: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    def entries(key: str, facet: str) -> list[dict[str, Any]]:
        out = []
        for item in row.get(key) or []:
            value = str(item["value"])
            active = any(
                q.key == facet and q.value.casefold() == value.casefold() for q in query.qualifiers
            )
            out.append({
                "value": value,
                "label": item.get("label") or value,
                "count": item["n"],
                "active": active,
                "q": query.adding(facet, value),
            })  # fmt: skip
        return out

    facets = {
        "site": entries("sites", "site"),
        "entity": entries("entities", "entity"),
        "label": entries("labels", "label"),
        "by": entries("authors", "by"),
        "color": entries("colors", "color"),
    }
    years = []
    for item in row.get("years") or []:
        year = int(item["value"])
        first, next_first = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
        years.append({
            "value": str(year), "label": str(year), "count": item["n"],
            "active": query.after == first and query.before == next_first,
            "q": query.between(first, next_first),
        })  # fmt: skip
    facets["year"] = years
    return facets


def _load(hits: list[dict[str, Any]], user: AbstractBaseUser, query: Query) -> list[Result]:
    """The page's rows in rank order, each with its snippet and the link to its place."""
    ids: dict[str, list[int]] = {"article": [], "annotation": [], "entity": []}
    for hit in hits:
        ids["annotation" if hit["kind"] in {"highlight", "note"} else hit["kind"]].append(hit["id"])
    articles = (
        Article.objects.defer("body_html")
        .with_state(user)
        .with_labels()
        .annotate(search_config=RawSQL("articles_article.search_config::text", ()))
        .in_bulk(ids["article"])
        if ids["article"]
        else {}
    )
    annotations = (
        Annotation.objects.select_related("article", "author", "group")
        .only(
            "id", "start", "end", "exact", "note", "color", "group", "created_at",
            "article__id", "article__title", "article__site_name", "article__language",
            "author__id", "author__username", "author__first_name", "author__last_name",
            "group__name", "group__id",
        )
        .annotate(search_config=RawSQL("articles_annotation.search_config::text", ()))
        .in_bulk(ids["annotation"])
        if ids["annotation"]
        else {}
    )  # fmt: skip
    entities = (
        Entity.objects.visible_to(user)
        .with_mention_counts(user)
        .prefetch_related(Prefetch("aliases"))
        .in_bulk(ids["entity"])
        if ids["entity"]
        else {}
    )
    results = []
    for hit in hits:
        kind, pk = hit["kind"], hit["id"]
        obj = (
            articles.get(pk)
            if kind == "article"
            else entities.get(pk)
            if kind == "entity"
            else annotations.get(pk)
        )
        if obj is not None:  # deleted since the search ran
            results.append(Result(kind=kind, rank=hit["rank"], obj=obj))
    snippets.fill(results, query)
    return results
