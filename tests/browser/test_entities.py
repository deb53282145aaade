"""Tagging entities in a real browser: the tag form, tag-all, suggestions, entity pages."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from articles.entities import curation, tagging
from articles.models import Annotation, Entity
from tests.browser.test_annotate import _body_text, _drag_select, _open, _toolbar
from tests.factories import tag

pytestmark = pytest.mark.django_db(transaction=True)


def test_tagging_a_selection_through_the_form_then_tagging_the_others(
    signed_in, live_server, sample
):
    page = signed_in
    _open(page, live_server, sample)
    # The suggestions are drawn over the text without touching it.
    assert page.evaluate("CSS.highlights.get('entity-suggestion').size") > 20
    _drag_select(page, sample, "Zelensky", occurrence=1)
    toolbar = _toolbar(page)
    assert page.locator("[data-entity-form]").is_hidden()  # until asked for
    toolbar.get_by_role("button", name="Tag entity").click()
    name = page.locator("#tag-entity-name")
    assert name.input_value() == "Zelensky"
    name.fill("Volodymyr Zelensky")
    page.locator("#tag-entity-choices").get_by_text("New entity “Volodymyr Zelensky”").wait_for()
    page.locator("#tag-entity-kind").select_option("person")
    page.locator("[data-entity-form]").get_by_role("button", name="Tag").click()
    mark = page.locator("#article-body mark.hl[data-kind=mention][data-color=person]")
    mark.first.wait_for()
    mention = Annotation.objects.get()
    assert mention.entity.name == "Volodymyr Zelensky"
    assert mention.exact == "Zelensky"
    assert list(mention.entity.aliases.values_list("name", flat=True)) == ["Zelensky"]
    assert _body_text(page) == sample.body_text

    offer = page.get_by_role("button", name="Tag the other 4 mentions in this article")
    offer.click()
    # One mark per mention here: none of them crosses a tag.
    expect(page.locator("#article-body mark[data-kind=mention]")).to_have_count(5)
    assert Annotation.objects.filter(entity=mention.entity).count() == 5
    # The offer is done: it goes, and the page says what happened.
    expect(offer).to_be_hidden()
    expect(page.locator("#annotate-status")).to_contain_text("Tagged 4 more mentions")
    assert _body_text(page) == sample.body_text
    assert page.console.errors == []


def test_choosing_a_known_entity_from_the_lookup(signed_in, live_server, sample, user):
    putin = curation.create_entity("Vladimir Putin", "person", user)
    curation.add_alias(putin, "Putin")
    page = signed_in
    _open(page, live_server, sample)
    _drag_select(page, sample, "Putin made", occurrence=0)
    _toolbar(page)
    page.keyboard.press("t")
    name = page.locator("#tag-entity-name")
    name.fill("Putin")
    choice = page.get_by_role("radio", name="Vladimir Putin")
    choice.wait_for()
    choice.check()
    page.locator("[data-entity-form]").get_by_role("button", name="Tag").click()
    page.locator("#article-body mark.hl[data-kind=mention]").first.wait_for()
    assert Annotation.objects.get().entity == putin
    assert Entity.objects.count() == 1


def test_accepting_a_suggestion_from_the_panel(signed_in, live_server, sample):
    page = signed_in
    _open(page, live_server, sample)
    # First a tag from the toolbar (its panel swap once tripped the style policy).
    _drag_select(page, sample, "Tehran")
    _toolbar(page).get_by_role("button", name="Tag entity").click()
    page.locator("#tag-entity-kind").select_option("place")
    page.locator("[data-entity-form]").get_by_role("button", name="Tag").click()
    page.locator("#article-body mark.hl[data-kind=mention]").wait_for()
    row = page.locator(".suggestion", has=page.locator("strong", has_text="NATO"))
    row.get_by_role("link", name="Tag…").click()
    row.get_by_label("Kind").select_option("organisation")
    row.get_by_role("button", name="Tag", exact=True).click()
    page.locator("#article-body mark.hl[data-kind=mention][data-color=organisation]").wait_for()
    mention = Annotation.objects.get(entity__kind="organisation")
    assert mention.exact == "NATO"
    assert page.locator(".suggestion strong", has_text="NATO").count() == 0
    assert _body_text(page) == sample.body_text
    assert page.console.errors == []


def test_dismissing_a_suggestion_removes_it_for_good(signed_in, live_server, sample):
    page = signed_in
    _open(page, live_server, sample)
    page.get_by_role("button", name="Dismiss the suggestion Western").click()
    page.get_by_text("Dismissed").wait_for()
    page.reload()
    assert page.locator(".suggestion strong", has_text="Western").count() == 0


def test_hovering_a_mention_shows_its_card_and_the_entity_page_lists_it(
    signed_in, live_server, sample, user
):
    tehran = curation.create_entity("Tehran", "place", user, description="Capital of Iran")
    tag(sample, user, "Tehran", entity=tehran)
    page = signed_in
    _open(page, live_server, sample)
    mark = page.locator("#article-body mark.hl[data-kind=mention]")
    mark.scroll_into_view_if_needed()
    mark.hover()
    card = page.locator("#annotation-popover .card-entity")
    card.wait_for()
    assert "Tehran" in card.inner_text()
    assert "Capital of Iran" in card.inner_text()
    assert "1 mention in the library" in card.inner_text()
    card.get_by_role("link", name="Tehran").click()
    page.wait_for_url(f"**/entities/{tehran.pk}/")
    sentence = page.locator(".mention-sentence")
    assert "a claim that Tehran has repeatedly denied" in sentence.inner_text()
    assert sentence.locator("mark").inner_text() == "Tehran"
    sentence.click()
    page.wait_for_url(f"**#annotation-{Annotation.objects.get().pk}")
    page.locator("#annotation-popover .card-entity").wait_for()
    assert page.console.errors == []


def test_a_suggestion_selects_its_words_so_one_occurrence_can_be_tagged(
    signed_in, live_server, sample
):
    page = signed_in
    _open(page, live_server, sample)
    page.locator(".suggestion [data-select]", has_text="Kim Jong Un").click()
    _toolbar(page)
    assert page.evaluate("window.getSelection().toString()") == "Kim Jong Un"
    page.keyboard.press("t")
    assert page.locator("#tag-entity-name").input_value() == "Kim Jong Un"
    page.locator("#tag-entity-kind").select_option("person")
    page.locator("#tag-entity-name").press("Enter")
    page.locator("#article-body mark.hl[data-kind=mention][data-color=person]").wait_for()
    mention = Annotation.objects.get()
    assert (mention.exact, mention.entity.name) == ("Kim Jong Un", "Kim Jong Un")
    assert mention.start == sample.body_text.index("Kim Jong Un")


def test_hovering_from_one_mention_to_another_shows_the_second_card(
    signed_in, live_server, sample, user
):
    for name in ("Tehran", "Iran"):
        entity = curation.create_entity(name, "place", user)
        start = sample.body_text.index(f" {name} ") + 1
        tagging.tag(sample, user, start=start, end=start + len(name), quote=name, entity=entity)
    page = signed_in
    _open(page, live_server, sample)
    card = page.locator("#annotation-popover .card-entity .entity-name")
    marks = page.locator("#article-body mark.hl[data-kind=mention]")
    marks.nth(1).scroll_into_view_if_needed()
    marks.nth(1).hover()
    expect(card).to_have_text("Tehran")
    marks.nth(0).hover()
    expect(card).to_have_text("Iran")
