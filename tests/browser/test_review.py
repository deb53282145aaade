"""After the story changed, as a fact-checker sees it: a verified claim on changed words is
hatched and withheld, its card shows was/now; Still stands, Detach and Move work in the
page and hold after a reload."""

from __future__ import annotations

import pytest

from articles import ingest, versions
from articles.models import Annotation, ColorLabel
from tests.browser.test_annotate import _drag_select, _open, _toolbar
from tests.factories import highlight, make_article

pytestmark = pytest.mark.django_db(transaction=True)

MAYOR = "The mayor said the closure had cost the town about two million euros."
PARAGRAPHS = [
    "The harbour reopened on Monday after a week of repairs to the northern quay.",
    "Fishing boats returned at dawn, and the market opened an hour later than usual.",
    MAYOR,
    "Traders welcomed the news but asked for compensation for the lost week.",
    "The port authority will inspect the southern quay next spring.",
]
EDITED = [
    PARAGRAPHS[0],
    MAYOR.replace("two million", "2.5 million"),
    PARAGRAPHS[3],
    PARAGRAPHS[4],
]
COST = "cost the town about two million euros"


@pytest.fixture
def changed_story(user):
    ColorLabel.objects.update_or_create(
        color="green", defaults={"label": "Verified claim", "asserts": True}
    )
    story = make_article("Harbour reopens\n\n" + "\n\n".join(PARAGRAPHS))
    made = {
        "claim": highlight(story, user, COST, color="green", note="Checked with the council"),
        "boats": highlight(story, user, "returned at dawn", note="Which boats?"),
        "market": highlight(story, user, "the market opened", note="Market hours"),
    }
    html = "".join(f"<p>{p}</p>" for p in EDITED)
    versions.replace_text(story, ingest.body_document(html, title=story.title))
    story.refresh_from_db()
    return story, made


def _style(page, selector, prop):
    return page.eval_on_selector(selector, f"e => getComputedStyle(e)[{prop!r}]")


def _card(page, pk):
    return page.locator(f"#annotation-panel #card-{pk}")


def test_a_changed_claim_is_withheld_until_it_still_stands(signed_in, live_server, changed_story):
    page = signed_in
    story, made = changed_story
    claim = made["claim"].pk
    _open(page, live_server, story)
    mark = f'#article-body mark[data-ids~="{claim}"]'
    assert page.get_attribute(mark, "data-state") == "recheck"
    assert "repeating-linear-gradient" in _style(page, mark, "backgroundImage")
    grey = _style(page, mark, "backgroundColor")
    card = _card(page, claim)
    assert card.locator(".badge-recheck").inner_text() == "Needs re-check"
    assert "The text changed since this was written." in card.inner_text()
    assert card.locator(".was del").inner_text().strip() == "two"
    assert card.locator(".now ins").inner_text().strip() == "2.5"
    # The review section comes before the rest of the panel's annotations.
    assert page.locator("#annotation-panel .needs-review").is_visible()

    card.get_by_role("button", name="Still stands").click()
    page.wait_for_function(
        "(sel) => !document.querySelector(sel).hasAttribute('data-state')", arg=mark
    )
    green = _style(page, mark, "backgroundColor")
    assert green != grey
    assert _style(page, mark, "backgroundImage") == "none"
    page.reload()
    assert page.get_attribute(mark, "data-state") is None
    assert "The text changed since" not in _card(page, claim).inner_text()
    assert (
        Annotation.objects.get(pk=claim).original_exact == "cost the town about 2.5 million euros"
    )
    assert page.console.errors == []


def test_an_orphan_is_detached_to_a_page_note(signed_in, live_server, changed_story):
    page = signed_in
    story, made = changed_story
    boats = made["boats"].pk
    _open(page, live_server, story)
    card = _card(page, boats)
    assert "Its words are no longer in the text." in card.inner_text()
    assert card.locator(".card-quote").inner_text() == "returned at dawn"
    card.get_by_role("button", name="Detach").click()
    notes = page.locator("#annotation-panel .page-notes")
    notes.locator(f"#card-{boats}").wait_for()
    assert "returned at dawn" in notes.inner_text()
    assert "Which boats?" in notes.inner_text()
    page.reload()
    assert page.locator(f"#annotation-panel .page-notes #card-{boats}").count() == 1
    assert page.locator(f"#annotation-panel .needs-review #card-{boats}").count() == 0
    assert page.console.errors == []


def test_move_puts_an_orphan_on_words_the_reader_selects(signed_in, live_server, changed_story):
    page = signed_in
    story, made = changed_story
    market = made["market"].pk
    _open(page, live_server, story)
    _card(page, market).get_by_role("button", name="Move…").click()
    assert (
        "Select the words this annotation belongs on"
        in page.locator("#annotate-status").inner_text()
    )
    _drag_select(page, story, "inspect the southern quay")
    toolbar = _toolbar(page)
    assert not toolbar.get_by_role("button", name="Highlight in yellow").is_visible()
    toolbar.get_by_role("button", name="Move here").click()
    page.locator(f'#article-body mark[data-ids~="{market}"]').wait_for()
    assert page.locator(f'#article-body mark[data-ids~="{market}"]').inner_text() == (
        "inspect the southern quay"
    )
    moved = Annotation.objects.get(pk=market)
    assert (moved.exact, moved.note, moved.status) == (
        "inspect the southern quay",
        "Market hours",
        Annotation.Status.ANCHORED,
    )
    # The next selection is an ordinary one again.
    _drag_select(page, story, "northern quay")
    assert _toolbar(page).get_by_role("button", name="Highlight in yellow").is_visible()
    assert page.console.errors == []


def test_escape_cancels_a_move(signed_in, live_server, changed_story):
    page = signed_in
    story, made = changed_story
    _open(page, live_server, story)
    _card(page, made["market"].pk).get_by_role("button", name="Move…").click()
    page.keyboard.press("Escape")
    _drag_select(page, story, "northern quay")
    assert _toolbar(page).get_by_role("button", name="Highlight in yellow").is_visible()
    assert Annotation.objects.get(pk=made["market"].pk).status == Annotation.Status.ORPHANED
