"""Find the article in a full HTML page: its body as an HTML fragment, and its metadata.

Job: turn a web page into an `Extracted`. trafilatura decides which part of the page is
the article; around it this package
- reads what the page says about itself once, before anything changes it: canonical
  URL, language, title (less the site's name), date and publisher;
- prepares the page: drops what no reader sees, gives lazy-loaded images their source,
  drops screen-reader-only labels, lifts quoted posts out of "social" wrappers, joins a
  body split around ad slots, turns <br><br> text into paragraphs and gives captions
  one form trafilatura keeps;
- maps trafilatura's XML back to HTML (h2-h4, ul/ol, blockquote, pre, table, figure),
  captions only under their images;
- removes what trafilatura lets through: the title repeated at the top, the standfirst
  (returned apart as `summary`), and boilerplate such as "Related: ...", "Follow us on
  Twitter", date stamps, button labels or runs of links to other stories;
- takes the byline (less the publisher) and, when the page states no date, the date of
  the dateline opening the story.

Invariants:
- `Extracted.html` is a fragment of block elements whose links and image sources are
  absolute whenever the page's address is known (given, <base> or canonical URL). It is
  not sanitised: `articles.sanitize` does that, from `Extracted.body`, the element
  `html` is written from (so ingest parses the page once, not its article again).
- `html_to_text(page)` is `fragment_text` of `extract_article(page).html`, so the
  conformance score (../shared/conformance/extraction) measures what readers get.
- A page without an article raises `IngestError` with a one-line reason; an `Extracted`
  never has an empty body.

The package splits the work by stage, in the order a page goes through them: `metadata`
(URLs, language, what trafilatura reads of title, author, site and date) and `names`
(title and byline less the site's additions), `prepare` (the page before trafilatura
reads it), `convert` (trafilatura's XML to HTML), `boilerplate` (what trafilatura let
through), `dateline` (the date a story's first line gives), `text` (plain text and the
prose test) and `tree` (element surgery the stages share). The page is parsed once;
trafilatura runs once, twice only when its fast pass finds (next to) nothing. This
module runs the pipeline; the names exported here are the whole interface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import trafilatura
from lxml import etree

from articles.errors import IngestError
from articles.extract import metadata, names, prepare
from articles.extract.boilerplate import drop_boilerplate, drop_title_and_dek
from articles.extract.convert import to_html
from articles.extract.dateline import dateline_date
from articles.extract.text import fragment_text, has_prose

if TYPE_CHECKING:
    import datetime as dt

    from lxml.html import HtmlElement

__all__ = ["NO_ARTICLE", "Extracted", "extract_article", "fragment_text", "html_to_text"]

NO_ARTICLE = "This page has no article text Newsroom could extract."

# Below this many characters the fast pass has missed the article (trafilatura's own
# MIN_EXTRACTED_SIZE): run the full cascade.
_MIN_FAST_CHARS = 250


@dataclass(frozen=True)
class Extracted:
    title: str
    byline: str
    site_name: str
    source_url: str
    published: dt.date | None
    language: str
    html: str
    # The standfirst printed under the title, when the page has one; not part of `html`.
    summary: str = ""
    # `html` as the element it was written from (a <div> holding the blocks), for the
    # sanitiser to read without parsing `html` again.
    body: etree._Element | None = field(default=None, compare=False, repr=False)


def extract_article(html: str, url: str = "") -> Extracted:
    tree = _load(html)
    source_url, language = metadata.source_url(tree, url), metadata.language(tree)
    about = metadata.describe(tree, source_url or url)
    site_name = metadata.squash(about.sitename or "")
    publishers = names.publishers(tree, site_name)
    headlines = [metadata.squash(h1.text_content()) for h1 in tree.iter("h1")]
    site = publishers | names.host_name(source_url or url)  # a person may share the host's
    title = names.title(metadata.squash(about.title or ""), headlines, site)
    prepare.drop_unseen(tree)
    base = prepare.resolve_links(tree, url or source_url)
    prepare.drop_hidden_labels(tree)
    prepare.rescue_embedded_posts(tree)
    prepare.merge_split_bodies(tree)
    prepare.paragraphs_from_breaks(tree)
    known = _Known(base, prepare.mark_captions(tree), title, about.description or "")
    # The fast pass skips trafilatura's comparison with readability and jusText, which
    # can swap a right answer for a longer wrong one; the full cascade runs only when the
    # fast pass finds (next to) nothing.
    found = _extract(tree, known, fast=True)
    if found is None or _shorter_than(found.body, _MIN_FAST_CHARS):
        found = _extract(tree, known, fast=False) or found
    if found is None or not has_prose(found.body):
        raise IngestError(NO_ARTICLE)
    author = about.author or metadata.byline_in_text(tree)  # last: it prunes the tree
    return Extracted(
        title=title,
        byline=names.byline(metadata.squash(author.replace(";", ",")), publishers),
        site_name=site_name,
        source_url=source_url,
        published=metadata.date(about.date) or dateline_date(found.body),
        language=language,
        html="".join(
            etree.tostring(block, encoding="unicode", method="html") for block in found.body
        ),
        summary=found.summary,
        body=found.body,
    )


def _shorter_than(body: etree._Element, chars: int) -> bool:
    """Whether `fragment_text(body)` is shorter than `chars`, laid out only when in doubt:
    it keeps every character that is not whitespace, so as many of those are enough."""
    if sum(map(len, "".join(body.itertext()).split())) >= chars:
        return False
    return len(fragment_text(body)) < chars


def html_to_text(html: str) -> str:
    """Plain text of the article body that `extract_article` finds in a full page."""
    fragment = extract_article(html).html
    return fragment_text(etree.fromstring(f"<div>{fragment}</div>", etree.HTMLParser())[0][0])


# C0 controls other than whitespace, and the replacement character of a lossy decode.
_GARBAGE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")


def _load(html: str) -> HtmlElement:
    if not html or not html.strip():
        raise IngestError("The page is empty.")
    sample = html[:8192]
    if "<" not in sample or len(_GARBAGE.findall(sample)) > len(sample) // 100:
        raise IngestError("This is not an HTML page.")
    tree = trafilatura.load_html(html)
    if tree is None:
        raise IngestError(NO_ARTICLE)
    return tree


@dataclass(frozen=True)
class _Known:
    """What was read of the page before extraction, for each pass to use."""

    base: str  # the URL links resolve against, or ""
    captions: frozenset[str]  # `prepare.mark_captions`
    title: str
    description: str


@dataclass(frozen=True)
class _Found:
    body: etree._Element
    summary: str


def _extract(tree: HtmlElement, known: _Known, *, fast: bool) -> _Found | None:
    """The article body trafilatura finds, as HTML (`convert`) without what it let
    through (`boilerplate`), or None."""
    document = trafilatura.bare_extraction(
        tree,
        fast=fast,
        # No URL: trafilatura would resolve links against the site's root, not the page
        # (`convert` resolves them against `base`); the metadata is read once, apart.
        with_metadata=False,
        # The body alone: the "python" format also renders it as text, unused here.
        output_format="xml",
        include_comments=False,
        include_tables=True,
        include_formatting=True,
        include_links=True,
        include_images=True,
    )
    # A dict only with as_dict=True, which is not asked for here.
    if document is None or isinstance(document, dict) or document.body is None:
        return None
    body = to_html(document.body, known.base, known.captions)
    summary = drop_title_and_dek(body, known.title, known.description)
    drop_boilerplate(body)
    return _Found(body, summary)
