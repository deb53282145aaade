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

from articles.models import Annotation, Article, Entity
from articles.search import snippets
from articles.search.query import (
    KINDS,
    WORD,
    Query,
    fold,
    is_domain,
    parse,
    same_value,
    unquoted,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

PAGE_SIZE = 20
HIT_CAP = 2000
FACET_SIZE = 8
RANK_LIMIT = 500
FACET_SAMPLE = 1000
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
    listed: int = 0  # matches that can be paged through: at most HIT_CAP of each kind
    more: bool = False  # qualifiers only, and more than HIT_CAP matches: total is a floor

    @property
    def pages(self) -> int:
        return max(1, -(-(self.listed or self.total) // PAGE_SIZE))


def run(user: AbstractBaseUser, raw: str, page: int = 1) -> SearchResult:
    query = parse(raw)
    result = SearchResult(query=query, page=min(max(page, 1), MAX_PAGE))
    if query.is_empty or not user.is_authenticated:
        return result
    plan = _Plan(query, user)
    if plan.nothing:
        _hint_at_stop_words(result, plan)
        return result
    row = plan.execute((result.page - 1) * PAGE_SIZE)
    result.counts = {kind: row["counts"].get(kind, 0) for kind in KINDS}
    result.total = sum(result.counts.values())
    result.listed = min(row["listed"], result.total)
    result.more = not query.text and any(
        n > HIT_CAP
        for n in (result.counts["article"], result.counts["highlight"] + result.counts["note"])
    )
    if result.more:
        result.listed = min(result.listed, HIT_CAP * 2)
        query.hints.append(
            f"More than {HIT_CAP:,} results: the newest are listed. Add a word or another "
            "filter to narrow the search."
        )
    elif result.listed < result.total:  # a common word: the newest matches are listed
        query.hints.append(
            f"{result.total:,} results: the newest {result.listed:,} are listed, ranked, "
            "and counted in the filters. Add a word or a filter (site:, before:) to narrow "
            "the search."
        )
    result.facets = _facets(query, row)
    hits = row["page"] or []
    result.has_next = len(hits) > PAGE_SIZE
    result.results = _load(hits[:PAGE_SIZE], user, query)
    _hint_at_stop_words(result, plan)
    return result


def _hint_at_stop_words(result: SearchResult, plan: _Plan) -> None:
    if not result.total and result.query.text and plan.only_stop_words:
        result.query.hints.append(
            "Your search has only very common words, which are not indexed; add a more "
            "specific word."
        )


# The one visibility rule of `AnnotationQuerySet.visible_to`, for a signed-in user.
_STATE = (
    "SELECT 1 FROM articles_articlestate st WHERE st.article_id = {id} AND st.user_id = %(user)s"
)
_STATE_SQL = {
    "read": f"EXISTS ({_STATE} AND st.read_at IS NOT NULL)",
    "unread": f"NOT EXISTS ({_STATE} AND (st.read_at IS NOT NULL OR st.archived_at IS NOT NULL))",
    "favourite": f"EXISTS ({_STATE} AND st.favourite_at IS NOT NULL)",
    "archived": f"EXISTS ({_STATE} AND st.archived_at IS NOT NULL)",
}

# A name as a qualifier's value can carry it, folded to lower case (`query.unquoted`).
_UNQUOTED = "lower(btrim(regexp_replace(replace({}, '\"', ' '), '\\s+', ' ', 'g')))"

_VISIBLE = """({t}.author_id = %(user)s OR {t}.group_id IN (
    SELECT group_id FROM articles_membership WHERE user_id = %(user)s))"""

_CONFIGS = """
WITH RECURSIVE c(cfg) AS (
  (SELECT search_config FROM articles_articlesearch ORDER BY search_config LIMIT 1)
  UNION ALL
  SELECT (SELECT search_config FROM articles_articlesearch WHERE search_config > c.cfg
          ORDER BY search_config LIMIT 1)
  FROM c WHERE c.cfg IS NOT NULL
)
SELECT cfg::text, websearch_to_tsquery(cfg, %s)::text FROM c WHERE cfg IS NOT NULL
"""


class _Plan:
    """The SQL for one query and user: which kinds to look for, and their conditions."""

    def __init__(self, query: Query, user: AbstractBaseUser) -> None:
        self.query = query
        self.params: dict[str, Any] = {"user": user.pk, "text": query.text}
        self.nothing = False
        self.only_stop_words = False
        # The query parsed in each configuration in use, grouped where they agree:
        # {tsquery text: [configurations]}. Most words read the same in every language,
        # and then one index scan, with no condition on the configuration, does.
        self.groups: dict[str, list[str]] = {}
        self.every_config = True
        if query.text:
            with connection.cursor() as cursor:
                cursor.execute(_CONFIGS, [query.text])
                found = cursor.fetchall()
            for cfg, tsquery in found:
                if tsquery:  # empty: only stop words in this language
                    self.groups.setdefault(tsquery, []).append(cfg)
            self.every_config = len(self.groups) == 1 and all(tsq for _, tsq in found)
            self.only_stop_words = bool(found) and not self.groups
            if not self.groups and not self._entity_terms():
                self.nothing = True
                return
        for i, (tsquery, configs) in enumerate(self.groups.items()):
            self.params[f"tsq{i}"] = tsquery
            self.params[f"cfgs{i}"] = configs
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
        elif not self.groups:  # only stop words: no text can match, an entity's name may
            kinds &= {"entity"}
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
        """Each `label:` as the labels it names: case folded by the database, as the
        labels' unique constraint does (Python's casefold() reads "ß" as "ss")."""
        query = self.query
        if query.labels:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"""
                    SELECT array_remove(array_agg(l.id ORDER BY l.id), NULL)
                    FROM unnest(%s::text[]) WITH ORDINALITY AS t(name, i)
                    LEFT JOIN articles_label l ON {_UNQUOTED.format("l.name")} = lower(t.name)
                    GROUP BY t.i ORDER BY t.i
                    """,
                    [[unquoted(label) for label in query.labels]],
                )
                found = [row[0] for row in cursor.fetchall()]
            for i, (label, ids) in enumerate(zip(query.labels, found, strict=True)):
                if not ids:
                    query.hints.append(f"No label is called “{label}”.")
                    self.nothing = True
                self.params[f"labels{i}"] = ids

    # --- SQL -----------------------------------------------------------------------------

    def _article_filters(self, article_id: str) -> list[str]:
        """Conditions on the article `article_id` (a column) for the article qualifiers.
        The site's host is `s.site_host`: the caller joins articles_articlesearch as s."""
        query, where = self.query, []
        if query.sites:
            # A domain matches its host and subdomains (by the reversed host, indexed:
            # "moc.semitwocsomeht.%"); anything else the site's name. All indexed.
            # One condition per value, each with one constant, so each uses its index.
            either = []
            for i, site in enumerate(query.sites):
                if is_domain(site):
                    self.params[f"host{i}"] = site
                    self.params[f"subdomain{i}"] = ("." + site)[::-1].replace("_", r"\_") + "%"
                    either.append(f"s.site_host = %(host{i})s")
                    either.append(f"reverse(s.site_host) LIKE %(subdomain{i})s")
                else:
                    self.params[f"site_name{i}"] = site
                    either.append(
                        f"{article_id} IN (SELECT id FROM articles_article "
                        f"WHERE lower(site_name) = lower(%(site_name{i})s))"
                    )
            where.append("(" + " OR ".join(either) + ")")
        if query.labels:
            where.extend(  # each label must be on the article
                "EXISTS (SELECT 1 FROM articles_articlelabel al WHERE al.article_id = "
                f"{article_id} AND al.label_id = ANY(%(labels{i})s))"
                for i in range(len(query.labels))
            )
        where.extend(_STATE_SQL[state].format(id=article_id) for state in sorted(query.states))
        if query.entity_names:
            visible = _VISIBLE.format(t="m")
            where.append(
                "EXISTS (SELECT 1 FROM articles_annotation m WHERE m.article_id = "
                f"{article_id} AND m.entity_id = ANY(%(entities)s) AND {visible})"
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

    def _matches(self, table: str) -> list[str]:
        """Conditions, one per group of configurations (each its own SELECT, joined with
        UNION ALL: an OR would make PostgreSQL read every matching row's vector again),
        that `table`'s vector matches the query parsed in the row's configuration."""
        if not self.query.text:
            return [""]
        if self.every_config:
            return [f"{table}.search_vector @@ %(tsq0)s::tsquery"]
        return [
            f"{table}.search_vector @@ %(tsq{i})s::tsquery"
            f" AND {table}.search_config = ANY(%(cfgs{i})s::regconfig[])"
            for i in range(len(self.groups))
        ]

    @staticmethod
    def _selects(
        select: str, source: str, where: list[str], matches: list[str], newest: str
    ) -> str:
        """Without words (qualifiers only) the newest HIT_CAP + 1 rows, read in date order
        from an index where there is one: a filter alone can match most of the library,
        and then "more than HIT_CAP" is all the count says."""
        if matches == [""]:
            return (
                f"({select} FROM {source} {_where(where)} "
                f"ORDER BY {newest} DESC LIMIT %(hit_cap)s + 1)"
            )
        return " UNION ALL ".join(f"{select} FROM {source} {_where([m, *where])}" for m in matches)

    def tsquery(self, table: str) -> str:
        """The query as `table`'s row reads it, for ranking."""
        if self.every_config:
            return "%(tsq0)s::tsquery"
        cases = " ".join(
            f"WHEN {table}.search_config = ANY(%(cfgs{i})s::regconfig[]) THEN %(tsq{i})s::tsquery"
            for i in range(len(self.groups))
        )
        return f"CASE {cases} END"

    def _articles_sql(self) -> str:
        where = [*self._article_filters("s.article_id"), *self._dates("s.date")]
        select = (
            "SELECT 'article' AS kind, s.article_id, s.article_id, NULL::float8 AS rank, "
            "s.date, NULL::text AS color, NULL::int AS author_id, s.site_host AS site"
        )
        return self._selects(
            select, "articles_articlesearch s", where, self._matches("s"), "s.date"
        )

    def _annotations_sql(self) -> str:
        query = self.query
        where = [
            "n.motivation <> 'identifying'",
            _VISIBLE.format(t="n"),
            *self._article_filters("n.article_id"),
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
        join = (
            " JOIN articles_articlesearch s ON s.article_id = n.article_id" if query.sites else ""
        )
        select = (
            "SELECT CASE WHEN n.start IS NULL THEN 'note' ELSE 'highlight' END AS kind, n.id, "
            "n.article_id, NULL::float8 AS rank, n.created_at AS date, n.color, n.author_id, "
            "NULL::text AS site"
        )
        return self._selects(
            select, f"articles_annotation n{join}", where, self._matches("n"), "n.created_at"
        )

    def _entities_sql(self) -> str:
        terms = self._entity_terms()
        self.params["prefix"] = _prefix_query(terms)
        self.params["folded"] = " ".join(terms)
        return """
        SELECT 'entity', e.id, NULL::bigint,
               (CASE WHEN newsroom_fold(e.name) = %(folded)s THEN 1.0
                     WHEN bool_or(hit.exact) THEN 0.95 ELSE 0.6 END)::float8,
               e.updated_at, NULL::text, NULL::int, NULL::text
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
        self.params["rank_limit"] = RANK_LIMIT
        self.params["facet_sample"] = FACET_SAMPLE
        self.params["hit_cap"] = HIT_CAP
        union = " UNION ALL ".join(parts)
        ordered = (
            _RANKED.format(article=self.tsquery("s"), annotation=self.tsquery("n"))
            if self.groups
            else _BY_DATE
        )
        sql = f"""
        WITH matched(kind, id, article_id, rank, date, color, author_id, site)
          AS MATERIALIZED ({union}),
        hits AS MATERIALIZED (
          (SELECT * FROM matched WHERE kind = 'article'
           ORDER BY date DESC, id DESC LIMIT %(hit_cap)s)
          UNION ALL
          (SELECT * FROM matched WHERE kind IN ('highlight', 'note')
           ORDER BY date DESC, id DESC LIMIT %(hit_cap)s)
          UNION ALL
          SELECT * FROM matched WHERE kind = 'entity'),
        ordered(kind, id, rank, date) AS ({ordered}),
        sample AS MATERIALIZED (
          SELECT article_id, count(*) AS hits FROM (
            SELECT article_id FROM hits WHERE article_id IS NOT NULL
            ORDER BY date DESC NULLS LAST LIMIT %(facet_sample)s) newest
          GROUP BY article_id)
        SELECT
          (SELECT json_agg(p) FROM (
             SELECT kind, id, rank FROM ordered
             ORDER BY rank DESC, date DESC NULLS LAST, kind, id
             LIMIT %(limit)s OFFSET %(offset)s) p) AS page,
          (SELECT json_build_object(
             'article', count(*) FILTER (WHERE kind = 'article'),
             'highlight', count(*) FILTER (WHERE kind = 'highlight'),
             'note', count(*) FILTER (WHERE kind = 'note'),
             'entity', count(*) FILTER (WHERE kind = 'entity')) FROM matched) AS counts,
          {_FACETS}"""
        with connection.cursor() as cursor:
            cursor.execute(sql, self.params)
            columns = [c.name for c in cursor.description]
            values = cursor.fetchone()
        row = {c: _json(v) for c, v in zip(columns, values, strict=True)}
        row.update(_grouped(row.pop("groups") or []))
        return row


# Ranking reads each match's vector (kilobytes for an article), so only the newest
# RANK_LIMIT matches of each kind are ranked; the rest follow them, newest first.
# Every hit with its rank, for ordering the list. Ranking reads each match's vector
# (kilobytes for an article), so only the newest RANK_LIMIT matches of each kind are
# ranked; older ones follow them, newest first (rank 0), found without a join as those
# after the RANK_LIMIT-th newest. Articles' and annotations' dates are never null.
_RANKED = """
  SELECT 'article', h.id, ts_rank_cd(s.search_vector, {article}, 32), h.date
  FROM (SELECT id, date FROM hits WHERE kind = 'article'
        ORDER BY date DESC, id DESC LIMIT %(rank_limit)s) h
  JOIN articles_articlesearch s ON s.article_id = h.id
  UNION ALL
  SELECT h.kind, h.id, ts_rank_cd(n.search_vector, {annotation}, 32), h.date
  FROM (SELECT kind, id, date FROM hits WHERE kind IN ('highlight', 'note')
        ORDER BY date DESC, id DESC LIMIT %(rank_limit)s) h
  JOIN articles_annotation n ON n.id = h.id
  UNION ALL
  SELECT kind, id, rank, date FROM hits WHERE kind = 'entity'
  UNION ALL
  SELECT kind, id, 0, date FROM hits WHERE kind = 'article' AND (date, id) < (
    SELECT date, id FROM hits WHERE kind = 'article'
    ORDER BY date DESC, id DESC OFFSET %(rank_limit)s - 1 LIMIT 1)
  UNION ALL
  SELECT kind, id, 0, date FROM hits WHERE kind IN ('highlight', 'note') AND (date, id) < (
    SELECT date, id FROM hits WHERE kind IN ('highlight', 'note')
    ORDER BY date DESC, id DESC OFFSET %(rank_limit)s - 1 LIMIT 1)
"""
# Without words (qualifiers only) there is nothing to rank: newest first (entities, found
# by a name of stop words alone, keep theirs).
_BY_DATE = "SELECT kind, id, coalesce(rank, 0), date FROM hits"

# Each facet counts the results its qualifier leads to: site:, entity: and label: keep an
# article's annotations with it, so they count under its site, entities and labels.
# Facets that join other tables (entities mentioned, labels) count the newest
# FACET_SAMPLE matches; the others count every match.
_FACETS = """
(SELECT json_agg(f) FROM (
   SELECT g.set, g.kind, g.site, g.color, u.username, g.year, g.n
   FROM (SELECT GROUPING(kind, site, color, author_id, year) AS set,
                kind, site, color, author_id, year, count(*) AS n FROM (
           SELECT kind, color, author_id,
                  CASE WHEN kind IN ('highlight', 'note') THEN (
                    SELECT x.site_host FROM articles_articlesearch x
                    WHERE x.article_id = hits.article_id)
                  ELSE site END AS site,
                  CASE WHEN kind <> 'entity' THEN extract(year FROM date)::int END AS year
           FROM hits) h
         GROUP BY GROUPING SETS ((kind), (site), (color), (author_id), (year))) g
   LEFT JOIN auth_user u ON u.id = g.author_id) f) AS groups,
(SELECT json_agg(f) FROM (
   SELECT e.name AS value, e.kind AS label, sum(s.hits)::int AS n
   FROM (SELECT DISTINCT m.article_id, m.entity_id FROM articles_annotation m
         WHERE m.article_id IN (SELECT article_id FROM sample)
           AND m.entity_id IS NOT NULL AND (m.author_id = %(user)s OR m.group_id IN (
             SELECT group_id FROM articles_membership WHERE user_id = %(user)s))) mentioned
   JOIN sample s ON s.article_id = mentioned.article_id
   JOIN articles_entity e ON e.id = mentioned.entity_id
   WHERE e.private_to_id IS NULL OR e.private_to_id = %(user)s
   GROUP BY e.id, e.name, e.kind ORDER BY n DESC, e.name LIMIT %(facet_size)s) f) AS entities,
(SELECT json_agg(f) FROM (
   SELECT l.name AS value, l.name AS label, sum(s.hits)::int AS n
   FROM articles_articlelabel al JOIN articles_label l ON l.id = al.label_id
   JOIN sample s ON s.article_id = al.article_id
   GROUP BY l.id, l.name ORDER BY n DESC, l.name LIMIT %(facet_size)s) f) AS labels
"""
# GROUPING() of the sets above: which column each row of "groups" counts by.
_SETS = {0b01111: "kind", 0b10111: "site", 0b11011: "color", 0b11101: "username", 0b11110: "year"}


def _grouped(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The one-scan tallies as the page wants them: counts per kind, and the facets
    counted over every hit (sites, authors, colours, years)."""
    tally: dict[str, list[tuple[Any, int]]] = {name: [] for name in _SETS.values()}
    for row in rows:
        column = _SETS.get(row["set"])
        if column and row[column] is not None:
            tally[column].append((row[column], row["n"]))

    def top(column: str, size: int | None = FACET_SIZE) -> list[dict[str, Any]]:
        ordered = sorted(tally[column], key=lambda item: (-item[1], str(item[0])))
        return [{"value": value, "label": value, "n": n} for value, n in ordered[:size]]

    listed = dict(tally["kind"])
    return {
        "listed": sum(listed.values()),
        "sites": top("site"),
        "authors": top("username"),
        "colors": top("color", None),
        "years": sorted(top("year", None), key=lambda item: -item["value"])[:12],
    }


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
    wanted = fold(unquoted(name))
    terms = WORD.findall(wanted)
    if not terms:
        return set()
    folded = _UNQUOTED.format("newsroom_fold(name)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT e.id, bool_or(hit.name = %(wanted)s), bool_or(starts_with(hit.name, %(wanted)s))
            FROM (
              SELECT id AS entity_id, {folded} AS name FROM articles_entity
              WHERE search_vector @@ to_tsquery('pg_catalog.simple', %(prefix)s)
              UNION ALL
              SELECT entity_id, {folded} FROM articles_entityalias
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
            active = any(q.key == facet and same_value(q.value, value) for q in query.qualifiers)
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
        if not dt.MINYEAR <= year < dt.MAXYEAR:  # a mistyped date; no year after it to give
            continue
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
        .annotate(
            search_config=RawSQL(
                "(SELECT search_config::text FROM articles_articlesearch "
                "WHERE article_id = articles_article.id)",
                (),
            )
        )
        .in_bulk(ids["article"])
        if ids["article"]
        else {}
    )
    annotations = (
        Annotation.objects.select_related("article", "author", "group")
        .only(
            "id", "start", "end", "exact", "note", "color", "group", "created_at", "status",
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
