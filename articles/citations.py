"""Citations of annotations: what "Copy citation" on a card puts on the clipboard.

A citation says what was quoted, where it was published and how to check it: the quote,
the title, byline, site and publication date, the source address with a text fragment
that opens the original at the passage, the date the text was captured and its content
hash; in plain text and in Markdown.

Invariants:
- `text_fragment` follows the WICG Text Fragments grammar,
  `#:~:text=[prefix-,]textStart[,textEnd][,-suffix]`: every term is percent-encoded as
  UTF-8 except the spec's explicit characters (ASCII letters and digits and
  ``!$'()*+./:;=?@_~``), so `-`, `,`, `&`, `%`, `#` and spaces are always encoded.
  Terms are whole words with whitespace collapsed, and no term spans a line break: a
  directive's term cannot cross a block of the page, and `body_text` separates blocks
  with line breaks.
- A citation cites the text the annotation was written on: the stored version it names
  (`written_on`) when set, else the article's current text. Its words, context and
  hash all come from that one text; the hash is `measure.content_hash` of it (the
  article's own `content_hash` for the current text), in full.
- A page note cites the article with no quote and no fragment. An article with no
  source address (pasted text) is cited at its page in Newsroom, and says so.
- The card's markup escapes every value with `html.escape`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from html import escape
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Subquery
from django.templatetags.static import static
from django.utils import timezone

from articles.anchoring import CONTEXT
from articles.measure import content_hash
from articles.models import ArticleVersion

if TYPE_CHECKING:
    import datetime as dt

    from articles.models import Annotation, Article

# Context words either side of the quote in a fragment: enough to tell one occurrence
# from another, few enough to survive small differences between our copy and the page.
CONTEXT_WORDS = 3
# A quote longer than this (in words), or spanning a line break, is given as
# textStart,textEnd with EDGE_WORDS words each, as the spec suggests for long passages.
LONG_QUOTE_WORDS = 10
EDGE_WORDS = 4

_WORD_START = re.compile(r"^\w")
_WORD_END = re.compile(r"\w\Z")  # \Z: "$" would match before a final newline
_WORD_TAIL = re.compile(r"\w+\Z")
_WORD_HEAD = re.compile(r"^\w+")
NO_SOURCE = "No source address (pasted into Newsroom)"


# Every character that is not explicit is written as the percent-encoded bytes of its UTF-8
# form. A page of 500 cards encodes some 2,000 terms: one regex pass with a table of the
# ASCII escapes beat urllib's quote and str.translate when measured.
_RESERVED = re.compile(r"[^A-Za-z0-9!$'()*+./:;=?@_~]")
_ASCII_ESCAPES = {chr(c): f"%{c:02X}" for c in range(128)}


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ASCII_ESCAPES.get(char) or "".join(f"%{b:02X}" for b in char.encode())


def _encode(term: str) -> str:
    """A term percent-encoded as UTF-8, explicit characters kept ("-" is not one)."""
    return _RESERVED.sub(_escape_char, term)


def _context_words(text: str, *, before: bool) -> list[str]:
    """The whole words of the context on the quote's own line, nearest it last (before)
    or first (after). A context of CONTEXT characters was cut from a longer text, so its
    far word may be a piece of a word: it is dropped."""
    line = text.rsplit("\n", 1)[-1] if before else text.split("\n", 1)[0]
    words = line.split()
    cut = len(text) >= CONTEXT and line == text
    if before:
        if cut and words and not text[0].isspace():
            words = words[1:]
        return words[-CONTEXT_WORDS:]
    if cut and words and not text[-1].isspace():
        words = words[:-1]
    return words[:CONTEXT_WORDS]


def text_fragment(exact: str, prefix: str = "", suffix: str = "") -> str:
    """The `#:~:text=` fragment that makes a browser scroll to `exact` and highlight it,
    told apart from other occurrences by a few words of `prefix` and `suffix`; "" when
    there is no quote. A quote that starts or ends inside a word is widened to the whole
    word, since a text directive only matches whole words."""
    if _WORD_START.match(exact) and (head := _WORD_TAIL.search(prefix)):
        exact, prefix = head.group() + exact, prefix[: head.start()]
    if _WORD_END.search(exact) and (tail := _WORD_HEAD.match(suffix)):
        exact, suffix = exact + tail.group(), suffix[tail.end() :]
    lines = [words for line in exact.splitlines() if (words := line.split())]
    if not lines:
        return ""
    if len(lines) == 1 and len(lines[0]) <= LONG_QUOTE_WORDS:
        terms = [_encode(" ".join(lines[0]))]
    else:
        terms = [
            _encode(" ".join(lines[0][:EDGE_WORDS])),
            _encode(" ".join(lines[-1][-EDGE_WORDS:])),
        ]
    if before := _context_words(prefix, before=True):
        terms.insert(0, _encode(" ".join(before)) + "-")
    if after := _context_words(suffix, before=False):
        terms.append("-" + _encode(" ".join(after)))
    return "#:~:text=" + ",".join(terms)


def with_fragment(url: str, fragment: str) -> str:
    """`url` with a `#:~:` fragment directive, after the fragment it may already have."""
    if not fragment:
        return url
    return url + fragment[1:] if "#" in url else url + fragment


@dataclass(frozen=True)
class Capture:
    """A text of an article as Newsroom stored it: since when, and its content hash."""

    captured_at: dt.datetime
    content_hash: str

    @cached_property
    def day(self) -> str:
        return _date(self.captured_at).isoformat()


@dataclass(frozen=True)
class _Facts:
    """What every citation of one article repeats, worked out once per article instance
    (every card of one page shares the page's article)."""

    title: str
    byline: str
    site: str
    published: dt.date | None
    script: str  # the Copy buttons' module, as a script element
    captures: dict[int | None, Capture]  # by `written_on` id; None: the current text


def _facts(article: Article) -> _Facts:
    found = vars(article).get("_citation_facts")
    if isinstance(found, _Facts):
        return found
    facts = _Facts(
        title=" ".join(article.title.split()),
        byline=" ".join(article.byline.split()),
        site=" ".join(article.site_name.split()),
        published=_date(article.published_at) if article.published_at else None,
        script=f'<script type="module" src="{escape(static("js/citation.js"))}"></script>',
        captures={
            None: Capture(article.text_changed_at or article.created_at, article.content_hash)
        },
    )
    vars(article)["_citation_facts"] = facts
    return facts


def capture(annotation: Annotation) -> Capture:
    """The text `annotation` was written on. A stored version is read once per article
    instance (one query per version on a page, whatever the number of cards)."""
    article = annotation.article
    known = _facts(article).captures
    version_id = annotation.written_on_id
    if version_id is not None and version_id not in known:
        # A version's text became current when the one before it was replaced.
        earlier = ArticleVersion.objects.filter(
            article_id=OuterRef("article_id"), replaced_at__lt=OuterRef("replaced_at")
        ).order_by("-replaced_at", "-id")
        row = (
            ArticleVersion.objects.filter(pk=version_id)
            .annotate(since=Subquery(earlier.values("replaced_at")[:1]))
            .values_list("body_text", "since")
            .first()
        )
        # Purged meanwhile: the annotation is back on the current text.
        known[version_id] = (
            known[None]
            if row is None
            else Capture(row[1] or article.created_at, content_hash(row[0]))
        )
    return known[version_id]


def _date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()


# Markdown that would turn a quote's words into formatting: inline marks anywhere, and
# headings, lists, quotes and rules where a line starts.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>~|])")
_MD_LINE_START = re.compile(r"^(\s*)(#|[-+]\s|\d+[.)]\s|=+\s*$)", re.MULTILINE)


def _md(text: str) -> str:
    return _MD_LINE_START.sub(r"\1\\\2", _MD_INLINE.sub(r"\\\1", text))


def _md_url(url: str) -> str:
    # Parentheses end a Markdown link's address; encoded, they mean the same to a server.
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


@dataclass(frozen=True)
class Citation:
    """Everything a citation states; `plain` and `markdown` are the two ways of writing it."""

    quote: str  # the quoted words, whitespace collapsed, one line per paragraph; "" for a page note
    title: str
    byline: str
    site: str
    published: dt.date | None
    url: str  # the source with its text fragment, or the Newsroom page (no source)
    has_source: bool
    captured: Capture

    def _source(self, *, byline: str, title: str, site: str) -> str:
        parts = [p for p in (byline, title, site) if p]
        if self.published is not None:
            parts.append(f"published {self.published.isoformat()}")
        return ", ".join(parts) + "."

    def _captured(self, digest: str) -> str:
        return f"Captured {self.captured.day} in Newsroom, content hash (SHA-256) {digest}."

    @property
    def plain(self) -> str:
        lines = [f"“{self.quote}”"] if self.quote else []
        lines.append(self._source(byline=self.byline, title=f"“{self.title}”", site=self.site))
        lines.append(self.url if self.has_source else f"{NO_SOURCE}: {self.url}")
        lines.append(self._captured(self.captured.content_hash))
        return "\n".join(lines)

    @property
    def markdown(self) -> str:
        blocks = [f"> {_md(line)}" for line in self.quote.split("\n")] if self.quote else []
        source = self._source(
            byline=_md(self.byline),
            title=f"[{_md(self.title)}]({_md_url(self.url)})",
            site=f"*{_md(self.site)}*" if self.site else "",
        )
        if not self.has_source:
            source += f" {NO_SOURCE}."
        # Two spaces end a line inside a Markdown paragraph.
        tail = f"{source}  \n{self._captured(f'`{self.captured.content_hash}`')}"
        return "\n>\n".join(blocks) + ("\n\n" if blocks else "") + tail


def cite(annotation: Annotation, *, newsroom_url: str) -> Citation:
    """The citation of `annotation`; `newsroom_url` is the article's page in Newsroom
    (absolute, from `request.build_absolute_uri`), cited when it has no source address."""
    article = annotation.article
    facts = _facts(article)
    words, prefix, suffix = (
        annotation.original_exact,
        annotation.original_prefix,
        annotation.original_suffix,
    )
    if not words:  # made before the original words were kept
        words, prefix, suffix = annotation.exact, annotation.prefix, annotation.suffix
    if annotation.is_page_note:
        words = ""
    quoted = "\n".join(" ".join(line.split()) for line in words.splitlines() if line.strip())
    if article.source_url:
        url = with_fragment(
            article.source_url, text_fragment(words, prefix, suffix) if quoted else ""
        )
    else:
        url = newsroom_url
    return Citation(
        quote=quoted,
        title=facts.title,
        byline=facts.byline,
        site=facts.site,
        published=facts.published,
        url=url,
        has_source=bool(article.source_url),
        captured=capture(annotation),
    )


def control(annotation: Annotation, *, id_prefix: str, article_url: str) -> str:
    """The card's "Copy citation": a disclosure holding the citation as plain text and as
    Markdown, each in a read-only box with a Copy button (`static/js/citation.js`).

    The boxes are not form fields: a card's only textarea stays its note's, which the
    reader's script and its tests look for. `article_url` is the reader's path: the card
    is rendered without the request, so a pasted article's Newsroom address is made
    absolute in the browser, as "Copy link" does (`data-citation-path`). Without
    JavaScript the boxes still open and their text can be selected and copied."""
    citation = cite(annotation, newsroom_url=article_url)
    box = f"{escape(id_prefix)}{int(annotation.pk):d}-citation"
    path = "" if citation.has_source else f' data-citation-path="{escape(article_url)}"'
    fields = "".join(
        f'<span class="citation-label" id="{box}-{kind}-label">{label}</span>'
        f'<pre id="{box}-{kind}" class="citation-text" role="textbox" aria-readonly="true" '
        f'aria-multiline="true" aria-labelledby="{box}-{kind}-label" tabindex="0"{path}>'
        f"{escape(text, quote=False)}</pre>"
        f'<button type="button" class="button small" data-copy-citation="{box}-{kind}">'
        f"Copy {copy}</button>"
        for kind, label, copy, text in (
            ("text", "Plain text", "plain text", citation.plain),
            ("markdown", "Markdown", "Markdown", citation.markdown),
        )
    )
    return (
        f'<details class="card-citation"><summary>Copy citation</summary>'
        f'<div class="citation-body">{fields}'
        f'<p class="citation-status" role="status" aria-live="polite"></p></div>'
        f"{_facts(annotation.article).script}</details>"
    )
