"""Highlights and notes from the reader (articles/views/annotations.py): creating them,
choosing and changing who sees them, editing, deleting, and every refusal."""

from __future__ import annotations

import json
import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Annotation, AudienceChange, Preference
from tests.conftest import shared_file
from tests.factories import highlight, make_article, make_group, make_user, signed_in, span

pytestmark = pytest.mark.django_db


def _post(client, article, htmx=True, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(reverse("annotate", args=[article.pk]), data, headers=headers)


def test_a_highlight_is_stored_with_selectors_derived_by_the_server(alice_client, article, user):
    response = _post(alice_client, article, **span(article, "eighth day"), color="green")
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
    response = _post(alice_client, article, **span(article, "eighth day"))
    html = response.text
    assert html.startswith('<div id="article-body"')
    assert re.search(r'<mark class="hl"[^>]*data-ids="\d+"[^>]*>eighth day</mark>', html)
    assert 'id="annotation-panel"' in html
    assert 'hx-swap-oob="true"' in html
    assert response.headers["HX-Retarget"] == "#article-body"
    trigger = json.loads(response.headers["HX-Trigger-After-Settle"])
    assert trigger["newsroom:annotated"]["action"] == "created"


def test_without_javascript_creating_redirects_to_the_passage(alice_client, article):
    response = _post(alice_client, article, htmx=False, **span(article, "eighth day"))
    pk = Annotation.objects.get().pk
    assert response.status_code == 302
    assert response.url.endswith(f"#annotation-{pk}")


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
    response = _post(alice_client, article, **span(article, "eighth day"), color="chartreuse")
    assert response.status_code == 400
    assert "Unknown colour" in response.text
    assert not Annotation.objects.exists()


def test_a_note_over_the_limit_is_refused(alice_client, article):
    response = _post(alice_client, article, **span(article, "eighth day"), note="x" * 20_001)
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
    response = client.post(reverse("annotate", args=[article.pk]), span(article, "eighth day"))
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def test_signed_out_visitors_cannot_annotate(client, article, user):
    response = client.post(reverse("annotate", args=[article.pk]), span(article, "eighth day"))
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
    annotation = highlight(article, user, "eighth day")
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


def test_another_users_annotation_cannot_be_changed_or_deleted(client, bob, article, user):
    annotation = highlight(article, user, "eighth day", note="mine")
    client.force_login(bob)
    edit = client.post(reverse("edit_annotation", args=[annotation.pk]), {"note": "hacked"})
    delete = client.post(reverse("delete_annotation", args=[annotation.pk]))
    assert edit.status_code == 403
    assert delete.status_code == 403
    annotation.refresh_from_db()
    assert annotation.note == "mine"


def test_someone_elses_private_annotation_is_invisible_and_answers_404(client, bob, article, user):
    annotation = highlight(article, user, "eighth day", note="secret lead", audience=None)
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


def test_deleting_asks_first_without_javascript_then_deletes(alice_client, article, user):
    annotation = highlight(article, user, "eighth day")
    confirm = alice_client.get(reverse("delete_annotation", args=[annotation.pk]))
    assert "cannot be undone" in confirm.text
    assert Annotation.objects.exists()
    alice_client.post(reverse("delete_annotation", args=[annotation.pk]))
    assert not Annotation.objects.exists()


def test_two_users_annotating_at_once_lose_nothing(transactional_db):
    article = make_article()
    users = [make_user(f"u{i}", password="pw-12345-x") for i in range(2)]
    errors = []

    def work(user, phrase):
        client = signed_in(user)
        try:
            for _ in range(5):
                response = _post(client, article, **span(article, phrase))
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


def test_the_sample_can_be_highlighted_across_paragraphs(alice_client):
    sample = shared_file("samples", "north-korean-troops.txt")
    article = make_article(sample.read_bytes(), filename=sample.name)
    start = article.body_text.index("intelligence information.")
    end = article.body_text.index("exact figure.") + len("exact figure.")
    response = _post(
        alice_client, article, start=str(start), end=str(end), quote=article.body_text[start:end]
    )
    assert response.status_code == 200
    assert Annotation.objects.get().exact.count("\n\n") == 1


# Where an annotation goes ---------------------------------------------------------------


def test_choosing_a_group_shares_there_and_is_remembered_as_the_default(article, user, desk):
    client = signed_in(user)
    client.post(
        reverse("annotate", args=[article.pk]),
        {**span(article, "eighth day"), "audience": str(desk.pk)},
    )
    assert Annotation.objects.get().group == desk
    assert Preference.objects.get(user=user).default_group == desk
    client.post(reverse("annotate", args=[article.pk]), span(article, "container ships"))
    assert Annotation.objects.get(exact="container ships").group == desk
    page = client.get(article.get_absolute_url()).text
    assert re.search(rf'<option value="{desk.pk}" selected>Shared with Politics desk', page)


def test_sharing_with_a_group_one_is_not_in_is_refused_and_saves_nothing(article, user, bob):
    other = make_group("Sports", bob)
    response = signed_in(user).post(
        reverse("annotate", args=[article.pk]),
        {**span(article, "eighth day"), "audience": str(other.pk)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert "group you belong to" in response.text
    assert not Annotation.objects.exists()
    assert not Preference.objects.exists()


def test_moving_an_annotation_is_logged_with_who_when_from_and_to(article, user, desk):
    annotation = highlight(article, user, "eighth day")
    client = signed_in(user)
    client.post(reverse("edit_annotation", args=[annotation.pk]), {"audience": str(desk.pk)})
    client.post(reverse("edit_annotation", args=[annotation.pk]), {"audience": "private"})
    annotation.refresh_from_db()
    assert annotation.group is None
    log = list(AudienceChange.objects.order_by("changed_at", "id"))
    assert [(e.from_audience, e.to_audience) for e in log] == [
        ("Everyone", "Politics desk"),
        ("Politics desk", "Only me"),
    ]
    assert all(e.changed_by == user and e.annotation_ref == annotation.pk for e in log)
    assert log[0].changed_at <= log[1].changed_at <= timezone.now()


def test_editing_only_the_note_logs_no_move(article, user):
    annotation = highlight(article, user, "eighth day")
    signed_in(user).post(
        reverse("edit_annotation", args=[annotation.pk]),
        {"note": "new", "audience": str(annotation.group_id)},
    )
    assert not AudienceChange.objects.exists()
