"""A PDF's text as an article: paragraphs, title, author, and where each page starts.

`read` takes the bytes of a PDF and returns a `PdfText`, or raises an `IngestError` with a
one-line message (no text layer, encrypted, cut off, damaged, too many pages). It touches
no database; `ingest.prepare` makes the article's body from the paragraphs.

How the text is read:
- pypdf's default ("plain") extraction, in content-stream order, with each run's position
  taken from its visitor. Plain order reads a two-column page column by column, as the
  producers of such pages write them; pypdf's "layout" mode sets both columns side by side
  on each line, interleaving them, so it is not used.
- Lines become paragraphs: a line continues the paragraph above unless the gap above it is
  clearly wider than the page's usual line spacing, its text size changes, or the line
  above ends a sentence and is short (under 3/4 of the page's median line length) or the
  line is indented. Moving up the page (a new column) or to the next page continues the
  paragraph unless the line before ends a sentence (whatever its length: at the foot of a
  column that is ambiguous, and a break is the safer guess).
- Joining two lines of a paragraph puts one space between them, except at a hyphen:
  "infor-" + "mation" is "information". The rule for a line ending in letter + "-" with
  the next line starting with a lower-case letter: keep the hyphen when the part before
  it already holds one ("state-of-the-" + "art"), or when the document writes the
  hyphenated word elsewhere and never the joined one ("well-known" seen, "wellknown" not);
  otherwise drop it (most line-end hyphens are the typesetter's). A next line starting
  with a capital or a digit keeps the hyphen ("Anglo-" + "Saxon", "COVID-" + "19"). A soft
  hyphen (U+00AD) at a line end always goes.
- Running headers and footers go: a line at the top or bottom edge of a page (the two
  highest or lowest lines) whose text, digits set aside, is at the same edge of more than
  half of the pages (and of at least two). Page numbers at an edge go on any page: "12",
  "- 12 -", "Page 3", "Page 3 of 9", "3 / 9", "iv".
- The title is the document's Title metadata unless it is empty or a file name
  ("Microsoft Word - draft.docx"); else the first page's first line when it stands alone
  as a heading, which then leaves the body. The author is the Author metadata.
- Non-Latin text is kept as pypdf gives it (fonts with a ToUnicode map or named glyphs).

Invariants:
- `page_starts[i]` (see `offsets`) is where page i+1's first kept character lies in the
  article's text, non-decreasing; a page with no text starts where the next text does.
- pypdf is never trusted to succeed: its errors and the low-level ones a damaged file
  provokes are caught by type and become "damaged"; a file without `%%EOF` near its end is
  refused as cut off before it is parsed. Input is capped by `settings.MAX_ARTICLE_BYTES`
  (by the caller), pages by `MAX_PAGES`, extracted text by `MAX_TEXT_CHARS`, time by
  `TIME_LIMIT` (checked between pages); pypdf caps each decompressed stream (75 MB).
"""

from __future__ import annotations

import io
import itertools
import re
import statistics
import struct
import time
import zlib
from dataclasses import dataclass, field

from pypdf import PageObject, PdfReader
from pypdf.errors import FileNotDecryptedError, PyPdfError

from articles.errors import IngestError

CONTENT_TYPE = "application/pdf"
MAX_PAGES = 2000
MAX_TEXT_CHARS = 10_000_000
TIME_LIMIT = 60.0  # seconds

# What a damaged file makes pypdf raise besides its own errors.
_DAMAGED = (
    PyPdfError,
    ValueError,
    KeyError,
    IndexError,
    TypeError,
    AttributeError,
    AssertionError,
    RecursionError,
    OverflowError,
    zlib.error,
    struct.error,
)
NO_TEXT = "This PDF has no text layer (a scan?): nothing was saved."
ENCRYPTED = "This PDF is protected by a password: save an unprotected copy and add that."
TRUNCATED = "This PDF is cut off before its end (an incomplete download?): nothing was saved."
DAMAGED = "This PDF is damaged and could not be read: nothing was saved."

_PAGE_NUMBER = re.compile(
    r"(?:page|p\.|seite|página|pagina)?\s*[-–—]?\s*(?:\d{1,5}|[ivxlcdm]{1,7})\s*[-–—]?"
    r"(?:\s*(?:of|/|von|de|di)\s*\d{1,5})?",
    re.IGNORECASE,
)
_JUNK_TITLE = re.compile(
    r"^(untitled|document\d*|microsoft (word|powerpoint) - .*)$|\.(docx?|pdf|odt|rtf|tex|indd)$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;…][\"'”’»)\]]*$")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.UNICODE)


@dataclass(frozen=True)
class PdfText:
    title: str
    author: str
    paragraphs: list[str]
    # For each page: (paragraph index, offset in that paragraph) of its first character.
    page_positions: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class _Line:
    text: str
    x: float
    y: float
    size: float


def read(data: bytes) -> PdfText:
    """The text of the PDF `data`, or an IngestError saying why there is none."""
    if b"%%EOF" not in data[-2048:]:
        raise IngestError(TRUNCATED)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not _opens_without_password(reader):
            raise IngestError(ENCRYPTED)
        count = len(reader.pages)
        if count > MAX_PAGES:
            raise IngestError(f"This PDF has {count} pages; Newsroom reads up to {MAX_PAGES}.")
        pages = _pages(reader)
        metadata = reader.metadata
        title = _clean(str(metadata.title or "")) if metadata else ""
        author = _clean(str(metadata.author or "")) if metadata else ""
    except FileNotDecryptedError:
        raise IngestError(ENCRYPTED) from None
    except _DAMAGED:
        raise IngestError(DAMAGED) from None
    if not any(pages):
        raise IngestError(NO_TEXT)
    return _reflow(pages, title=title, author=author)


def _opens_without_password(reader: PdfReader) -> bool:
    """Many PDFs are encrypted only to forbid printing or copying, with an empty
    password to open them: those are read."""
    try:
        return bool(reader.decrypt(""))
    except _DAMAGED:  # includes DependencyError (AES without the cryptography package)
        return False


def _pages(reader: PdfReader) -> list[list[_Line]]:
    deadline = time.monotonic() + TIME_LIMIT
    pages = []
    total = 0
    for page in reader.pages:
        lines = _page_lines(page)
        total += sum(len(line.text) for line in lines)
        if total > MAX_TEXT_CHARS:
            raise IngestError("This PDF holds more text than Newsroom keeps in one article.")
        if time.monotonic() > deadline:
            raise IngestError("This PDF took too long to read: nothing was saved.")
        pages.append(lines)
    return pages


def _page_lines(page: PageObject) -> list[_Line]:
    """The page's lines in content order, each with where its first run was drawn."""
    lines: list[_Line] = []
    current: list[str] = []
    where: list[tuple[float, float, float]] = []

    def end_line() -> None:
        text = " ".join("".join(current).split())
        if text and where:
            x, y, size = where[0]
            lines.append(_Line(text, x, y, size))
        current.clear()
        where.clear()

    def visit(text: str, cm: list[float], tm: list[float], _font: object, size: float) -> None:
        parts = text.split("\n")
        for i, part in enumerate(parts):
            if i:
                end_line()
            if part.strip() and not where:
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                scale = (abs(tm[3] * cm[3]) or 1.0) * (size or 1.0)
                where.append((x, y, scale))
            current.append(part)

    page.extract_text(visitor_text=visit)
    end_line()
    return lines


def _clean(text: str) -> str:
    text = " ".join(text.replace("\x00", "").split())
    return "" if _JUNK_TITLE.search(text) else text


def _edge_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _edges(lines: list[_Line]) -> tuple[list[int], list[int]]:
    """The indexes of the lines on the page's two highest and two lowest baselines."""
    heights = sorted({round(line.y) for line in lines})
    top, bottom = set(heights[-2:]), set(heights[:2])
    return (
        [i for i, line in enumerate(lines) if round(line.y) in top],
        [i for i, line in enumerate(lines) if round(line.y) in bottom],
    )


def _drop_running(pages: list[list[_Line]]) -> list[list[_Line]]:
    counts: dict[tuple[str, str], int] = {}
    edges = [_edges(lines) for lines in pages]
    for lines, (top, bottom) in zip(pages, edges, strict=True):
        for edge, indexes in (("top", top), ("bottom", bottom)):
            for key in {_edge_key(lines[i].text) for i in indexes}:
                counts[edge, key] = counts.get((edge, key), 0) + 1
    kept = []
    for lines, (top, bottom) in zip(pages, edges, strict=True):
        dropped = set()
        for edge, indexes in (("top", top), ("bottom", bottom)):
            for i in indexes:
                seen = counts[edge, _edge_key(lines[i].text)]
                if _PAGE_NUMBER.fullmatch(lines[i].text) or (seen >= 2 and seen * 2 > len(pages)):
                    dropped.add(i)
        kept.append([line for i, line in enumerate(lines) if i not in dropped])
    return kept


def _breaks(before: _Line, line: _Line, spacing: float, median: float, left: float) -> bool:
    """Whether `line` starts a new paragraph after `before` on the same page."""
    if abs(line.size - before.size) > 0.5:
        return True
    gap = before.y - line.y
    if gap < 0:  # up the page: the next column
        return bool(_SENTENCE_END.search(before.text))
    if spacing and gap > 1.4 * spacing:
        return True
    sentence = bool(_SENTENCE_END.search(before.text))
    return sentence and (line.x > left + 6 or len(before.text) < 0.75 * median)


def _join(head: str, tail: str, words: set[str]) -> str:
    """Two lines of one paragraph as one: a space between, or the hyphen rule."""
    if head.endswith("\u00ad"):
        return head[:-1] + tail
    if len(head) >= 2 and head[-1] in "-\u2010" and head[-2].isalpha():
        if tail[:1].isupper() or tail[:1].isdigit():
            return head + tail
        if tail[:1].islower():
            before = head[:-1].rsplit(" ", 1)[-1]
            match = _WORD.match(tail)
            after = match.group(0) if match else ""
            joined, hyphened = (before + after).casefold(), f"{before}-{after}".casefold()
            keep = "-" in before or (hyphened in words and joined not in words)
            return head + tail if keep else head[:-1] + tail
    return f"{head} {tail}"


def _reflow(pages: list[list[_Line]], *, title: str, author: str) -> PdfText:
    pages = _drop_running(pages)
    words = {w.casefold() for lines in pages for line in lines for w in _WORD.findall(line.text)}
    paragraphs: list[str] = []
    positions: list[tuple[int, int]] = []
    last: _Line | None = None  # the previous page's last line
    for lines in pages:
        if not lines:
            positions.append((-1, 0))  # filled in with the next page's start below
            continue
        positions.append(_add_page(lines, paragraphs, words, last))
        last = lines[-1]
    # A page without text starts where the next one does (or at the end).
    following = (len(paragraphs), 0)
    for i in range(len(positions) - 1, -1, -1):
        if positions[i][0] < 0:
            positions[i] = following
        following = positions[i]
    first_alone = bool(paragraphs) and _heading(pages, paragraphs[0])
    if paragraphs and ((not title and first_alone) or paragraphs[0] == title):
        title = paragraphs.pop(0)
        positions = [(p - 1, o) if p else (0, 0) for p, o in positions]
    return PdfText(title=title, author=author, paragraphs=paragraphs, page_positions=positions)


def _add_page(
    lines: list[_Line],
    paragraphs: list[str],
    words: set[str],
    last: _Line | None,
) -> tuple[int, int]:
    """Add a page's lines to `paragraphs`; where the page's first character went."""
    median = statistics.median(len(line.text) for line in lines)
    gaps = [a.y - b.y for a, b in itertools.pairwise(lines) if a.y - b.y > 0]
    spacing = statistics.median(gaps) if gaps else 0.0
    if len(gaps) < 3:  # too few gaps to know the usual one: a line and a fifth of the text
        spacing = min(spacing or 1e9, 1.2 * statistics.median(line.size for line in lines))
    left = min(line.x for line in lines)
    first = (len(paragraphs), 0)
    for i, line in enumerate(lines):
        if i:
            new = _breaks(lines[i - 1], line, spacing, median, left)
        else:  # across a page break, as up to the next column
            new = last is None or (
                bool(_SENTENCE_END.search(last.text)) or abs(line.size - last.size) > 0.5
            )
        if new:
            paragraphs.append(line.text)
            start = (len(paragraphs) - 1, 0)
        else:
            joined = _join(paragraphs[-1], line.text, words)
            start = (len(paragraphs) - 1, len(joined) - len(line.text))
            paragraphs[-1] = joined
        if not i:
            first = start
    return first


def _heading(pages: list[list[_Line]], first: str) -> bool:
    """Whether the first paragraph is a title line: one short line, not a sentence."""
    lines = next((lines for lines in pages if lines), [])
    return (
        bool(lines)
        and lines[0].text == first
        and len(first) <= 120
        and not first.endswith((".", ",", ";"))
    )


def offsets(body_text: str, text: PdfText) -> list[int]:
    """`page_positions` as offsets in `body_text`, the text the paragraphs became: each
    paragraph is found in order (the sanitiser may have changed a character or two)."""
    starts: list[int] = []
    cursor = 0
    for paragraph in text.paragraphs:
        found = body_text.find(paragraph, cursor)
        starts.append(found if found >= 0 else cursor)
        cursor = (found if found >= 0 else cursor) + len(paragraph)
    out = []
    for index, offset in text.page_positions:
        if index >= len(starts):
            out.append(len(body_text))
        else:
            out.append(min(starts[index] + offset, len(body_text)))
    # Non-decreasing, whatever the sanitiser did.
    for i in range(1, len(out)):
        out[i] = max(out[i], out[i - 1])
    return out
