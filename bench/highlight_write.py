"""`make bench`: a highlight made in the reader, as the toolbar posts it (htmx), server time.

Runs in a throw-away database (`newsroom_bench_highlight`) on the project's PostgreSQL
server, never the library. A 10,000-word article carries first 5 annotations, then 500 by
5 users (the reader's own among them, so a new one adds no author or audience to the
panel). Each figure is the server time of POST /articles/<pk>/annotate/ through Django's
test client (middleware, the write, the answer), in ms, median and p95 over repeated
writes on random words, each new highlight deleted again (untimed) so the count stays put:

- full redraw: the answer every write had before, the whole marked body and panel (what
  a page that does not send its `text` still gets);
- partial: only the paragraph(s) touched, the new card and the count (`articles.redraw`).

And the answer's size (median bytes), and the queries of one write.

    .venv/bin/python bench/highlight_write.py    # BENCH_RUNS=5: 40 writes per figure
"""

from __future__ import annotations

import os
import random
import re
import statistics
import time

from common import machine, p95, scratch_database, setup_django

setup_django()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from run import text_article

from articles import annotations as annotating
from articles import sharing
from articles.ingest import ingest
from articles.models import Annotation

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
WRITES = max(20, RUNS * 8)
COLORS = ["yellow", "green", "blue", "pink", "purple"]
rng = random.Random(20261203)  # fixed seed: the same passages on every run

# Templates are rendered without collectstatic, as the tests do: the bench runs alone too.
settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
settings.WHITENOISE_USE_FINDERS = True


def _passage(text: str, words: list[tuple[int, int]]) -> dict[str, object]:
    first = rng.randrange(0, len(words) - 12)
    start, end = words[first][0], words[first + rng.randint(0, 11)][1]
    return {"start": start, "end": end, "quote": text[start:end]}


def annotate(article: object, users: list[object], count: int) -> None:
    text = article.body_text  # type: ignore[attr-defined]
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    have = Annotation.objects.filter(article=article).count()
    for i in range(have, count):
        annotating.create(
            article,
            users[i % len(users)],
            **_passage(text, words),
            color=COLORS[i % 5],
            note=f"Note {i}: *check* this" if i % 3 == 0 else "",
            audience=sharing.EVERYONE,
        )


def _everyone() -> str:
    """The audience the article's annotations have (the default group, "Everyone")."""
    return sharing.audience_value(sharing.default_group())


def writes(client: Client, article: object, *, partial: bool) -> tuple[list[float], list[int]]:
    """Server times (ms) and answer sizes (bytes) of WRITES highlights."""
    text = article.body_text  # type: ignore[attr-defined]
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    url = reverse("annotate", args=[article.pk])  # type: ignore[attr-defined]
    headers = {
        "HX-Request": "true",
        "HX-Current-URL": "http://testserver" + article.get_absolute_url(),  # type: ignore[attr-defined]
    }
    page_text = article.content_hash[:16] if partial else ""  # type: ignore[attr-defined]
    times, sizes = [], []
    for i in range(WRITES + 5):
        data = {**_passage(text, words), "color": "yellow", "audience": _everyone()}
        data["text"] = page_text
        start = time.perf_counter()
        response = client.post(url, data, headers=headers)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        assert (response.headers.get("HX-Reswap") == "none") == partial
        Annotation.objects.filter(pk=Annotation.objects.latest("pk").pk).delete()
        if i >= 5:  # the first few warm the caches and the connection
            times.append(elapsed)
            sizes.append(len(response.content))
    return times, sizes


def queries(client: Client, article: object, *, partial: bool) -> int:
    text = article.body_text  # type: ignore[attr-defined]
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    data = {**_passage(text, words), "audience": _everyone()}
    data["text"] = article.content_hash[:16] if partial else ""  # type: ignore[attr-defined]
    with CaptureQueriesContext(connection) as captured:
        client.post(
            reverse("annotate", args=[article.pk]),  # type: ignore[attr-defined]
            data,
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/"},
        )
    Annotation.objects.filter(pk=Annotation.objects.latest("pk").pk).delete()
    return len(captured.captured_queries)


def main() -> None:
    with scratch_database("newsroom_bench_highlight"):
        print("command: .venv/bin/python bench/highlight_write.py  (make bench)")
        print(machine())
        print(f"writes per figure: {WRITES}\n")
        article = ingest(
            text_article(777_777, words=10_000).encode(), filename="highlights.txt"
        ).article
        users = [
            get_user_model().objects.get_or_create(username=f"reporter{i}")[0] for i in range(5)
        ]
        client = Client()
        client.force_login(users[0])
        for count in (5, 500):
            annotate(article, users, count)
            for partial in (False, True):
                times, sizes = writes(client, article, partial=partial)
                n = queries(client, article, partial=partial)
                print(
                    f"highlight write, {article.word_count}-word article with {count} "
                    f"annotations by 5 users, {'partial' if partial else 'full redraw'}: "
                    f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms, "
                    f"answer {statistics.median(sizes) / 1000:.1f} KB, {n} queries"
                )


if __name__ == "__main__":
    main()
