"""Find names the team has never tagged: runs of capitalised words and acronyms.

English (and most Latin-script) news capitalises names mid-sentence, so a run of
capitalised words there ("North Korea", "Kim Jong Un", "NATO") is very likely a name,
while a capitalised word at the start of a sentence ("The", "He", "Experts") tells
nothing. The rules, in order:

- Tokens are words (letters and digits, joined by inner hyphens or apostrophes);
  "U.S."-style acronyms and initials ("N.") are tokens too.
- A run is a sequence of capitalised tokens separated by single spaces, with lower-case
  particles allowed between two of them ("Bank of England", "Charles de Gaulle"). Any
  punctuation ends a run. A possessive "'s" is left out.
- Titles ("President", "Minister", "Mr") split a run and are dropped, so "Ukrainian
  President Volodymyr Zelensky" gives "Ukrainian" and "Volodymyr Zelensky". Weekdays,
  months and "I" are never names.
- At the start of a sentence (after . ! ? : or a line break, and after an opening quote)
  the first word is kept only when the article also capitalises it elsewhere, mid
  sentence, or it is an acronym; otherwise it is dropped and the rest of the run stands.
- Headlines are capitalised throughout, so a title-case line (a related link's title)
  yields only the source or place it names after a final dash ("... - Seoul").

Offsets are Python str indices into the text given.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Set as AbstractSet

_TOKEN = re.compile(
    r"(?:[^\W\d_]\.){2,}"  # U.S., U.N.
    r"|[^\W\d_]\.(?=\s)"  # an initial: N. Korean
    r"|[^\W_]+(?:[-'’][^\W_]+)*"
)
_POSSESSIVE = re.compile(r"['’]s$")
_SENTENCE_END = frozenset(".!?:;…\n")
_OPENERS = frozenset("\"“‘'([«")
_PARTICLES = frozenset({
    "of", "de", "del", "della", "der", "des", "di", "du", "da", "la", "le", "van", "von",
    "den", "bin", "ibn", "al", "el", "y"
})  # fmt: skip
# Only titles that are never part of a name themselves ("General Motors" keeps "General").
_TITLES = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sir", "dame", "president", "prime", "minister",
    "chancellor", "senator", "sen", "governor", "gov", "mayor", "king", "queen", "pope",
    "ambassador", "spokesman", "spokeswoman", "spokesperson"
})  # fmt: skip
_NEVER = frozenset({
    "i", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december"
})  # fmt: skip
_DASHES = re.compile(r"\s[–—-]\s")


@dataclass(frozen=True, slots=True)
class Candidate:
    start: int
    end: int
    text: str


@dataclass(slots=True)
class _Token:
    start: int
    end: int
    text: str
    sentence_start: bool

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def acronym(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)

    @property
    def key(self) -> str:
        return _POSSESSIVE.sub("", self.text.lower()).rstrip(".")

    @property
    def possessive(self) -> bool:
        return bool(_POSSESSIVE.search(self.text))


_SKIP_BACK = frozenset(" \t\u00a0”’)]»") | _OPENERS


def _starts_sentence(text: str, start: int) -> bool:
    """Whether the word at `start` begins a sentence, a paragraph or a quotation."""
    j = start - 1
    while j >= 0 and text[j] in _SKIP_BACK:
        if text[j] in _OPENERS:
            return True
        j -= 1
    if j < 0 or (text[j] in _SENTENCE_END and text[j] != "."):
        return True
    if text[j] != ".":
        return False
    # An initial ("N. Korean") does not end a sentence: one letter, then the dot.
    return not (j >= 1 and text[j - 1].isalpha() and (j < 2 or not text[j - 2].isalnum()))


def _tokens(text: str) -> list[_Token]:
    """The capitalised words and particles: the only words a name is made of. A word left
    out still separates its neighbours, as the text between them is then not one space."""
    tokens = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        if word[0].isupper() or word in _PARTICLES:
            start = match.start()
            tokens.append(_Token(start, match.end(), word, _starts_sentence(text, start)))
    return tokens


def _joinable(text: str, left: _Token, right: _Token) -> bool:
    gap = text[left.end : right.start]
    return gap in {" ", "\u00a0"} and not right.sentence_start and not left.possessive


def _runs(text: str, tokens: list[_Token]) -> list[list[_Token]]:
    """Maximal runs of capitalised tokens, particles only between two of them."""
    runs: list[list[_Token]] = []
    current: list[_Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.capitalised and token.key not in _NEVER and token.key not in _TITLES:
            if current and not _joinable(text, current[-1], token):
                runs.append(current)
                current = []
            current.append(token)
        elif (
            current
            and token.key in _PARTICLES
            and i + 1 < len(tokens)
            and tokens[i + 1].capitalised
            and _joinable(text, current[-1], token)
            and _joinable(text, token, tokens[i + 1])
        ):
            current.append(token)
        elif current:
            runs.append(current)
            current = []
        i += 1
    if current:
        runs.append(current)
    return runs


def _candidate(text: str, run: list[_Token]) -> Candidate | None:
    while run and run[-1].key in _PARTICLES:
        run = run[:-1]
    if not run:
        return None
    start, end = run[0].start, run[-1].end
    surface = text[start:end]
    if possessive := _POSSESSIVE.search(surface):
        end -= len(possessive.group())
        surface = surface[: -len(possessive.group())]
    if len(surface) < 2 or surface.rstrip(".").isdigit():
        return None
    if run[0].text.endswith(".") and len(run) == 1 and not run[0].acronym:
        return None  # a lone initial
    return Candidate(start, end, surface)


def _confirmed_keys(tokens: list[_Token]) -> set[str]:
    """Words the text capitalises somewhere other than a sentence start."""
    return {t.key for t in tokens if t.capitalised and not t.sentence_start}


def find_candidates(text: str, confirmed: AbstractSet[str] | None = None) -> list[Candidate]:
    """Candidate names in running text, in text order."""
    return scan(text, confirmed)[0]


def scan_body(text: str) -> tuple[tuple[Candidate, ...], frozenset[str]]:
    """`scan` for an article body, remembered: the reader shows suggestions on every view,
    and an article's text rarely changes. Keyed by the text itself (hashed once per str)."""
    candidates, confirmed = _scan_cached(text)
    return candidates, confirmed


@functools.lru_cache(maxsize=128)
def _scan_cached(text: str) -> tuple[tuple[Candidate, ...], frozenset[str]]:
    candidates, confirmed = scan(text)
    return tuple(candidates), frozenset(confirmed)


def scan(text: str, confirmed: AbstractSet[str] | None = None) -> tuple[list[Candidate], set[str]]:
    """Candidate names in text order, and the words the text capitalises mid-sentence."""
    tokens = _tokens(text)
    own = _confirmed_keys(tokens)
    known = own | (confirmed or set())
    found = []
    for run in _runs(text, tokens):
        first = run[0]
        if first.sentence_start and not first.acronym and first.key not in known:
            run = run[1:]  # noqa: PLW2901 - the sentence's first word carries no signal
            while run and run[0].key in _PARTICLES:
                run = run[1:]  # noqa: PLW2901
        if run and (candidate := _candidate(text, run)):
            found.append(candidate)
    return found, own


def is_title_case(line: str) -> bool:
    words: list[str] = [t for t in _TOKEN.findall(line) if t[0].isalpha()]
    long_words = [w for w in words if len(w) > 3]
    if len(long_words) < 2:
        return False
    return sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.75


def find_in_headline(line: str, body_confirmed: AbstractSet[str]) -> list[Candidate]:
    """Candidates in a title or a related link's title; offsets are into `line`.

    A title-case headline capitalises every word, so it yields only the place or source
    named after its final dash; its other names, when they matter, are in the body too.
    """
    if not is_title_case(line):
        return find_candidates(line, body_confirmed)
    dashes = list(_DASHES.finditer(line))
    if not dashes:
        return []
    attribution = dashes[-1].end()
    return [c for c in find_candidates(line, body_confirmed) if c.start >= attribution]


def body_confirmed(text: str) -> set[str]:
    """The words `text` capitalises mid-sentence (lower-cased)."""
    return _confirmed_keys(_tokens(text))
