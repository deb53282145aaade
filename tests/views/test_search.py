"""The search page (articles/views/search.py): sign-in, the box on every page, excerpts
with marks that link to the match, htmx, malformed input and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from html import escape

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from articles import annotations as annotating
from articles.entities import curation
from articles.models import Annotation
from tests.factories import highlight, signed_in
from tests.searching import article_row

pytestmark = pytest.mark.django_db


def test_search_needs_sign_in(client, user, war):
    response = client.get(reverse("search"), {"q": "troops"})
    assert response.status_code == 302
    assert "/login/" in response["Location"]


# --- Malformed queries --------------------------------------------------------------------


@pytest.mark.parametrize(
    "q",
    [
        '"victory plan',
        "-",
        "- - -",
        "putin -",
        '"',
        "()&|!:*",
        "troops' OR 1=1; --",
        "a" * 5000,
        "troops " * 1000,
        "site: entity: by: color: has: before: after: type:",
        'entity:"unclosed',
        "before:2024-13-45",
        "<script>alert(1)</script>",
        "🙂 ñ 中文",
    ],
)
def test_malformed_queries_never_fail(user, war, q):
    response = signed_in(user).get(reverse("search"), {"q": q})
    assert response.status_code == 200
    assert b"<script>alert(1)" not in response.content


@pytest.mark.parametrize("page", ["abc", "-3", "0", "99999999999999999999999", "2.5"])
def test_bad_page_numbers(user, war, page):
    response = signed_in(user).get(reverse("search"), {"q": "troops", "page": page})
    assert response.status_code == 200


# --- The page -----------------------------------------------------------------------------


def test_page_shows_snippet_with_marks_and_links_to_the_first_match(user, war):
    response = signed_in(user).get(reverse("search"), {"q": "kursk"})
    html = response.content.decode()
    assert "<mark>Kursk</mark>" in html
    # The text fragment names the word with its neighbours, for the browser to pick it.
    fragment = "seen%20near-,Kursk,-on%20Monday%2C"
    match = re.search(rf'href="(/articles/\d+/[^"#]+/)#match-(\d+)-(\d+):~:text={fragment}"', html)
    assert match
    start, end = int(match[2]), int(match[3])
    assert war.body_text[start:end] == "Kursk"


def test_accented_words_are_marked_and_linked_to_their_match(user):
    article = article_row(
        "Hiring", "The café owner 🙂 read a résumé aloud, then another Résumé.", language="fr"
    )
    html = signed_in(user).get(reverse("search"), {"q": "résumé"}).content.decode()
    assert "<mark>résumé</mark>" in html
    match = re.search(r'href="[^"#]+#match-(\d+)-(\d+):~:text=([^"]+)"', html)
    assert match
    assert article.body_text[int(match[1]) : int(match[2])] == "résumé"
    assert match[3] == "read%20a-,r%C3%A9sum%C3%A9,-aloud%2C%20then"


def test_snippets_escape_the_text(user):
    article_row("Markup", 'Troops wrote <img src=x onerror="alert(1)"> & <b>left</b>.')
    html = signed_in(user).get(reverse("search"), {"q": "troops"}).content.decode()
    # ts_headline leaves tags out of the excerpt; what remains is escaped.
    assert "<mark>Troops</mark> wrote" in html
    assert "&amp;" in html
    assert "<img" not in html
    assert "<b>" not in html


def test_empty_search_explains_the_syntax(user):
    html = signed_in(user).get(reverse("search")).content.decode()
    assert "site:themoscowtimes.com" in html
    # One search landmark: the header's box, empty here, is hidden with its form.
    visible = re.findall(r'<form[^>]*role="search"(?![^>]*\shidden)[^>]*>', html)
    assert len(visible) == 1


def test_no_results_state_and_filter_chips(user, war):
    html = (
        signed_in(user).get(reverse("search"), {"q": "zanzibar site:example.org"}).content.decode()
    )
    assert "Nothing matches" in html
    assert 'aria-label="Remove site:example.org"' in html
    assert "?q=zanzibar" in html


def test_entity_facet_lists_each_entity_by_its_name_and_filters_by_it(user, war, trade):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    zelensky = curation.create_entity("Volodymyr Zelensky", "person", user)
    kursk = curation.create_entity("Kursk", "place", user)
    highlight(war, user, "Putin", entity=putin)
    highlight(war, user, "Zelensky", entity=zelensky)
    highlight(war, user, "Kursk", entity=kursk)
    html = signed_in(user).get(reverse("search"), {"q": "troops"}).content.decode()
    facet = re.search(r"<summary>Entity mentioned</summary>(.*?)</details>", html, re.DOTALL)
    assert facet
    links = re.findall(r'<a href="\?q=([^"]+)"[^>]*>(.*?)</a>', facet[1], re.DOTALL)
    seen = [_visible_text(text) for _, text in links]
    # Counted alike (one article each), the names in order, never their kinds.
    assert seen == ["Kursk", "Vladimir Putin", "Volodymyr Zelensky"]
    heard = [re.sub(r"<[^>]+>", "", text) for _, text in links]
    assert heard[0] == "Kursk (place)"  # a screen reader hears the kind after the name
    html = signed_in(user).get(f"{reverse('search')}?q={links[1][0]}").content.decode()
    assert "Troops gather at the border" in html
    assert 'aria-label="Remove entity:&quot;Vladimir Putin&quot;"' in html


NOTE = (
    "**Check** the _Kursk_ sighting against the [Reuters wire](https://www.reuters.com/world/kursk)"
    " and `AP`:\n\n- one\n- two <script>alert(1)</script>"
)


@pytest.mark.parametrize("q", ["sighting", "has:notes"])
def test_notes_in_results_read_as_text_without_markdown(user, war, q):
    highlight(war, user, "North Korean troops", note=NOTE)
    html = signed_in(user).get(reverse("search"), {"q": q}).content.decode()
    note = re.search(r'<p class="snippet note">(.*?)</p>', html, re.DOTALL)
    assert note
    text = "Check the Kursk sighting against the Reuters wire and AP: one two <script>alert(1)</script>"
    # A short note is shown whole, as its reader sees it: text, a tag in it as text.
    assert _visible_text(note[1]) == escape(text, quote=False)
    if q == "sighting":
        assert "<mark>sighting</mark>" in note[1]
    for markup in ("**", "_Kursk_", "](", "reuters.com", "`", "- one", "<script"):
        assert markup not in note[1], markup


def test_a_long_notes_excerpt_is_text_around_the_match(user, war):
    note = (
        "**Check** "
        + "the desk said so twice. " * 20
        + "Ask about the [Kursk](https://x.example/) sighting."
    )
    highlight(war, user, "North Korean troops", note=note)
    html = signed_in(user).get(reverse("search"), {"q": "sighting"}).content.decode()
    excerpt = re.search(r'<p class="snippet note">(.*?)</p>', html, re.DOTALL)
    assert excerpt
    assert "Kursk <mark>sighting</mark>" in excerpt[1]
    assert "**" not in excerpt[1]
    assert "](" not in excerpt[1]


def _visible_text(html: str) -> str:
    html = re.sub(r'<span class="visually-hidden">.*?</span>', "", html)
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_every_page_has_a_search_box(user):
    html = signed_in(user).get(reverse("library")).content.decode()
    assert 'role="search"' in html
    assert f'action="{reverse("search")}"' in html


def test_htmx_request_gets_only_the_results(user, war):
    response = signed_in(user).get(
        reverse("search"), {"q": "troops"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="search-results"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="search-results"')
    assert "<html" not in html


def test_results_vary_on_htmx_so_back_never_shows_a_bare_fragment(user, war):
    """Live search pushes /search/?q=... with only the results; going Back to it later
    must not reuse that fragment from the browser's cache as the whole page."""
    client = signed_in(user)
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "search-results"}):
        response = client.get(reverse("search"), {"q": "troops"}, **headers)
        assert "HX-Request" in response["Vary"]


# --- Queries per page ----------------------------------------------------------------------


def _corpus(user, bob, n: int) -> None:
    putin = curation.create_entity("Vladimir Putin", "person", user)
    for i in range(n):
        article = article_row(
            f"Putin story {i}",
            f"Putin spoke about troops in dispatch {i}.",
            source_url=f"https://site{i % 5}.example.com/{i}",
            published_at=timezone.now() - dt.timedelta(days=i),
        )
        highlight(article, user, "Putin", entity=putin)
        highlight(article, bob, "troops", note=f"note {i} on troops", color="green")
        annotating.create_page_note(article, user, note=f"page note on troops {i}")


@pytest.mark.parametrize("q", ["troops", "putin has:notes", 'entity:"Vladimir Putin" troops'])
def test_search_page_query_count_does_not_grow(user, bob, q):
    """Session, user, configurations, the search, one load per kind on the page (and the
    articles' labels), the excerpts, the colour legend, the header's count of unread
    notifications and whether the person watches this search ("Watch this search"): at
    most 12, however many articles and annotations."""
    client = signed_in(user)
    _corpus(user, bob, 3)
    client.get(reverse("search"), {"q": q})  # the set-up check runs once per process
    small = _count(client, q)
    _corpus_more(user, bob)
    large = _count(client, q)
    assert small <= 12
    assert large <= 12


def _corpus_more(user, bob):
    putin = Annotation.objects.filter(entity__isnull=False).first().entity
    for i in range(30):
        article = article_row(f"More Putin {i}", f"Putin and troops again, number {i}.")
        highlight(article, user, "Putin", entity=putin)
        highlight(article, bob, "troops", note=f"another note {i} on troops")


class _Counter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _count(client, q) -> int:
    counter = _Counter()
    with connection.execute_wrapper(counter):
        response = client.get(reverse("search"), {"q": q})
    assert response.status_code == 200
    return counter.count
