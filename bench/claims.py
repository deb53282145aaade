"""`make bench`: "seen before", the similar-claim lookup the desk runs when a claim is
marked, over 100,000 claims.

Runs in a throw-away database (`newsroom_bench_claims`) on the project's PostgreSQL
server, never the library. Makes 200 articles and BENCH_CLAIMS claims (default 100,000)
shared with the team: sentences of the kind fact-checkers log (a person or body says a
figure rose or fell by an amount, in a place and a year), from a fixed seed and a small
vocabulary, so that claims share far more words than real ones do (the hard case for
the lookup). They are inserted in bulk (annotations, then claims), then VACUUM ANALYZEd
as autovacuum would. Then times `claims.similar` exactly as the reader calls it (the
claims the marker may see, worded like the new claim, the five closest: the claims that
share a MinHash band, found on the index, compared by trigram similarity), for
BENCH_LOOKUPS new claims: half near-repeats of a stored claim (a word changed), half
new wording. Median and p95 of every lookup of every round; the target is a median
under 50 ms.

    .venv/bin/python bench/claims.py    # BENCH_RUNS=5 BENCH_CLAIMS=100000 BENCH_LOOKUPS=40
"""

from __future__ import annotations

import os
import random
import statistics
import time

from common import machine, p95, scratch_database, setup_django

setup_django()

from django.contrib.auth import get_user_model
from django.db import connection, transaction

from articles import claims
from articles.ingest import ingest
from articles.models import Annotation, Claim
from articles.sharing import default_group

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
CLAIMS = int(os.environ.get("BENCH_CLAIMS", "100000"))
LOOKUPS = int(os.environ.get("BENCH_LOOKUPS", "40"))
ARTICLES = 200
rng = random.Random(20261202)

WHO = [
    "The minister", "The mayor", "The governor", "A spokesperson for the ministry",
    "The opposition leader", "The central bank", "The union", "The company",
    "The health authority", "The prime minister", "The police chief", "The senator",
    "The campaign", "The energy regulator", "The port authority", "The teachers' union",
]  # fmt: skip
WHAT = [
    "unemployment", "crime", "inflation", "hospital waiting times", "house prices",
    "exports", "carbon emissions", "the deficit", "school funding", "migration",
    "electricity bills", "wages", "rail ridership", "child poverty", "tax revenue",
    "container traffic", "wheat imports", "police numbers", "vaccination rates",
]  # fmt: skip
MOVES = ["rose", "fell", "doubled", "halved", "grew", "dropped", "climbed", "shrank"]
WHERE = [
    "in the capital", "across the country", "in the north", "in rural areas",
    "in the region", "nationwide", "in the city", "on the coast", "in the south",
]  # fmt: skip


def sentence() -> str:
    amount = rng.choice([
        f"{rng.randint(2, 95)} per cent", f"{rng.randint(2, 900)},000",
        f"{rng.randint(2, 40)} billion",
    ])  # fmt: skip
    return (
        f"{rng.choice(WHO)} said {rng.choice(WHAT)} {rng.choice(MOVES)} by {amount} "
        f"{rng.choice(WHERE)} since {rng.randint(1990, 2026)}"
    )


def near_repeat(text: str) -> str:
    words = text.split()
    i = rng.randrange(len(words))
    words[i] = rng.choice(["had", "has", "really", "almost", words[i].upper()])
    return " ".join(words)


def build() -> tuple[object, list[str]]:
    user = get_user_model().objects.create_user("checker", "checker@example.org")
    group = default_group()
    articles = [
        ingest(f"Article {n}\n\n{sentence()}. {sentence()}.").article for n in range(ARTICLES)
    ]
    texts = [sentence() for _ in range(CLAIMS)]
    batch = 5000
    for first in range(0, CLAIMS, batch):
        rows = [
            Annotation(
                article=articles[(first + n) % ARTICLES],
                author=user,
                motivation=Annotation.Motivation.ASSESSING,
                start=0,
                end=len(text),
                exact=text,
                original_exact=text,
                group=group,
            )
            for n, text in enumerate(texts[first : first + batch])
        ]
        made = Annotation.objects.bulk_create(rows)
        words = _lexemes([a.exact for a in made])
        Claim.objects.bulk_create(
            Claim(annotation=a, text=a.exact, bands=claims.word_bands(w))
            for a, w in zip(made, words, strict=True)
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # as autovacuum would: the GIN pending list merged
    return user, texts


def _lexemes(texts: list[str]) -> list[set[str]]:
    """Each text's content words, as `claims.bands` reads them, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array(SELECT lexeme FROM unnest(to_tsvector('english', t))) "
            "FROM unnest(%s::text[]) WITH ORDINALITY AS u(t, n) ORDER BY n",
            [texts],
        )
        return [set(row[0]) for row in cursor.fetchall()]


def _plan(text: str) -> str:
    keys = claims.bands(text)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # as claims.similar does
        plan = Claim.objects.filter(bands__overlap=keys).order_by().explain()
    return "the bands' index (claim_bands)" if "claim_bands" in plan else "NO INDEX:\n" + plan


def main() -> None:
    with scratch_database("newsroom_bench_claims"):
        print(
            f"command: BENCH_RUNS={RUNS} BENCH_CLAIMS={CLAIMS} BENCH_LOOKUPS={LOOKUPS} "
            ".venv/bin/python bench/claims.py"
        )
        print(machine())
        started = time.perf_counter()
        user, texts = build()
        print(
            f"corpus: {CLAIMS:,} claims on {ARTICLES} articles, "
            f"built in {time.perf_counter() - started:.0f} s"
        )
        lookups = [near_repeat(rng.choice(texts)) for _ in range(LOOKUPS // 2)]
        lookups += [sentence() for _ in range(LOOKUPS - len(lookups))]
        print(f"plan: {_plan(lookups[0])}")
        times: list[float] = []
        found_repeat = 0
        for _ in range(RUNS):
            for n, text in enumerate(lookups):
                t0 = time.perf_counter()
                found = claims.similar(text, user)  # type: ignore[arg-type]
                times.append((time.perf_counter() - t0) * 1000)
                found_repeat += n < LOOKUPS // 2 and bool(found)
        print(
            f"seen before (claims.similar, 5 closest of {CLAIMS:,}): median "
            f"{statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms over {len(times)} lookups "
            f"({RUNS} rounds of {LOOKUPS}); target: median under 50 ms"
        )
        print(f"near-repeats that found a stored claim: {found_repeat}/{RUNS * (LOOKUPS // 2)}")


if __name__ == "__main__":
    main()
