"""The reader page (articles/views/reader.py): the article, its marks and the panel of
annotations, what colleagues see of each other's, error pages and security headers."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import sanitize, sharing, versions
from articles.highlights import layout
from articles.ingest import prepare
from articles.models import Annotation
from tests.factories import STORY, highlight, make_article, signed_in

pytestmark = pytest.mark.django_db


def test_reader_shows_title_byline_source_date_body_and_related(alice_client, sample):
    response = alice_client.get(sample.get_absolute_url())
    text = response.text
    assert response.status_code == 200
    assert sample.title in text
    assert "By AFP" in text
    assert 'href="https://www.themoscowtimes.com/2024/10/17/' in text
    assert "17 October 2024" in text
    # The stored body, its top-level elements numbered (id="block-N") for partial redraws.
    assert f'<div id="article-body" class="prose">{layout(sample.body_html).html}</div>' in text
    assert layout(sample.body_html).html.startswith('<p id="block-0">')
    assert "Related" in text
    assert "killed-in-ukraine-seoul" in text


def test_reader_accepts_any_slug_and_none(alice_client, sample):
    assert alice_client.get(f"/articles/{sample.pk}/").status_code == 200
    assert alice_client.get(f"/articles/{sample.pk}/whatever-slug/").status_code == 200


def test_missing_article_is_a_helpful_404(alice_client):
    response = alice_client.get("/articles/999999/")
    assert response.status_code == 404
    assert "Go to the library" in response.text


def test_reader_sets_security_headers(alice_client, sample):
    response = alice_client.get(sample.get_absolute_url())
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(alice_client, sample):
    for url in [reverse("library"), sample.get_absolute_url()]:
        text = alice_client.get(url).text
        for chunk in text.split("<script")[1:]:
            assert chunk.lstrip().startswith(("src=", 'type="module" src=')), chunk[:80]


def test_panel_filters_vary_on_htmx_so_back_never_shows_a_bare_fragment(alice_client):
    article = make_article("Port Talks\n\nNegotiators met again in Rotterdam on Thursday.")
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "annotation-panel"}):
        response = alice_client.get(article.get_absolute_url(), {"color": "green"}, **headers)
        assert "HX-Request" in response["Vary"]


# Marks and the panel -------------------------------------------------------------------


def test_the_reader_renders_highlights_and_notes_without_javascript(alice_client, article, user):
    highlight(article, user, "container ships", note="Check the **count**")
    page = alice_client.get(article.get_absolute_url()).text
    assert re.search(r"<mark [^>]*>container ships</mark>", page)
    assert "<strong>count</strong>" in page
    assert 'id="annotation-' in page


def test_marks_do_not_change_the_article_text(alice_client, article, user):
    highlight(article, user, "eighth day on Monday")
    highlight(article, user, "day on Monday, leaving", color="blue")
    page = alice_client.get(article.get_absolute_url()).text
    body = re.search(r'<div id="article-body" class="prose">(.*?)</div>\n', page, re.DOTALL).group(
        1
    )
    assert sanitize.text_content(body) == article.body_text


def test_shared_annotations_of_colleagues_are_visible(client, bob, article, user):
    highlight(article, user, "eighth day", note="shared lead")
    client.force_login(bob)
    assert "shared lead" in client.get(article.get_absolute_url()).text


def test_the_panel_filters_by_colour(alice_client, article, user):
    highlight(article, user, "eighth day", color="green", note="green one")
    highlight(article, user, "container ships", color="pink", note="pink one")
    page = alice_client.get(article.get_absolute_url() + "?color=green").text
    panel = page[page.index('id="annotation-panel"') :]
    assert "green one" in panel
    assert "pink one" not in panel
    fragment = alice_client.get(
        article.get_absolute_url() + "?color=pink",
        headers={"HX-Request": "true", "HX-Target": "annotation-panel"},
    ).text
    assert fragment.lstrip().startswith('<aside id="annotation-panel"')
    assert "pink one" in fragment
    assert "green one" not in fragment


def test_the_panel_lists_annotations_in_text_order_with_legend(alice_client, article, user):
    highlight(article, user, "talks with the port", note="note-beta")
    highlight(article, user, "Dock workers", note="note-alpha")
    page = alice_client.get(article.get_absolute_url()).text
    panel = page[page.index('id="annotation-panel"') :]
    assert panel.index("note-alpha") < panel.index("note-beta")
    assert "Verified claim" in page


def test_reader_query_count_does_not_grow_with_annotations(alice_client, article, user):
    highlight(article, user, "Dock")
    alice_client.get(article.get_absolute_url())  # sign-in and first-run checks settle
    with CaptureQueriesContext(connection) as one:
        alice_client.get(article.get_absolute_url())
    for i, word in enumerate(article.body_text.split()):
        highlight(article, user, word, note=f"n{i}")
    with CaptureQueriesContext(connection) as many:
        response = alice_client.get(article.get_absolute_url())
    assert response.text.count('class="annotation-card') == Annotation.objects.count() > 30
    assert len(many) == len(one)
    # Constant extras: the person's groups and default audience (the toolbar's menu), their
    # share links for this article ("Copy share link"), the gazetteer's version and the
    # article's rejected suggestions; and the shelf under the title (the person's reading
    # state, the article's labels, every label's name for the "Add label" box); the cards'
    # review histories.
    assert len(one) <= 15


def test_an_orphan_is_listed_with_its_original_quote(alice_client, user):
    source = "Original url: https://news.example.org/2025/03/03/harbour-strike\n\n"
    first = make_article(source + STORY)
    orphan = highlight(first, user, "resume on Thursday", note="date?")
    versions.save_or_update(prepare(source + STORY.replace("would resume on Thursday", "are off")))
    page = alice_client.get(first.get_absolute_url()).text
    review = page[page.index("Needs review") :]
    assert "resume on Thursday" in review
    assert "Its words are no longer in the text." in review
    assert f'data-ids="{orphan.pk}"' not in page


# Groups in the reader ------------------------------------------------------------------


def test_the_toolbar_offers_only_me_and_the_persons_groups(article, user, desk):
    page = signed_in(user).get(article.get_absolute_url()).text
    toolbar = page[page.index('id="selection-toolbar"') :]
    options = re.findall(r'<option value="([^"]+)"[^>]*>([^<]+)</option>', toolbar)
    assert [label for _, label in options][:3] == [
        "Only me",
        "Shared with Everyone",
        "Shared with Politics desk",
    ]


def test_colleagues_annotations_show_with_author_initials_and_group(article, user, bob, desk):
    bob.first_name, bob.last_name = "Bob", "Marley"
    bob.save()
    highlight(article, bob, "eighth day", note="desk", audience=desk)
    page = signed_in(user).get(article.get_absolute_url()).text
    assert '<span class="initials">BM</span>' in page
    assert "Bob Marley" in page
    assert '<span class="badge badge-group">Politics desk</span>' in page


def test_the_panel_filters_by_author_and_group(article, user, bob, desk):
    highlight(article, user, "eighth day", note="alice-everyone")
    highlight(article, bob, "Rotterdam", note="bob-desk", audience=desk)
    highlight(article, user, "port authority", note="alice-mine", audience=None)
    client = signed_in(user)
    url = article.get_absolute_url()
    by_bob = client.get(
        url, {"author": bob.pk}, headers={"HX-Request": "true", "HX-Target": "annotation-panel"}
    )
    assert "bob-desk" in by_bob.text
    assert "alice-everyone" not in by_bob.text
    in_desk = client.get(url, {"group": desk.pk}).text
    panel = in_desk[in_desk.index('id="annotation-panel"') :]
    assert "bob-desk" in panel
    assert "alice-everyone" not in panel
    mine = client.get(url, {"group": "private"}).text
    panel = mine[mine.index('id="annotation-panel"') :]
    assert "alice-mine" in panel
    assert "bob-desk" not in panel
    nothing = client.get(url, {"group": desk.pk, "color": "pink"}).text
    assert "No annotations match these filters" in nothing


def test_the_reader_offers_a_share_link_for_annotations_a_link_shows(article, user):
    mine = highlight(article, user, "eighth day")
    private = highlight(article, user, "Rotterdam", audience=None)
    link = sharing.create_link(user, article)
    page = signed_in(user).get(article.get_absolute_url()).text
    assert f'href="{link.get_absolute_url()}?a={mine.pk}#annotation-{mine.pk}"' in page
    assert f"?a={private.pk}#annotation-{private.pk}" not in page
