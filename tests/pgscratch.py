"""A throwaway PostgreSQL cluster for fault experiments: killed and started again at will,
never the project's cluster (which other tests and people are using).

It is made with the same server binaries as the project's cluster (`pgservers.choose`),
in a fresh temporary directory, listening on a Unix socket only, and, as root, run as the
`postgres` system user (initdb and postgres refuse root), as `articles.pgcluster` does.
Only what guards against the machine losing power is switched off (fsync, full-page
writes): a killed PostgreSQL still goes through crash recovery and keeps every committed
transaction, which is what the faults exercise (so synchronous_commit stays on: off, a
crash may lose the last acknowledged commits, and the figures would count them as lost).

Used by tests/test_worker_faults.py and bench/faults.py.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from articles import pgservers

ROOT = Path(__file__).resolve().parents[1]
DB_NAME = "newsroom"
DB_USER = "newsroom"
_SERVICE_USER = "postgres"


@dataclass
class ScratchCluster:
    base: Path
    port: int
    bindir: Path
    run_as: str | None = None
    _log: Path = field(init=False)

    def __post_init__(self) -> None:
        self._log = self.base / "postgres.log"

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        return self.base / "run"

    @property
    def url(self) -> str:
        return f"postgres://{DB_USER}@{quote(str(self.socket_dir), safe='')}:{self.port}/{DB_NAME}"

    def env(self, **extra: str) -> dict[str, str]:
        """The environment for a `manage.py` process that uses this cluster."""
        return {**os.environ, "DATABASE_URL": self.url, **extra}

    def _run(self, *argv: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(a) for a in argv]
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, cwd="/")

    def accepting(self) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            try:
                sock.connect(str(self.socket_dir / f".s.PGSQL.{self.port}"))
            except OSError:
                return False
        return True

    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return None

    def start(self) -> None:
        self._run(self.bindir / "pg_ctl", "-D", self.data, "-l", self._log, "-w", "-t", "60",
                  "start")  # fmt: skip
        deadline = time.monotonic() + 30
        while not self.accepting():
            if time.monotonic() > deadline:
                raise RuntimeError(f"the scratch cluster did not start; see {self._log}")
            time.sleep(0.05)

    def kill(self) -> None:
        """kill -9 the postmaster (a crash), then wait until its children have gone too, so
        that it can be started again (a live child would hold the shared memory)."""
        pid = self.postmaster_pid()
        if pid is None:
            return
        children = self._children(pid)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        started = time.monotonic()
        while any(_alive(p) for p in [pid, *children]):
            waited = time.monotonic() - started
            if waited > 30:
                for child in children:
                    _signal(child, signal.SIGKILL)
            if waited > 40:
                raise RuntimeError(f"PostgreSQL (pid {pid}) did not go after kill -9")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.postmaster_pid() is not None:
            self._run(self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop",
                      check=False)  # fmt: skip

    def destroy(self) -> None:
        self.stop()
        self.kill()
        shutil.rmtree(self.base, ignore_errors=True)

    @staticmethod
    def _children(pid: int) -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                             text=True, check=False)  # fmt: skip
        return [int(p) for p in out.stdout.split()]

    def migrate(self) -> None:
        """Create the schema, as a deployment does (`manage.py migrate`)."""
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
                       cwd=ROOT, env=self.env(), check=True)  # fmt: skip


def _alive(pid: int) -> bool:
    """Whether `pid` still exists, a zombie included: PostgreSQL refuses to start while the
    pid in postmaster.pid exists at all."""
    try:
        waited, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return Path(f"/proc/{pid}").exists()
    return waited == 0


def _signal(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def create(port: int = 55432) -> ScratchCluster:
    """Initialise and start a throwaway cluster with one database, `newsroom`."""
    server = pgservers.choose(None)
    run_as = _SERVICE_USER if os.geteuid() == 0 else None
    base = Path(tempfile.mkdtemp(prefix="newsroom-scratch-", dir="/tmp"))
    cluster = ScratchCluster(base, port, server.bindir, run_as)
    if run_as:
        pw = pwd.getpwnam(run_as)
        os.chown(base, pw.pw_uid, pw.pw_gid)
    cluster.socket_dir.mkdir(mode=0o700)
    if run_as:
        os.chown(cluster.socket_dir, pw.pw_uid, pw.pw_gid)
    cluster._run(server.bindir / "initdb", "-D", cluster.data, "-U", DB_USER, "-A", "trust",
                 "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
    with (cluster.data / "postgresql.conf").open("a", encoding="utf-8") as conf:
        conf.write(
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{cluster.socket_dir}'\n"
            f"port = {port}\n"
            "fsync = off\nfull_page_writes = off\n"
        )
    cluster.start()
    cluster._run(server.bindir / "createdb", "-h", cluster.socket_dir, "-p", str(port),
                 "-U", DB_USER, DB_NAME)  # fmt: skip
    return cluster
