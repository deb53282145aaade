"""Find every known entity name and alias in a text at once, with one Aho-Corasick pass.

A gazetteer is built from all names and aliases (`Gazetteer.build`) and matched against a
text in one pass over it, whatever the number of names: never one query or one regex per
entity. `make bench` reports the time for a 10,000-word article against 50,000 entities.

Invariants:
- Offsets are Python str indices into the text given (body_text: code points), so a
  match is a selector as it stands.
- A match is a whole word sequence: the characters just before and after it are not
  word characters ("North Korea" is not found inside "North Korean").
- Case is ignored except for capitals: every letter that is upper case in the stored name
  must be upper case in the text, so "US" never matches "us" and "Putin" matches "PUTIN".
- Overlapping matches are resolved leftmost-longest: "North Korean soldiers" wins over
  "North Korea" when both are names, and a match never overlaps another.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick

if TYPE_CHECKING:
    from collections.abc import Iterable


@dataclass(frozen=True, slots=True)
class Match:
    start: int
    end: int
    text: str
    entity_ids: tuple[int, ...]  # every entity with this name or alias, lowest id first


def fold(text: str) -> str:
    """Lower case with the same length as `text`, so indices carry over.

    str.lower() lengthens a few characters ("İ" becomes two); those keep their case.
    """
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in text)


def _capitals_kept(name: str, found: str) -> bool:
    return all(not n.isupper() or f.isupper() for n, f in zip(name, found, strict=True))


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


class Gazetteer:
    """An automaton over every (name, entity id) pair; immutable once built."""

    def __init__(self, names: Iterable[tuple[int, str]]) -> None:
        forms: dict[str, dict[str, set[int]]] = {}
        for entity_id, raw in names:
            name = " ".join(raw.split())
            if not name:
                continue
            forms.setdefault(fold(name), {}).setdefault(name, set()).add(entity_id)
        self.size = len(forms)
        self._automaton = ahocorasick.Automaton()
        for key, originals in forms.items():
            spelled = tuple((name, tuple(sorted(ids))) for name, ids in originals.items())
            self._automaton.add_word(key, (len(key), spelled))
        if self.size:
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Match]:
        """Every whole-word occurrence of a known name, leftmost-longest, in text order."""
        if not self.size:
            return []
        folded = fold(text)
        found: list[Match] = []
        for last, (length, spelled) in self._automaton.iter(folded):
            start, end = last - length + 1, last + 1
            if start > 0 and _is_word(text[start - 1]):
                continue
            if end < len(text) and _is_word(text[end]):
                continue
            surface = text[start:end]
            ids = sorted({i for name, ids in spelled if _capitals_kept(name, surface) for i in ids})
            if ids:
                found.append(Match(start, end, surface, tuple(ids)))
        return leftmost_longest(found)


def leftmost_longest(matches: Iterable[Match]) -> list[Match]:
    """Non-overlapping matches: at each position the longest, then on after its end."""
    chosen: list[Match] = []
    reach = -1
    for match in sorted(matches, key=lambda m: (m.start, -(m.end - m.start))):
        if match.start >= reach:
            chosen.append(match)
            reach = match.end
    return chosen
