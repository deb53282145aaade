"""Marking a claim from the reader's toolbar (Claim, key `c`): the passage becomes a
claim to check, drawn apart from highlights, and the status line offers its claimant and
the claims worded like it that the desk already has."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from articles.models import Annotation, Claim
from tests.factories import claim, make_article, signed_in, span, tag

pytestmark = pytest.mark.django_db

SAID = (
    "The mayor's numbers\n\n"
    "The mayor said the port handled 14 million containers last year, more than ever.\n\n"
    "Critics said the figure counted empty boxes twice."
)
AGAIN = (
    "Monday's speech\n\n"
    "On Monday the mayor said again that the port handled 14 million containers last year."
)
WORDS = "the port handled 14 million containers last year"


def _mark(client, article, phrase, htmx=True, **data):
    headers = {"HX-Request": "true"} if htmx else {}
    values = {**span(article, phrase), "motivation": "assessing", **data}
    return client.post(reverse("annotate", args=[article.pk]), values, headers=headers)


def test_the_toolbar_offers_claim_with_its_key(alice_client):
    article = make_article(SAID)
    page = alice_client.get(article.get_absolute_url())
    assert 'data-action="claim"' in page.text
    assert "Mark a claim to check (c)" in page.text


def test_claim_marks_the_passage_as_a_claim_to_check(alice_client, user):
    article = make_article(SAID)
    response = _mark(alice_client, article, WORDS)
    assert response.status_code == 200
    marked = Claim.objects.get()
    assert marked.annotation.motivation == Annotation.Motivation.ASSESSING
    assert marked.annotation.author == user
    assert marked.status == Claim.Status.TO_CHECK
    assert re.search(r'<mark class="hl"[^>]*data-kind="claim"[^>]*>the port handled', response.text)
    assert "Marked a claim to check" in response.text
    assert f'href="{marked.get_absolute_url()}"' in response.text


def test_the_people_mentioned_nearest_are_offered_as_claimant(alice_client, user):
    article = make_article(SAID)
    tag(article, user, "mayor", name="Anna Berg", kind="person")
    tag(article, user, "Critics", name="Port critics", kind="organisation")
    html = _mark(alice_client, article, WORDS).text
    offer = html[html.index("data-claim-offer") :]
    assert offer.index("Anna Berg") < offer.index("Port critics")
    assert f'action="{reverse("claim_claimant", args=[Claim.objects.get().pk])}"' in offer


def test_an_earlier_claim_worded_alike_is_shown_as_seen_before(alice_client, user):
    earlier = claim(make_article(AGAIN), user, WORDS)
    html = _mark(alice_client, make_article(SAID), WORDS).text
    assert "Seen before" in html
    assert f'href="{earlier.get_absolute_url()}"' in html
    assert f'name="earlier" value="{earlier.pk}"' in html


def test_a_colleagues_private_claim_is_not_seen_before(client, user, bob):
    claim(make_article(AGAIN), bob, WORDS, audience=None)
    html = _mark(signed_in(user), make_article(SAID), WORDS).text
    assert "Seen before" not in html


def test_without_javascript_it_redirects_to_the_passage_and_says_so(alice_client):
    article = make_article(SAID)
    response = _mark(alice_client, article, WORDS, htmx=False)
    assert response.status_code == 302
    assert response.url.endswith(f"#annotation-{Claim.objects.get().annotation_id}")


def test_a_claim_on_words_that_are_not_there_is_refused_and_nothing_is_made(alice_client):
    article = make_article(SAID)
    response = _mark(alice_client, article, WORDS, quote="words the article never had")
    assert response.status_code == 400
    assert not Claim.objects.exists()
    assert not Annotation.objects.exists()


def test_a_guest_cannot_mark_a_claim(client, user):
    from articles import accounts
    from articles.models import Role

    guest = accounts.profile_of(user)
    guest.role = Role.GUEST
    guest.save()
    response = _mark(signed_in(user), make_article(SAID), WORDS)
    assert response.status_code == 403
    assert not Claim.objects.exists()


def test_the_claims_card_says_so_with_its_status_and_links_to_the_desk(alice_client, user):
    article = make_article(SAID)
    marked = claim(article, user, WORDS)
    html = alice_client.get(article.get_absolute_url()).text
    assert "Claim · To check" in html
    assert f'href="{marked.get_absolute_url()}"' in html
    assert re.search(r'<mark class="hl"[^>]*data-kind="claim"', html)
