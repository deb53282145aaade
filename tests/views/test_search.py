"""The search page (articles/views/search.py): sign-in, the box on every page, excerpts
with marks that link to the match, htmx, malformed input and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re

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


def test_search_needs_sign_in(client, war):
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
        "\x00troops",
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
    articles' labels), the excerpts, the colour legend: at most 10, however many articles
    and annotations."""
    client = signed_in(user)
    _corpus(user, bob, 3)
    client.get(reverse("search"), {"q": q})  # the set-up check runs once per process
    small = _count(client, q)
    _corpus_more(user, bob)
    large = _count(client, q)
    assert small <= 10
    assert large <= 10


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
