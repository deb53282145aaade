"""What every importer reads a file into, and the helpers they share.

A reader (one module per format) turns bytes into a `Parsed`: entries (articles, with or
without their text), annotations addressed by URL (Hypothesis, Web Annotations),
feed subscriptions, and the problems it met, each with where it was ("line 7",
"entry 3"). Readers touch no database and never raise for a bad row: a row they cannot
use is a `Problem`, and the others still go in. A file that cannot be read at all raises
`ImportFileError`, with where it broke when the parser says.

Titles and notes are plain text here (escaped wherever shown); HTML bodies are kept as
they came and go through the sanitiser when they are saved (`articles.imports.save`).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import charset_normalizer

from articles import fetch
from articles.errors import IngestError
from articles.models import Color, ImportJob

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

# The largest file an import accepts (an Omnivore export with its pages is the biggest).
MAX_IMPORT_BYTES = 50 * 1024 * 1024
TITLE_MAX_CHARS = 500
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

Format = ImportJob.Format

# Set while an import writes: the articles it saves are not ones a fetch brought, so
# saving them settles no pending import (`pending.settle_soon`).
importing: ContextVar[bool] = ContextVar("importing", default=False)


class ImportFileError(IngestError):
    """The file cannot be imported at all; the message says why (and where, if known)."""


@dataclass(frozen=True)
class Problem:
    """One entry left out, and why: shown in the preview, the summary and the command."""

    where: str  # "line 7", "entry 3", "highlights/story.md"
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}" if self.where else self.reason

    def as_json(self) -> dict[str, str]:
        return {"where": self.where, "reason": self.reason}


@dataclass(frozen=True)
class Highlight:
    """A passage annotation (or, without `exact`, a note on the whole article).

    `start` is where the other tool placed it, a hint only: its offsets count another
    text than ours."""

    exact: str = ""
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    note: str = ""
    color: str = Color.YELLOW
    created_at: dt.datetime | None = None
    where: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "exact": self.exact,
            "prefix": self.prefix,
            "suffix": self.suffix,
            "start": self.start,
            "note": self.note,
            "color": self.color,
            "created_at": self.created_at.isoformat() if self.created_at else None,
            "where": self.where,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Highlight:
        created = data.get("created_at")
        return cls(
            exact=data.get("exact", ""),
            prefix=data.get("prefix", ""),
            suffix=data.get("suffix", ""),
            start=data.get("start"),
            note=data.get("note", ""),
            color=data.get("color", Color.YELLOW),
            created_at=dt.datetime.fromisoformat(created) if created else None,
            where=data.get("where", ""),
        )


@dataclass(frozen=True)
class Entry:
    """One article of the file. `url` is canonical ("" when it has none); `html` (or
    `load`, for a body read only when it is saved) is its text, as it came."""

    where: str
    url: str = ""
    title: str = ""
    html: str = ""
    load: Callable[[], str] | None = None
    byline: str = ""
    site_name: str = ""
    language: str = ""
    published: dt.date | None = None
    saved_at: dt.datetime | None = None
    labels: tuple[str, ...] = ()
    read_at: dt.datetime | None = None
    archived_at: dt.datetime | None = None
    favourite_at: dt.datetime | None = None
    highlights: tuple[Highlight, ...] = ()

    @property
    def has_text(self) -> bool:
        return bool(self.html.strip()) or self.load is not None

    def text(self) -> str:
        return self.load() if self.load is not None else self.html


@dataclass(frozen=True)
class Addressed:
    """An annotation made on a page elsewhere (Hypothesis, any Web Annotation): placed
    on the library's article with the same address, if there is one."""

    urls: tuple[str, ...]  # canonical; the first that names a library article wins
    highlight: Highlight
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Subscription:
    url: str  # canonical
    title: str = ""
    where: str = ""


@dataclass
class Parsed:
    format: str
    entries: list[Entry] = field(default_factory=list)
    addressed: list[Addressed] = field(default_factory=list)
    feeds: list[Subscription] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> int:
        """The units of work of a run, for its progress bar."""
        return len(self.entries) + len(self.addressed) + len(self.feeds)


# CSV -----------------------------------------------------------------------------------

MAX_ROWS = 200_000  # rows read from one CSV file; the rest are reported, not read

Cells = dict[str, str]  # a row's cells by lower-cased header name


def csv_rows(text: str, parsed: Parsed) -> Iterator[tuple[str, Cells]]:
    """Each non-blank row of a CSV file with a header, as (where, cells by header name).

    `where` is the line the row starts on (a quoted cell may span lines). A missing
    header, an unreadable row and rows past MAX_ROWS are reported in `parsed` and skipped.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (csv.Error, StopIteration):
        parsed.problems.append(Problem("line 1", "no header row"))
        return
    line = reader.line_num
    for _ in range(MAX_ROWS):
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num
            parsed.problems.append(Problem(f"line {start}", f"not a CSV row ({exc})"))
            continue
        line = reader.line_num
        if any(cell.strip() for cell in row):
            yield f"line {start}", dict(zip(header, row, strict=False))
    parsed.problems.append(Problem(f"line {line}", f"more than {MAX_ROWS:,} rows; the rest"))


# Text ----------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    """The file's text: by its byte-order mark, as UTF-8, by the charset it declares,
    else as charset-normalizer guesses. Refuses what is not text."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:8192]:
        raise ImportFileError("It is a binary file, not an export Newsroom knows.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if match := _DECLARED.search(data[:2048]):
        try:
            return data.decode(match.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    matches = charset_normalizer.from_bytes(data[: 2 * 1024 * 1024])
    best = matches.best()
    if best is None or best.encoding is None:
        raise ImportFileError("Its text encoding could not be worked out; save it as UTF-8.")
    # Short Western text reads equally well in several code pages; windows-1252 is the
    # one the web (and every browser's "Latin-1") means when it does not say.
    tied = {m.encoding for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)}
    encoding = "cp1252" if "cp1252" in tied else best.encoding
    return data.decode(encoding, errors="replace")


def text_of(item: dict[str, Any], key: str) -> str:
    """A JSON object's string member, or "" for anything else."""
    value = item.get(key)
    return value if isinstance(value, str) else ""


def plain(value: object, limit: int = TITLE_MAX_CHARS) -> str:
    """A title or a name as one line of text: control characters gone, spaces collapsed."""
    if value is None:
        return ""
    text = _CONTROL.sub("", str(value))
    return " ".join(text.split())[:limit]


def url_of(raw: object) -> str:
    """The canonical form of an http(s) address (as the saving machinery stores it), or
    "" for anything else."""
    if not isinstance(raw, str) or not raw.strip():
        return ""
    try:
        fetch.check_url(raw)
    except fetch.FetchError:
        return ""
    canonical = fetch.canonical_url(raw)
    return canonical if len(canonical) <= 2000 else ""


def labels_of(raw: object, separator: str = ",") -> tuple[str, ...]:
    """Label names from a list or a separated string, cleaned, each once (ignoring case)."""
    if isinstance(raw, str):
        names = raw.split(separator)
    elif isinstance(raw, list):
        names = [item.get("name", "") if isinstance(item, dict) else item for item in raw]
    else:
        return ()
    seen: dict[str, str] = {}
    for name in names:
        clean = plain(name, 50) if isinstance(name, str) else ""
        if clean and clean.lower() not in seen:
            seen[clean.lower()] = clean
    return tuple(seen.values())


# Times ---------------------------------------------------------------------------------

_EPOCH_MAX = 4102444800  # 2100-01-01: a larger number is milliseconds, or noise


def time_of(raw: object) -> dt.datetime | None:
    """A time from Unix seconds (or milliseconds) or ISO 8601; None when it is neither."""
    if isinstance(raw, bool) or raw in (None, ""):
        return None
    if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        raw = int(raw.strip())
    if isinstance(raw, int | float):
        seconds = raw / 1000 if raw > _EPOCH_MAX else raw
        if not 0 < seconds < _EPOCH_MAX:
            return None
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    if not isinstance(raw, str):
        return None
    try:
        parsed = dt.datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def when(*times: dt.datetime | None) -> dt.datetime:
    """The first of `times` known, else now: a state the file gives without its time."""
    return next((time for time in times if time is not None), dt.datetime.now(tz=dt.UTC))


def date_of(raw: object) -> dt.date | None:
    found = time_of(raw)
    return found.date() if found else None


def flag(raw: object) -> bool:
    """A JSON or CSV yes/no: true, 1, "1", "true", "yes"."""
    if isinstance(raw, str):
        return raw.strip().lower() in {"1", "true", "yes"}
    return bool(raw) if isinstance(raw, int | bool) else False


# Colours of other tools, in our palette.
COLORS = {
    "yellow": Color.YELLOW,
    "green": Color.GREEN,
    "blue": Color.BLUE,
    "pink": Color.PINK,
    "red": Color.PINK,
    "orange": Color.YELLOW,
    "purple": Color.PURPLE,
}


def color_of(raw: object) -> str:
    return COLORS.get(str(raw or "").strip().lower(), Color.YELLOW)


def load_json(text: str) -> object:
    """The JSON document, or an ImportFileError that says on which line it broke."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"line {exc.lineno}, column {exc.colno}: it is not valid JSON ({exc.msg})."
        ) from None
    except RecursionError:
        raise ImportFileError("It is nested too deeply to be an export.") from None
