"""Reading a ZIP export in memory, with caps: nothing is ever extracted to disk.

Invariants:
- Members are looked up by their name as a key, never used as a path: a name that is
  absolute or climbs (`../`), or holds a backslash or a NUL, is refused and reported.
- At most `MAX_MEMBERS` members; their declared sizes add up to at most
  `MAX_TOTAL_BYTES`; each is read with `MAX_MEMBER_BYTES` as a hard cap whatever its
  header declares, and all reads together stop at `MAX_TOTAL_BYTES`. A zip bomb is
  refused before (or while) it would be inflated.
- A truncated or corrupt archive, or an encrypted member, is an `ImportFileError` (the
  archive) or a problem of that member (read `None`).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import PurePosixPath

from articles.imports.core import ImportFileError, Problem

MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 10 * 1024 * 1024
MAX_TOTAL_BYTES = 300 * 1024 * 1024
_CHUNK = 64 * 1024


class ArchiveError(ImportFileError):
    """The archive is not a readable ZIP, or would inflate past the caps."""


def safe_name(name: str) -> str | None:
    """`name` as a relative POSIX path inside the archive, or None if it is not one."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    parts = PurePosixPath(name).parts
    if any(part in {"..", ""} for part in parts) or ":" in parts[0]:
        return None
    return "/".join(parts)


class Archive:
    """The members of a ZIP, by safe name; `problems` lists those refused."""

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise ArchiveError(f"It is not a readable ZIP archive ({exc}).") from None
        if len(infos) > MAX_MEMBERS:
            raise ArchiveError(
                f"The archive holds {len(infos):,} files; Newsroom reads at most {MAX_MEMBERS:,}."
            )
        declared = sum(info.file_size for info in infos)
        if declared > MAX_TOTAL_BYTES:
            raise ArchiveError(
                f"The archive would unpack to {declared // (1024 * 1024):,} MB; Newsroom "
                f"reads at most {MAX_TOTAL_BYTES // (1024 * 1024)} MB."
            )
        self.problems: list[Problem] = []
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            if info.is_dir():
                continue
            name = safe_name(info.filename)
            if name is None:
                self.problems.append(
                    Problem(info.filename[:200], "a file outside the archive's folder, left out")
                )
            else:
                self.members.setdefault(name, info)
        self._read = 0

    def names(self) -> list[str]:
        return sorted(self.members)

    def read(self, name: str, limit: int = MAX_MEMBER_BYTES) -> bytes | None:
        """The member's bytes, or None (and a problem) when it is missing, too large,
        encrypted or corrupt. Raises ArchiveError once the archive has given out
        `MAX_TOTAL_BYTES` in all."""
        info = self.members.get(name)
        if info is None:
            return None
        if info.file_size > limit:
            self.problems.append(Problem(name, f"larger than {limit // (1024 * 1024)} MB"))
            return None
        out = bytearray()
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(_CHUNK):
                    out += chunk
                    self._read += len(chunk)
                    if len(out) > limit:
                        self.problems.append(
                            Problem(name, f"larger than {limit // (1024 * 1024)} MB")
                        )
                        return None
                    if self._read > MAX_TOTAL_BYTES:
                        raise ArchiveError(
                            "The archive unpacks to more than "
                            f"{MAX_TOTAL_BYTES // (1024 * 1024)} MB; Newsroom stopped reading."
                        )
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            self.problems.append(Problem(name, f"could not be read ({exc})"))
            return None
        except RuntimeError:  # zipfile's word for an encrypted member
            self.problems.append(Problem(name, "encrypted, left out"))
            return None
        return bytes(out)
