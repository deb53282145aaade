"""What a person typed in the search box: words for full-text search, and qualifiers.

`north korean troops site:themoscowtimes.com by:alice` is the words `north korean troops`
(handed to PostgreSQL's `websearch_to_tsquery`, which reads quotes, `or` and `-`) and two
qualifiers. Nothing here raises on input: a value it cannot use becomes a hint shown above
the results and is left out of the search.

Invariant: `Query.text` is at most `limits.MAX_TERMS` words and phrases, each negated by
one `-` at most and holding a letter or digit. `websearch_to_tsquery` fails on nothing
else it is given: only on a chain of 33 negations with nothing to negate between them
(`---…`, `- - …`, `-!-!…`), which overflows its operator stack ("tsquery stack too small").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from articles.models import Color, ColorLabel
from articles.search.limits import MAX_TERMS

MAX_CHARS = 500

# Result kinds, as `type:` values and facet keys.
KINDS = {
    "article": "Articles",
    "highlight": "Highlights",
    "note": "Page notes",
    "entity": "Entities",
}
_KIND_ALIASES = {
    "article": "article", "articles": "article", "highlight": "highlight",
    "highlights": "highlight", "note": "note", "notes": "note", "entity": "entity",
    "entities": "entity",
}  # fmt: skip

QUALIFIERS = ("site", "entity", "by", "color", "has", "before", "after", "type", "label", "is")
# `is:` values: the searcher's own state of an article (library views).
STATES = {
    "unread": "unread", "read": "read", "favourite": "favourite", "favorite": "favourite",
    "favourites": "favourite", "starred": "favourite", "archived": "archived",
}  # fmt: skip
_ALIASES = {"colour": "color", "kind": "type"}
# Qualifiers that only annotations have: with one of them, articles and entities drop out.
ANNOTATION_ONLY = ("by", "color", "has")

_TOKEN = re.compile(
    r'(?P<key>[A-Za-z]+):(?:"(?P<quoted>[^"]*)"?|(?P<bare>[^\s"]*))'  # key:value, key:"a b"
    r'|-?"[^"]*"?'  # a quoted phrase, closed or not, perhaps excluded
    r"|\S+"
)
WORD = re.compile(r"\w+")
# A hyphen that does not join two word characters (as in anti-war) negates, for PostgreSQL.
_STRAY_HYPHEN = re.compile(r"(?<!\w)-|-(?!\w)")
_DOMAIN = re.compile(r"^(?:[a-z0-9-]+\.)+[a-z0-9-]+$")


def fold(text: str) -> str:
    """Lower case without accents: what `newsroom_fold()` does in the database."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True)
class Qualifier:
    key: str
    value: str
    start: int
    end: int

    @property
    def token(self) -> str:
        return format_qualifier(self.key, self.value)


@dataclass
class Query:
    raw: str
    text: str = ""
    qualifiers: list[Qualifier] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    entity_names: list[str] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    colors: list[str] = field(default_factory=list)
    has_notes: bool = False
    before: dt.date | None = None
    after: dt.date | None = None
    kinds: set[str] = field(default_factory=set)
    labels: list[str] = field(default_factory=list)
    states: set[str] = field(default_factory=set)

    @property
    def is_empty(self) -> bool:
        return not self.text and not self.qualifiers

    @property
    def annotations_only(self) -> bool:
        return any(q.key in ANNOTATION_ONLY for q in self.qualifiers)

    @property
    def filtered(self) -> bool:
        """Any qualifier besides `type:` (entities are found by their name only)."""
        return any(q.key != "type" for q in self.qualifiers)

    def prefix_terms(self) -> list[str]:
        """The words an entity's name or alias must start with: the query's words,
        folded, leaving out excluded ones (`-pyongyang`, `-"a b"`) and `or`."""
        return [w for w in WORD.findall(fold(self._wanted())) if w != "or"][:MAX_TERMS]

    def wanted_words(self) -> list[str]:
        """The query's words as typed (in lower case, accents kept, as in a text they
        match), leaving out excluded ones and `or`."""
        text = unicodedata.normalize("NFC", self._wanted()).lower()
        return [w for w in WORD.findall(text) if w != "or"][:MAX_TERMS]

    def _wanted(self) -> str:
        return re.sub(r'-"[^"]*"?|(?<!\S)-\S+', " ", self.text)

    def without(self, qualifier: Qualifier) -> str:
        """The raw query with one qualifier taken out."""
        return _squash(self.raw[: qualifier.start] + self.raw[qualifier.end :])

    def adding(self, key: str, value: str) -> str:
        """The raw query with `key:value` added (replacing `type:`, which is one choice)."""
        raw = self.raw
        if key == "type":
            for q in reversed(self.qualifiers):
                if q.key == "type":
                    raw = raw[: q.start] + raw[q.end :]
        token = format_qualifier(key, value)
        if any(q.key == key and same_value(q.value, value) for q in self.qualifiers):
            return self.raw
        return _squash(f"{raw} {token}")

    def between(self, after: dt.date, before: dt.date) -> str:
        """The raw query limited to [after, before), replacing any dates it had."""
        raw = self.raw
        for q in reversed(self.qualifiers):
            if q.key in {"before", "after"}:
                raw = raw[: q.start] + raw[q.end :]
        return _squash(f"{raw} after:{after.isoformat()} before:{before.isoformat()}")


def format_qualifier(key: str, value: str) -> str:
    """`key:value`, quoted when the value has spaces. A quoted value cannot hold a double
    quote, so those are left out: names are matched without them (`unquoted`)."""
    if not value or re.search(r'[\s"]', value):
        return f'{key}:"{unquoted(value)}"'
    return f"{key}:{value}"


def unquoted(value: str) -> str:
    """A name as a qualifier can carry it: without double quotes, whitespace collapsed."""
    return _squash(value.replace('"', " "))


def same_value(typed: str, name: str) -> bool:
    """Whether a qualifier's value names `name` (a facet's value), as search matches it."""
    return unquoted(typed).casefold() == unquoted(name).casefold()


def _squash(text: str) -> str:
    return " ".join(text.split())


_DATE_FORMATS = (
    (r"\d{4}-\d{1,2}-\d{1,2}", "%Y-%m-%d"),
    (r"\d{4}-\d{1,2}", "%Y-%m"),
    (r"\d{4}", "%Y"),
)


def _date(value: str) -> dt.date | None:
    """2025-01-31, 2025-01 (its first day) or 2025 (1 January)."""
    for pattern, fmt in _DATE_FORMATS:
        if re.fullmatch(pattern, value):
            try:
                return dt.datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a date
            except ValueError:
                return None
    return None


def parse(raw: str) -> Query:
    raw = raw.replace("\x00", "")
    query = Query(raw=_squash(raw))
    if len(query.raw) > MAX_CHARS:
        query.raw = query.raw[:MAX_CHARS]
        query.hints.append(f"Only the first {MAX_CHARS} characters of your search were used.")
    words = []
    for match in _TOKEN.finditer(query.raw):
        key = (match["key"] or "").lower()
        key = _ALIASES.get(key, key)
        if key not in QUALIFIERS:
            if term := _term(match[0]):
                words.append(term)
            continue
        value = (match["quoted"] if match["quoted"] is not None else match["bare"] or "").strip()
        qualifier = Qualifier(key, value, match.start(), match.end())
        if not value:
            query.hints.append(f"{key}: needs a value, for example {_EXAMPLES[key]}.")
            continue
        if not _apply(query, qualifier):
            continue
        query.qualifiers.append(qualifier)
    if len(words) > MAX_TERMS:
        words = words[:MAX_TERMS]
        query.hints.append(
            f"Only the first {MAX_TERMS} words and phrases of your search were used."
        )
    query.text = " ".join(words)
    return query


def _term(token: str) -> str:
    """A word or phrase as the search reads it: excluded by one `-` at most, hyphens only
    inside words, quotes only around a phrase; "" when it holds nothing to look for."""
    body = token.lstrip("-")
    text = _squash(_STRAY_HYPHEN.sub(" ", body.replace('"', " ")))
    if not WORD.search(text):
        return ""
    if body.startswith('"'):
        text = f'"{text}"'
    return f"-{text}" if token.startswith("-") else text


_EXAMPLES = {
    "site": "site:themoscowtimes.com",
    "entity": 'entity:"Vladimir Putin"',
    "by": "by:alice",
    "color": "color:green",
    "has": "has:notes",
    "before": "before:2025-01-01",
    "after": "after:2024-06-01",
    "type": "type:highlight",
    "label": "label:Ukraine",
    "is": "is:unread",
}


def _left_out(query: Query, rule: str, value: str) -> bool:
    """Hint that `value` breaks `rule` and is not used; False, for `_apply` to return."""
    query.hints.append(f"{rule}; “{value}” was left out.")
    return False


def _apply(query: Query, q: Qualifier) -> bool:  # noqa: C901, PLR0912 - one case per qualifier
    """Record a qualifier's meaning on `query`; False (with a hint) when it has none."""
    value = q.value
    match q.key:
        case "site":
            site = value.lower().removeprefix("https://").removeprefix("http://")
            site = site.removeprefix("www.").split("/")[0] or site
            # A host in lower case; a site's name as typed (the database folds its case).
            query.sites.append(site if is_domain(site) else value)
        case "entity":
            query.entity_names.append(value)
        case "by":
            query.authors.append(value.removeprefix("@"))
        case "color":
            color = _color(value)
            if color is None:
                return _left_out(query, f"color: is one of {', '.join(Color.values)}", value)
            query.colors.append(color)
        case "has":
            if value.lower() not in {"note", "notes"}:
                return _left_out(query, "has: takes has:notes", value)
            query.has_notes = True
        case "before" | "after":
            day = _date(value)
            if day is None:
                return _left_out(
                    query, f"{q.key}: needs a date such as 2025-01-31, 2025-01 or 2025", value
                )
            setattr(query, q.key, day)
        case "label":
            query.labels.append(value)
        case "is":
            state = STATES.get(value.lower())
            if state is None:
                return _left_out(query, "is: is one of unread, read, favourite or archived", value)
            query.states.add(state)
        case "type":
            kind = _KIND_ALIASES.get(value.lower())
            if kind is None:
                return _left_out(query, "type: is one of article, highlight, note or entity", value)
            query.kinds.add(kind)
    return True


def _color(value: str) -> str | None:
    """A colour by its name (green) or by what the team calls it (Verified claim)."""

    wanted = value.casefold()
    if wanted in Color.values:
        return wanted
    for color, label in ColorLabel.objects.values_list("color", "label"):
        if label.casefold() == wanted:
            return color
    return None


def is_domain(site: str) -> bool:
    return bool(_DOMAIN.match(site))
