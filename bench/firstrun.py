"""`make bench`: how long a new user waits for Newsroom, from a fresh clone.

For each PostgreSQL the cluster can run on (the system's, the embedded one from the
wheel), a fresh clone of this checkout's HEAD runs `make run` until its first page
answers (virtualenv, install, cluster, migrations, welcome article, server), then
`make run` again in the same clone (everything already set up). Targets: the first run
under 60 s, a second under 5 s.

The figures include pip installing from its cache what it downloaded before (a machine
that never downloaded the wheels adds the download time); the script prints the cache.

    BENCH_FIRSTRUN_RUNS=3 .venv/bin/python bench/firstrun.py
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from pathlib import Path

from common import ROOT, p95

sys.path.insert(0, str(ROOT))
from tests.freshclone import fresh_clone, make_run

RUNS = int(os.environ.get("BENCH_FIRSTRUN_RUNS", "1"))
AGAIN = 3  # second runs per clone
KINDS = ("system", "embedded")


def _pip_cache() -> str:
    """Where pip keeps what it downloaded, and how much it holds: a first run installs
    from there what it downloaded before."""
    found = subprocess.run(
        [sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True, check=False
    )
    where = Path(found.stdout.strip())
    size = sum(f.stat().st_size for f in where.rglob("*") if f.is_file()) if where.is_dir() else 0
    return f"{where} holds {size / 2**20:,.0f} MB"


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
