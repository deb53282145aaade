"""The SQL of one search: which kinds to look for, their conditions, one statement.

Permissions: an annotation is a hit, or counted in any facet, only when
`permissions.visible_annotations(user)` holds for it, and an entity only when
`permissions.visible_entities(user)` does: the conditions are those querysets compiled
(`permissions.annotation_sql`, `permissions.entity_sql`), never written here.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q

from articles import permissions
from articles.search import limits, sql
from articles.search.facets import grouped
from articles.search.query import KINDS, WORD, Query, fold, is_domain, unquoted

if TYPE_CHECKING:
    from articles.types import Viewer


class Plan:
    """The SQL for one query and user: which kinds to look for, and their conditions."""

    def __init__(self, query: Query, user: Viewer) -> None:
        self.query = query
        self.user = user
        self.params: dict[str, Any] = {"user": user.pk, "text": query.text}
        self.nothing = False
        self.only_stop_words = False
        self.among: list[int] | None = None  # only these articles (`articles_among`)
        # The query parsed in each configuration in use, grouped where they agree:
        # {tsquery text: [configurations]}. Most words read the same in every language,
        # and then one index scan, with no condition on the configuration, does.
        self.groups: dict[str, list[str]] = {}
        self.every_config = True
        if query.text:
            with connection.cursor() as cursor:
                cursor.execute(sql.CONFIGS, [query.text])
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

    def _resolve_people_and_entities(self, user: Viewer) -> None:
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

    def _resolve_entities(self, user: Viewer) -> None:
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
                    LEFT JOIN articles_label l ON {sql.UNQUOTED.format("l.name")} = lower(t.name)
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
        query = self.query
        # Never an article in the trash (a look at its partial index).
        trashed = (
            f"NOT EXISTS (SELECT 1 FROM articles_article t WHERE t.id = {article_id} "
            "AND t.deleted_at IS NOT NULL)"
        )
        where = [trashed]
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
        where.extend(sql.STATE_SQL[state].format(id=article_id) for state in sorted(query.states))
        if query.entity_names:
            visible = permissions.annotation_sql(self.user, "m", self.params)
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
        """Without words (qualifiers only) the newest limits.HIT_CAP + 1 rows, read in date order
        from an index where there is one: a filter alone can match most of the library,
        and then "more than limits.HIT_CAP" is all the count says."""
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
        if self.among is not None:
            self.params["among"] = self.among
            where.append("s.article_id = ANY(%(among)s)")
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
            permissions.annotation_sql(self.user, "n", self.params),
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
        visible = permissions.entity_sql(self.user, "e", self.params)
        return f"""
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
        WHERE {visible}
        GROUP BY e.id"""

    def articles_among(self, ids: list[int]) -> set[int]:
        """Which of the articles `ids` the query finds (a watched search asking about the
        articles that just arrived): one statement, on the same conditions as `execute`."""
        if self.nothing or "article" not in self.kinds or not ids:
            return set()
        self.among = list(ids)
        self.params["hit_cap"] = len(self.among)
        statement = (
            f"SELECT m.id FROM ({self._articles_sql()}) "
            "AS m(kind, id, article_id, rank, date, color, author_id, site)"
        )
        with connection.cursor() as cursor:
            cursor.execute(statement, self.params)
            return {found for (found,) in cursor.fetchall()}

    def execute(self, offset: int) -> dict[str, Any]:
        parts = []
        if "article" in self.kinds:
            parts.append(self._articles_sql())
        if {"highlight", "note"} & set(self.kinds):
            parts.append(self._annotations_sql())
        if "entity" in self.kinds:
            parts.append(self._entities_sql())
        self.params["offset"] = offset
        self.params["limit"] = limits.PAGE_SIZE + 1
        self.params["facet_size"] = limits.FACET_SIZE
        self.params["rank_limit"] = limits.RANK_LIMIT
        self.params["facet_sample"] = limits.FACET_SAMPLE
        self.params["hit_cap"] = limits.HIT_CAP
        union = " UNION ALL ".join(parts)
        facets_sql = sql.FACETS.format(
            mention_visible=permissions.annotation_sql(self.user, "m", self.params),
            entity_visible=permissions.entity_sql(self.user, "e", self.params),
        )
        ordered = (
            sql.RANKED.format(article=self.tsquery("s"), annotation=self.tsquery("n"))
            if self.groups
            else sql.BY_DATE
        )
        statement = f"""
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
          {facets_sql}"""
        with connection.cursor() as cursor:
            cursor.execute(statement, self.params)
            columns = [c.name for c in cursor.description]
            values = cursor.fetchone()
        row = {c: _json(v) for c, v in zip(columns, values, strict=True)}
        row.update(grouped(row.pop("groups") or []))
        return row


def _where(conditions: list[str]) -> str:
    return ("WHERE " + " AND ".join(conditions)) if conditions else ""


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _prefix_query(terms: list[str]) -> str:
    """A tsquery text in which every term (letters and digits only) starts a word."""
    return " & ".join(f"'{t}':*" for t in terms)


def _entities_named(name: str, user: Viewer) -> set[int]:
    """The visible entities called `name` or with it as an alias, ignoring case and
    accents; failing that, those whose name or an alias starts with it."""
    wanted = fold(unquoted(name))
    terms = WORD.findall(wanted)
    if not terms:
        return set()
    folded = sql.UNQUOTED.format("newsroom_fold(name)")
    params = {"wanted": wanted, "prefix": _prefix_query(terms)}
    visible = permissions.entity_sql(user, "e", params)
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
            WHERE {visible}
            GROUP BY e.id
            """,
            params,
        )
        rows = cursor.fetchall()
    exact = {pk for pk, is_exact, _ in rows if is_exact}
    return exact or {pk for pk, _, starts in rows if starts}
