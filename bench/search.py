"""`make bench`, search (issue 7): search latency over a realistic library.

Runs in a throw-away database (`newsroom_bench_search`), never the library. Builds a corpus
of generated articles and annotations (bench/searchcorpus.py; 100,000 and 200,000 by
default, `--articles` / `--annotations` or BENCH_SEARCH_ARTICLES / _ANNOTATIONS for a
quick run); its generation time is printed apart and counts for nothing.

Then, as alice, each typical query of the issue runs `BENCH_RUNS` times after a warm-up:
- through `articles.search.run(user, q, page)` and through GET /search/?q=... (the Django
  test client, signed in), median and p95 per query and over all timings, against the
  target (p95 under 50 ms); then the sizes of the search indexes and tables;
- or, while `articles.search` does not exist yet (or with `--findings`), as raw SQL over a
  generated tsvector column added here: the cost of counting the matches, of ranking them
  all for the first page, and of `ts_headline` for 20 rows, and cheaper alternatives for
  each, which is what the search module needs to decide how to query.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from typing import TYPE_CHECKING, Any

from common import p95, scratch_database, setup_django

setup_django()

import searchcorpus
import searchsql
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

if TYPE_CHECKING:
    from collections.abc import Callable

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
TARGET_MS = 50.0
SEARCH_URL = "/search/"

# (query, page): the examples, then the shapes people type.
QUERIES = [
    ("north korean troops", 1),
    ('"victory plan"', 1),
    ("putin -pyongyang", 1),
    ("putin site:themoscowtimes.com", 1),
    ('entity:"Vladimir Putin"', 1),
    ("by:alice sanctions", 1),
    ("color:green", 1),
    ("has:notes kremlin", 1),
    ("election before:2025-01-01", 1),
    ("troops after:2024-06-01", 1),
    ("government", 1),  # a common word
    ("government", 2),  # ... and its second page
    ("market", 1),
    ("sviatohirsk", 1),  # a rare word
    ("interest rates", 1),  # two words
    ("войска", 1),  # Russian
    ("zelensk*", 1),  # an entity name's prefix
    ("qwzzyxv blorft", 1),  # no results
]


def _pg_version() -> str:
    number = connection.cursor().connection.info.server_version  # e.g. 150018
    return f"{number // 10000}.{number % 100}"


def _ms(fn: Callable[[], Any], runs: int, warm: int = 2) -> tuple[list[float], Any]:
    """Timings of fn() in ms after `warm` untimed calls (warm cache), and its last result."""
    result = None
    for _ in range(warm):
        result = fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return times, result


def _label(query: str, page: int) -> str:
    return query if page == 1 else f"{query}  (page {page})"


# ---------- the harness: articles.search as the application runs it ----------


def harness(search: Any, alice: Any, runs: int) -> None:
    client = Client()
    client.force_login(alice)
    every: list[float] = []
    print(f"{'query':38} {'results':>8}  {'run() median/p95 ms':>20}  {'GET median/p95 ms':>18}")
    for query, page in QUERIES:
        times, result = _ms(lambda q=query, p=page: search.run(alice, q, page=p), runs)
        data = {"q": query} if page == 1 else {"q": query, "page": page}
        gets, response = _ms(lambda d=data: client.get(SEARCH_URL, d), runs)
        if response.status_code != 200:
            raise SystemExit(f"GET {SEARCH_URL}?{data} answered {response.status_code}")
        every += times + gets
        print(
            f"{_label(query, page):38} {result.total:>8,}  "
            f"{statistics.median(times):>9.1f} /{p95(times):>8.1f}  "
            f"{statistics.median(gets):>8.1f} /{p95(gets):>8.1f}"
        )
    verdict = "meets" if p95(every) < TARGET_MS else "MISSES"
    print(
        f"\nall {len(every)} timings (run() and GET): median {statistics.median(every):.1f} ms, "
        f"p95 {p95(every):.1f} ms; target p95 < {TARGET_MS:.0f} ms: {verdict}"
    )


def sizes() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, indexname, pg_size_pretty(pg_relation_size(indexname::regclass)),"
            " (SELECT amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam"
            "  WHERE c.oid = indexname::regclass)"
            " FROM pg_indexes WHERE schemaname = current_schema()"
            " AND (indexdef ILIKE '%search%' OR indexdef ILIKE '%using gin%'"
            "      OR tablename = 'articles_articlesearch')"
            " ORDER BY tablename, indexname"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT c, pg_size_pretty(pg_relation_size(c)), pg_size_pretty(pg_indexes_size(c)),"
            " pg_size_pretty(pg_total_relation_size(c))"
            " FROM unnest(ARRAY['articles_article', 'articles_articlesearch',"
            " 'articles_annotation']::regclass[]) AS c"
        )
        tables = cursor.fetchall()
    print("\nsizes:")
    for table, index, size, method in indexes:
        print(f"  {method} index {index} on {table}: {size}")
    if not indexes:
        print("  (no GIN or search index found)")
    for table, heap, idx, total in tables:
        print(f"  table {table}: heap {heap}, all indexes {idx}, total with TOAST {total}")


# ---------- the findings: raw SQL, before articles.search exists ----------


def findings(alice: Any, runs: int, explain: bool) -> None:
    with connection.cursor() as cursor:
        for name, seconds in searchsql.add_vectors(cursor).items():
            print(f"  {name}: {seconds:.1f} s")
        print()
        searchsql.measure(cursor, QUERIES, alice.pk, runs, explain)
        searchsql.vector_sizes(cursor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--articles", type=int, default=int(os.environ.get("BENCH_SEARCH_ARTICLES", "100000"))
    )
    parser.add_argument(
        "--annotations",
        type=int,
        default=int(os.environ.get("BENCH_SEARCH_ANNOTATIONS", "200000")),
    )
    parser.add_argument(
        "--findings", action="store_true", help="raw-SQL findings even if articles.search exists"
    )
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    args = parser.parse_args()
    with scratch_database("newsroom_bench_search"):
        print(
            f"command: BENCH_RUNS={RUNS} .venv/bin/python bench/search.py"
            + "".join(f" {a}" for a in sys.argv[1:])
            + "  (make bench runs it with no arguments)"
        )
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, PostgreSQL {_pg_version()}"
        )
        corpus = searchcorpus.build(args.articles, args.annotations)
        print(
            f"corpus: {corpus.articles:,} articles, {corpus.annotations:,} annotations, "
            f"{corpus.entities:,} entities, {len(corpus.users)} users; generation (not counted): "
            + ", ".join(f"{k} {v:.1f} s" for k, v in corpus.seconds.items())
            + f"; total {sum(corpus.seconds.values()):.1f} s"
        )
        print(searchcorpus.describe())
        alice = get_user_model().objects.get(username="alice")
        try:
            from articles import search  # noqa: PLC0415 - it may not exist yet
        except ImportError:
            search = None
            print(
                "\narticles.search is not importable yet: timing the planned queries as raw "
                "SQL over a tsvector column added here instead."
            )
        if search is not None:
            print(f"\nsearch as alice, {RUNS} runs per query after 2 warm-up runs:")
            harness(search, alice, RUNS)
            sizes()
        if search is None or args.findings:
            print("\nfindings (raw SQL; columns added here):")
            findings(alice, RUNS, args.explain)
            sizes()


if __name__ == "__main__":
    main()
