"""The search bench's raw-SQL findings: what each part of a search costs in PostgreSQL.

Job: until `articles.search` exists (or with `bench/search.py --findings`), add the search
columns migration 0008 plans to the scratch database (a stored generated tsvector per
article, weights A title, B byline and site, C body, in the article's own language's
configuration; one per annotation, quote and note; GIN indexes) and time, for each query
of the bench, the pieces a search page is made of and the cheaper ways to get each:
counting the matches, ranking them for the first page, `ts_headline` for that page, the
annotations that match, and one statement that does it all the recommended way.

The query language is parsed here only as far as the bench needs (words, "phrases",
-exclusions, trailing-* prefixes, and the qualifiers site, entity, by, color, has:notes,
before, after); it is not the application's parser.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from common import p95

if TYPE_CHECKING:
    from collections.abc import Callable

PAGE_SIZE = 20
# The recommended ranking: at most this many matches (the newest) are ranked by relevance.
RANK_POOL = 500
HEADLINE_CHARS = 2000
HEADLINE_OPTIONS = "MaxFragments=2, MinWords=8, MaxWords=25"
QUALIFIERS = {"site", "entity", "by", "color", "has", "before", "after"}
_TOKEN = re.compile(r'(\w+):("[^"]*"|\S+)|"[^"]*"|\S+')

CONFIG = (
    "(CASE language WHEN 'en' THEN 'english'::regconfig WHEN 'ru' THEN 'russian'::regconfig"
    " WHEN 'el' THEN 'greek'::regconfig ELSE 'simple'::regconfig END)"
)
VECTOR = (
    f"setweight(to_tsvector({CONFIG}, title), 'A') || "
    f"setweight(to_tsvector({CONFIG}, byline || ' ' || site_name), 'B') || "
    f"setweight(to_tsvector({CONFIG}, body_text), 'C')"
)

LEGEND = f"""columns (median ms, warm):
  matches      articles matching, as alice sees them
  count        SELECT count(*) of the matches, planner left to itself
  count≤1001   the count stopped at 1,001 ("1,000+ results")
  rank all     ORDER BY ts_rank_cd(sv, q) DESC LIMIT {PAGE_SIZE} over every match
               (a query of qualifiers only: newest first)
  headline     ts_headline of the page's {PAGE_SIZE} rows, whole body_text, default options
  hl {HEADLINE_CHARS}c     ts_headline of left(body_text, {HEADLINE_CHARS}), '{HEADLINE_OPTIONS}'
  notes        alice's visible annotations matching (quote + note), newest {PAGE_SIZE}
  recommended  one statement: the matches (GIN bitmap; enable_seqscan off with words), count,
               the newest {RANK_POOL:,} ranked by ts_rank_cd, the page with hl {HEADLINE_CHARS}c
  facets       site and year counts over the matches (a second statement)"""


@dataclass
class Sql:
    """One query of the search box as SQL: a tsquery expression (or none) and filters."""

    tsquery: str = ""
    tsquery_params: list[Any] = field(default_factory=list)
    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    # The qualifiers on annotations alone (articles_annotation n), and whether any other.
    on_annotations: list[str] = field(default_factory=list)
    on_annotation_params: list[Any] = field(default_factory=list)
    on_articles: bool = False
    viewer: list[Any] = field(default_factory=list)  # [user id, group ids]

    def condition(self) -> tuple[str, list[Any]]:
        """The WHERE clause over articles_article a, and its parameters."""
        parts, params = list(self.where), list(self.params)
        if self.tsquery:
            parts.insert(0, f"a.sv @@ ({self.tsquery})")
            params = self.tsquery_params + params
        return " AND ".join(parts) or "true", params


def _config_for(text: str) -> str:
    """The query's configuration, from its script: vectors are made per language."""
    if re.search(r"[\u0400-\u04ff]", text):
        return "russian"
    if re.search(r"[\u0370-\u03ff]", text):
        return "greek"
    return "english"


def _ids(cursor: Any, statement: str, *params: Any) -> list[int]:
    cursor.execute(statement, params)
    return [i for (i,) in cursor.fetchall()]


def _qualify(cursor: Any, sql: Sql, key: str, value: str, viewer: list[Any]) -> None:
    """Add one qualifier. Those on annotations become `a.id IN (SELECT n.article_id ...)`
    with the person or entity looked up first, as ids: given `entity_id = ANY(ids)` the
    planner estimates well and drives from the side with fewer rows. (With the names
    inside, or an EXISTS per article, it walked every article newest first: 160 ms, not 1.)
    """
    if key == "site":
        sql.where.append("a.site_name = %s")
        sql.params.append(value.lower().removeprefix("www."))
        sql.on_articles = True
        return
    if key in {"before", "after"}:
        sql.where.append(f"a.published_at {'<' if key == 'before' else '>='} %s::date")
        sql.params.append(value)
        sql.on_articles = True
        return
    param: Any = value
    if key == "by":
        condition = "n.author_id = ANY(%s)"
        param = _ids(cursor, "SELECT id FROM auth_user WHERE username = %s", value)
    elif key == "entity":
        condition = "n.entity_id = ANY(%s)"
        param = _ids(
            cursor,
            "SELECT e.id FROM articles_entity e WHERE (e.private_to_id IS NULL OR"
            " e.private_to_id = %s) AND (lower(e.name) = lower(%s) OR e.id IN"
            " (SELECT x.entity_id FROM articles_entityalias x WHERE lower(x.name) = lower(%s)))",
            viewer[0],
            value,
            value,
        )
    elif key == "color":
        condition = "n.color = %s"
    else:  # has:notes
        condition = "n.note <> '' AND %s = 'notes'"
    sql.where.append(
        "a.id IN (SELECT n.article_id FROM articles_annotation n"
        f" WHERE (n.author_id = %s OR n.group_id = ANY(%s)) AND {condition})"
    )
    sql.params.extend([*viewer, param])
    sql.on_annotations.append(condition)
    sql.viewer = viewer
    sql.on_annotation_params.append(param)


def to_sql(cursor: Any, query: str, user_id: int, group_ids: list[int]) -> Sql:
    sql = Sql()
    words, prefixes = [], []
    for m in _TOKEN.finditer(query):
        key = (m.group(1) or "").lower()
        if key in QUALIFIERS:
            _qualify(cursor, sql, key, m.group(2).strip('"'), [user_id, group_ids])
        elif m.group(0).endswith("*") and m.group(0)[:-1].isalnum():
            prefixes.append(m.group(0)[:-1].lower())
        else:
            words.append(m.group(0))
    text = " ".join(words)
    parts = []
    if text:
        parts.append("websearch_to_tsquery(%s::regconfig, %s)")
        sql.tsquery_params += [_config_for(text), text]
    for prefix in prefixes:
        parts.append("to_tsquery('simple', %s)")
        sql.tsquery_params.append(f"{prefix}:*")
    sql.tsquery = " && ".join(parts)
    return sql


def add_vectors(cursor: Any) -> dict[str, float]:
    """The search columns as 0008 plans them, and the indexes the findings recommend."""
    steps = [
        (
            "to_tsvector of every article (CPU only; a tenth, times ten)",
            f"SELECT sum(length({VECTOR})) FROM articles_article WHERE id % 10 = 0",
        ),
        (
            "ADD COLUMN sv tsvector GENERATED ALWAYS AS (...) STORED (rewrites the table)",
            (
                "ALTER TABLE articles_article ADD COLUMN sv tsvector"
                f" GENERATED ALWAYS AS ({VECTOR}) STORED"
            ),
        ),
        (
            "CREATE INDEX ... USING gin (sv)",
            "CREATE INDEX article_sv ON articles_article USING gin (sv)",
        ),
        (
            "annotation sv (quote + note), STORED",
            (
                "ALTER TABLE articles_annotation ADD COLUMN sv tsvector GENERATED ALWAYS AS"
                " (to_tsvector('english', exact || ' ' || note)) STORED"
            ),
        ),
        (
            "annotation GIN index",
            "CREATE INDEX annotation_sv ON articles_annotation USING gin (sv)",
        ),
        (
            (
                "article (published_at); annotation (color) INCLUDE (article_id, author_id,"
                " group_id, created_at)"
            ),
            (
                "CREATE INDEX article_published ON articles_article (published_at);"
                " CREATE INDEX annotation_color ON articles_annotation (color)"
                " INCLUDE (article_id, author_id, group_id, created_at)"
            ),
        ),
        ("VACUUM ANALYZE", "VACUUM ANALYZE articles_article, articles_annotation"),
    ]
    took = {}
    for name, statement in steps:
        start = time.perf_counter()
        cursor.execute(statement)
        took[name] = time.perf_counter() - start
    took[steps[0][0]] *= 10
    return took


class Timer:
    """Runs a statement after a warm-up and keeps the median of `runs` timings."""

    def __init__(self, cursor: Any, runs: int) -> None:
        self.cursor, self.runs = cursor, runs

    def __call__(self, statement: str, params: list[Any]) -> tuple[float, list[tuple]]:
        rows: list[tuple] = []
        times = []
        for i in range(self.runs + 1):
            start = time.perf_counter()
            self.cursor.execute(statement, params)
            rows = self.cursor.fetchall()
            if i:  # the first run warms the cache
                times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times), rows


def recommended(sql: Sql, page: int) -> tuple[str, list[Any]]:
    """The page the recommended way, in one statement: (id, total, headline) rows.

    The matches come from the GIN bitmap alone (id and date: no tsvector is read unless
    the query has a phrase, which needs a recheck); ts_rank_cd, which must read (detoast)
    each vector, runs only on the newest RANK_POOL of them, so every match is ranked below
    that size and cost stays flat above it; ts_headline reads only the start of the body.
    Run it with enable_seqscan off when there are words: the planner does not price the
    detoasting, and for a common word prefers a sequential scan that reads every vector
    (10x slower). Without words it would only cost a full index scan, so leave it on.
    """
    if not sql.tsquery and not sql.on_articles and sql.on_annotations:
        return _annotated_articles(sql, page)
    where, params = sql.condition()
    q, qp = sql.tsquery, sql.tsquery_params
    rank = f"ts_rank_cd(a.sv, {q})" if q else "0"
    headline = f"ts_headline({CONFIG}, left(a.body_text, {HEADLINE_CHARS}), {q}, %s)" if q else "''"
    statement = f"""
        WITH m AS MATERIALIZED (
            SELECT a.id, a.published_at FROM articles_article a WHERE {where}
        ), pool AS (
            SELECT id FROM m ORDER BY published_at DESC NULLS LAST, id DESC LIMIT {RANK_POOL}
        ), page AS (
            SELECT a.id, {rank} AS rank, a.published_at FROM pool JOIN articles_article a USING (id)
            ORDER BY 2 DESC, 3 DESC NULLS LAST, 1 LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}
        )
        SELECT a.id, (SELECT count(*) FROM m), {headline} FROM page JOIN articles_article a
        USING (id) ORDER BY page.rank DESC, page.published_at DESC NULLS LAST, page.id"""
    return statement, params + qp + ([*qp, HEADLINE_OPTIONS] if q else [])


def _annotated_articles(sql: Sql, page: int) -> tuple[str, list[Any]]:
    """Qualifiers on annotations alone (color:green, by:bob): the articles by their newest
    such annotation, from an index-only scan of annotations, never touching the articles
    (ordering by publication date instead costs a join with every match, 3x slower). All
    the qualifiers then apply to one annotation: "green highlights by bob"."""
    conditions = " AND ".join(sql.on_annotations)
    statement = f"""
        WITH m AS MATERIALIZED (
            SELECT n.article_id AS id, max(n.created_at) AS seen FROM articles_annotation n
            WHERE (n.author_id = %s OR n.group_id = ANY(%s)) AND {conditions}
            GROUP BY n.article_id
        )
        SELECT id, (SELECT count(*) FROM m), '' FROM m ORDER BY seen DESC, id
        LIMIT {PAGE_SIZE} OFFSET {(page - 1) * PAGE_SIZE}"""
    return statement, [*sql.viewer, *sql.on_annotation_params]


def facets(sql: Sql) -> tuple[str, list[Any]]:
    where, params = sql.condition()
    return (
        f"""WITH m AS MATERIALIZED (
            SELECT a.site_name, a.published_at FROM articles_article a WHERE {where}
        ) SELECT 'site', site_name, count(*) FROM m GROUP BY site_name
        UNION ALL SELECT 'year', extract(year FROM published_at)::text, count(*) FROM m
        GROUP BY 2""",
        params,
    )


def _row(timer: Timer, sql: Sql, page: int, notes: Callable[[Sql], tuple[str, list]]) -> list:
    where, params = sql.condition()
    offset = (page - 1) * PAGE_SIZE
    count_ms, rows = timer(f"SELECT count(*) FROM articles_article a WHERE {where}", params)
    figures: list = [rows[0][0], count_ms]
    figures.append(
        timer(
            f"SELECT count(*) FROM (SELECT FROM articles_article a WHERE {where} LIMIT 1001) m",
            params,
        )[0]
    )
    q, qp = sql.tsquery, sql.tsquery_params
    order = f"ts_rank_cd(a.sv, {q}) DESC" if q else "a.published_at DESC NULLS LAST"
    rank_ms, rows = timer(
        f"SELECT a.id FROM articles_article a WHERE {where} ORDER BY {order}, a.id"
        f" LIMIT {PAGE_SIZE} OFFSET {offset}",
        params + qp,
    )
    figures.append(rank_ms)
    ids = [r[0] for r in rows]
    for body, options in (("a.body_text", ""), (f"left(a.body_text, {HEADLINE_CHARS})", "x")):
        if q and ids:
            figures.append(
                timer(
                    f"SELECT ts_headline({CONFIG}, {body}, {q}, %s) FROM articles_article a"
                    " WHERE a.id = ANY(%s)",
                    [*qp, HEADLINE_OPTIONS if options else "", ids],
                )[0]
            )
        else:
            figures.append(0.0)
    figures.append(timer(*notes(sql))[0] if q else 0.0)
    if q:  # see `recommended`
        timer.cursor.execute("SET enable_seqscan = off")
    figures.append(timer(*recommended(sql, page))[0])
    timer.cursor.execute("RESET enable_seqscan")
    figures.append(timer(*facets(sql))[0])
    return figures


def measure(
    cursor: Any, queries: list[tuple[str, int]], user_id: int, runs: int, explain: bool
) -> None:
    cursor.execute("SELECT group_id FROM articles_membership WHERE user_id = %s", [user_id])
    groups = [g for (g,) in cursor.fetchall()]

    def notes(sql: Sql) -> tuple[str, list]:
        return (
            (
                "SELECT n.id, n.article_id FROM articles_annotation n WHERE n.sv @@ "
                f"({sql.tsquery}) AND (n.author_id = %s OR n.group_id = ANY(%s))"
                f" ORDER BY n.created_at DESC LIMIT {PAGE_SIZE}"
            ),
            [*sql.tsquery_params, user_id, groups],
        )

    columns = ["count", "count≤1001", "rank all", "headline", f"hl {HEADLINE_CHARS}c", "notes"]
    columns += ["recommended", "facets"]
    print(LEGEND)
    print(f"\n{'query':34}{'matches':>9}" + "".join(f"{c:>12}" for c in columns))
    timer = Timer(cursor, runs)
    spread: list[list[float]] = [[] for _ in columns]
    for query, page in queries:
        sql = to_sql(cursor, query, user_id, groups)
        matches, *figures = _row(timer, sql, page, notes)
        for values, value in zip(spread, figures, strict=True):
            values.append(value)
        label = query if page == 1 else f"{query}  (page {page})"
        print(f"{label:34}{matches:>9,}" + "".join(f"{v:>12.1f}" for v in figures))
    print(f"{'p95 over the queries':43}" + "".join(f"{p95(v):>12.1f}" for v in spread))
    if explain:
        for query in ("government", "putin -pyongyang", '"victory plan"'):
            statement, params = recommended(to_sql(cursor, query, user_id, groups), 1)
            cursor.execute("SET enable_seqscan = off")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", params)
            plan = cursor.fetchall()
            cursor.execute("RESET enable_seqscan")
            print(f"\nEXPLAIN (ANALYZE, BUFFERS) recommended, {query!r}:")
            print("\n".join(f"  {line}" for (line,) in plan))


def vector_sizes(cursor: Any) -> None:
    cursor.execute(
        "SELECT pg_size_pretty(sum(pg_column_size(sv))), avg(pg_column_size(sv))::int,"
        " pg_size_pretty(sum(pg_column_size(body_text))), avg(word_count)::int,"
        " percentile_disc(0.5) WITHIN GROUP (ORDER BY word_count), max(word_count)"
        " FROM articles_article"
    )
    sv, sv_avg, body, words, median, longest = cursor.fetchone()
    print(
        f"\ntsvector column sv: {sv} stored (mean {sv_avg:,} bytes an article, TOASTed, "
        f"barely compressible); body_text: {body} stored; words an article: mean {words:,}, "
        f"median {median:,}, longest {longest:,}"
    )
