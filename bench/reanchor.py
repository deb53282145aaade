"""Re-anchoring accuracy and speed on real article text, edited in known ways.

Texts: the ground-truth article bodies of ../shared/conformance/extraction and the shared
sample (generated text, with a note, when neither is present). For each text and each edit
kind, passages of 1-40 words (snapped to word boundaries) are annotated, the text is edited,
the true new place of each passage is tracked (or that it is gone), and the result of
re-anchoring is classified:

- unchanged: the passage's words survive (perhaps set differently: quotes, dashes, spaces)
  and it landed exactly on them;
- changed: the passage itself was edited and it landed where its words went (intersection
  over union with that place at least 0.5): the reader flags it "changed" and shows the
  words as they were;
- orphaned: not placed (safe, not correct);
- wrong: placed anywhere else, or placed although the passage is gone.

Small edits inside a passage (insertions, deletions, typos, a changed word) are kept within
20% of the passage's length; the re-anchoring budget is 25%. A rewrite replaces every word
in place: its old context frames the new words, which is where it went. Edits that read
the same at two places ("in in", a deleted "0" in "0 0 0") are not drawn: which of the two
the passage lost is unknowable; nor are moves, context losses and deletions of a passage
whose words recur with their context elsewhere (a repeated box): which copy it was is
unknowable too. Inserted and replacing words come from the text itself, so short quotes
recur elsewhere, as in real edits. The kinds named "news:" are shaped like real news
revisions (bench/reanchor_news.py): a sentence rewritten around its subject, a figure or a
quotation updated, a correction appended, paragraphs split or merged, the story re-set
typographically, whitespace reflowed, a paragraph inserted right beside the passage, and
its paragraph (or half of it, with it) deleted.

Each annotation of the single-edit kinds gets its own edited copy of the text and goes
through `reanchor`; the mixed batch edits a text in 3-6 random places at once and goes
through `reanchor_all`, as an article update does. There words inserted exactly at a
passage's edge may count as part of it or not (both readings are right).

Then: the real revisions of ../shared/conformance/revisions (when present), split by a
stable hash of each pair's id into a "tune" half (the one rules may be tried on) and a
"report" half; and timings: `reanchor_all` on a 100,000-character article after one
inserted paragraph and after a typo every ~80 characters, and 500 annotations on a
10,000-word article after a realistic revision (median and p95 of repeated runs).

Fixed seed (BENCH_SEED overrides it): the same figures on every run. BENCH_SHOW_WRONG=1
prints each wrong placement.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

from common import p95
from reanchor_news import CHANGED_IOU, CHOOSING, GIVEN, Edited, vocabulary, words

from articles.anchoring import CONTEXT, Anchor, Selector, reanchor, reanchor_all, select

if TYPE_CHECKING:
    from collections.abc import Callable

GROUND_TRUTH = SHARED / "conformance" / "extraction" / "ground-truth.json"
REVISIONS = SHARED / "conformance" / "revisions"
SAMPLE = SHARED / "samples" / "north-korean-troops.txt"
PER_TEXT = 10  # annotations per text and edit kind
LIGHT = 0.2  # small edits stay within this share of the passage
CONTEXT_NEAR = 40  # half the insertions and deletions beside a passage fall this close
SHOW_WRONG = os.environ.get("BENCH_SHOW_WRONG") == "1"
Range = tuple[int, int]
OUTCOMES = ("unchanged", "changed", "orphaned", "wrong")


def load_texts() -> tuple[list[str], str]:
    texts: list[str] = []
    if GROUND_TRUTH.is_file():
        pages = json.loads(GROUND_TRUTH.read_text(encoding="utf-8"))
        texts += [p["articleBody"] for p in pages.values() if len(p["articleBody"] or "") > 300]
    if SAMPLE.is_file():
        texts.append(SAMPLE.read_text(encoding="utf-8"))
    if texts:
        return texts, f"{len(texts)} real texts ({sum(map(len, texts)):,} characters)"
    rng = random.Random(7)
    vocab = ["the", "of", "and", "to", "in", "troops", "said", "minister", "Kyiv", "talks"]
    generated = [
        "\n\n".join(
            " ".join(rng.choice(vocab) for _ in range(rng.randint(20, 60))) + "." for _ in range(12)
        )
        for _ in range(40)
    ]
    return generated, "NOTE: shared texts absent; generated text (repetitive, harder)"


def place(rng: random.Random, text: str, min_words: int = 1) -> Range | None:
    spans = words(text)
    count = rng.randint(min_words, 40)
    if len(spans) <= count:
        return None
    first = rng.randrange(len(spans) - count)
    return spans[first][0], spans[first + count - 1][1]


def phrase(rng: random.Random, text: str) -> str:
    return " ".join(rng.choice(vocabulary(text)) for _ in range(rng.randint(1, 12)))


def splice(text: str, start: int, end: int, new: str) -> str:
    return text[:start] + new + text[end:]


# Edit kinds: each takes a passage and returns the edited text with the passage's truth. -----


def insert_before(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    starts = [a for a, _ in words(text) if a <= s]
    near = [a for a in starts if s - a <= CONTEXT_NEAR]
    at = rng.choice(near if near and rng.random() < 0.5 else starts)
    new = phrase(rng, text) + " "
    return Edited(splice(text, at, at, new), (s + len(new), e + len(new)), touched=False)


def insert_after(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    ends = [b for _, b in words(text) if b >= e]
    near = [b for b in ends if b - e <= CONTEXT_NEAR]
    at = rng.choice(near if near and rng.random() < 0.5 else ends)
    return Edited(splice(text, at, at, " " + phrase(rng, text)), (s, e), touched=False)


def insert_inside(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    gaps = [a for a, _ in words(text[s:e])][1:]
    new = rng.choice([w for w in phrase(rng, text).split() if len(w) < LIGHT * (e - s) - 1] or [""])
    if not gaps or not new:
        return None
    at = s + rng.choice(gaps)
    if text[at:].split(maxsplit=1)[0] == new or text[:at].rsplit(maxsplit=1)[-1] == new:
        return None  # "in in": the same as inserting beside the passage, not inside it
    return Edited(splice(text, at, at, new + " "), (s, e + len(new) + 1), touched=True)


def delete_before(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    spans = [w for w in words(text) if w[1] < s]
    if len(spans) < 2:
        return None
    last = rng.choice([len(spans) - 1, rng.randrange(len(spans))])
    first = max(0, last - rng.randint(0, 11))
    a, b = spans[first][0], spans[last + 1][0] if last + 1 < len(spans) else s
    return Edited(splice(text, a, b, ""), (s - (b - a), e - (b - a)), touched=False)


def delete_after(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    spans = [w for w in words(text) if w[0] > e]
    if len(spans) < 2:
        return None
    first = rng.choice([0, rng.randrange(len(spans))])
    last = min(len(spans) - 1, first + rng.randint(0, 11))
    a = spans[first - 1][1] if first else e
    return Edited(splice(text, a, spans[last][1], ""), (s, e), touched=False)


def delete_inside(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    inner = [(s + a, s + b) for a, b in words(text[s:e])][1:]
    # A word and the space before it; never the first word, so the start stays put.
    choices = [(a - 1, b) for a, b in inner if b - a + 1 <= LIGHT * (e - s)]
    if not choices:
        return None
    a, b = rng.choice(choices)
    if text[a:b] in (text[b : b + b - a], text[a - (b - a) : a]):
        return None  # the same words are beside them: deleting these or those reads the same
    return Edited(splice(text, a, b, ""), (s, e - (b - a)), touched=True)


def typos(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    count = rng.randint(1, 2)
    if count > LIGHT * (e - s) or e - s < 2:
        return None
    end = e
    for _ in range(count):
        at = rng.randrange(s, end)
        how = rng.choice(["swap", "drop", "add"])
        if how == "swap":
            text = splice(text, at, at + 1, rng.choice("aeiourstn"))
        elif how == "drop" and end - s > 1:
            text, end = splice(text, at, at + 1, ""), end - 1
        else:
            text, end = splice(text, at, at, rng.choice("aeiourstn")), end + 1
    return Edited(text, (s, end), touched=True)


def change_word(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    spans = [(s + a, s + b) for a, b in words(text[s:e])]
    a, b = rng.choice(spans)
    new = rng.choice(vocabulary(text))
    if new == text[a:b] or max(len(new), b - a) > LIGHT * (e - s):
        return None
    return Edited(splice(text, a, b, new), (s, e + len(new) - (b - a)), touched=True)


def rewrite(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    # No word of the passage comes back, not even with other punctuation or case.
    old = {core(w) for w in text[s:e].split()}
    vocab = [w for w in vocabulary(text) if core(w) not in old]
    if not vocab:
        return None
    new = " ".join(rng.choice(vocab) for _ in old)
    return Edited(splice(text, s, e, new), (s, s + len(new)), touched=True)


def core(word: str) -> str:
    return re.sub(r"\W", "", word).casefold()


def move_paragraph(rng: random.Random, text: str, s: int, e: int) -> Edited | None:
    paragraphs = text.split("\n\n")
    offsets, at = [], 0
    for paragraph in paragraphs:
        offsets.append(at)
        at += len(paragraph) + 2
    home = max(i for i, o in enumerate(offsets) if o <= s)
    if len(paragraphs) < 3 or e > offsets[home] + len(paragraphs[home]):
        return None
    if text.count(text[max(0, s - CONTEXT) : e + CONTEXT]) > 1:
        return None  # its fingerprint recurs: which copy moved is unknowable
    moved = paragraphs.pop(home)
    target = rng.choice([i for i in range(len(paragraphs) + 1) if i != home])
    paragraphs.insert(target, moved)
    where = sum(len(p) + 2 for p in paragraphs[:target])
    delta = where - offsets[home]
    return Edited("\n\n".join(paragraphs), (s + delta, e + delta), touched=False)


KINDS: dict[str, tuple[Callable[..., Edited | None], int]] = {
    # kind: (edit, fewest words in the passage)
    "insert before": (insert_before, 1),
    "insert inside": (insert_inside, 2),
    "insert after": (insert_after, 1),
    "delete before": (delete_before, 1),
    "delete inside": (delete_inside, 2),
    "delete after": (delete_after, 1),
    "typos (1-2 chars)": (typos, 1),
    "word changed": (change_word, 1),
    "rewrite (every word, in place)": (rewrite, 1),
    "paragraph moved": (move_paragraph, 1),
}


def classify(anchor: Anchor, truth: Range | None, touched: bool) -> str:
    if anchor.selector is None:
        return "orphaned"
    if truth is None:
        return "wrong"
    got = (anchor.selector.start, anchor.selector.end)
    if got == truth:
        return "changed" if touched else "unchanged"
    inter = min(got[1], truth[1]) - max(got[0], truth[0])
    union = max(got[1], truth[1]) - min(got[0], truth[0])
    return "changed" if touched and inter / union >= CHANGED_IOU else "wrong"


@dataclass
class Tally:
    outcomes: list[str]
    seconds: list[float]


def run_kind(
    rng: random.Random, texts: list[str], edit: Callable[..., Edited | None], least: int
) -> Tally:
    """One kind of edit, given a passage: `edit(rng, text, start, end)`."""

    def draw(text: str) -> tuple[Range, Edited] | None:
        passage = place(rng, text, least)
        if passage is None or not text[passage[0] : passage[1]].strip():
            return None
        edited = edit(rng, text, *passage)
        return (passage, edited) if edited else None

    return run_draws(texts, draw)


def run_news(rng: random.Random, texts: list[str], kind: str) -> Tally:
    """One news-shaped kind: it chooses its passage (a sentence, a figure, a quotation) or
    is given one."""

    def draw(text: str) -> tuple[Range, Edited] | None:
        if kind in CHOOSING:
            return CHOOSING[kind](rng, text, vocabulary(text))
        passage = place(rng, text)
        if passage is None:
            return None
        edited = GIVEN[kind](rng, text, passage)
        return (passage, edited) if edited else None

    return run_draws(texts, draw)


def run_draws(texts: list[str], draw: Callable[[str], tuple[Range, Edited] | None]) -> Tally:
    """PER_TEXT annotations per text, each on its own edited copy, through `reanchor`."""
    tally = Tally([], [])
    for done, text in enumerate(texts, 1):
        for _ in range(PER_TEXT * 3):  # some draws do not fit the kind; try again
            if len(tally.outcomes) >= PER_TEXT * done:
                break
            drawn = draw(text)
            if drawn is None:
                continue
            passage, edited = drawn
            old = select(text, *passage)
            began = time.perf_counter()
            anchor = reanchor(old, edited.text)
            tally.seconds.append(time.perf_counter() - began)
            tally.outcomes.append(classify(anchor, edited.truth, edited.touched))
            if SHOW_WRONG and tally.outcomes[-1] == "wrong":
                show(old, edited, anchor)
    return tally


def show(old: Selector, edited: Edited, anchor: Anchor) -> None:
    """A wrong placement, for BENCH_SHOW_WRONG=1: the passage, its truth, where it went."""
    got = anchor.selector
    assert got is not None
    truth = "gone"
    if edited.truth:
        s, e = edited.truth
        truth = f"{edited.text[max(0, s - CONTEXT) : s]!r} [[{edited.text[s:e]!r}]]"
    print(f"  old:   {old.prefix!r} [[{old.exact!r}]] {old.suffix!r}")
    print(f"  truth: {truth}")
    print(f"  got:   {anchor.method} {got.prefix!r} [[{got.exact!r}]] {got.suffix!r}")
    print(f"  offsets: old {old.start}-{old.end}, truth {edited.truth}, got {got.start}-{got.end}")


def run_mixed(rng: random.Random, texts: list[str]) -> Tally:
    """Several untargeted edits per text, all annotations re-anchored together."""
    tally = Tally([], [])
    for text in texts:
        passages = [p for p in (place(rng, text) for _ in range(PER_TEXT)) if p]
        olds = [select(text, *p) for p in passages]
        # Words inserted exactly at a passage's edge belong to it or not: both readings are
        # right, so each passage is tracked twice, without them (strict) and with them.
        strict: list[Range | None] = list(passages)
        generous: list[Range | None] = list(passages)
        new = text
        for _ in range(rng.randint(3, 6)):
            start, end, repl = mixed_edit(rng, new)
            strict = [track(t, start, end, len(repl)) for t in strict]
            generous = [
                track(t, start, end, len(repl), joins=at_edge(new, t, start, end)) for t in generous
            ]
            new = splice(new, start, end, repl)
        began = time.perf_counter()
        anchors = reanchor_all(olds, new)
        spent = time.perf_counter() - began
        for anchor, old, tight, wide in zip(anchors, olds, strict, generous, strict=True):
            tally.seconds.append(spent / len(olds))
            touched = tight is None or new[tight[0] : tight[1]] != old.exact
            verdicts = {
                classify(anchor, truth, touched=touched or truth != tight)
                for truth in (tight, wide)
            }
            tally.outcomes.append(min(verdicts, key=OUTCOMES.index))
    return tally


def mixed_edit(rng: random.Random, text: str) -> tuple[int, int, str]:
    """A random edit somewhere in `text`: (start, end, replacement)."""
    spans = words(text)
    index = rng.randrange(len(spans))
    a, b = spans[index]
    how = rng.choice(["insert", "delete", "typo", "word"])
    if how == "insert":
        new = phrase(rng, text).split()
        # Not "the the": inserting a word beside the same word reads as the other place.
        before = text[spans[index - 1][0] : spans[index - 1][1]] if index else ""
        if new[0] == text[a:b] or new[-1] == before:
            return a, a, ""
        return a, a, " ".join(new) + " "
    if how == "delete":
        return a, spans[min(len(spans) - 1, index + 3)][0], ""
    if how == "typo":
        return a, a + 1, rng.choice("aeiou")
    return a, b, rng.choice(vocabulary(text))


def at_edge(text: str, truth: Range | None, start: int, end: int) -> bool:
    """Whether an edit is an insertion at a passage's start, or after only spaces at its end."""
    if truth is None or start != end:
        return False
    return start == truth[0] or (start >= truth[1] and not text[truth[1] : start].strip())


def track(
    truth: Range | None, start: int, end: int, added: int, *, joins: bool = False
) -> Range | None:
    """Where a passage goes when text[start:end] is replaced by `added` characters.

    What replaces part of a passage joins it when inside, not when across an edge; an
    insertion at an edge (`at_edge`) joins it only when told to.
    """
    if truth is None:
        return None
    s, e = truth
    delta = added - (end - start)
    if joins:
        return (s, e + added) if start == s else (s, start + added)
    if end <= s:
        return s + delta, e + delta
    if start >= e:
        return truth
    if start >= s and end <= e:
        return s, e + delta
    new_s = s if start > s else start + added
    new_e = e + delta if end < e else start
    return (new_s, new_e) if new_s < new_e else None


def big_article(
    rng: random.Random, texts: list[str], characters: int, words_wanted: int = 0
) -> str:
    """Real paragraphs shuffled into one long article, of at least `characters` characters
    and `words_wanted` words, for the reanchor_all timings."""
    paragraphs = [p for t in texts for p in t.split("\n\n") if p.strip()]
    rng.shuffle(paragraphs)
    out: list[str] = []
    while sum(map(len, out)) < characters or sum(len(p.split()) for p in out) < words_wanted:
        out.append(paragraphs[len(out) % len(paragraphs)])
    return "\n\n".join(out)


def print_table(rows: list[tuple[str, Tally]]) -> None:
    header = (
        f"{'kind':42} {'n':>5} {'unchanged %':>11} {'changed %':>9} {'orphaned %':>10} "
        f"{'wrong':>5} {'median µs':>9}"
    )
    print(header)
    print("-" * len(header))
    wrong_total = 0
    for kind, tally in rows:
        n = len(tally.outcomes)
        share = {o: tally.outcomes.count(o) * 100 / n for o in OUTCOMES}
        wrong = tally.outcomes.count("wrong")
        wrong_total += wrong
        median = statistics.median(tally.seconds) * 1e6
        print(
            f"{kind:42} {n:>5} {share['unchanged']:>11.1f} {share['changed']:>9.1f} "
            f"{share['orphaned']:>10.1f} {wrong:>5} {median:>9.0f}"
        )
    print(f"wrong anchors across all kinds: {wrong_total}")


def revisions() -> None:
    """The real revisions' figures, per half (see `half`), as score.py counts them."""
    if not (REVISIONS / "tasks.jsonl").is_file():
        print(f"conformance revisions: {REVISIONS} absent, skipped")
        return
    pairs = {
        p["id"]: p for p in map(json.loads, (REVISIONS / "pairs.jsonl").read_text().splitlines())
    }
    tasks = [json.loads(line) for line in (REVISIONS / "tasks.jsonl").read_text().splitlines()]
    tally: dict[tuple[str, str], list[str]] = {}
    for pid, pair in pairs.items():
        mine = [t for t in tasks if t["pair"] == pid]
        olds = [select(pair["old"], t["old_start"], t["old_end"]) for t in mine]
        for task, anchor in zip(mine, reanchor_all(olds, pair["new"]), strict=True):
            truth = (task["new_start"], task["new_end"])
            outcome = score_revision(anchor.selector, truth, changed=task["expect"] == "changed")
            for where in (half(pid), "all"):
                tally.setdefault((where, task["expect"]), []).append(outcome)
    print("conformance revisions (../shared/conformance/revisions), tune and report halves:")
    for where in ("tune", "report", "all"):
        parts = []
        for expect, label in (("at", "surviving"), ("changed", "edited")):
            got = tally[(where, expect)]
            right = got.count("correct")
            parts.append(
                f"{label} {right}/{len(got)} ({100 * right / len(got):.1f}%) "
                f"orphaned {got.count('orphaned')} wrong {got.count('wrong')}"
            )
        print(f"  {where:6}: " + "; ".join(parts))


def half(pair_id: str) -> str:
    """A stable split of the revision pairs: rules are tried on "tune", never on "report"."""
    return "tune" if hashlib.sha256(pair_id.encode()).digest()[0] % 2 == 0 else "report"


def score_revision(got: Selector | None, truth: Range, *, changed: bool) -> str:
    """As score.py: surviving words must land exactly; an edited passage anywhere on the
    place its surroundings went."""
    if got is None:
        return "orphaned"
    if changed:
        return "correct" if got.start < truth[1] and got.end > truth[0] else "wrong"
    return "correct" if (got.start, got.end) == truth else "wrong"


def timings(rng: random.Random, texts: list[str]) -> None:
    article = big_article(rng, texts, 100_000)
    passages = [p for p in (place(rng, article) for _ in range(300)) if p]
    olds = [select(article, *p) for p in passages]
    middle = article.index("\n\n", len(article) // 2)
    one_edit = splice(article, middle, middle, "\n\n" + phrase(rng, article) + ".")
    # Worst case: a typo every ~80 characters, so nearly every annotation needs the
    # approximate search.
    typos = "".join(
        rng.choice("aeiou") if i % 80 == 40 and c.isalpha() else c for i, c in enumerate(article)
    )
    for label, edited in [
        ("one paragraph inserted mid-way", one_edit),
        ("a typo every ~80 characters (worst case)", typos),
    ]:
        times, anchors = timed(olds, edited, 3)
        print(
            f"reanchor_all, {len(olds)} annotations, {len(article):,}-character article, "
            f"{label}: median {statistics.median(times) * 1000:.0f} ms ({methods(anchors)})"
        )
    # The target: 500 annotations on a 10,000-word article after a realistic revision.
    article = big_article(rng, texts, 0, words_wanted=10_000)
    olds = [select(article, *p) for p in (place(rng, article) for _ in range(600)) if p][:500]
    edited = revise(rng, article)
    times, anchors = timed(olds, edited, 21)
    print(
        f"reanchor_all, {len(olds)} annotations, {len(article.split()):,}-word article, a "
        f"revision (paragraph inserted, sentence rewritten, figure updated, correction, "
        f"quotes re-set): median {statistics.median(times) * 1000:.0f} ms, p95 "
        f"{p95(times) * 1000:.0f} ms over {len(times)} runs ({methods(anchors)})"
    )


def timed(olds: list[Selector], text: str, runs: int) -> tuple[list[float], list[Anchor]]:
    times, anchors = [], []
    for _ in range(runs):
        started = time.perf_counter()
        anchors = reanchor_all(olds, text)
        times.append(time.perf_counter() - started)
    return times, anchors


def methods(anchors: list[Anchor]) -> str:
    return ", ".join(
        f"{m} {sum(a.method == m for a in anchors)}"
        for m in ("position", "exact", "fuzzy", "rewritten", "orphaned")
    )


def revise(rng: random.Random, article: str) -> str:
    """A realistic revision: one of each news-shaped edit that changes the text's words,
    made one after another, and the typography re-set."""
    text = article
    for kind in CHOOSING:
        drawn = CHOOSING[kind](rng, text, vocabulary(text))
        text = drawn[1].text if drawn else text
    middle = text.index("\n\n", len(text) // 3)
    text = splice(text, middle, middle, "\n\n" + phrase(rng, text) + ".")
    for kind in ("news: correction appended", "news: typography re-set"):
        edited = GIVEN[kind](rng, text, (0, 1))
        text = edited.text if edited else text
    return text


def main() -> None:
    print("command: make bench (bench/reanchor.py)")
    rng = random.Random(int(os.environ.get("BENCH_SEED", "20261127")))  # fixed by default
    texts, note = load_texts()
    print(f"texts: {note}; {PER_TEXT} annotations per text and kind")
    began = time.perf_counter()
    rows: list[tuple[str, Tally]] = [
        (kind, run_kind(rng, texts, edit, least)) for kind, (edit, least) in KINDS.items()
    ]
    rows.append(("mixed (3-6 edits, reanchor_all)", run_mixed(rng, texts)))
    rows += [(kind, run_news(rng, texts, kind)) for kind in [*CHOOSING, *GIVEN]]
    print_table(rows)
    revisions()
    timings(rng, texts)
    print(f"total bench time: {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
