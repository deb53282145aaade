"""Excerpts with the matched words marked, made by PostgreSQL's `ts_headline`, and the
place each result links to.

`ts_headline` parses the whole document it is given, which for a 5,000-word article costs
milliseconds each; so an article's excerpt is made from a window of its body around the
first word that looks like a query word (its first letters: stems are prefixes, near
enough), and only when that window holds no match is a longer part of the body used. The
marked words in the excerpt give the offsets of the first match, which the reader scrolls
to and highlights (`#match-<start>-<end>`).

Output is escaped text with `<mark>` around matched words: the markers PostgreSQL puts in
are control characters, replaced only in pairs after escaping. A note is excerpted from
the text of its rendered Markdown (`note_text`), so no `**` or `[link](url)` shows.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.db import connection
from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from articles.models import Annotation
    from articles.search import Result
    from articles.search.query import Query

    type Job = tuple[str, str, str]  # configuration, document, options
    type Slot = tuple[Result, str, int, str]  # result, field, window start, window

START, STOP = "\x02", "\x03"
_WORDS = re.compile(r"\w+")
_NON_SPACE = re.compile(r"\S+")
_MARKED = re.compile(f"{START}([^{START}{STOP}]*){STOP}")
_WINDOW_BEFORE, _WINDOW_AFTER = 240, 480
_STEM = 4  # letters a stem keeps at least
_CONTEXT_WORDS = 2  # words either side of a match in its text fragment
_FALLBACK_CHARS = 60_000
_ARTICLE = f"StartSel={START}, StopSel={STOP}, MaxFragments=1, MaxWords=32, MinWords=16"
_FULL = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
_NOTE = f"StartSel={START}, StopSel={STOP}, MaxFragments=2, MaxWords=28, MinWords=12"
QUOTE_CHARS = 400
PLAIN_CHARS = 240


def to_html(headline: str) -> SafeString:
    escaped = escape(headline, quote=False)
    marked = _MARKED.sub(r"<mark>\1</mark>", escaped)
    return mark_safe(marked.replace(START, "").replace(STOP, ""))  # noqa: S308 - escaped above


def plain(text: str, limit: int = PLAIN_CHARS) -> SafeString:
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return mark_safe(escape(text, quote=False))  # noqa: S308 - escaped


# Elements of a rendered note whose edges separate words (`<p>one</p><p>two</p>`).
_BREAKS = frozenset(
    {"p", "br", "li", "ul", "ol", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6",
     "table", "tr", "td", "th", "hr"}
)  # fmt: skip


class _NoteText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.handle_starttag(tag, [])

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def note_text(annotation: Annotation) -> str:
    """A note as its reader sees it, in one line of plain text: the text of `note_html`
    (its Markdown rendered and sanitised on write), links by their words alone."""
    parser = _NoteText()
    parser.feed(annotation.note_html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def _stems(query: Query) -> list[str]:
    """The first letters of each wanted word, which its inflections share (accents
    kept: the body has them)."""
    return [w[: max(_STEM, len(w) - 2)] if len(w) > _STEM else w for w in query.wanted_words()]


def _candidates(text: str, stems: list[str]) -> list[int]:
    if not stems:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")", re.IGNORECASE)
    found = pattern.search(text)  # the first only
    return [found.start()] if found else []


def _window(text: str, at: int) -> tuple[int, str]:
    start = max(0, at - _WINDOW_BEFORE)
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < at else start
    end = min(len(text), at + _WINDOW_AFTER)
    return start, text[start:end]


def _first_mark(headline: str, doc: str) -> tuple[int, int] | None:
    """Offsets in `doc` of the first marked word of `headline`, an excerpt of `doc` (which
    `ts_headline` may shorten: it drops tags and trailing punctuation): the marked word
    found after the two words before it."""
    first = headline.find(START)
    stop = headline.find(STOP, first + 1)
    if first < 0 or stop < 0:
        return None
    word = headline[first + 1 : stop]
    before = _WORDS.findall(headline[:first].replace(STOP, ""))[-2:]
    for context in (before, before[-1:], []):
        pattern = "".join(rf"\b{re.escape(w)}\W+?" for w in context)
        found = re.search(rf"{pattern}(?:\W*?)\b({re.escape(word)})", doc)
        if found:
            return found.start(1), found.end(1)
    return None


def _headlines(jobs: list[Job], text: str) -> list[str]:
    """`ts_headline` for each (configuration, document, options), in one query."""
    if not jobs:
        return []
    configs, docs, options = (list(column) for column in zip(*jobs, strict=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ts_headline(
              j.cfg::regconfig, j.doc, websearch_to_tsquery(j.cfg::regconfig, %s), j.opt)
            FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY AS j(cfg, doc, opt, i)
            ORDER BY j.i
            """,
            [text, configs, docs, options],
        )
        return [row[0] for row in cursor.fetchall()]


def fill(results: list[Result], query: Query) -> None:
    """Set `snippet`, `note_snippet` and `url` on each result of a page."""
    if not query.text:
        for result in results:
            _plain(result)
        return
    stems = _stems(query)
    jobs: list[Job] = []
    slots: list[Slot] = []
    for result in results:
        for job, slot in _jobs(result, stems):
            jobs.append(job)
            slots.append(slot)
    retry = []
    for (result, where, start, window), headline in zip(
        slots, _headlines(jobs, query.text), strict=True
    ):
        if where != "article":
            text = to_html(headline)
            if where == "snippet" and len(result.obj.exact) > QUOTE_CHARS:
                text = mark_safe(text + "…")  # noqa: S308 - built from escaped parts
            setattr(result, where, text)
            continue
        if not _article_snippet(result, headline, start, window):
            retry.append(result)
    _retry(retry, query)


def _jobs(result: Result, stems: list[str]) -> list[tuple[Job, Slot]]:
    """What to ask `ts_headline` for one result, and where its answer goes."""
    obj = result.obj
    if result.kind == "entity":
        result.url = obj.get_absolute_url()
        return []
    if result.kind == "article":
        found = _candidates(obj.body_text, stems)
        if not found:  # the words are in the title, byline or site only
            _plain(result)
            return []
        start, window = _window(obj.body_text, found[0])
        return [((obj.search_config, window, _ARTICLE), (result, "article", start, window))]
    result.url = _annotation_url(obj)
    jobs: list[tuple[Job, Slot]] = []
    if obj.exact:
        job = (obj.search_config, obj.exact[:QUOTE_CHARS], _FULL)
        jobs.append((job, (result, "snippet", 0, obj.exact)))
    if note := note_text(obj):
        options = _FULL if len(note) <= PLAIN_CHARS else _NOTE  # a short note whole
        jobs.append(((obj.search_config, note, options), (result, "note_snippet", 0, note)))
    return jobs


def _article_snippet(result: Result, headline: str, start: int, doc: str) -> bool:
    mark = _first_mark(headline, doc)
    if mark is None:
        return False
    result.snippet = to_html(headline.strip())
    begin, end = start + mark[0], start + mark[1]
    # The words again as a text fragment, so the browser scrolls there even without
    # JavaScript; the reader's script reads the offsets and highlights the match.
    fragment = _text_fragment(result.obj.body_text, begin, end)
    result.url = f"{result.obj.get_absolute_url()}#match-{begin}-{end}:~:text={fragment}"
    return True


def _text_fragment(body: str, begin: int, end: int) -> str:
    """`prefix-,words,-suffix`: the match with up to two words either side of it in its
    paragraph, as they are in the text, so the browser picks this occurrence rather than
    the same word in the title or earlier on (it goes to the first text that fits)."""
    line_start = body.rfind("\n", 0, begin) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end < 0 else line_end
    before = list(_NON_SPACE.finditer(body, line_start, begin))[-_CONTEXT_WORDS:]
    after = list(_NON_SPACE.finditer(body, end, line_end))[:_CONTEXT_WORDS]
    terms = [_encode(body[begin:end])]
    if before:
        terms.insert(0, _encode(body[before[0].start() : begin].rstrip()) + "-")
    if after:
        terms.append("-" + _encode(body[end : after[-1].end()].lstrip()))
    return ",".join(terms)


def _encode(text: str) -> str:
    """A text fragment's term: whitespace as the browser renders it (collapsed), and the
    fragment's own syntax (`-`, `,`, `&`) escaped."""
    return quote(" ".join(text.split()), safe="").replace("-", "%2D")


def _retry(results: list[Result], query: Query) -> None:
    """Articles whose first look-alike word was not a match (a phrase, a stem that is not
    a prefix): search a long part of the body."""
    jobs = [(r.obj.search_config, r.obj.body_text[:_FALLBACK_CHARS], _ARTICLE) for r in results]
    for result, headline in zip(results, _headlines(jobs, query.text), strict=True):
        if not _article_snippet(result, headline, 0, result.obj.body_text[:_FALLBACK_CHARS]):
            # The words are in the title, byline or site, or beyond the searched part.
            result.snippet = plain(result.obj.summary or result.obj.body_text)
            result.url = result.obj.get_absolute_url()


def _annotation_url(annotation: Annotation) -> str:
    """A highlight's passage; a page note's or an orphan's card in the panel (neither has
    a passage to scroll to, and the card is there without JavaScript too)."""
    article_url = annotation.article.get_absolute_url()
    if annotation.start is None or annotation.is_orphaned:
        return f"{article_url}#card-{annotation.pk}"
    return f"{article_url}#annotation-{annotation.pk}"


def _plain(result: Result) -> None:
    obj = result.obj
    if result.kind == "article":
        result.snippet = plain(obj.summary or obj.body_text)
        result.url = obj.get_absolute_url()
    elif result.kind in {"highlight", "note"}:
        result.snippet = plain(obj.exact, QUOTE_CHARS) if obj.exact else ""
        result.note_snippet = plain(note_text(obj))
        result.url = _annotation_url(obj)
    else:
        result.url = obj.get_absolute_url()
