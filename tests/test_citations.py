"""Copy citation (articles/citations.py): text fragments written as the WICG Text
Fragments specification says, the citation's facts for a web page, a pasted text and a
page note, and the control on the reader's cards, shown only with what the reader may see."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import unquote

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from articles import sharing, versions
from articles.annotations import create_page_note
from articles.citations import cite, text_fragment, with_fragment
from articles.ingest import prepare
from articles.measure import content_hash
from articles.models import Article, ArticleVersion
from tests.factories import STORY, highlight, make_article, make_user

# text-directive-string: explicit characters or percent-encoded bytes, nothing else.
TERM = re.compile(r"(?:[A-Za-z0-9!$'()*+./:;=?@_~]|%[0-9A-F]{2})+")


def terms(fragment: str) -> dict[str, str]:
    """The directive parsed as the specification does: prefix-, start, end, -suffix."""
    assert fragment.startswith("#:~:text=")
    parts = fragment.removeprefix("#:~:text=").split(",")
    for part in parts:
        assert TERM.fullmatch(part.removesuffix("-").removeprefix("-")), part
    found: dict[str, str] = {}
    if parts[0].endswith("-"):
        found["prefix"] = unquote(parts.pop(0)[:-1])
    if parts[-1].startswith("-"):
        found["suffix"] = unquote(parts.pop()[1:])
    found["start"] = unquote(parts[0])
    if len(parts) == 2:
        found["end"] = unquote(parts[1])
    assert len(parts) in {1, 2}
    return found


def test_a_short_quote_is_one_term_between_a_few_whole_words_of_context():
    fragment = text_fragment(
        "stayed off the job", prefix="Dock workers in Rotterdam ", suffix=" for an eighth day"
    )
    assert (
        fragment == "#:~:text=workers%20in%20Rotterdam-,stayed%20off%20the%20job,-for%20an%20eighth"
    )


@pytest.mark.parametrize(
    ("quote", "encoded"),
    [
        ("well-known", "well%2Dknown"),
        ("one, two", "one%2C%20two"),
        ("salt & pepper", "salt%20%26%20pepper"),
        ("50% off", "50%25%20off"),
        ("C# #1", "C%23%20%231"),
        ("Zürich — naïve", "Z%C3%BCrich%20%E2%80%94%20na%C3%AFve"),
        ("say “no”", "say%20%E2%80%9Cno%E2%80%9D"),
        ("a/b?c=d;e:f@g!", "a/b?c=d;e:f@g!"),
        ("it's (so) *big* + $5 ~ok_", "it's%20(so)%20*big*%20+%20$5%20~ok_"),
    ],
)
def test_terms_encode_what_the_specification_reserves(quote, encoded):
    assert text_fragment(quote) == f"#:~:text={encoded}"


def test_context_with_dashes_and_commas_is_encoded_inside_its_term():
    fragment = text_fragment("the deal", prefix="Oil, gas and co-op ", suffix=", said A-Z")
    assert fragment == "#:~:text=gas%20and%20co%2Dop-,the%20deal,-%2C%20said%20A%2DZ"
    assert terms(fragment) == {
        "prefix": "gas and co-op",
        "start": "the deal",
        "suffix": ", said A-Z",
    }


def test_whitespace_is_collapsed_and_an_empty_context_is_left_out():
    assert text_fragment("  the\t port \n", prefix="", suffix="") == "#:~:text=the%20port"
    assert text_fragment("the port", prefix="   ", suffix="\n\n") == "#:~:text=the%20port"


def test_no_quote_makes_no_fragment():
    assert text_fragment("") == ""
    assert text_fragment(" \n ") == ""


def test_a_quote_cut_inside_a_word_is_widened_to_the_whole_word():
    fragment = text_fragment("ockers stay", prefix="The d", suffix="ed home.")
    assert terms(fragment) == {"prefix": "The", "start": "dockers stayed", "suffix": "home."}


def test_context_cut_from_a_longer_text_drops_its_broken_far_word():
    # Stored contexts are the 32 characters either side: "ship" is the end of a word.
    prefix = "ship waiting outside the port. "
    suffix = " talks with the port authority wou"
    assert len(prefix) < 32 <= len(suffix)
    fragment = text_fragment("The union", prefix=prefix + "X", suffix=suffix)
    assert terms(fragment)["suffix"] == "talks with the"
    long_prefix = "rship waiting outside the port. "
    assert len(long_prefix) == 32
    fragment = text_fragment("The union", prefix=long_prefix, suffix="")
    assert terms(fragment)["prefix"] == "outside the port."


def test_context_stops_at_a_line_break_as_a_term_cannot_cross_blocks():
    fragment = text_fragment("Dock workers", prefix="Second Week\n\n", suffix=" in\nRotterdam")
    assert terms(fragment) == {"start": "Dock workers", "suffix": "in"}


def test_a_long_quote_is_given_by_its_first_and_last_words():
    quote = "Dock workers in Rotterdam stayed off the job for an eighth day on Monday, leaving"
    fragment = text_fragment(quote, prefix="Week ", suffix=" container ships")
    assert terms(fragment) == {
        "prefix": "Week",
        "start": "Dock workers in Rotterdam",
        "end": "day on Monday, leaving",
        "suffix": "container ships",
    }
    assert fragment.split(",")[2] == "day%20on%20Monday%2C%20leaving"


def test_a_word_across_a_paragraph_break_is_not_glued_to_the_quote():
    # The paragraph before or after is no part of the quote's word (nor, being another
    # line, of its context).
    assert terms(text_fragment("Monday", prefix="last week\n")) == {"start": "Monday"}
    assert terms(text_fragment("Monday", suffix="\nsaid")) == {"start": "Monday"}


def test_a_quote_over_two_paragraphs_starts_in_the_first_and_ends_in_the_last():
    fragment = text_fragment("outside the port.\n\nThe union said")
    assert terms(fragment) == {"start": "outside the port.", "end": "The union said"}


@given(
    st.text(min_size=1, max_size=80),
    st.text(max_size=40),
    st.text(max_size=40),
)
def test_every_fragment_parses_back_to_words_of_the_quote_and_its_context(quote, prefix, suffix):
    fragment = text_fragment(quote, prefix, suffix)
    if not fragment:
        assert not quote.split()
        return
    found = terms(fragment)  # asserts the encoding of every term
    widened = " ".join((prefix + quote + suffix).split())
    for term in found.values():
        assert term == " ".join(term.split())
        assert term in widened


def test_a_fragment_follows_the_address_and_any_fragment_it_has():
    assert with_fragment("https://e.org/a", "#:~:text=x") == "https://e.org/a#:~:text=x"
    assert with_fragment("https://e.org/a#top", "#:~:text=x") == "https://e.org/a#top:~:text=x"
    assert with_fragment("https://e.org/a", "") == "https://e.org/a"


# --- The citation ---------------------------------------------------------------------


def _web_page() -> Article:
    article = make_article()
    Article.objects.filter(pk=article.pk).update(
        title="Harbour Strike Enters Second Week",
        byline="Jo Smith",
        site_name="Port_News",
        source_url="https://news.example/strike-(day-8)",
        published_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC),
    )
    article.refresh_from_db()
    return article


def _newsroom_url(article: Article) -> str:
    return RequestFactory().get("/").build_absolute_uri(article.get_absolute_url())


@pytest.mark.django_db
def test_a_web_page_citation_names_the_quote_source_fragment_capture_and_hash(user):
    article = _web_page()
    annotation = highlight(article, user, "stayed off the job")
    citation = cite(annotation, newsroom_url=_newsroom_url(article))
    captured = timezone.localdate(article.created_at).isoformat()
    url = (
        "https://news.example/strike-(day-8)#:~:text=workers%20in%20Rotterdam-,"
        "stayed%20off%20the%20job,-for%20an%20eighth"
    )
    assert citation.plain == (
        "“stayed off the job”\n"
        "Jo Smith, “Harbour Strike Enters Second Week”, Port_News, published 2026-11-30.\n"
        f"{url}\n"
        f"Captured {captured} in Newsroom, content hash (SHA-256) {article.content_hash}."
    )
    assert citation.markdown == (
        "> stayed off the job\n\n"
        "Jo Smith, [Harbour Strike Enters Second Week]("
        + url.replace("(", "%28").replace(")", "%29")
        + "), *Port\\_News*, published 2026-11-30.  \n"
        f"Captured {captured} in Newsroom, content hash (SHA-256) `{article.content_hash}`."
    )
    assert len(article.content_hash) == 64
    assert article.content_hash == content_hash(article.body_text)


@pytest.mark.django_db
def test_a_pasted_text_says_it_has_no_source_and_links_to_newsroom(user):
    article = make_article()
    annotation = highlight(article, user, "eighth day")
    newsroom = _newsroom_url(article)
    assert newsroom.startswith("http://testserver/articles/")
    citation = cite(annotation, newsroom_url=newsroom)
    assert "#:~:" not in citation.plain + citation.markdown
    assert f"No source address (pasted into Newsroom): {newsroom}\n" in citation.plain
    assert f"]({newsroom}). No source address (pasted into Newsroom)." in citation.markdown


@pytest.mark.django_db
def test_a_page_note_cites_the_article_without_quote_or_fragment(user):
    article = _web_page()
    note = create_page_note(article, user, note="The figures need checking")
    citation = cite(note, newsroom_url=_newsroom_url(article))
    assert citation.quote == ""
    assert citation.plain.startswith("Jo Smith, “Harbour Strike")
    assert "https://news.example/strike-(day-8)\n" in citation.plain
    assert "#:~:" not in citation.plain + citation.markdown
    assert not citation.markdown.startswith(">")


@pytest.mark.django_db
def test_quote_and_title_cannot_make_markdown_of_their_own(user):
    article = make_article("Title *with* [brackets]\n\n# not a heading - really\n\nMore text.")
    annotation = highlight(article, user, "# not a heading - really")
    markdown = cite(annotation, newsroom_url="http://x/").markdown
    assert markdown.startswith("> \\# not a heading - really\n\n")
    assert "[Title \\*with\\* \\[brackets\\]](http://x/)" in markdown


@pytest.mark.django_db
def test_an_annotation_on_an_earlier_text_cites_that_text_its_date_and_hash(user):
    article = make_article()
    annotation = highlight(article, user, "eighth day")
    old_text, old_hash = article.body_text, article.content_hash
    versions.replace_text(article, prepare(STORY.replace("Monday", "Tuesday")))
    annotation.refresh_from_db()
    version = ArticleVersion.objects.get(article=article)
    assert annotation.written_on_id == version.pk
    article.refresh_from_db()
    assert article.content_hash != old_hash
    citation = cite(annotation, newsroom_url="http://x/")
    assert citation.captured.content_hash == old_hash == content_hash(old_text)
    assert citation.captured.captured_at == article.created_at
    later = highlight(article, user, "Tuesday")
    assert cite(later, newsroom_url="http://x/").captured.content_hash == article.content_hash
    assert cite(later, newsroom_url="http://x/").captured.captured_at == article.text_changed_at


# --- The control on the reader's cards ----------------------------------------------


@pytest.mark.django_db
def test_every_card_in_the_reader_offers_copy_citation_in_plain_text_and_markdown(
    alice_client, user
):
    article = _web_page()
    annotation = highlight(article, user, "stayed off the job", note="Check it")
    create_page_note(article, user, note="Whole-article note")
    page = alice_client.get(article.get_absolute_url()).text
    panel = page[page.index('id="annotation-panel"') :]
    assert panel.count('<details class="card-citation"><summary>Copy citation</summary>') == 2
    card = panel[panel.index(f'id="card-{annotation.pk}"') :]
    assert f'<pre id="card-{annotation.pk}-citation-text" class="citation-text"' in card
    assert f'data-copy-citation="card-{annotation.pk}-citation-markdown"' in card
    assert "stayed%20off%20the%20job" in card
    assert "&gt; stayed off the job" in card
    assert 'src="/static/js/citation.js"' in card


@pytest.mark.django_db
def test_the_popover_cards_offer_it_too_with_ids_of_their_own(alice_client, user):
    article = _web_page()
    annotation = highlight(article, user, "eighth day")
    popover = alice_client.get(reverse("annotation_cards") + f"?ids={annotation.pk}").text
    assert f'id="popover-card-{annotation.pk}-citation-text"' in popover


@pytest.mark.django_db
def test_citations_of_annotations_others_may_not_see_are_not_on_the_page(client, user, bob, desk):
    article = _web_page()
    highlight(article, user, "stayed off the job", note="mine alone", audience=None)
    highlight(article, user, "container ships", audience=desk)
    highlight(article, user, "eighth day", audience=sharing.EVERYONE)
    client.force_login(make_user("dave"))  # in the team, not in the desk
    page = client.get(article.get_absolute_url()).text
    panel = page[page.index('id="annotation-panel"') :]
    assert "eighth%20day" in panel
    assert "mine alone" not in page
    for hidden in ("stayed off the job", "stayed%20off", "container ships", "container%20ships"):
        assert hidden not in panel
    assert panel.count("Copy citation") == 1


@pytest.mark.django_db
def test_a_share_page_offers_the_citation_with_the_source_and_its_fragment(client, user):
    article = _web_page()
    highlight(article, user, "eighth day")
    link = sharing.create_link(user, article, audience="anyone")
    page = client.get(link.get_absolute_url()).text
    assert page.count("Copy citation") == 1
    assert f"{article.source_url}#:~:text=" in page
    assert "eighth%20day" in page


@pytest.mark.django_db
def test_a_share_page_cites_a_pasted_article_by_the_link_to_the_passage(client, user):
    article = make_article()
    mark = highlight(article, user, "eighth day")
    link = sharing.create_link(user, article, audience="anyone")
    page = client.get(link.get_absolute_url()).text
    assert page.count("Copy citation") == 1
    pointed = f"{link.get_absolute_url()}?a={mark.pk}#annotation-{mark.pk}"
    assert f'data-citation-path="{pointed}"' in page
    assert article.get_absolute_url() not in page[page.index("Copy citation") :]


@pytest.mark.django_db
def test_a_hostile_title_stays_text_in_the_citation_boxes(alice_client, user):
    article = _web_page()
    Article.objects.filter(pk=article.pk).update(title="</pre><img src=x onerror=alert(1)>")
    highlight(article, user, "eighth day")
    page = alice_client.get(article.get_absolute_url()).text
    assert "<img src=x" not in page
    assert "&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def _reader_queries(client, article) -> int:
    client.get(article.get_absolute_url())  # first-run checks settle
    with CaptureQueriesContext(connection) as queries:
        client.get(article.get_absolute_url())
    return len(queries)


@pytest.mark.django_db
def test_citing_an_earlier_text_reads_it_once_however_many_cards(alice_client, user):
    counts = []
    for n in (1, 12):
        article = make_article(STORY + f"\n\nEdition {n}.")
        for word in article.body_text.split()[:n]:
            highlight(article, user, word)
        versions.replace_text(article, prepare(STORY + f"\n\nEdition {n}, corrected."))
        counts.append(_reader_queries(alice_client, article))
    assert counts[0] == counts[1]
