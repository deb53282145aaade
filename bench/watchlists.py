"""`make bench`: what watchlists add to saving an article.

Runs in a throw-away database (`newsroom_bench_watchlists`) on the project's PostgreSQL
server, never the library. Makes BENCH_PEOPLE people (default 50), BENCH_ENTITIES
entities (default 20,000, each with an alias) and a library of 2,000 articles, then has
the people watch BENCH_ENTITY_WATCHES entities (default 500) and BENCH_SEARCH_WATCHES
saved searches (default 50: a word or two, some with a site: or label: filter). Then
times `watchlists.article_arrived` (what `ingest.save` runs for each new article: the
watched names found in the text, each saved search asked about the one article) for
BENCH_ARTICLES new articles of about 800 words (default 40), a third of them mentioning
a watched name; and, for scale, the whole `ingest.save` of the same articles with and
without the watches. Median and p95 of every call of every round.

    .venv/bin/python bench/watchlists.py    # BENCH_RUNS=5 BENCH_ARTICLES=40
"""

from __future__ import annotations

import os
import random
import statistics
import time
from typing import TYPE_CHECKING

from common import machine, p95, scratch_database, setup_django

setup_django()

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from articles import ingest, watchlists
from articles.models import Article, Entity, EntityAlias, Label, Notification, Watch

if TYPE_CHECKING:
    from collections.abc import Callable

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
PEOPLE = int(os.environ.get("BENCH_PEOPLE", "50"))
ENTITIES = int(os.environ.get("BENCH_ENTITIES", "20000"))
ENTITY_WATCHES = int(os.environ.get("BENCH_ENTITY_WATCHES", "500"))
SEARCH_WATCHES = int(os.environ.get("BENCH_SEARCH_WATCHES", "50"))
ARTICLES = int(os.environ.get("BENCH_ARTICLES", "40"))
LIBRARY = 2000
rng = random.Random(20261203)

WORDS = [
    "harbour", "council", "budget", "strike", "union", "port", "minister", "election",
    "court", "ruling", "grain", "export", "shipping", "tariff", "inquiry", "report",
    "police", "hospital", "school", "energy", "prices", "wages", "contract", "tender",
    "audit", "pension", "bridge", "railway", "flood", "drought", "wheat", "market", "bank",
    "loan", "deficit", "treaty", "border", "ceasefire", "envoy", "talks", "summit",
    "protest", "vote", "reform", "housing",
]  # fmt: skip
FIRST = [
    "Anna", "Boris", "Carla", "Dmitri", "Elena", "Farid", "Greta", "Hamid", "Ines", "Jonas",
    "Karin", "Luca", "Mira",
]  # fmt: skip
LAST = [
    "Adler", "Brandt", "Costa", "Duval", "Eriksen", "Fischer", "Galli", "Horvat", "Ivanova",
    "Jansen", "Kovac",
]  # fmt: skip


def name(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"


def text(mention: str = "") -> str:
    words = [rng.choice(WORDS) for _ in range(800)]
    if mention:
        words.insert(rng.randrange(len(words)), mention)
    sentences = [" ".join(words[i : i + 16]).capitalize() + "." for i in range(0, 800, 16)]
    paragraphs = ["\n".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    title = " ".join(rng.choice(WORDS) for _ in range(6)).title()
    return title + "\n\n" + "\n\n".join(paragraphs)


def build() -> list[str]:
    users = get_user_model().objects
    people = [users.create_user(f"watcher{i}", f"w{i}@example.org") for i in range(PEOPLE)]
    entities = Entity.objects.bulk_create(
        Entity(name=name(i), kind="person") for i in range(ENTITIES)
    )
    EntityAlias.objects.bulk_create(EntityAlias(entity=e, name=f"E{e.pk}X") for e in entities)
    labels = [Label.objects.create(name=w.title()) for w in WORDS[:10]]
    with transaction.atomic():
        for _ in range(LIBRARY):
            ingest.save(ingest.prepare(text()), None)
    watched = rng.sample(entities, ENTITY_WATCHES)
    Watch.objects.bulk_create(
        Watch(user=people[i % PEOPLE], kind=Watch.Kind.ENTITY, entity=e)
        for i, e in enumerate(watched)
    )
    for i in range(SEARCH_WATCHES):
        words = " ".join(rng.sample(WORDS, 2 if i % 2 else 1))
        extra = [" site:example.org", f" label:{labels[i % 10].name}", "", ""][i % 4]
        watchlists.watch_search(people[i % PEOPLE], words + extra)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return [e.name for e in watched]


def _time(call: Callable[[ingest.Document], object], docs: list[ingest.Document]) -> list[float]:
    times = []
    for doc in docs:
        with transaction.atomic():
            t0 = time.perf_counter()
            call(doc)
            times.append((time.perf_counter() - t0) * 1000)
            transaction.set_rollback(True)  # the next round saves it anew
    return times


def main() -> None:
    with scratch_database("newsroom_bench_watchlists"):
        print(
            f"command: BENCH_RUNS={RUNS} BENCH_ARTICLES={ARTICLES} BENCH_ENTITIES={ENTITIES} "
            f"BENCH_ENTITY_WATCHES={ENTITY_WATCHES} BENCH_SEARCH_WATCHES={SEARCH_WATCHES} "
            ".venv/bin/python bench/watchlists.py"
        )
        print(machine())
        started = time.perf_counter()
        watched = build()
        print(
            f"corpus: {PEOPLE} people, {ENTITIES:,} entities, {LIBRARY:,} articles, "
            f"{ENTITY_WATCHES} entity and {SEARCH_WATCHES} search watches, "
            f"built in {time.perf_counter() - started:.0f} s"
        )
        docs = [
            ingest.prepare(text(rng.choice(watched) if i % 3 == 0 else "")) for i in range(ARTICLES)
        ]
        arrived: list[float] = []
        told = 0

        def arrive(doc: ingest.Document) -> None:
            nonlocal told
            article = Article.objects.create(
                title=doc.title, body_html=doc.body_html, body_text=doc.body_text,
                content_hash=str(rng.random()),
            )  # fmt: skip
            t0 = time.perf_counter()
            told += len(watchlists.article_arrived(article))
            arrived.append((time.perf_counter() - t0) * 1000)

        saves: list[float] = []
        for _ in range(RUNS):
            _time(arrive, docs)
            saves += _time(lambda doc: ingest.save(doc, None), docs)
        print(
            f"watchlists.article_arrived per new article: median "
            f"{statistics.median(arrived):.1f} ms, p95 {p95(arrived):.1f} ms over "
            f"{len(arrived)} articles ({RUNS} rounds of {ARTICLES}); "
            f"{told // RUNS} notifications a round"
        )
        print(
            f"ingest.save with the watches: median {statistics.median(saves):.1f} ms, "
            f"p95 {p95(saves):.1f} ms"
        )
        assert not Notification.objects.exists()  # every round was rolled back
        Watch.objects.all().delete()
        bare: list[float] = []
        for _ in range(RUNS):
            bare += _time(lambda doc: ingest.save(doc, None), docs)
        print(
            f"ingest.save with no watches: median {statistics.median(bare):.1f} ms, "
            f"p95 {p95(bare):.1f} ms"
        )


if __name__ == "__main__":
    main()
