"""`make bench`: the figures the issues ask for, measured on this machine.

Runs in a throw-away database (`newsroom_bench`), never the library. Each figure is the
median (and p95 where asked) over repeated runs; the command that produced them is printed
first so a figure can always be quoted with it.

Figures:
- ingest throughput, plain text and HTML (articles per second, whole pipeline including
  the database write), median of repeated runs;
- reader page server time for a 5,000-word article (median and p95);
- reader page server time for a 10,000-word article carrying 500 annotations by 5
  users (median and p95);
- the same article's share-link page (/s/<token>/, everything shared with Everyone),
  opened signed out (median and p95);
- (re-anchoring after edits, per kind of edit, is bench/reanchor.py, which `make bench`
  runs next.)
"""

from __future__ import annotations

import gzip
import os
import platform
import random
import re
import statistics
import time

from common import SHARED, p95, scratch_database, setup_django

setup_django()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from articles import annotations as annotating
from articles import sharing
from articles.errors import IngestError
from articles.ingest import ingest
from articles.models import Article, ShareLink

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
rng = random.Random(20261127)  # fixed seed: the same corpus on every run

VOCAB = """
the of and to in a is that for on was with he it as said by at from his an were
government minister troops border talks officials ministry security agreement
president parliament election report sources statement economy market analysts
crisis region forces capital spokesman ceasefire sanctions negotiations summit
Brussels Kyiv Moscow Washington Paris Berlin NATO Zelensky Putin Scholz Macron
""".split()  # noqa: SIM905 - a paragraph of words reads better than a list


def sentence(words: int) -> str:
    chosen = [rng.choice(VOCAB) for _ in range(words)]
    return " ".join(chosen).capitalize() + "."


def paragraph(words: int) -> str:
    out, left = [], words
    while left > 0:
        n = min(left, rng.randint(12, 28))
        out.append(sentence(n))
        left -= n
    return " ".join(out)


def text_article(i: int, words: int = 800) -> str:
    sizes = [rng.randint(40, 120) for _ in range(words // 40)]
    while sum(sizes) > words:  # trim to the exact length asked for
        sizes.pop()
    sizes.append(words - sum(sizes))
    paras = [paragraph(n) for n in sizes if n > 0]
    wrapped = []
    for p in paras:
        line, lines = [], []
        for w in p.split():
            line.append(w)
            if sum(len(x) + 1 for x in line) > 72:
                lines.append(" ".join(line))
                line = []
        lines.append(" ".join(line))
        wrapped.append("\n".join(lines))
    return f"Benchmark story number {i}\n\nBy Bench Reporter\n\nMarch 3, 2025\n\n" + "\n\n".join(
        wrapped
    )


def html_pages() -> list[bytes]:
    folder = SHARED / "conformance" / "extraction" / "html"
    if folder.exists():
        return [gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.gz"))]
    return [
        (
            f"<html><head><title>Page {i}</title></head><body><article><h1>Page {i}</h1>"
            + "".join(f"<p>{paragraph(80)}</p>" for _ in range(10))
            + "</article></body></html>"
        ).encode()
        for i in range(60)
    ]


def _pg_version() -> str:
    number = connection.cursor().connection.info.server_version  # e.g. 150018
    return f"{number // 10000}.{number % 100}"


def throughput(docs: list[tuple[bytes, str]], runs: int) -> list[float]:
    rates = []
    for _ in range(runs):
        Article.objects.all().delete()
        start = time.perf_counter()
        for data, name in docs:
            ingest(data, filename=name)
        rates.append(len(docs) / (time.perf_counter() - start))
    return rates


def reader_times(runs: int) -> tuple[list[float], int]:
    Article.objects.all().delete()
    words = 5000
    body = text_article(999_999, words=words)
    article = ingest(body.encode(), filename="long.txt").article
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    return _time_gets(user, article.get_absolute_url(), runs), article.word_count


def _time_gets(user: object, url: str, runs: int) -> list[float]:
    """Server time of GET url as `user`, in ms, after warming caches and the connection."""
    client = Client()
    client.force_login(user)
    for _ in range(5):
        client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def shared_page_times(article: Article, owner: object, runs: int) -> list[float]:
    """Server time of a share link's page for a signed-out visitor, in ms."""
    settings.SHARE_LINK_LOOKUPS_PER_MINUTE = 1_000_000  # the bench is one busy address
    link = sharing.create_link(
        owner, article, group=sharing.default_group(), audience=ShareLink.Audience.ANYONE
    )
    client = Client()
    url = link.get_absolute_url()
    for _ in range(5):
        client.get(url)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def annotated_reader_times(runs: int) -> tuple[list[float], int, int, list[float]]:
    Article.objects.all().delete()
    article = ingest(text_article(888_888, words=10_000).encode(), filename="annotated.txt").article
    users = [get_user_model().objects.get_or_create(username=f"reporter{i}")[0] for i in range(5)]
    text = article.body_text
    colors = ["yellow", "green", "blue", "pink", "purple"]
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    for i in range(500):
        first = rng.randrange(0, len(words) - 12)
        start, end = words[first][0], words[first + rng.randint(0, 11)][1]
        annotating.create(
            article,
            users[i % 5],
            start=start,
            end=end,
            quote=text[start:end],
            color=colors[i % 5],
            note=f"Note {i}: *check* this" if i % 3 == 0 else "",
        )
    times = _time_gets(users[0], article.get_absolute_url(), runs)
    shared = shared_page_times(article, users[0], runs)
    return times, article.word_count, article.annotations.count(), shared


def main() -> None:
    with scratch_database("newsroom_bench"):
        print("command: make bench  (bench/run.py)")
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, "
            f"PostgreSQL {_pg_version()}"
        )
        print(f"runs per figure: {RUNS}\n")

        texts = [(text_article(i).encode(), f"story{i}.txt") for i in range(40)]
        rates = throughput(texts, RUNS)
        print(
            f"ingest, plain text (40 articles of ~800 words): "
            f"median {statistics.median(rates):.1f} articles/s "
            f"(min {min(rates):.1f}, max {max(rates):.1f})"
        )

        pages = html_pages()
        docs = [(page, f"page{i}.html") for i, page in enumerate(pages)]
        ok_docs = []
        for data, name in docs:  # only pages that extract; a refusal is not throughput
            try:
                ingest(data, filename=name)
                ok_docs.append((data, name))
            except IngestError:
                continue  # a page without an article is not throughput
        rates = throughput(ok_docs, RUNS)
        print(
            f"ingest, HTML ({len(ok_docs)} real pages): median {statistics.median(rates):.1f} "
            f"articles/s (min {min(rates):.1f}, max {max(rates):.1f})"
        )

        times, words = reader_times(max(50, RUNS * 20))
        print(
            f"reader page, {words}-word article, server time over {len(times)} requests: "
            f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms"
        )
        times, words, count, shared = annotated_reader_times(max(50, RUNS * 20))
        print(
            f"reader page, {words}-word article with {count} annotations by 5 users, "
            f"server time over {len(times)} requests: "
            f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms"
        )
        print(
            f"share-link page (/s/<token>/) of that article, signed out, {count} annotations, "
            f"server time over {len(shared)} requests: "
            f"median {statistics.median(shared):.1f} ms, p95 {p95(shared):.1f} ms"
        )


if __name__ == "__main__":
    main()
