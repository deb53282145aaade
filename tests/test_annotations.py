"""Highlights, notes and page notes: creating, reading, changing, deleting, refusing."""

from __future__ import annotations

import json
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import annotations as annotating
from articles import sanitize, versions
from articles.ingest import ingest, prepare
from articles.models import Annotation
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db

STORY = (
    "Harbour Strike Enters Second Week\n\n"
    "Dock workers in Rotterdam stayed off the job for an eighth day on Monday, leaving "
    "container ships waiting outside the port.\n\n"
    "The union said talks with the port authority would resume on Thursday."
)


@pytest.fixture
def article():
    return ingest(STORY).article


def _span(article, phrase):
    start = article.body_text.index(phrase)
    return {"start": start, "end": start + len(phrase), "quote": phrase}


def _post(client, article, htmx=True, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("annotate", args=[article.pk]), data, headers=headers)


def test_a_highlight_is_stored_with_selectors_derived_by_the_server(alice_client, article, user):
    response = _post(alice_client, article, **_span(article, "eighth day"), color="green")
    assert response.status_code == 200
    annotation = Annotation.objects.get()
    assert annotation.author == user
    assert annotation.exact == "eighth day"
    assert annotation.prefix == article.body_text[annotation.start - 32 : annotation.start]
    assert annotation.suffix == article.body_text[annotation.end : annotation.end + 32]
    assert annotation.color == "green"
    assert not annotation.is_private
    assert annotation.status == "anchored"


def test_the_response_swaps_the_body_with_the_mark_and_the_panel_out_of_band(alice_client, article):
    response = _post(alice_client, article, **_span(article, "eighth day"))
    html = response.text
    assert html.startswith('<div id="article-body"')
    assert re.search(r'<mark class="hl"[^>]*data-ids="\d+"[^>]*>eighth day</mark>', html)
    assert 'id="annotation-panel"' in html
    assert 'hx-swap-oob="true"' in html
    assert response.headers["HX-Retarget"] == "#article-body"
    trigger = json.loads(response.headers["HX-Trigger-After-Settle"])
    assert trigger["newsroom:annotated"]["action"] == "created"


def test_without_javascript_creating_redirects_to_the_passage(alice_client, article):
    response = _post(alice_client, article, htmx=False, **_span(article, "eighth day"))
    pk = Annotation.objects.get().pk
    assert response.status_code == 302
    assert response.url.endswith(f"#annotation-{pk}")


def test_the_reader_renders_highlights_and_notes_without_javascript(alice_client, article, user):
    annotating.create(
        article, user, **_span(article, "container ships"), note="Check the **count**"
    )
    page = alice_client.get(article.get_absolute_url()).text
    assert re.search(r"<mark [^>]*>container ships</mark>", page)
    assert "<strong>count</strong>" in page
    assert 'id="annotation-' in page


def test_marks_do_not_change_the_article_text(alice_client, article, user):
    annotating.create(article, user, **_span(article, "eighth day on Monday"))
    annotating.create(article, user, **_span(article, "day on Monday, leaving"), color="blue")
    page = alice_client.get(article.get_absolute_url()).text
    body = re.search(r'<div id="article-body" class="prose">(.*?)</div>\n', page, re.DOTALL).group(
        1
    )
    assert sanitize.text_content(body) == article.body_text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"start": "-1", "end": "5", "quote": "x"}, ""),
        ({"start": "10", "end": "10", "quote": ""}, ""),
        ({"start": "20", "end": "10", "quote": "x"}, ""),
        ({"start": "0", "end": "999999", "quote": "x"}, ""),
        ({"start": "abc", "end": "5", "quote": "x"}, "whole numbers"),
        ({"start": "0", "end": "4", "quote": "Nope"}, "does not match"),
    ],
)
def test_malformed_offsets_and_quotes_are_refused_with_a_reason(
    alice_client, article, data, reason
):
    response = _post(alice_client, article, **data)
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#annotate-status"
    assert 'class="status-error"' in response.text
    assert reason in response.text
    assert not Annotation.objects.exists()


def test_an_unknown_colour_is_refused(alice_client, article):
    response = _post(alice_client, article, **_span(article, "eighth day"), color="chartreuse")
    assert response.status_code == 400
    assert "Unknown colour" in response.text
    assert not Annotation.objects.exists()


def test_a_note_over_the_limit_is_refused(alice_client, article):
    response = _post(alice_client, article, **_span(article, "eighth day"), note="x" * 20_001)
    assert response.status_code == 400
    assert "20,000" in response.text
    assert not Annotation.objects.exists()


def test_a_refusal_without_javascript_is_a_plain_page(alice_client, article):
    response = _post(alice_client, article, htmx=False, start="0", end="4", quote="Nope")
    assert response.status_code == 400
    assert "Nothing was saved" in response.text


def test_a_forged_form_without_csrf_token_changes_nothing(user, article):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("annotate", args=[article.pk]), _span(article, "eighth day"))
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_signed_out_visitors_cannot_annotate(client, article, user):
    response = client.post(reverse("annotate", args=[article.pk]), _span(article, "eighth day"))
    assert response.status_code == 302
    assert not Annotation.objects.exists()


def test_a_page_note_belongs_to_the_whole_article(alice_client, article):
    response = alice_client.post(
        reverse("add_page_note", args=[article.pk]), {"note": "Follow up with the union."}
    )
    assert response.status_code == 302
    note = Annotation.objects.get()
    assert note.is_page_note
    assert note.start is None
    page = alice_client.get(article.get_absolute_url()).text
    assert "Follow up with the union." in page


def test_an_empty_page_note_is_refused(alice_client, article):
    response = alice_client.post(reverse("add_page_note", args=[article.pk]), {"note": "  "})
    assert response.status_code == 400
    assert not Annotation.objects.exists()


def test_the_author_edits_note_colour_and_visibility(alice_client, article, user):
    annotation = annotating.create(article, user, **_span(article, "eighth day"))
    response = alice_client.post(
        reverse("edit_annotation", args=[annotation.pk]),
        {"note": "Now *verified*", "color": "green", "visibility": "private"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    annotation.refresh_from_db()
    assert annotation.note_html == "<p>Now <em>verified</em></p>\n"
    assert annotation.color == "green"
    assert annotation.is_private


def test_another_users_annotation_cannot_be_changed_or_deleted(
    client, django_user_model, article, user
):
    annotation = annotating.create(article, user, **_span(article, "eighth day"), note="mine")
    bob = django_user_model.objects.create_user("bob", password="pw-bob-12345")
    client.force_login(bob)
    edit = client.post(reverse("edit_annotation", args=[annotation.pk]), {"note": "hacked"})
    delete = client.post(reverse("delete_annotation", args=[annotation.pk]))
    assert edit.status_code == 403
    assert delete.status_code == 403
    annotation.refresh_from_db()
    assert annotation.note == "mine"


def test_someone_elses_private_annotation_is_invisible_and_answers_404(
    client, django_user_model, article, user
):
    annotation = annotating.create(
        article, user, **_span(article, "eighth day"), note="secret lead", audience=None
    )
    bob = django_user_model.objects.create_user("bob", password="pw-bob-12345")
    client.force_login(bob)
    page = client.get(article.get_absolute_url()).text
    assert "secret lead" not in page
    assert f'data-ids="{annotation.pk}"' not in page
    assert (
        client.post(reverse("edit_annotation", args=[annotation.pk]), {"note": "x"}).status_code
        == 404
    )
    cards = client.get(reverse("annotation_cards") + f"?ids={annotation.pk}")
    assert "secret lead" not in cards.text


def test_shared_annotations_of_colleagues_are_visible(client, django_user_model, article, user):
    annotating.create(article, user, **_span(article, "eighth day"), note="shared lead")
    bob = django_user_model.objects.create_user("bob", password="pw-bob-12345")
    client.force_login(bob)
    assert "shared lead" in client.get(article.get_absolute_url()).text


def test_deleting_asks_first_without_javascript_then_deletes(alice_client, article, user):
    annotation = annotating.create(article, user, **_span(article, "eighth day"))
    confirm = alice_client.get(reverse("delete_annotation", args=[annotation.pk]))
    assert "cannot be undone" in confirm.text
    assert Annotation.objects.exists()
    alice_client.post(reverse("delete_annotation", args=[annotation.pk]))
    assert not Annotation.objects.exists()


def test_the_panel_filters_by_colour(alice_client, article, user):
    annotating.create(
        article, user, **_span(article, "eighth day"), color="green", note="green one"
    )
    annotating.create(
        article, user, **_span(article, "container ships"), color="pink", note="pink one"
    )
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
    annotating.create(article, user, **_span(article, "talks with the port"), note="note-beta")
    annotating.create(article, user, **_span(article, "Dock workers"), note="note-alpha")
    page = alice_client.get(article.get_absolute_url()).text
    panel = page[page.index('id="annotation-panel"') :]
    assert panel.index("note-alpha") < panel.index("note-beta")
    assert "Verified claim" in page


def test_reader_query_count_does_not_grow_with_annotations(alice_client, article, user):
    annotating.create(article, user, **_span(article, "Dock"))
    alice_client.get(article.get_absolute_url())  # sign-in and first-run checks settle
    with CaptureQueriesContext(connection) as one:
        alice_client.get(article.get_absolute_url())
    for i, word in enumerate(article.body_text.split()):
        start = article.body_text.index(word)
        annotating.create(
            article, user, start=start, end=start + len(word), quote=word, note=f"n{i}"
        )
    with CaptureQueriesContext(connection) as many:
        response = alice_client.get(article.get_absolute_url())
    assert response.text.count('class="annotation-card') == Annotation.objects.count() > 30
    assert len(many) == len(one)
    # Constant extras: the person's groups and default audience (the toolbar's menu), their
    # share links for this article ("Copy share link"), the gazetteer's version and the
    # article's rejected suggestions; and the shelf under the title (the person's reading
    # state, the article's labels, every label's name for the "Add label" box).
    assert len(one) <= 14


def test_script_in_a_note_never_survives():
    vectors = json.loads(shared_file("conformance", "xss", "vectors.json").read_text())
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "check_sanitizer", shared_file("conformance", "xss", "check_sanitizer.py")
    )
    oracle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(oracle)
    from articles.notes import render_note

    flagged = []
    for vector in vectors:
        payload = vector["payload"] if isinstance(vector, dict) else vector
        out = render_note(payload)
        if oracle.findings(out):
            flagged.append(payload)
    assert flagged == []


def test_two_users_annotating_at_once_lose_nothing(transactional_db, django_user_model):
    article = ingest(STORY).article
    users = [
        django_user_model.objects.create_user(f"u{i}", password="pw-12345-x") for i in range(2)
    ]
    errors = []

    def work(user, phrase):
        client = Client()
        client.force_login(user)
        try:
            for _ in range(5):
                response = _post(client, article, **_span(article, phrase))
                if response.status_code != 200:
                    errors.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(users[0], "eighth day")),
        threading.Thread(target=work, args=(users[1], "container ships")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Annotation.objects.filter(author=users[0]).count() == 5
    assert Annotation.objects.filter(author=users[1]).count() == 5


def test_reingesting_an_edited_text_reanchors_and_orphans(user):
    source = "Original url: https://news.example.org/2025/03/03/harbour-strike\n\n"
    first = ingest(source + STORY).article
    kept = annotating.create(first, user, **_span(first, "container ships waiting"))
    gone = annotating.create(first, user, **_span(first, "resume on Thursday"))
    edited = STORY.replace("Dock workers", "Striking dock workers").replace(
        "The union said talks with the port authority would resume on Thursday.",
        "No date has been set for new negotiations.",
    )
    result = versions.save_or_update(prepare(source + edited))
    assert result.duplicate
    assert result.updated.orphaned == 1
    kept.refresh_from_db()
    gone.refresh_from_db()
    body = result.article.body_text
    assert body[kept.start : kept.end] == "container ships waiting"
    assert kept.status == "anchored"
    assert gone.status == "orphaned"
    assert gone.exact == "resume on Thursday"


def test_an_orphan_is_listed_with_its_original_quote(alice_client, user):
    source = "Original url: https://news.example.org/2025/03/03/harbour-strike\n\n"
    first = ingest(source + STORY).article
    orphan = annotating.create(first, user, **_span(first, "resume on Thursday"), note="date?")
    versions.save_or_update(prepare(source + STORY.replace("would resume on Thursday", "are off")))
    page = alice_client.get(first.get_absolute_url()).text
    orphans = page[page.index("Orphaned annotations") :]
    assert "resume on Thursday" in orphans
    assert f'data-ids="{orphan.pk}"' not in page


def test_the_sample_can_be_highlighted_across_paragraphs(alice_client):
    sample = shared_file("samples", "north-korean-troops.txt")
    article = ingest(sample.read_bytes(), filename=sample.name).article
    start = article.body_text.index("intelligence information.")
    end = article.body_text.index("exact figure.") + len("exact figure.")
    response = _post(
        alice_client, article, start=str(start), end=str(end), quote=article.body_text[start:end]
    )
    assert response.status_code == 200
    assert Annotation.objects.get().exact.count("\n\n") == 1
