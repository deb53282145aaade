"""`make bench` (saving from the web): fetch-to-readable time for a local page, and feed
throughput for a 500-item local feed.

A local HTTP server on 127.0.0.1 (started here, stopped at the end) serves the page and
the feed, so NEWSROOM_FETCH_ALLOW_PRIVATE is lifted for this throw-away run only. Runs in
its own database (`newsroom_bench_fetch`), never the library.

- fetch-to-readable: submit the address as the library does, run the job as the worker
  does (real HTTP, extraction, sanitising, the database write), then GET the reader page
  until it answers 200 with the title: milliseconds, median and p95.
- feed throughput: poll a 500-item RSS feed whose items carry their full text (each
  sanitised and saved as an article): items per second, median of repeated runs.
"""

from __future__ import annotations

import os
import platform
import random
import statistics
import threading
import time
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from common import p95, scratch_database, setup_django

setup_django()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django_tasks_db.models import DBTaskResult

from articles import feeds, jobs
from articles.models import Article, Feed, FetchJob

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
FEED_ITEMS = 500
rng = random.Random(20261127)
VOCAB = """the of and to in a is that for on was with harbour council budget quay ferry
minister report market officials agreement election spokesman statement town port
fishing boats repairs traders mayor authority inspection spring winter""".split()  # noqa: SIM905


def paragraph(words: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(words)).capitalize() + "."


def article_html(title: str, paragraphs: int = 20) -> str:
    body = "".join(f"<p>{paragraph(rng.randint(50, 90))}</p>" for _ in range(paragraphs))
    return (
        f"<!doctype html><html lang=en><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1><p class=byline>By Ana Silva</p>{body}</article>"
        f"<footer>© Harbour News</footer></body></html>"
    )


def feed_xml(items: int) -> str:
    entries = []
    for i in range(items):
        content = "".join(f"<p>{paragraph(rng.randint(40, 70))}</p>" for _ in range(5))
        entries.append(
            f"<item><guid>item-{i}</guid><title>Harbour story {i}</title>"
            f"<link>https://harbour.example/stories/{i}</link>"
            f"<pubDate>Wed, 25 Nov 2026 10:00:00 GMT</pubDate>"
            f"<description>{escape(content)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        "<title>Harbour News</title><link>https://harbour.example/</link>"
        + "".join(entries)
        + "</channel></rss>"
    )


class Site(BaseHTTPRequestHandler):
    pages: dict[str, tuple[bytes, str]] = {}  # filled once, before serving

    def do_GET(self) -> None:
        body, kind = self.pages.get(self.path.split("?")[0], (b"not found", "text/plain"))
        self.send_response(200 if self.path.split("?")[0] in self.pages else 404)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        return


def _reset() -> None:
    Article.objects.all().delete()
    FetchJob.objects.all().delete()
    Feed.objects.all().delete()
    DBTaskResult.objects.all().delete()


def fetch_to_readable(base: str, runs: int) -> list[float]:
    user = get_user_model().objects.create_user("bench", password="bench-password-1")
    client = Client()
    client.force_login(user)
    times = []
    for i in range(runs + 2):  # the first two warm caches and connections
        _reset()
        start = time.perf_counter()
        job = jobs.submit(f"{base}/story?run={i}", user)
        jobs.run(job.pk)
        job.refresh_from_db()
        response = client.get(job.article.get_absolute_url())
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200
        assert "Harbour reopens" in response.text
        if i >= 2:
            times.append(elapsed)
    return times


def feed_throughput(base: str, runs: int) -> list[float]:
    rates = []
    for _ in range(runs):
        _reset()
        feed = Feed.objects.create(url=f"{base}/feed.xml")
        start = time.perf_counter()
        result = feeds.poll(feed)
        elapsed = time.perf_counter() - start
        assert result.new_items == FEED_ITEMS, result
        assert Article.objects.count() == FEED_ITEMS
        rates.append(FEED_ITEMS / elapsed)
    return rates


def main() -> None:
    settings.FETCH_ALLOW_PRIVATE = True  # the bench's own server on 127.0.0.1
    Site.pages = {
        "/story": (article_html("Harbour reopens after repairs").encode(), "text/html"),
        "/feed.xml": (feed_xml(FEED_ITEMS).encode(), "application/rss+xml"),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with scratch_database("newsroom_bench_fetch"):
            print("\ncommand: make bench  (bench/fetch.py)")
            print(
                f"machine: {platform.machine()}, {os.cpu_count()} cores, "
                f"Python {platform.python_version()}"
            )
            page_kb = len(Site.pages["/story"][0]) / 1024
            times = fetch_to_readable(base, max(20, RUNS * 4))
            print(
                f"fetch-to-readable, local {page_kb:.0f} KB page (submit, fetch, extract, save, "
                f"reader page) over {len(times)} runs: median {statistics.median(times):.1f} ms, "
                f"p95 {p95(times):.1f} ms"
            )
            feed_kb = len(Site.pages["/feed.xml"][0]) / 1024
            rates = feed_throughput(base, RUNS)
            print(
                f"feed throughput, local {FEED_ITEMS}-item RSS feed ({feed_kb:.0f} KB, full text "
                f"in every item) over {len(rates)} runs: median {statistics.median(rates):.1f} "
                f"items/s (min {min(rates):.1f}, max {max(rates):.1f})"
            )
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    main()
