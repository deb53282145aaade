"""`bench/extraction.py`: extraction quality on pages kept out of tuning, and HTML speed.

The 120 pages of ../shared/conformance/extraction are split once, by a stable hash of
the page id and not by any result, into 80 pages to tune on and 40 held apart
(`bench/extraction-split.json`; the script refuses a split file that no longer follows
the rule). Only the tuning pages may be looked at page by page (`--worst`); the held-apart
figure is reported, never tuned on.

Figures, for our ingest (`articles.extract.html_to_text`, what a reader gets) and for
trafilatura alone (as the benchmark's scorer runs it):
- F1 on the tuning pages and on the held-apart pages: the mean of per-page F1, and the
  scorer's own figure (F1 of mean precision and mean recall over 4-gram shingles);
- HTML ingest throughput, the whole pipeline (`articles.ingest.ingest`: decode, extract,
  sanitise, save) in a throw-away database, in one process and in two (one per core,
  as two workers would run, each with its own connection): articles per second per run
  (median, and the p95 run on the slow side) and time per page (median, p95). Other
  processes on the machine slow the wall clock; for one process the CPU time it spent
  per page is printed too (PostgreSQL's own work comes on top of it).

    .venv/bin/python bench/extraction.py                 # everything (make bench)
    .venv/bin/python bench/extraction.py --no-speed      # F1 only, a few seconds
    .venv/bin/python bench/extraction.py --worst 15      # the worst tuning pages
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import importlib.util
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from common import ROOT, SHARED, p95, scratch_database, setup_django

if TYPE_CHECKING:
    from collections.abc import Callable

BENCHMARK = SHARED / "conformance" / "extraction"
SPLIT_FILE = Path(__file__).with_name("extraction-split.json")
SALT = "newsroom-extraction-holdout:"
HELD_APART = 40
RUNS = int(os.environ.get("BENCH_RUNS", "5"))


def split(ids: list[str]) -> dict[str, list[str]]:
    """The HELD_APART ids with the smallest salted SHA-256 are held apart; the rest tune."""
    ranked = sorted(ids, key=lambda i: hashlib.sha256(f"{SALT}{i}".encode()).hexdigest())
    return {"held_apart": sorted(ranked[:HELD_APART]), "tune": sorted(ranked[HELD_APART:])}


def load_split(ids: list[str]) -> dict[str, list[str]]:
    stored = json.loads(SPLIT_FILE.read_text(encoding="utf-8"))
    expected = split(ids)
    if {k: stored[k] for k in expected} != expected:
        sys.exit(f"{SPLIT_FILE.name} does not follow its rule ({stored['rule']}); not scoring")
    return expected


def load_scorer() -> Any:
    spec = importlib.util.spec_from_file_location("extraction_score", BENCHMARK / "score.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def page(page_id: str) -> str:
    with gzip.open(BENCHMARK / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as f:
        return f.read()


def predict(extractor: Callable[[str], str], pages: dict[str, str]) -> dict[str, dict[str, str]]:
    found = {}
    for page_id, html in pages.items():
        try:
            text = extractor(html)
        except Exception:  # noqa: BLE001 - the scorer counts a failure as an empty answer
            text = ""
        found[page_id] = {"articleBody": text or ""}
    return found


def scores(scorer: Any, truth: dict[str, Any], predicted: dict[str, Any]) -> dict[str, Any]:
    metrics = scorer.evaluate(truth, predicted, n=4, n_bootstrap=200)
    per_page = []
    for values in metrics["per_doc"].values():
        p, r = values["precision"], values["recall"]
        per_page.append(2 * p * r / (p + r) if p + r else 0.0)
    metrics["mean_f1"] = statistics.mean(per_page)
    metrics["per_page_f1"] = dict(zip(metrics["per_doc"], per_page, strict=True))
    return metrics


def quality(worst: int) -> None:
    import trafilatura  # noqa: PLC0415 - after the project is on the path

    from articles.extract import html_to_text  # noqa: PLC0415

    scorer = load_scorer()
    truth = json.loads((BENCHMARK / "ground-truth.json").read_text(encoding="utf-8"))
    halves = load_split(sorted(truth))
    pages = {page_id: page(page_id) for page_id in truth}
    extractors: dict[str, Callable[[str], str]] = {
        "newsroom (articles.extract:html_to_text)": html_to_text,
        "trafilatura 2.3.1 alone": lambda html: (
            trafilatura.extract(html, include_comments=False) or ""
        ),
    }
    print(f"split: {SPLIT_FILE.relative_to(ROOT)} (80 tune / 40 held apart, by hash of id)")
    for label, extractor in extractors.items():
        predicted = predict(extractor, pages)
        print(label)
        for half, ids in (("tune", halves["tune"]), ("held apart", halves["held_apart"])):
            m = scores(scorer, {i: truth[i] for i in ids}, {i: predicted[i] for i in ids})
            print(
                f"  {half:<10} {len(ids):>3} pages: F1 mean {m['mean_f1']:.3f}  "
                f"scorer {m['f1']:.3f} ± {m['f1_std']:.3f} "
                f"(P {m['precision']:.3f}, R {m['recall']:.3f}, exact {m['accuracy']:.3f})"
            )
            if worst and half == "tune" and label.startswith("newsroom"):
                ranked = sorted(m["per_page_f1"].items(), key=lambda kv: kv[1])[:worst]
                for page_id, f1 in ranked:
                    doc = m["per_doc"][page_id]
                    print(
                        f"      {f1:.3f} P {doc['precision']:.3f} R {doc['recall']:.3f} "
                        f"{page_id[:12]} {truth[page_id].get('url', '')[:70]}"
                    )
        m = scores(scorer, truth, predicted)
        print(
            f"  {'all':<10} {len(truth):>3} pages: F1 mean {m['mean_f1']:.3f}  scorer {m['f1']:.3f}"
        )


def speed(runs: int) -> None:
    setup_django()
    from django.db import connections  # noqa: PLC0415 - after django.setup()

    from articles.errors import IngestError  # noqa: PLC0415
    from articles.ingest import ingest  # noqa: PLC0415
    from articles.models import Article  # noqa: PLC0415

    docs = [
        (gzip.decompress(p.read_bytes()), f"page{i}.html")
        for i, p in enumerate(sorted((BENCHMARK / "html").glob("*.html.gz")))
    ]
    with scratch_database("newsroom_bench_extraction"):
        kept = []
        for data, name in docs:  # a refused page is not throughput; this also warms up
            try:
                ingest(data, filename=name)
                kept.append((data, name))
            except IngestError:
                continue
        for processes in (1, 2):
            rates: list[float] = []
            times: list[float] = []
            cpu: list[float] = []
            for _ in range(runs):
                Article.objects.all().delete()
                connections.close_all()  # each process opens its own connection
                start, start_cpu = time.perf_counter(), time.process_time()
                times.extend(_ingest_in(processes, kept))
                rates.append(len(kept) / (time.perf_counter() - start))
                cpu.append((time.process_time() - start_cpu) / len(kept))
            slow = sorted(rates)[round(0.05 * (len(rates) - 1))]  # the p95 run, slow side
            # Other processes on the machine slow the wall clock; the CPU time this
            # process spent per page says what an idle core would do (one process only).
            busy = f", CPU {1000 * min(cpu):.1f} ms per page" if processes == 1 else ""
            print(
                f"HTML ingest, {len(kept)} pages x {runs} runs, {processes} process"
                f"{'es' if processes > 1 else ''} on {os.cpu_count()} cores "
                f"(load {os.getloadavg()[0]:.1f}): median {statistics.median(rates):.1f} "
                f"articles/s, p95 {slow:.1f} articles/s (slow side); per page median "
                f"{1000 * statistics.median(times):.1f} ms, p95 {1000 * p95(times):.1f} ms{busy}"
            )


def _ingest_in(processes: int, docs: list[tuple[bytes, str]]) -> list[float]:
    """Ingest `docs` with `processes` processes sharing them out; each page's time."""
    if processes == 1:
        return _ingest_all(docs)
    # Forked after the parent closed its connection: each child opens its own, as each
    # of several `manage.py worker` processes would.
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        shares = pool.map(_ingest_all, [docs[i::processes] for i in range(processes)])
    return [t for share in shares for t in share]


def _ingest_all(docs: list[tuple[bytes, str]]) -> list[float]:
    from django.db import connections  # noqa: PLC0415 - after django.setup()

    from articles.ingest import ingest  # noqa: PLC0415

    times = []
    for data, name in docs:
        began = time.perf_counter()
        ingest(data, filename=name)
        times.append(time.perf_counter() - began)
    connections.close_all()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-speed", action="store_true", help="F1 only")
    parser.add_argument("--no-quality", action="store_true", help="throughput only")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst tuning pages")
    parser.add_argument("--runs", type=int, default=RUNS)
    args = parser.parse_args()
    if not (BENCHMARK / "ground-truth.json").exists():
        sys.exit(f"{BENCHMARK} is absent; nothing to measure")
    print(
        "command: .venv/bin/python bench/extraction.py"
        f"  (machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()})"
    )
    sys.path.insert(0, str(ROOT))
    if not args.no_quality:
        quality(args.worst)
    if not args.no_speed:
        speed(args.runs)


if __name__ == "__main__":
    main()
