"""`manage.py backup` and `manage.py restore`: the whole database, dumped by PostgreSQL's
own tools, and the stored files, in one tar file.

A backup holds:
- `manifest.json`: the format and its version, when it was made, the PostgreSQL server's
  and pg_dump's major versions, the stored files it holds;
- `database.dump`: `pg_dump --format=custom` of the database (every table, sequence,
  function and trigger; compressed);
- `files/...`: the stored files (`MEDIA_ROOT`, when one is set).

Unlike the portable ZIP (`articles.exports.backup`), this is everything, sessions and
two-factor devices included: it is for putting this very server back after a loss.

Invariants:
- The client tools match the server: pg_dump of the server's major version when one is
  installed (the system's, `pg_config --bindir`, or the embedded wheel's), else a newer
  one; pg_restore at least as new as the pg_dump that made the file. The connection comes
  from the settings (`DATABASES["default"]`), passed in the environment, never on a
  command line where `ps` would show a password.
- A backup is written beside its destination and renamed into place: a failed run never
  leaves a partial file under the final name.
- Restore refuses a database that holds a team's data unless told to replace it, and
  then runs `pg_restore --clean --single-transaction`: all or nothing.
- Stored files are restored only as regular files under MEDIA_ROOT: a member whose path
  is absolute or climbs out with `..` is refused.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

from articles import pgservers

FORMAT = "newsroom-database-backup"
VERSION = 1
MANIFEST = "manifest.json"
DUMP = "database.dump"
FILES = "files"


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says what to do."""


@dataclass(frozen=True)
class Tools:
    bindir: Path
    major: int

    def path(self, tool: str) -> str:
        return str(self.bindir / tool)


def _major(tool: Path) -> int | None:
    try:
        out = subprocess.run([str(tool), "--version"], capture_output=True, text=True, check=False)
    except OSError:
        return None
    found = re.search(r"\)?\s+(\d+)", out.stdout)
    return int(found.group(1)) if out.returncode == 0 and found else None


def _installed() -> list[Tools]:
    """Every installation with pg_dump and pg_restore: the servers `pgservers` knows, and
    whatever `pg_dump` is on the PATH (a client-only package)."""
    bindirs = [
        s.bindir
        for kind in (pgservers.SYSTEM, pgservers.EMBEDDED)
        for s in pgservers.available(kind)
    ]
    on_path = shutil.which("pg_dump")
    if on_path:
        bindirs.append(Path(on_path).resolve().parent)
    found: dict[Path, Tools] = {}
    for bindir in bindirs:
        if not all((bindir / t).exists() for t in ("pg_dump", "pg_restore")):
            continue
        major = _major(bindir / "pg_dump")
        if major is not None and bindir.resolve() not in found:
            found[bindir.resolve()] = Tools(bindir, major)
    return sorted(found.values(), key=lambda t: t.major)


def choose_tools(at_least: int, prefer: int) -> Tools:
    """pg_dump/pg_restore of major version `prefer` if installed, else the oldest that is
    at least `at_least`."""
    installed = _installed()
    for tools in installed:
        if tools.major == prefer and prefer >= at_least:
            return tools
    for tools in installed:
        if tools.major >= at_least:
            return tools
    have = ", ".join(f"{t.major} ({t.bindir})" for t in installed) or "none"
    raise BackupError(
        f"This needs PostgreSQL's client tools (pg_dump, pg_restore) of version {at_least} "
        f"or newer; found {have}. {pgservers.SYSTEM_HINT}."
    )


def server_major() -> int:
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined] # psycopg's backend has it


def _environment() -> dict[str, str]:
    """libpq's variables for the settings' database."""
    db: dict[str, Any] = dict(settings.DATABASES["default"])
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                      ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):  # fmt: skip
        if db.get(key):
            env[name] = str(db[key])
    options = db.get("OPTIONS") or {}
    for key in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        if options.get(key):
            env[f"PG{key.upper()}"] = str(options[key])
    return env


def _run(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True, check=False, env=_environment())
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines()
        detail = next(
            (line for line in lines if "error" in line.lower()), lines[-1] if lines else ""
        )
        raise BackupError(
            f"{Path(argv[0]).name} failed: {detail or f'exit status {result.returncode}'}"
        )


def _media_root() -> Path | None:
    root = getattr(settings, "MEDIA_ROOT", "")
    return Path(root) if root else None


def default_name(now: dt.datetime | None = None) -> str:
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    return f"newsroom-{moment:%Y%m%d-%H%M%S}.tar"


def make(destination: Path) -> dict[str, Any]:
    """Write a backup to `destination` (a file path); returns its manifest."""
    major = server_major()
    tools = choose_tools(major, major)
    destination.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="newsroom-backup-") as work:
        dump = Path(work) / DUMP
        _run([tools.path("pg_dump"), "--format=custom", "--no-password", f"--file={dump}"])
        media = _media_root()
        files = (
            [(p, f"{FILES}/{p.relative_to(media).as_posix()}") for p in sorted(media.rglob("*"))
             if p.is_file()]
            if media and media.is_dir()
            else []
        )  # fmt: skip
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "server_major": major,
            "pg_dump_major": tools.major,
            "files": len(files),
        }
        partial = destination.with_name(destination.name + ".partial")
        try:
            with tarfile.open(partial, "w") as tar:
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(dt.datetime.now(dt.UTC).timestamp())
                tar.addfile(info, io.BytesIO(data))
                tar.add(dump, arcname=DUMP)
                for path, name in files:
                    tar.add(path, arcname=name)
            partial.replace(destination)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups (`newsroom-*.tar`) in `directory`."""
    backups = sorted(directory.glob("newsroom-*.tar"), key=lambda p: p.name, reverse=True)
    removed = backups[keep:]
    for path in removed:
        path.unlink()
    return removed


def _read_manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("This is not a Newsroom database backup: it has no manifest.json.")
    try:
        manifest = json.loads(member.read(1 << 20))
    except ValueError as exc:
        raise BackupError(f"The backup's manifest.json cannot be read: {exc}.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            "This is not a Newsroom database backup (`manage.py backup` makes them; a ZIP "
            "from the export is restored with `manage.py restore_backup`)."
        )
    if manifest.get("version") != VERSION:
        raise BackupError(
            f"This backup's format version {manifest.get('version')!r} is unknown here."
        )
    return manifest


def holds_data() -> str | None:
    """What the settings' database holds of a team, or None when it has nothing (no
    tables yet, or only what a fresh install makes)."""
    from articles.exports.restore import why_not_empty  # noqa: PLC0415 - needs the app's tables

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('auth_user') IS NOT NULL")
        row = cursor.fetchone()
    if not row or not row[0]:
        return None
    try:
        return why_not_empty()
    except DatabaseError:  # tables of another schema: certainly not empty
        return "This database already holds Newsroom tables of another version."


def restore(source: Path, *, replace: bool = False) -> dict[str, Any]:
    """Restore the backup at `source` into the settings' database; returns its manifest."""
    try:
        tar = tarfile.open(source, "r:")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(
            f"This is not a Newsroom database backup (not a tar file): {exc}."
        ) from None
    with tar, tempfile.TemporaryDirectory(prefix="newsroom-restore-") as work:
        manifest = _read_manifest(tar)
        problem = holds_data()
        if problem and not replace:
            raise BackupError(
                f"{problem.removesuffix('.')}; `manage.py restore --replace` replaces "
                "everything in it with the backup."
            )
        dump = Path(work) / DUMP
        try:
            member = tar.extractfile(DUMP)
        except KeyError:
            member = None
        if member is None:
            raise BackupError("The backup is incomplete: it has no database.dump.")
        with dump.open("wb") as out:
            shutil.copyfileobj(member, out)
        dumped_by = int(manifest.get("pg_dump_major") or 0)
        tools = choose_tools(dumped_by, server_major())
        connection.close()  # pg_restore drops the tables this process may hold locks on
        _run([
            tools.path("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
            "--single-transaction", "--exit-on-error", "--no-password",
            f"--dbname={settings.DATABASES['default']['NAME']}", str(dump),
        ])  # fmt: skip
        _restore_files(tar)
    return manifest


def _restore_files(tar: tarfile.TarFile) -> int:
    media = _media_root()
    members = [m for m in tar.getmembers() if m.name.startswith(f"{FILES}/")]
    if not members:
        return 0
    if media is None:
        raise BackupError(
            "The database is restored, but the backup holds stored files and MEDIA_ROOT is "
            "not set: set it and restore again to put them back."
        )
    count = 0
    for member in members:
        relative = PurePosixPath(member.name).relative_to(FILES)
        if not member.isfile() or relative.is_absolute() or ".." in relative.parts:
            raise BackupError(f"The backup holds a file Newsroom will not write: {member.name}.")
        target = media.joinpath(*relative.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        if source is None:  # pragma: no cover - a regular file always has data
            continue
        with target.open("wb") as out:
            shutil.copyfileobj(source, out)
        count += 1
    return count
