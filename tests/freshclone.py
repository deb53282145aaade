"""A fresh clone of this checkout and `make run` in it, as a new user starts Newsroom.

Used by the quick-start test and by `bench/firstrun.py`. The clone lives in a private
temporary directory (0700, as CI's checkouts may), so as root its cluster takes the
private-directory path; everything it made, cluster included, is removed afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]
FIRST_PAGE_TIMEOUT = 900  # seconds: a first run creates the virtualenv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def fresh_clone() -> Iterator[Path]:
    """A clone of this checkout's committed HEAD, removed afterwards with its cluster."""
    top = Path(tempfile.mkdtemp(prefix="newsroom-fresh-"))
    clone = top / "newsroom"
    subprocess.run(
        ["git", "clone", "--quiet", "--local", "--no-hardlinks", str(ROOT), str(clone)],
        check=True,
    )
    try:
        yield clone
    finally:
        python = clone / ".venv/bin/python"
        if python.exists():
            subprocess.run(
                [str(python), "-m", "articles.pgcluster", "stop"],
                cwd=clone,
                check=False,
                capture_output=True,
            )
            where = subprocess.run(
                [str(python), "-m", "articles.pgcluster", "where"],
                cwd=clone,
                capture_output=True,
                text=True,
                check=False,
            )
            base = Path(where.stdout.strip())
            if where.returncode == 0 and base.name and base != Path("/"):
                shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(top, ignore_errors=True)


def _answers(port: int) -> bool:
    """Whether the server on 127.0.0.1:`port` answers its first page."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}/", method="GET")
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=5) as response:
            return response.status < 500
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except OSError:
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect to the setup page is an answer


def make_run(clone: Path, env: dict[str, str] | None = None) -> float:
    """Run `make run` in `clone` until its first page answers; seconds it took. The server
    is stopped (as Ctrl-C stops it) before this returns."""
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment.update(env or {})
    started = time.monotonic()
    process = subprocess.Popen(
        ["make", "run", f"PORT={port}"], cwd=clone, env=environment, start_new_session=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        while not _answers(port):
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                raise RuntimeError(
                    f"make run stopped (exit {process.returncode}):\n{output[-3000:]}"
                )
            if time.monotonic() - started > FIRST_PAGE_TIMEOUT:
                raise RuntimeError("make run served no page in time")
            time.sleep(0.2)
        return time.monotonic() - started
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
