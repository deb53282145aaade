"""The library in a real browser: starring, labelling, archiving and filtering update the
page in place (no reload), by mouse and by keyboard, with focus kept where it was."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles import library
from articles.models import Article, ArticleState, Label
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stories():
    older = make_article("Grain Deal Holds\n\nShips left Odesa with grain on Tuesday morning.")
    newer = make_article("Harbour Strike\n\nDock workers stayed off the job for a week.")
    return newer, older


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _settled(page) -> None:
    """htmx wires up swapped-in forms when the swap settles (`htmx-added` is then removed);
    a key pressed before that would submit the plain form, which reloads the page."""
    page.wait_for_function(
        "() => !document.querySelector('.htmx-added, .htmx-request, .htmx-settling')"
    )


def test_starring_and_labelling_update_the_library_without_a_reload(
    signed_in, live_server, stories, user
):
    newer, older = stories
    page = signed_in
    page.goto(live_server.url + "/")
    page.evaluate("window.notReloaded = true")
    row = page.locator(f"#article-{newer.pk}")

    # Star with the mouse: the button says it is pressed, and keeps the focus.
    star = row.get_by_role("button", name="Favourite")
    expect(star).to_have_attribute("aria-pressed", "false")
    star.click()
    expect(row.get_by_role("button", name="Favourite")).to_have_attribute("aria-pressed", "true")
    _settled(page)
    assert _focused_id(page) == f"fav-{newer.pk}"
    assert Article.objects.with_state(user).get(pk=newer.pk).is_favourite

    # Add a label with the keyboard: open "Add label", type, Enter.
    row.get_by_text("Add label").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert _focused_id(page) == f"label-name-{newer.pk}"
    page.keyboard.type("Ukraine")
    page.keyboard.press("Enter")
    expect(row.get_by_role("link", name="Ukraine", exact=True)).to_be_visible()
    _settled(page)
    # The box stays open and focused for another label; the filter bar has the new chip.
    assert _focused_id(page) == f"label-name-{newer.pk}"
    chip = page.locator("#library-filters").get_by_role("link", name=re.compile(r"^Ukraine"))
    expect(chip).to_contain_text("1")
    assert Label.objects.get().name == "Ukraine"

    # Filter by the label, then the Favourites view: the list follows, the URL too.
    chip.click()
    expect(page.locator(f"#article-{older.pk}")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"\?label=\d+$"))
    _settled(page)
    page.locator("#view-favourites").click()
    expect(page).to_have_url(re.compile(r"\?view=favourites&label=\d+$"))
    expect(page.locator("#view-favourites")).to_have_attribute("aria-current", "page")
    expect(page.locator(".article-item")).to_have_count(1)

    assert page.evaluate("window.notReloaded") is True
    assert page.console.errors == []


def test_archiving_leaves_an_undo_under_the_keyboard(signed_in, live_server, stories, user):
    newer, _ = stories
    page = signed_in
    page.goto(live_server.url + "/")
    unread = page.locator("[data-unread-count]")
    expect(unread).to_have_text("2")
    row = page.locator(f"#article-{newer.pk}")
    row.get_by_role("button", name="Mark as read").focus()
    page.keyboard.press("Enter")
    expect(row.get_by_role("button", name="Mark as unread")).to_be_visible()
    expect(unread).to_have_text("1")
    _settled(page)

    row.get_by_role("button", name="Archive").focus()
    page.keyboard.press("Enter")
    expect(row).to_contain_text("Archived “Harbour Strike”.")
    _settled(page)
    assert _focused_id(page) == f"archive-{newer.pk}"
    assert ArticleState.objects.get(user=user).archived_at is not None
    page.keyboard.press("Enter")  # Undo
    expect(row.get_by_role("button", name="Archive")).to_be_visible()
    assert ArticleState.objects.get(user=user).archived_at is None
    assert page.console.errors == []


def test_the_desktop_library_is_styled_tabs_chips_and_star(signed_in, live_server, stories, user):
    """At desktop width the styles meant for every width apply (an unclosed phone-only
    @media block once left the tabs as bare underlined links and the chips as bullets)."""
    newer, _ = stories
    library.add_label(newer, "Ukraine", None)
    library.set_state(user, newer, "favourite", on=True)
    page = signed_in
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/")

    def style(selector: str, prop: str) -> str:
        return page.eval_on_selector(
            selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')"
        )

    assert style(".view-tabs", "display") == "flex"
    tabs = page.locator(".view-tab")
    tops = {round(tabs.nth(i).bounding_box()["y"]) for i in range(tabs.count())}
    assert len(tops) == 1, "the view tabs sit in one row"
    assert style(".view-tab", "text-decoration-line") == "none"
    assert style(".view-tab.is-active", "border-bottom-style") == "solid"
    assert style(".view-tab.is-active", "border-bottom-color") != style(
        ".view-tab:not(.is-active)", "border-bottom-color"
    )
    assert style(".label-list", "list-style-type") == "none"
    assert style(".label-chip", "border-top-left-radius") != "0px"
    assert style(".chip-remove", "background-color") == "rgba(0, 0, 0, 0)"
    star = f"#fav-{newer.pk}"
    assert style(star, "background-color") != style(f"#read-{newer.pk}", "background-color")


def test_a_paste_over_the_limit_is_answered_in_the_form_and_nothing_is_saved(
    signed_in, live_server
):
    page = signed_in
    page.goto(live_server.url + "/")
    # 6.1 MB, made in the page: typing it would take minutes.
    page.evaluate(
        "() => { document.querySelector('#add-article textarea').value ="
        " 'The harbour reopened on Monday. '.repeat(200000); }"
    )
    with page.expect_response(lambda r: r.url.endswith("/add/")) as answered:
        page.locator("#add-article").get_by_role("button", name="Add to library").click()
    assert answered.value.status == 413
    errors = page.locator("#add-article .form-errors")
    expect(errors).to_contain_text("Newsroom accepts articles up to 5.0 MB")
    expect(page).to_have_url(live_server.url + "/")  # swapped in place, no reload
    expect(page.get_by_role("button", name="Add to library")).to_be_enabled()
    assert not Article.objects.exists()
    # The browser notes the 413 itself; nothing else went wrong.
    assert [e for e in page.console.errors if "413" not in e] == []
