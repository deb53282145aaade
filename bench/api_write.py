"""`make bench`: annotation create through the REST API, as a script would call it.

Runs in a throw-away database (`newsroom_bench_api`) on the project's PostgreSQL server,
never the library. Makes a 10,000-word article and one writer per client, each with a
personal write token (`articles.apitokens`, as `manage.py token create` does), then starts
gunicorn (2 sync workers, the project's settings) on 127.0.0.1 on a free port, with
NEWSROOM_API_RATE lifted so the per-token rate limit never answers 429 here. Each client
is a thread with a keep-alive connection of its own (urllib3, as bench/faults.py's
clients), POSTing W3C Web Annotations (a TextPositionSelector and a TextQuoteSelector on
random words of the article's `body_text`) to `/api/v1/annotations` with
`Authorization: Bearer`, as fast as the server answers.

Figures, for 1 and 4 concurrent clients: requests per second (the median of the rounds,
with min and max), and the latency of every request of every round (median and p95), as
the client sees it (connection, WSGI, the write, the JSON-LD answer). Every answer must be
201, and every acknowledged annotation must be in the database.

    .venv/bin/python bench/api_write.py    # BENCH_RUNS=5 BENCH_API_REQUESTS=200
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit, urlunsplit

import urllib3
from common import ROOT, p95, scratch_database, setup_django

if TYPE_CHECKING:
    from collections.abc import Callable

setup_django()

from django.contrib.auth import get_user_model
from django.db import connection
from faults import free_port, wait_until
from run import text_article

from articles import apitokens
from articles.ingest import ingest
from articles.models import Annotation

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
REQUESTS = int(os.environ.get("BENCH_API_REQUESTS", "200"))  # per round, all clients together
CLIENTS = (1, 4)
WORKERS = 2
DATABASE = "newsroom_bench_api"
LOGS = ROOT / "var" / "bench"
rng = random.Random(20261202)  # fixed seed: the same passages on every run


def database_url() -> str:
    """The bench database as a DATABASE_URL, for gunicorn: the server this process uses
    (the project's cluster, on its Unix socket, unless DATABASE_URL says otherwise)."""
    given = os.environ.get("DATABASE_URL")
    name = connection.settings_dict["NAME"]
    if given:
        parts = urlsplit(given)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, ""))
    db = connection.settings_dict
    host = quote(str(db["HOST"]), safe="")  # a socket directory, percent-encoded
    return f"postgres://{quote(db['USER'])}@{host}/{name}"


def annotation(source: str, text: str, words: list[tuple[int, int]], n: int) -> bytes:
    first = rng.randrange(0, len(words) - 12)
    start, end = words[first][0], words[first + rng.randint(0, 11)][1]
    return json.dumps(
        {
            "@context": "http://www.w3.org/ns/anno.jsonld",
            "type": "Annotation",
            "body": {"type": "TextualBody", "value": f"note {n}"},
            "target": {
                "source": source,
                "selector": [
                    {"type": "TextPositionSelector", "start": start, "end": end},
                    {"type": "TextQuoteSelector", "exact": text[start:end]},
                ],
            },
        }
    ).encode()


class Writer(threading.Thread):
    """One client: its own token and keep-alive connection, `count` POSTs after the
    barrier; the latency of each, in ms, and any answer that is not 201."""

    def __init__(
        self, port: int, token: str, bodies: list[bytes], barrier: threading.Barrier
    ) -> None:
        super().__init__(daemon=True)
        self.pool = urllib3.HTTPConnectionPool(
            "127.0.0.1", port, maxsize=1, retries=False, timeout=urllib3.Timeout(30)
        )
        self.headers = {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/ld+json",
            "Accept": "application/ld+json",
        }
        self.bodies = bodies
        self.barrier = barrier
        self.times: list[float] = []
        self.failures: list[str] = []
        self.created: list[int] = []

    def run(self) -> None:
        self.barrier.wait()
        for body in self.bodies:
            started = time.perf_counter()
            try:
                response = self.pool.request(
                    "POST", "/api/v1/annotations", body=body, headers=self.headers
                )
            except urllib3.exceptions.HTTPError as exc:
                self.failures.append(type(exc).__name__)
                continue
            self.times.append((time.perf_counter() - started) * 1000)
            if response.status != 201:
                self.failures.append(f"{response.status} {response.data[:200]!r}")
                continue
            found = re.search(r"/(\d+)$", response.headers.get("Location", ""))
            if found is None:
                self.failures.append(f"201 without an annotation's Location: {response.headers}")
                continue
            self.created.append(int(found.group(1)))


def one_round(
    port: int, tokens: list[str], make_body: Callable[[], bytes], count: int
) -> tuple[float, list[Writer]]:
    """`count` POSTs shared among the clients (one per token); requests per second."""
    barrier = threading.Barrier(len(tokens) + 1)
    share = -(-count // len(tokens))
    writers = [
        Writer(port, token, [make_body() for _ in range(share)], barrier) for token in tokens
    ]
    for writer in writers:
        writer.start()
    barrier.wait()
    started = time.perf_counter()
    for writer in writers:
        writer.join()
    elapsed = time.perf_counter() - started
    return sum(len(w.times) for w in writers) / elapsed, writers


def _pg_version() -> str:
    number = connection.cursor().connection.info.server_version  # e.g. 150018
    return f"{number // 10000}.{number % 100}"


def main() -> None:
    with scratch_database(DATABASE):
        print(
            f"\ncommand: BENCH_RUNS={RUNS} BENCH_API_REQUESTS={REQUESTS} "
            ".venv/bin/python bench/api_write.py  (make bench)"
        )
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, "
            f"Python {platform.python_version()}, PostgreSQL {_pg_version()}"
        )
        article = ingest(text_article(777_777, words=10_000).encode(), filename="api.txt").article
        text = article.body_text
        words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
        users = get_user_model().objects
        tokens = []
        for n in range(max(CLIENTS)):
            writer = users.create_user(f"script{n}", f"script{n}@example.org")
            tokens.append(apitokens.create(writer, f"bench {n}", "write")[1])

        port = free_port()
        source = f"http://127.0.0.1:{port}{article.get_absolute_url()}"
        numbered = iter(range(10**9))

        def make_body() -> bytes:
            return annotation(source, text, words, next(numbered))

        LOGS.mkdir(parents=True, exist_ok=True)
        log_path = LOGS / "api_write-gunicorn.log"
        env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "NEWSROOM_API_RATE": "100000000",
            "NEWSROOM_DEBUG": "false",
            "NEWSROOM_LOG_LEVEL": "WARNING",
        }
        with log_path.open("ab") as log:
            web = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "--bind",
                 f"127.0.0.1:{port}", "--workers", str(WORKERS), "--worker-class", "sync",
                 "--timeout", "60"],
                cwd=ROOT, env=env, stdout=log, stderr=log,
            )  # fmt: skip
        try:
            monitor = urllib3.HTTPConnectionPool("127.0.0.1", port, retries=False, timeout=5)

            def serving() -> bool:  # /healthz would wait for a worker's heartbeat: none here
                try:
                    return monitor.request("GET", "/api/v1/openapi.json").status == 200
                except urllib3.exceptions.HTTPError:
                    return False

            wait_until(serving, 60, "gunicorn to serve /api/v1/openapi.json")
            print(
                f"server: gunicorn, {WORKERS} sync workers, 127.0.0.1:{port}, "
                f"NEWSROOM_API_RATE=100000000; article: {article.word_count} words"
            )
            print(f"rounds per figure: {RUNS}, {REQUESTS} requests per round\n")
            acked: list[int] = []
            for clients in CLIENTS:
                one_round(port, tokens[:clients], make_body, 20 * clients)  # warm both workers
                rates, times, failures = [], [], []
                for _ in range(RUNS):
                    rate, writers = one_round(port, tokens[:clients], make_body, REQUESTS)
                    rates.append(rate)
                    for w in writers:
                        times += w.times
                        failures += w.failures
                        acked += w.created
                print(
                    f"API annotation create (POST /api/v1/annotations, W3C JSON-LD, "
                    f"{article.word_count}-word article), {clients} client"
                    f"{'s' if clients > 1 else ''}, {len(times)} requests: "
                    f"median {statistics.median(rates):.1f} req/s "
                    f"(min {min(rates):.1f}, max {max(rates):.1f}); latency "
                    f"median {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms"
                )
                assert not failures, f"{len(failures)} requests failed: {failures[:5]}"
            stored = Annotation.objects.filter(pk__in=acked).count()
            assert stored == len(acked), f"{len(acked) - stored} acknowledged annotations lost"
            print(f"acknowledged annotations all stored: {stored} of {len(acked)}")
        finally:
            web.terminate()
            try:
                web.wait(30)
            except subprocess.TimeoutExpired:
                web.kill()
            connection.close()  # the scratch database is dropped next; gunicorn's are gone


if __name__ == "__main__":
    main()
