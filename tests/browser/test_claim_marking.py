"""Marking a claim as a fact-checker does: select a passage, press `c` (or choose Claim);
the passage is drawn as a claim, the status line names who said it and a claim worded
alike that the desk already has, and the card links to the desk."""

from __future__ import annotations

import pytest

from articles.models import Claim
from tests.browser.test_annotate import _drag_select, _open, _toolbar
from tests.factories import claim, make_article, tag

pytestmark = pytest.mark.django_db(transaction=True)

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


def test_c_marks_a_claim_and_the_desk_offers_its_claimant_and_what_it_saw_before(
    signed_in, live_server, user
):
    earlier = claim(make_article(AGAIN), user, WORDS)
    article = make_article(SAID)
    tag(article, user, "mayor", name="Anna Berg", kind="person")
    page = signed_in
    _open(page, live_server, article)
    _drag_select(page, article, WORDS)
    _toolbar(page)
    page.keyboard.press("c")
    page.locator('#article-body mark.hl[data-kind="claim"]').first.wait_for()
    offer = page.locator("[data-claim-offer]")
    offer.wait_for()
    assert "Marked a claim to check" in offer.inner_text()
    assert offer.get_by_role("button", name="Anna Berg").is_visible()
    assert offer.get_by_role("link", name=f"“{WORDS}”").get_attribute("href") == (
        earlier.get_absolute_url()
    )
    marked = Claim.objects.exclude(pk=earlier.pk).get()
    assert marked.text == WORDS
    # Who said it: one click, and the claim page says so.
    offer.get_by_role("button", name="Anna Berg").click()
    page.wait_for_url(f"**{marked.get_absolute_url()}")
    marked.refresh_from_db()
    assert marked.claimant.name == "Anna Berg"
    assert page.console.errors == []


def test_the_toolbar_button_marks_a_claim_too(signed_in, live_server):
    article = make_article(SAID)
    page = signed_in
    _open(page, live_server, article)
    _drag_select(page, article, "counted empty boxes twice")
    _toolbar(page).get_by_role("button", name="Claim").click()
    page.locator('#article-body mark.hl[data-kind="claim"]').wait_for()
    assert Claim.objects.get().text == "counted empty boxes twice"
    assert page.console.errors == []
