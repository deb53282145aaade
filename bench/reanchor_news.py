"""Edits shaped like real news revisions, for bench/reanchor.py.

Each kind takes a text and a passage and returns the edited text with the passage's true
new place, as `Edited`. Three truths:

- the passage's words survive (`touched=False`), perhaps set differently (curly quotes,
  dashes, non-breaking spaces, line breaks: the same words to a reader): only that exact
  range is correct;
- the passage was edited (`touched=True`): `truth` is where its words went (a rewritten
  sentence, the quote with its new figure), and a placement is right when it covers that
  place (intersection over union at least `CHANGED_IOU`);
- the passage is gone (`truth=None`): any placement is wrong.

Inserted and replacing words come from the text itself, as in bench/reanchor.py.
"""

from __future__ import annotations

import functools
import re
import textwrap
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random
    from collections.abc import Callable, Sequence

Range = tuple[int, int]
Edit = tuple[int, int, str]  # replace text[start:end] by the string
WORD = re.compile(r"\S+")
# A sentence: up to its closing punctuation, quotes and brackets after it included.
SENTENCE = re.compile(r"[^\s][^.!?。！？\n]*[.!?。！？]+[\"”’)]*")
NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\w,])|(?<![\w.,])\d{2,}(?![\w,])")
QUOTED = re.compile(r"“([^“”\n]{12,300})”|\"([^\"\n]{12,300})\"")
CHANGED_IOU = 0.5
# Straight <-> typographic, one character for one, as a CMS re-publishing a story sets them.
CURLY = {"'": "\u2019", '"': "\u201d", "-": "\u2013"}
STRAIGHT = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u00a0": " ",
}
PLAIN = str.maketrans(STRAIGHT)
CORRECTION = (
    "Correction: An earlier version of this article misstated the date of the meeting. "
    "It was on Tuesday, not Monday."
)


@dataclass(frozen=True)
class Edited:
    """One edited text and where the annotated passage truly is in it (None: gone)."""

    text: str
    truth: Range | None
    touched: bool  # the passage's words were edited (not only set differently)


def words(text: str) -> list[Range]:
    return [m.span() for m in WORD.finditer(text)]


@functools.cache
def vocabulary(text: str) -> tuple[str, ...]:
    """The text's own words, for inserted and replacing words; long runs without spaces
    (Chinese, Japanese) are cut into pieces of four characters, so that an insertion is
    a few words, not a copy of whole sentences."""
    tokens = [text[s:e] for s, e in words(text)]
    return tuple(p for t in tokens for p in ([t] if len(t) <= 16 else textwrap.wrap(t, 4)))


def phrase(rng: random.Random, vocab: Sequence[str], count: int) -> str:
    return " ".join(rng.choice(vocab) for _ in range(max(1, count)))


def apply(text: str, edits: list[Edit], passage: Range) -> tuple[str, Range]:
    """The text with non-overlapping `edits` made, and where `passage` went. Words inserted
    at its edges are not part of it; an edge inside an edit goes to that edit's new edge."""
    out: list[str] = []
    at = 0
    for a, b, new in sorted(edits):
        out += [text[at:a], new]
        at = b
    out.append(text[at:])
    return "".join(out), (
        moved(passage[0], edits, start=True),
        moved(passage[1], edits, start=False),
    )


def moved(x: int, edits: list[Edit], *, start: bool) -> int:
    shift = 0
    for a, b, new in sorted(edits):
        if a < x < b:  # inside: to the edit's start (a passage's start) or end
            return a + shift + (0 if start else len(new))
        if b < x or (a < b == x) or (a == b == x and start):
            shift += len(new) - (b - a)
    return x + shift


def sentence_at(text: str, passage: Range) -> Range | None:
    """The sentence holding the passage, when the passage is in one sentence."""
    for match in SENTENCE.finditer(text):
        if match.start() <= passage[0] and passage[1] <= match.end():
            return match.span()
    return None


# The kinds ---------------------------------------------------------------------------------


def sentence_rewritten(
    rng: random.Random, text: str, vocab: Sequence[str]
) -> tuple[Range, Edited] | None:
    """A whole sentence rewritten around its subject: its first words and final mark stay,
    the rest becomes other words, of about the same number."""
    sentences = [m.span() for m in SENTENCE.finditer(text) if len(m.group().split()) >= 6]
    if not sentences:
        return None
    start, end = rng.choice(sentences)
    spans = [(start + a, start + b) for a, b in words(text[start:end])]
    keep = rng.randint(1, 3)
    body_start, body_end = spans[keep][0], spans[-1][1] - 1  # the final mark stays
    count = round((len(spans) - keep) * rng.uniform(0.6, 1.4))
    new = phrase(rng, vocab, count).rstrip(".!?")
    edited, truth = apply(text, [(body_start, body_end, new)], (start, end))
    return (start, end), Edited(edited, truth, touched=True)


def figure_updated(
    rng: random.Random, text: str, vocab: Sequence[str]
) -> tuple[Range, Edited] | None:
    """A figure updated ("10,000" -> "12,000"), annotated alone or with words around it."""
    del vocab
    numbers = [m.span() for m in NUMBER.finditer(text)]
    if not numbers:
        return None
    a, b = rng.choice(numbers)
    old = text[a:b]
    value = int(old.replace(",", ""))
    new_value = max(1, round(value * rng.choice([0.5, 0.8, 1.2, 1.25, 1.5, 2])))
    if new_value == value:
        return None
    new = f"{new_value:,}" if "," in old else str(new_value)
    spans = words(text)
    index = next(i for i, (s, e) in enumerate(spans) if s <= a < e)
    before, after = rng.randint(0, 6), rng.randint(0, 6)
    passage = (spans[max(0, index - before)][0], spans[min(len(spans) - 1, index + after)][1])
    edited, truth = apply(text, [(a, b, new)], passage)
    return passage, Edited(edited, truth, touched=True)


def quote_updated(
    rng: random.Random, text: str, vocab: Sequence[str]
) -> tuple[Range, Edited] | None:
    """A quotation corrected: some of its words (a third to two thirds) replaced."""
    quotes = [m.span(1) if m.group(1) else m.span(2) for m in QUOTED.finditer(text)]
    if not quotes:
        return None
    start, end = rng.choice(quotes)
    spans = [(start + a, start + b) for a, b in words(text[start:end])]
    if len(spans) < 3:
        return None
    count = max(1, round(len(spans) * rng.uniform(1 / 3, 2 / 3)))
    first = rng.randrange(len(spans) - count + 1)
    a, b = spans[first][0], spans[first + count - 1][1]
    edited, truth = apply(text, [(a, b, phrase(rng, vocab, count))], (start, end))
    return (start, end), Edited(edited, truth, touched=True)


def correction_appended(rng: random.Random, text: str, passage: Range) -> Edited | None:
    """A correction paragraph at the end of the story; the passage's words stay."""
    del rng
    edited, truth = apply(text, [(len(text), len(text), "\n\n" + CORRECTION)], passage)
    return Edited(edited, truth, touched=False)


def paragraph_split_or_merged(rng: random.Random, text: str, passage: Range) -> Edited | None:
    """A paragraph split at a sentence end, or two merged, near or inside the passage."""
    s, e = passage
    low, high = max(0, s - 200), min(len(text), e + 200)
    if rng.random() < 0.5:
        breaks = [m.start() for m in re.finditer(r"\n\n", text[low:high])]
        if not breaks:
            return None
        at = low + rng.choice(breaks)
        edits = [(at, at + 2, " ")]
    else:
        ends = [low + m.end() for m in SENTENCE.finditer(text[low:high])]
        gaps = [x for x in ends if x < len(text) and text[x] == " "]
        if not gaps:
            return None
        at = rng.choice(gaps)
        edits = [(at, at + 1, "\n\n")]
    edited, truth = apply(text, edits, passage)
    return Edited(edited, truth, touched=False)


def typography(rng: random.Random, text: str, passage: Range) -> Edited | None:
    """The story re-set: straight quotes and spaced hyphens made typographic, or the
    reverse, and the spaces before dashes and figures made non-breaking, throughout."""
    table = STRAIGHT if rng.random() < 0.5 else CURLY
    edits: list[Edit] = [
        (i, i + 1, table[c])
        for i, c in enumerate(text)
        if c in table and (c != "-" or text[i - 1 : i + 2] == " - ")  # not in "well-known"
    ]
    if table is CURLY:
        # An opening quote after a space or a line break.
        edits = [
            (a, b, "\u201c" if new == "\u201d" and (a == 0 or text[a - 1].isspace()) else new)
            for a, b, new in edits
        ]
        edits += [(m.start(), m.start() + 1, "\u00a0") for m in re.finditer(r" (?=[–—%]|\d)", text)]
        edits = sorted({(a, b): (a, b, n) for a, b, n in edits}.values())
    if not any(passage[0] - 64 <= a < passage[1] + 64 for a, _, _ in edits):
        return None  # nothing re-set near the passage: the same as an untouched text
    edited, truth = apply(text, edits, passage)
    return Edited(edited, truth, touched=False)


def reflow(rng: random.Random, text: str, passage: Range) -> Edited | None:
    """Whitespace changed around and in the passage: lines wrapped at about 70 columns,
    double spaces after full stops, or spaces doubled and collapsed."""
    s, e = passage
    low, high = max(0, s - 300), min(len(text), e + 300)
    spaces = [low + m.start() for m in re.finditer(r" ", text[low:high])]
    if not spaces:
        return None
    how = rng.choice(["wrap", "double", "mixed"])
    if how == "wrap":
        edits, column = [], 0
        for at in spaces:
            if at - column >= 70:
                edits.append((at, at + 1, "\n"))
                column = at
    elif how == "double":
        edits = [(at, at + 1, "  ") for at in spaces if at and text[at - 1] == "."]
    else:
        edits = [
            (at, at + 1, rng.choice(["  ", "\n", "\t"]))
            for at in rng.sample(spaces, min(3, len(spaces)))
        ]
    if not edits:
        return None
    edited, truth = apply(text, edits, passage)
    return Edited(edited, truth, touched=False)


def paragraph_inserted_between(rng: random.Random, text: str, passage: Range) -> Edited | None:
    """A new paragraph between the passage and its context: right before it, right after
    it, or both, so that the old prefix or suffix (or both) no longer touch it."""
    s, e = passage
    if any(recurs(text, text, chunk) for chunk in ((max(0, s - 16), s + 8), (e - 8, e + 16))):
        return None  # it recurs with its context: once that is gone, which is unknowable
    where = rng.choice(["before", "after", "both"])
    edits: list[Edit] = []
    if where in ("before", "both"):
        edits.append((s, s, phrase(rng, vocabulary(text), rng.randint(8, 40)) + ".\n\n"))
    if where in ("after", "both"):
        edits.append((e, e, "\n\n" + phrase(rng, vocabulary(text), rng.randint(8, 40)) + "."))
    if any(new.startswith(text[s:e]) or new.endswith(text[s:e]) for _, _, new in edits):
        return None  # "it had had": the words inserted read as the passage, at its old place
    edited, truth = apply(text, edits, passage)
    return Edited(edited, truth, touched=False)


def paragraph_deleted(rng: random.Random, text: str, passage: Range) -> Edited | None:
    """The passage's whole paragraph deleted: it is gone, and must be orphaned."""
    del rng
    s, e = passage
    start = text.rfind("\n\n", 0, s)
    start = 0 if start == -1 else start
    end = text.find("\n\n", e)
    end = len(text) if end == -1 else end
    if start == 0 and end == len(text):
        return None
    edited, _ = apply(text, [(start, end, "")], passage)
    return gone(text, edited, passage)


def paragraph_cut(rng: random.Random, text: str, passage: Range) -> Edited | None:
    """The passage and the rest of its paragraph cut, or the passage and its paragraph's
    beginning: one side of its context stays, the passage is gone."""
    s, e = passage
    if rng.random() < 0.5:
        end = text.find("\n\n", e)
        edits = [(s, len(text) if end == -1 else end, "")]
    else:
        start = text.rfind("\n\n", 0, s)
        edits = [(0 if start == -1 else start + 2, e, "")]
    edited, _ = apply(text, edits, passage)
    return gone(text, edited, passage)


def plain(text: str) -> str:
    """The words as a reader tells them apart: typography and runs of spaces aside."""
    return re.sub(r"\s+", " ", text.translate(PLAIN))


def recurs(text: str, other: str, chunk: Range, *, at_least: int = 2) -> bool:
    """Whether text[chunk] is in `other` (at least twice, by default: elsewhere too), however
    set."""
    return plain(other).count(plain(text[chunk[0] : chunk[1]])) >= at_least


def gone(text: str, edited: str, passage: Range) -> Edited | None:
    """The passage gone from `edited`, unless its words recur with some of their context
    (a repeated box): which copy went is then unknowable."""
    s, e = passage
    edge = min(8, e - s)
    chunks = ((s, e), (max(0, s - 16), s + edge), (e - edge, e + 16))
    if any(recurs(text, edited, chunk, at_least=1) for chunk in chunks):
        return None
    return Edited(edited, None, touched=True)


# What each kind is, for the table: kinds that choose their own passage, and kinds given one.
CHOOSING: dict[str, Callable[[random.Random, str, Sequence[str]], tuple[Range, Edited] | None]] = {
    "news: sentence rewritten (same subject)": sentence_rewritten,
    "news: figure updated": figure_updated,
    "news: quotation corrected": quote_updated,
}
GIVEN: dict[str, Callable[[random.Random, str, Range], Edited | None]] = {
    "news: correction appended": correction_appended,
    "news: paragraphs split or merged": paragraph_split_or_merged,
    "news: typography re-set": typography,
    "news: whitespace and reflow": reflow,
    "news: paragraph inserted beside it": paragraph_inserted_between,
    "news: its paragraph deleted (gone)": paragraph_deleted,
    "news: it and half its paragraph cut (gone)": paragraph_cut,
}
