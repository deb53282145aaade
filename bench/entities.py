"""`make bench`, part 3: suggesting mentions against a large gazetteer.

Runs in a throw-away database (`newsroom_bench_entities`). Builds 50,000 entities with
25,000 aliases and a 10,000-word article that names a few hundred of them among ordinary
capitalised words, then times `suggestions.suggest` (gazetteer matching, candidate finding,
the database reads) over repeated runs with the gazetteer warm, as the reader uses it.
The one-off gazetteer build (after any entity changes) is reported separately.
"""

from __future__ import annotations

import os
import random
import statistics
import time

from common import p95, scratch_database, setup_django

setup_django()

from django.contrib.auth import get_user_model
from django.test import Client

from articles.entities import suggestions
from articles.entities.candidates import _scan_cached
from articles.entities.suggestions import _cache, _known_in, _private_gazetteer
from articles.ingest import ingest
from articles.models import Entity, EntityAlias

RUNS = max(30, int(os.environ.get("BENCH_RUNS", "5")) * 6)
ENTITIES = 50_000
rng = random.Random(20261127)

SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ran",
    "tes",
    "vor",
    "bel",
    "din",
    "gar",
    "hul",
    "pet",
    "sor",
    "ni",
    "ma",
    "ko",
    "ru",
    "zen",
    "dal",
    "fi",
    "go",
]
FILLER = [
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "he", "it",
    "as", "said", "by", "at", "from", "his", "an", "were", "government", "minister", "troops",
    "border", "talks", "officials", "ministry", "security", "agreement", "president",
    "parliament", "election", "report", "sources", "statement", "economy", "market",
    "analysts", "crisis", "region", "forces", "capital", "ceasefire", "sanctions",
    "negotiations", "summit",
]  # fmt: skip


def _name(i: int) -> str:
    words = [
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        for _ in range(rng.choice((1, 2, 2, 3)))
    ]
    return " ".join(words) + ("" if i % 7 else f" {i}")


def _build(user: object) -> list[str]:
    names = list(dict.fromkeys(_name(i) for i in range(ENTITIES * 2)))[:ENTITIES]
    kinds = Entity.Kind.values
    Entity.objects.bulk_create(
        [Entity(name=n, kind=kinds[i % len(kinds)], created_by=user) for i, n in enumerate(names)],
        batch_size=5000,
    )
    ids = list(Entity.objects.values_list("pk", flat=True))
    EntityAlias.objects.bulk_create(
        [EntityAlias(entity_id=pk, name=f"{names[i].split()[0]} Alias{i}") for i, pk in
         enumerate(ids[: ENTITIES // 2])],
        batch_size=5000,
    )  # fmt: skip
    return names


def _article(names: list[str]) -> str:
    mentioned = rng.sample(names, 300)
    paragraphs = []
    words = 0
    while words < 10_000:
        sentence = []
        for _ in range(rng.randint(12, 24)):
            roll = rng.random()
            if roll < 0.04:
                sentence.append(rng.choice(mentioned))
            elif roll < 0.06:
                sentence.append(rng.choice(("NATO", "Brussels", "Kim Jong Un", "North Korea")))
            else:
                sentence.append(rng.choice(FILLER))
        words += len(" ".join(sentence).split())
        text = " ".join(sentence)
        paragraphs.append(text[0].upper() + text[1:] + ".")
    body = "\n\n".join(" ".join(paragraphs[i : i + 5]) for i in range(0, len(paragraphs), 5))
    return "Gazetteer Benchmark\n\n" + body


def main() -> None:
    with scratch_database("newsroom_bench_entities"):
        print("\ncommand: make bench  (bench/entities.py)")
        user = get_user_model().objects.create_user("bench", password="bench-password-1")
        names = _build(user)
        article = ingest(_article(names).encode(), filename="gazetteer.txt").article
        aliases = EntityAlias.objects.count()

        _cache.clear()
        started = time.perf_counter()
        suggestions.gazetteer()
        build_ms = (time.perf_counter() - started) * 1000

        for label, cold in [("first view of the text", True), ("views after that", False)]:
            times, found = [], []
            for _ in range(RUNS):
                if cold:  # what a new article or a changed text costs: nothing remembered
                    _scan_cached.cache_clear()
                    _known_in.cache_clear()
                    _private_gazetteer.cache_clear()
                started = time.perf_counter()
                found = suggestions.suggest(article, user)
                times.append((time.perf_counter() - started) * 1000)
            known = sum(1 for s in found if s.kind == "known")
            print(
                f"entity suggestions, {label}: {article.word_count}-word article against "
                f"{Entity.objects.count():,} entities and {aliases:,} aliases "
                f"({known} known mentions, {len(found) - known} candidates found), "
                f"over {RUNS} runs with the gazetteer built: "
                f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms "
                "(target: median under 100 ms)"
            )
        print(f"gazetteer build after a change (once per change, per process): {build_ms:.0f} ms")

        client = Client()
        client.force_login(user)
        for label, url in [
            ("entities index, first page", "/entities/"),
            ("entities index, search", "/entities/?q=kalo"),
            ("reader page of that article", article.get_absolute_url()),
        ]:
            client.get(url)
            times = []
            for _ in range(RUNS):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            print(
                f"{label} ({Entity.objects.count():,} entities), over {RUNS} requests: "
                f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms"
            )


if __name__ == "__main__":
    main()
