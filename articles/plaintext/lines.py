"""Raw pasted text to clean lines, and runs of lines to paragraphs.

Invariants:
- Every `Line.text` is non-empty, with no leading, trailing or doubled whitespace. Control
  characters become spaces, never nothing, so two words are never glued together.
- Reflowing only joins lines, with one space or, after a hyphen or between two CJK
  characters, with nothing. It never drops, adds or reorders a character of a line, so no
  word can be lost here.
"""

import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Line:
    text: str
    indent: int  # leading columns in the input, tabs counted as 4


@dataclass(frozen=True)
class Paragraph:
    text: str
    line_count: int


# A block of lines is a run between blank lines. None marks a blank line (or a line the
# metadata scan took out, which ends the block just the same).
Entry = Line | None

# Form feeds and the Unicode separators break lines; other control characters would glue
# words together if dropped, so they become spaces.
_NEWLINES = {ord(c): "\n" for c in "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028"} | {0x2029: "\n\n"}
_CONTROLS = dict.fromkeys([*range(0x09), *range(0x0E, 0x1C), 0x1F, 0x7F], " ")
_TRANSLATION = _NEWLINES | _CONTROLS

# Text hard-wrapped by a mail client or a wire system never has lines this long: a block
# holding one is a paragraph per line.
_LONG_LINE = 160
# Text copied from a browser was wrapped by a proportional font, so "the next word would
# have fitted" needs slack: a line is only short if it stops well before the widest line.
_FIT_RATIO = 0.75
_MIN_WIDTH = 40

_HYPHENS = "-\u00ad\u2010"
_TERMINAL = re.compile(r"[.!?\u2026\u3002\uff01\uff1f][\"'\u2019\u201d\u00bb)\]]*$")
_BULLET = re.compile(r"^(?:[-*\u2022\u00b7\u2023\u25e6\u25aa\u25cf\u2013\u2014]|\d{1,3}[.)])\s")


def split_lines(text: str) -> list[Entry]:
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").translate(_TRANSLATION)
    entries: list[Entry] = []
    for raw in text.split("\n"):
        expanded = raw.expandtabs(4)
        words = expanded.split()
        if not words:
            entries.append(None)
            continue
        indent = len(expanded) - len(expanded.lstrip())
        entries.append(Line(" ".join(words), indent))
    return entries


def _blocks(entries: list[Entry]) -> list[list[Line]]:
    found: list[list[Line]] = []
    current: list[Line] = []
    for entry in entries:
        if entry is None:
            if current:
                found.append(current)
            current = []
        else:
            current.append(entry)
    if current:
        found.append(current)
    return found


def is_cjk(char: str) -> bool:
    """Han, kana, CJK punctuation and full-width forms: scripts written without spaces.

    Hangul is left out on purpose: Korean separates words with spaces.
    """
    code = ord(char)
    return (
        0x3000 <= code <= 0x30FF
        or 0x3100 <= code <= 0x312F
        or 0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0xFF00 <= code <= 0xFFEF
        or 0x20000 <= code <= 0x3FFFF
    )


def width(text: str) -> int:
    if text.isascii():  # no wide character: most lines, read without a lookup per character
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def ends_sentence(text: str) -> bool:
    return _TERMINAL.search(text) is not None


def is_bullet(text: str) -> bool:
    return _BULLET.match(text) is not None


def join(lines: list[str]) -> str:
    out = lines[0]
    for line in lines[1:]:
        if out[-1] in _HYPHENS and len(out) > 1 and out[-2].isalnum() and line[0].islower():
            # "deploy-" + "ment": keep the hyphen, since "well-known" must stay whole too.
            out += line
        elif is_cjk(out[-1]) and is_cjk(line[0]):
            out += line
        else:
            out += " " + line
    return out


def reflow(entries: list[Entry]) -> list[Paragraph]:
    """Blank lines separate paragraphs; inside a block, lines are joined unless they look
    like separate paragraphs, list items or a heading."""
    runs = _blocks(entries)
    widths = [width(line.text) for run in runs for line in run]
    wrap = max((w for w in widths if w <= _LONG_LINE), default=0)
    paragraphs: list[Paragraph] = []
    for number, run in enumerate(runs):
        breaks = _breaks(run, wrap, first_block=number == 0)
        start = 0
        for end in [*sorted(breaks), len(run) - 1]:
            group = [line.text for line in run[start : end + 1]]
            paragraphs.append(Paragraph(join(group), len(group)))
            start = end + 1
    return paragraphs


def _breaks(run: list[Line], wrap: int, *, first_block: bool) -> set[int]:
    """Indexes of the lines after which a new paragraph starts."""
    last = len(run) - 1
    if any(width(line.text) > _LONG_LINE for line in run):
        return set(range(last))
    ends = [ends_sentence(line.text) for line in run[:last]]
    if len(run) >= 3 and sum(ends) >= 0.6 * last:
        # Three or more lines that nearly all end a sentence: one paragraph per line.
        return set(range(last))
    breaks = _list_breaks(run) | _indent_breaks(run)
    if wrap >= _MIN_WIDTH:
        for i in range(last):
            if _stops_short(run, i, wrap, first_line=first_block and i == 0):
                breaks.add(i)
    return breaks


def _list_breaks(run: list[Line]) -> set[int]:
    # One line starting "- " may be a dash wrapped to the start of a line; two make a list.
    bullets = [i for i, line in enumerate(run) if is_bullet(line.text)]
    if len(bullets) < 2:
        return set()
    return {i - 1 for i in bullets if i > 0}


def _indent_breaks(run: list[Line]) -> set[int]:
    # First-line indentation marks paragraphs only when the block itself opens that way.
    base = min(line.indent for line in run)
    if run[0].indent < base + 2 or any(is_bullet(line.text) for line in run):
        return set()
    return {i - 1 for i in range(1, len(run)) if run[i].indent >= base + 2}


def _stops_short(run: list[Line], i: int, wrap: int, *, first_line: bool) -> bool:
    """Whether line i ended by choice: the next line's first word would have fitted on it."""
    text, following = run[i].text, run[i + 1].text
    first_word = following[0] if is_cjk(following[0]) else following.split(" ", 1)[0]
    if width(text) + 1 + width(first_word) > _FIT_RATIO * wrap:
        return False
    if ends_sentence(text) or text.endswith(":") or first_line:
        return True
    # A short heading inside the text: capitalised, no closing punctuation, followed by a
    # capitalised line.
    return (
        not text[0].islower()
        and not following[0].islower()
        and len(text.split()) <= 12
        and text[-1].isalnum()
    )
