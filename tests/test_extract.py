"""articles.extract: what a reader gets from a full web page.

The pages here are written for these tests. The conformance check runs the benchmark's
own scorer over the 120 real pages in ../shared/conformance/extraction; it takes a few
seconds and can be run alone with `-k conformance`.
"""

from __future__ import annotations

import datetime as dt
import gzip
import importlib.util
import json
from html import unescape
from pathlib import Path

import pytest
from lxml import etree
from trafilatura import load_html
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.metadata import extract_author
from trafilatura.utils import line_processing
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from articles.errors import IngestError
from articles.extract import extract_article, fragment_text, html_to_text, metadata
from articles.sanitize import clean_article_html

CONFORMANCE = Path(__file__).resolve().parents[1].parent / "shared" / "conformance"

URL = "https://courier.example/2024/05/spring-tides?utm_campaign=spring"

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>Why spring tides run high | The Coastal Courier</title>
<link rel="canonical"
      href="/2024/05/spring-tides?id=7&utm_source=newsletter&utm_medium=email&fbclid=abc#top">
<meta property="og:title" content="Why spring tides run high">
<meta property="og:site_name" content="The Coastal Courier">
<meta name="author" content="Mara Quint">
<meta property="article:published_time" content="2024-05-14T08:00:00+00:00">
</head>
<body>
<div class="cookie-banner" id="cookie-consent">
  <p>We use cookies to improve your experience. By continuing you accept our use of cookies.</p>
  <button>Accept all cookies</button>
</div>
<header class="site-header"><a href="/">The Coastal Courier</a>
<nav class="main-nav"><ul><li><a href="/news">News</a></li><li><a href="/weather">Weather</a></li>
<li><a href="/boats">Boats</a></li><li><a href="/subscribe">Subscribe today</a></li></ul></nav>
</header>
<main>
<article>
<h1>Why spring tides run high</h1>
<p class="byline">By <a href="/staff/mara-quint">Mara Quint</a>, 14 May 2024</p>
<p>Twice a month the harbour wall at Lowmouth disappears under grey water, and twice a month
the old fishermen on the quay nod as if they had arranged it themselves. The spring tide has
nothing to do with the season: the name comes from the water springing up.</p>
<p>When the sun, the earth and the moon stand in a line, their pulls add up. Sailors call the
result a spring tide, and the harbour master publishes its height a year ahead in the
<a href="/tables/2024">tide tables</a> that hang in every chandlery along the coast.</p>
<figure><img src="../../images/harbour-wall.jpg" alt="Waves over the harbour wall">
<figcaption>Water over the harbour wall at high tide.</figcaption></figure>
<h2>What the moon does</h2>
<p>The moon is small but close, so its pull on the near side of the earth is noticeably
stronger than on the far side. That difference stretches the oceans into two bulges, and the
coast passes through both of them every day.</p>
<ul>
<li>A spring tide comes at new moon and at full moon.</li>
<li>A neap tide comes when the moon is at its first or last quarter.</li>
<li>The highest tides of the year come near the equinoxes.</li>
</ul>
<blockquote><p>You learn the tide tables before you learn to read, round here.</p></blockquote>
<p>The harbour master, <strong>Ellen Marsh</strong>, keeps a copy of every table printed since
1921 in a cabinet behind her desk. She says the numbers have <em>hardly changed</em> in a
century, but the sea wall has been raised twice.</p>
<p>Related: <a href="/2023/11/storm-surge">How the November storm surge broke the pier</a></p>
<h3>Reading a tide table</h3>
<ol>
<li>Find the date in the left-hand column.</li>
<li>Read the times of high and low water.</li>
<li>Add an hour in summer, when the clocks go forward.</li>
</ol>
<p>Visitors who park on the causeway should check the table before they walk out to the
island, because the water comes back faster than anyone expects and the lifeboat crew is tired
of rescuing cars.</p>
<p>Follow The Coastal Courier on Twitter and Facebook for the latest tide warnings.</p>
</article>
<aside class="related-stories"><h2>Related stories</h2><ul>
<li><a href="/2024/04/lifeboat">Lifeboat crew rescues three from the causeway</a></li>
<li><a href="/2024/03/sea-wall">Council votes to raise the sea wall again</a></li>
<li><a href="/2024/02/fish-market">Fish market reopens after the storm</a></li>
</ul></aside>
<section id="comments" class="comments"><h2>2 comments</h2>
<div class="comment"><p class="comment-author">Seadog77</p>
<p>Great article, I always wondered where the name came from. Thanks for explaining it.</p></div>
<div class="comment"><p class="comment-author">Pat</p>
<p>My car was one of those rescued from the causeway last spring, the water is fast.</p></div>
</section>
</main>
<footer class="site-footer"><p>Copyright 2024 The Coastal Courier Ltd. All rights reserved.</p>
<p><a href="/privacy">Privacy policy</a> | <a href="/terms">Terms of use</a></p></footer>
</body>
</html>
"""


def _page(body: str, *, head: str = "", lang: str = "") -> str:
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"<!DOCTYPE html><html{lang_attr}><head>{head}</head><body>{body}</body></html>"


def _prose(topic: str, sentences: int = 3) -> str:
    return " ".join(
        f"Sentence {n} about {topic} is long enough to read as part of a real story."
        for n in range(sentences)
    )


@pytest.fixture(scope="module")
def article():
    return extract_article(ARTICLE_PAGE, URL)


# ----------------------------------------------------------------------------- metadata


def test_it_reads_title_byline_date_and_site_name(article):
    assert article.title == "Why spring tides run high"
    assert article.byline == "Mara Quint"
    assert article.published == dt.date(2024, 5, 14)
    assert article.site_name == "The Coastal Courier"


def test_source_url_is_the_canonical_url_absolute_without_tracking_or_fragment(article):
    assert article.source_url == "https://courier.example/2024/05/spring-tides?id=7"


def test_source_url_falls_back_to_the_page_url_without_tracking():
    page = _page(f"<article><h1>Ferries</h1><p>{_prose('ferries')}</p></article>")
    found = extract_article(page, "https://port.example/ferries?utm_source=x&day=2#timetable")
    assert found.source_url == "https://port.example/ferries?day=2"


def test_a_canonical_url_pointing_to_the_home_page_is_ignored():
    page = _page(
        f"<article><h1>Ferries</h1><p>{_prose('ferries')}</p></article>",
        head='<link rel="canonical" href="https://port.example/">',
    )
    found = extract_article(page, "https://port.example/news/ferries")
    assert found.source_url == "https://port.example/news/ferries"


def test_source_url_is_empty_when_neither_page_nor_caller_gives_one():
    page = _page(f"<article><h1>Ferries</h1><p>{_prose('ferries')}</p></article>")
    assert extract_article(page).source_url == ""


def test_language_comes_from_html_lang_as_two_lower_case_letters(article):
    assert article.language == "en"
    page = _page(f"<article><p>{_prose('barcos')}</p></article>", lang="pt-BR")
    assert extract_article(page).language == "pt"


def test_language_is_empty_when_the_page_does_not_declare_one():
    page = _page(f"<article><p>{_prose('boats')}</p></article>")
    assert extract_article(page).language == ""


# ----------------------------------------------------------------------------- body


def test_relative_links_and_image_sources_become_absolute(article):
    assert '<a href="https://courier.example/tables/2024">tide tables</a>' in article.html
    assert 'src="https://courier.example/images/harbour-wall.jpg"' in article.html


def test_links_resolve_against_the_canonical_url_when_the_caller_gives_none():
    page = _page(
        f'<article><h1>Ferries</h1><p>{_prose("ferries")} See <a href="times">the times</a>.</p>'
        f"<p>{_prose('tickets')}</p></article>",
        head='<link rel="canonical" href="https://port.example/news/ferries">',
    )
    assert '<a href="https://port.example/news/times">the times</a>' in extract_article(page).html


def test_headings_lists_quotes_and_emphasis_are_kept(article):
    assert "<h2>What the moon does</h2>" in article.html
    assert "<h3>Reading a tide table</h3>" in article.html
    assert "<ul><li>A spring tide comes at new moon and at full moon.</li>" in article.html
    assert "<ol><li>Find the date in the left-hand column.</li>" in article.html
    assert "<blockquote><p>You learn the tide tables" in article.html
    assert "<strong>Ellen Marsh</strong>" in article.html
    assert "<em>hardly changed</em>" in article.html


def test_an_image_keeps_its_caption_in_a_figure(article):
    assert (
        '<figure><img src="https://courier.example/images/harbour-wall.jpg"'
        ' alt="Waves over the harbour wall">'
        "<figcaption>Water over the harbour wall at high tide.</figcaption></figure>"
    ) in article.html


def test_the_title_is_not_repeated_at_the_top_of_the_body(article):
    assert "Why spring tides run high" not in article.html
    assert article.html.startswith("<p>Twice a month the harbour wall")


@pytest.mark.parametrize(
    "boilerplate",
    [
        "We use cookies",  # cookie banner
        "Subscribe today",  # navigation
        "Copyright 2024",  # footer
        "Privacy policy",  # footer links
        "Lifeboat crew rescues three",  # related stories box
        "Great article",  # comments
        "2 comments",
        "How the November storm surge",  # a "Related:" line inside the story
        "Follow The Coastal Courier",  # a social promotion closing the story
    ],
)
def test_boilerplate_is_left_out(article, boilerplate):
    assert boilerplate not in article.html
    assert boilerplate not in html_to_text(ARTICLE_PAGE)


def test_the_last_paragraph_of_the_story_is_kept(article):
    assert "the lifeboat crew is tired of rescuing cars." in article.html


def test_the_standfirst_becomes_the_summary_not_part_of_the_body():
    page = _page(
        "<article><h1>Ferry fares rise</h1><h2>Islanders will pay more from June.</h2>"
        f"<p>{_prose('fares')}</p><p>{_prose('tickets')}</p></article>",
        head='<title>Ferry fares rise</title><meta name="description" content="Islanders will pay'
        ' more from June.">',
    )
    found = extract_article(page)
    assert found.summary == "Islanders will pay more from June."
    assert "Islanders will pay" not in found.html


def test_a_story_split_around_an_ad_slot_is_kept_whole():
    page = _page(
        "<h1>Harbour dredging</h1>"
        f'<div class="article-body"><p>{_prose("dredging")}</p><p>{_prose("silt")}</p></div>'
        '<div class="ad-slot"><span>Advertisement</span></div>'
        f'<div class="article-body"><p>{_prose("barges")}</p><p>The dredger leaves in May.</p>'
        f"<p>{_prose('the channel')}</p></div>",
    )
    text = html_to_text(page)
    assert "about dredging" in text
    assert "The dredger leaves in May." in text
    assert "Advertisement" not in text


def test_a_quoted_social_post_stays_in_the_story():
    page = _page(
        f"<article><h1>Late again</h1><p>{_prose('delays')}</p>"
        '<div class="social-embed"><blockquote class="twitter-tweet">'
        "<p>The ferry is late again, third time this week.</p>&mdash; Islander (@islander)"
        "</blockquote></div>"
        f"<p>{_prose('the operator')}</p><p>{_prose('refunds')}</p></article>"
    )
    assert "<blockquote>" in (found := extract_article(page).html)
    assert "third time this week" in found


def test_text_laid_out_with_line_breaks_becomes_paragraphs_with_spaces_around_links():
    page = _page(
        f'<div class="content">{_prose("timetables")}<br><br>The last ferry'
        ' <a href="/times">leaves at ten</a> every night, whatever the weather says.<br><br>'
        f"{_prose('winter')}</div>"
    )
    found = extract_article(page, "https://old.example/page.html")
    assert (
        '<p>The last ferry <a href="https://old.example/times">leaves at ten</a> every night,'
    ) in found.html


def test_html_to_text_is_the_text_of_the_extracted_html_in_paragraphs(article):
    text = html_to_text(ARTICLE_PAGE)
    parsed = etree.fromstring(
        f"<div>{extract_article(ARTICLE_PAGE).html}</div>", etree.HTMLParser()
    )
    assert text == fragment_text(parsed)
    assert "the water springing up.\n\nWhen the sun" in text
    assert "full moon.\nA neap tide" in text  # list items on lines of their own


# ----------------------------------------------------------------------------- refusals

LOGIN_PAGE = _page(
    '<header><nav><a href="/">Home</a> <a href="/about">About</a></nav></header>'
    '<main><h1>Sign in</h1><form action="/login" method="post">'
    '<label>Email <input name="email"></label>'
    '<label>Password <input type="password" name="password"></label>'
    "<button>Sign in</button></form>"
    '<p><a href="/forgot">Forgot your password?</a></p></main>'
    "<footer>© 2024 Example Inc.</footer>",
    head="<title>Sign in - Example</title>",
    lang="en",
)


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        ("", "The page is empty."),
        ("  \n\t ", "The page is empty."),
        (bytes(range(256)).decode("latin-1") * 16, "This is not an HTML page."),
        ((b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 16).decode("utf-8", "replace"), "not an HTML"),
        ("Just a line of plain text, with no markup at all.", "This is not an HTML page."),
        (LOGIN_PAGE, "This page has no article text Newsroom could extract."),
        (_page("<nav><a href='/'>Home</a></nav><h1>Welcome</h1>"), "no article text"),
    ],
    ids=["empty", "whitespace", "binary", "binary-as-utf8", "plain-text", "login", "heading"],
)
def test_a_page_without_an_article_is_refused_with_a_reason(page, reason):
    with pytest.raises(IngestError, match=reason):
        extract_article(page)
    with pytest.raises(IngestError):
        html_to_text(page)


# ----------------------------------------------------------------------------- conformance


def _load_scorer(folder: Path):
    spec = importlib.util.spec_from_file_location("extraction_score", folder / "score.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_conformance_extraction_f1_is_at_least_096():
    folder = CONFORMANCE / "extraction"
    if not (folder / "ground-truth.json").exists():
        pytest.skip("../shared/conformance is absent; CI provides it")
    scorer = _load_scorer(folder)
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    predicted = {}
    for page_id in truth:
        with gzip.open(folder / "html" / f"{page_id}.html.gz", "rt", encoding="utf-8") as file:
            page = file.read()
        try:
            predicted[page_id] = {"articleBody": html_to_text(page)}
        except IngestError:  # the scorer counts a refusal as an empty answer
            predicted[page_id] = {"articleBody": ""}
    metrics = scorer.evaluate(truth, predicted, n=4, n_bootstrap=0)
    assert len(truth) == 120
    assert metrics["f1"] >= 0.96, f"F1 {metrics['f1']:.4f} on {len(truth)} pages"


# Attributes that exercise each alternative of trafilatura's author XPaths, and a few
# near misses ("Authority" holds "Author"; "bylines" holds "byline"; "my-byl" is no "byl").
_AUTHOR_MARKUP = """<html><head><link rel="author" href="/me"></head><body>
<div class="comments"><span class="author">In a comment</span></div>
<section id="comment-list"><p class="byline">Listed</p></section>
<div class="site-sidebar"><a rel="author">Sidebar</a></div>
<span data-component="FigureCaption"><span class="writer">Caption</span></span>
<time><span class="author">In a time</span></time>
<p class="byl">Ann Byl</p><p class="my-byl">Not me</p><h3 id="zuozhe">Wang Wei</h3>
<strong class="AuthorName">Jo Strong</strong><a data-testid="AuthorURL">Al Link</a>
<div itemprop="author name">Ida Prop</div><h4 class="posted-by">Po Sted</h4>
<span><rel>me</rel>Rel Me</span><author>Au Thor</author><b class="screenname">Sn</b>
<em id="Authority">Au Thority</em><i data-component="Bylines">By Lines</i>
<p class="username">user</p><span class="journalist-name">Jay Name</span>
</body></html>"""


def _author_pages():
    folder = CONFORMANCE / "extraction" / "html"
    yield _AUTHOR_MARKUP
    for path in sorted(folder.glob("*.html.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as file:
            yield file.read()


def test_the_byline_search_selects_what_trafilaturas_xpaths_select():
    """`metadata.byline_in_text` reads trafilatura's author XPaths in Python (for speed):
    the same elements, in the same order, on the test page and every conformance page."""

    pages = 0
    for page in _author_pages():
        ours, theirs = load_html(page), load_html(page)
        mine, trafilaturas = ours.getroottree().getpath, theirs.getroottree().getpath
        doomed = [
            e for e in ours.iterdescendants(*metadata._DISCARD_TAGS) if metadata._discarded(e)
        ]
        assert [mine(e) for e in doomed] == [
            trafilaturas(e) for e in AUTHOR_DISCARD_XPATHS[0](theirs)
        ]
        prune_unwanted_nodes(ours, AUTHOR_DISCARD_XPATHS[:1])
        prune_unwanted_nodes(theirs, AUTHOR_DISCARD_XPATHS[:1])
        found = metadata.author_candidates(ours)
        for candidates, xpath in zip(found, AUTHOR_XPATHS, strict=True):
            assert [mine(e) for e in candidates] == [trafilaturas(e) for e in xpath(theirs)]
        pages += 1
    assert pages >= 1


def test_the_byline_search_finds_the_byline_trafilatura_finds():

    assert metadata.byline_in_text(load_html(_AUTHOR_MARKUP)) == "Jo Strong"  # specific first
    for page in _author_pages():
        theirs = line_processing(unescape(extract_author(load_html(page)) or "")) or ""
        assert metadata.byline_in_text(load_html(page)) == theirs


def test_the_sanitiser_reads_the_extracted_element_as_it_reads_its_markup():
    """Ingest hands `Extracted.body` to the sanitiser rather than `html` to be parsed
    again: the stored body is the same either way."""
    pages = [ARTICLE_PAGE, *(p for p in _author_pages() if p is not _AUTHOR_MARKUP)]
    compared = 0
    for page in pages:
        try:
            found = extract_article(page, URL)
        except IngestError:
            continue
        assert found.body is not None
        assert clean_article_html(found.body) == clean_article_html(found.html)
        compared += 1
    assert compared >= 1
