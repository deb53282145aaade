"""What the pages look like at desktop (1366 by 900) and phone (390 by 844) size: what covers
what, what fits on the first screen, what reads as code, what a button is called.

Measured on the rendered page (bounding boxes, computed styles, accessible names), since
no template test can see any of it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles import library
from articles.models import FetchJob
from tests.browser.test_annotate import _drag_select, _open, _toolbar
from tests.factories import highlight, make_article, make_group, make_sample

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture(params=SIZES)
def size(request, signed_in):
    width, height = SIZES[request.param]
    signed_in.set_viewport_size({"width": width, "height": height})
    return request.param


def _intersects(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def _style(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).getPropertyValue('{prop}')")


# Scroll so that the element's box sits at each of these places in the window (its bottom
# at the foot, then its top at the head, as a reader scrolling past it would have it), and
# give back there the boxes of the status line and of every control near the element.
SWEEP_JS = """async ([selector, controls, status]) => {
  const frame = () => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  const target = document.querySelector(selector);
  const box = (element) => {
    const r = element.getBoundingClientRect();
    return {x: r.left, y: r.top, width: r.width, height: r.height, name: element.textContent.trim()};
  };
  const seen = [];
  for (const [edge, gap] of [["bottom", 8], ["bottom", 24], ["bottom", 48], ["top", 8], ["top", 32]]) {
    const r = target.getBoundingClientRect();
    const by = edge === "bottom" ? r.bottom - (innerHeight - gap) : r.top - gap;
    window.scrollBy({left: 0, top: by, behavior: "instant"});
    await frame();
    const shown = document.querySelector(status);
    seen.push({
      edge, gap, target: box(target), status: shown && box(shown),
      controls: [...document.querySelectorAll(controls)].map(box),
    });
  }
  return seen;
}"""


def test_the_saved_toast_never_covers_the_footer_links(signed_in, live_server, user, size):
    sample = make_sample(user=user)  # its uploader may delete it
    page = signed_in
    _open(page, live_server, sample)
    _drag_select(page, sample, "victory plan")
    _toolbar(page).get_by_role("button", name="Highlight in green").click()
    expect(page.locator("#annotate-status")).to_have_text("Saved.")

    footer = ".reader-footer a, .reader-footer button"
    places = page.evaluate(SWEEP_JS, ["a.danger-link", footer, "#annotate-status p"])
    assert {c["name"] for c in places[0]["controls"]} >= {"Delete article…", "Versions"}
    for place in places:
        assert place["status"], "the toast is still showing while it is checked"
        assert place["status"]["name"] == "Saved."
        assert 0 <= place["target"]["y"] < SIZES[size][1] - 10, "the link is in the window"
        for control in place["controls"]:
            assert not _intersects(place["status"], control), (
                f"on a {size}, with 'Delete article…' {place['gap']}px from the window's "
                f"{place['edge']}, the 'Saved.' toast covers '{control['name']}'"
            )


def test_after_a_tag_the_status_line_still_dismisses_and_says_saved(signed_in, live_server, sample):
    """The tag's answer replaces the status line (out of band): what the page writes there
    afterwards must reach the new one, not the one taken off the page."""
    page = signed_in
    _open(page, live_server, sample)
    _drag_select(page, sample, "Zelensky", occurrence=1)
    _toolbar(page).get_by_role("button", name="Tag entity").click()
    page.locator("#tag-entity-kind").select_option("person")
    page.locator("[data-entity-form]").get_by_role("button", name="Tag").click()
    status = page.locator("#annotate-status")
    expect(status).to_contain_text("Tagged “Zelensky”")
    status.get_by_role("button", name="Dismiss").click()
    expect(status).to_have_text("")
    _drag_select(page, sample, "victory plan")
    _toolbar(page).get_by_role("button", name="Highlight in green").click()
    expect(status).to_have_text("Saved.")
    assert page.console.errors == []


LONG_NOTE = "\n\n".join(
    f"Point {i}: the figure in this sentence differs from the ministry's statement, and "
    "the wire copy from Seoul gives another one; check both before quoting it."
    for i in range(1, 9)
)


def _settled_box(page, selector: str) -> dict:
    """The element's box once it stops moving (the deep link scrolls smoothly)."""
    page.locator(selector).wait_for(state="visible")
    page.wait_for_function(
        """selector => new Promise((done) => {
          const at = () => JSON.stringify(document.querySelector(selector).getBoundingClientRect())
            + window.scrollY;
          const first = at();
          setTimeout(() => done(first === at()), 400);
        })""",
        arg=selector,
        polling=100,
    )
    return page.locator(selector).bounding_box()


def test_a_deep_linked_popover_stays_inside_the_window(signed_in, live_server, sample, user, size):
    """A passage in the last paragraph: there is little room below it once scrolled to."""
    annotation = highlight(sample, user, "have drawn closer since", note=LONG_NOTE)
    page = signed_in
    _open(page, live_server, sample, f"#annotation-{annotation.pk}")
    popover = _settled_box(page, "#annotation-popover")
    width, height = SIZES[size]
    assert popover["y"] >= 0, f"the popover's top is above the window on a {size}"
    assert popover["y"] + popover["height"] <= height, f"it runs off the bottom on a {size}"
    assert popover["x"] >= 0
    assert popover["x"] + popover["width"] <= width
    mark = page.locator(f'#article-body mark[data-ids~="{annotation.pk}"]').first.bounding_box()
    assert not _intersects(popover, mark), "the popover hides the passage it is about"
    # The whole note is still there: the popover scrolls inside instead.
    expect(page.locator("#annotation-popover")).to_contain_text("Point 8")


def test_code_in_notes_reads_as_code_in_cards_popover_and_activity(
    signed_in, live_server, sample, user, bob
):
    desk = make_group("Desk", user, bob)
    note = "Ask about `Monday` first.\n\n```\nstatus: unconfirmed\n```"
    mine = highlight(sample, user, "victory plan", note=note)
    highlight(sample, bob, "Kim Jong Un", note=note, audience=desk)
    page = signed_in
    page.set_viewport_size({"width": 1366, "height": 900})

    def assert_code(scope: str) -> None:
        for tag in ("code", "pre"):
            selector = f"{scope} .card-note {tag}"
            family = _style(page, selector, "font-family")
            assert "monospace" in family, f"{selector} is set in {family}"
            text_family = _style(page, f"{scope} .card-note", "font-family")
            assert family != text_family
            background = _style(page, selector, "background-color")
            assert background not in ("rgba(0, 0, 0, 0)", "transparent"), selector

    _open(page, live_server, sample)
    assert_code(f"#card-{mine.pk}")
    page.locator(f'#article-body mark[data-ids~="{mine.pk}"]').first.click()
    page.locator("#annotation-popover .card-note code").first.wait_for()
    assert_code("#annotation-popover")
    page.goto(live_server.url + "/")
    assert_code(".activity-item")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_header_search_box_is_styled_like_the_other_inputs(signed_in, live_server, scheme):
    page = signed_in
    page.set_viewport_size({"width": 1366, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + "/")
    search, other = "#site-search", "#add-article input[type=url]"
    for prop in ("border-top-left-radius", "border-top-color", "border-top-style",
                 "background-color", "color"):  # fmt: skip
        assert _style(page, search, prop) == _style(page, other, prop), prop
    assert _style(page, search, "border-top-left-radius") != "0px"
    assert float(_style(page, search, "padding-left").removesuffix("px")) >= 6
    assert float(_style(page, search, "padding-top").removesuffix("px")) >= 4
    assert page.locator(search).bounding_box()["height"] >= 32
    page.locator(search).focus()
    ring = _style(page, search, "outline-style") + _style(page, search, "box-shadow")
    assert "solid" in ring or "rgb" in ring, "a focused search box shows a focus ring"


def test_the_tag_button_text_is_centred_in_the_button(signed_in, live_server, sample, size):
    page = signed_in
    _open(page, live_server, sample)
    button = page.locator("#suggestions a.button", has_text="Tag…").first
    button.scroll_into_view_if_needed()
    boxes = button.evaluate(
        """e => {
          const range = document.createRange();
          range.selectNodeContents(e);
          const text = range.getBoundingClientRect(), box = e.getBoundingClientRect();
          return {text: (text.top + text.bottom) / 2, box: (box.top + box.bottom) / 2,
                  height: box.height};
        }"""
    )
    assert abs(boxes["text"] - boxes["box"]) <= 2, (
        f"on a {size} the text of 'Tag…' sits {boxes['text'] - boxes['box']:+.1f}px from "
        f"the middle of its {boxes['height']:.0f}px button"
    )


@pytest.fixture
def busy_library(user):
    """A library as a person who uses it has it: articles, labels, one to review, fetch
    jobs in every state."""
    stories = [
        make_article(f"Harbour bulletin {i}\n\nThe harbour opened at dawn on day {i}.")
        for i in range(8)
    ]
    for story, name in zip(
        stories, ["Ukraine", "Investigation X", "Shipping", "Ukraine"], strict=False
    ):
        library.add_label(story, name, user)
    library.set_state(user, stories[0], "favourite", on=True)
    for status, url in [
        (FetchJob.Status.PENDING, "https://example.org/news/waiting"),
        (FetchJob.Status.FAILED, "https://example.org/news/broken"),
        (FetchJob.Status.DONE, "https://example.org/news/arrived"),
    ]:
        error = "The site did not answer in time." if status == FetchJob.Status.FAILED else ""
        FetchJob.objects.create(url=url, status=status, requested_by=user, error=error)
    return stories


@pytest.fixture
def phone_library(signed_in, live_server, busy_library):
    """The busy library, open on a phone."""
    signed_in.set_viewport_size({"width": 390, "height": 844})
    signed_in.goto(live_server.url + "/")
    return signed_in


def test_a_phone_shows_the_first_article_on_the_first_screen(phone_library):
    page = phone_library
    first = page.locator(".article-title").first
    box = first.bounding_box()
    assert box["y"] + box["height"] <= 844, f"the first title ends at y={box['y'] + box['height']}"
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    # The header is one row: brand, search, and a menu holding the rest.
    header = page.locator(".site-header").bounding_box()
    assert header["height"] <= 80
    expect(page.locator("#site-search")).to_be_visible()
    assert page.console.errors == []


def test_the_phone_menu_opens_with_the_keyboard_and_holds_the_header(phone_library):
    page = phone_library
    menu = page.get_by_role("button", name="Menu")
    entities = page.locator(".site-nav").get_by_role("link", name="Entities")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(entities).to_be_hidden()
    menu.focus()
    page.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(entities).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_role("button", name="A+")).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.site-header') !== null")
    page.keyboard.press("Escape")
    expect(entities).to_be_hidden()
    assert page.evaluate("document.activeElement.getAttribute('aria-controls')") is not None
    menu.click()
    entities.click()
    expect(page).to_have_url(re.compile(r"/entities/$"))
    assert page.console.errors == []


def test_on_a_phone_add_article_is_one_tap_away_and_still_works(phone_library):
    page = phone_library
    text = page.get_by_label("Paste text or HTML")
    assert text.bounding_box()["y"] > 844, "the form waits below the list"
    page.get_by_role("link", name="Add article").click()
    expect(text).to_be_visible()
    box = text.bounding_box()
    assert 0 <= box["y"] < 844, "the form opens on the screen, not at the end of the list"
    assert page.evaluate("window.scrollY") < 400, "it moved up to the top of the page"
    text.fill("Phone Story\n\nBy Jane Doe\n\nA story pasted into the form on a phone.")
    page.get_by_role("button", name="Add to library").click()
    page.wait_for_url("**/articles/**")
    assert page.locator("h1").inner_text() == "Phone Story"
    assert page.console.errors == []


def test_the_desktop_keeps_its_header_and_form_in_view(signed_in, live_server, busy_library):
    page = signed_in
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(live_server.url + "/")
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.locator(".site-nav").get_by_role("link", name="Entities")).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    expect(page.get_by_label("Paste text or HTML")).to_be_visible()
    expect(page.get_by_role("link", name="Add article")).to_be_hidden()
    assert page.locator(".site-header").bounding_box()["height"] <= 80
    tabs = page.locator(".view-tab")
    tops = {round(tabs.nth(i).bounding_box()["y"]) for i in range(tabs.count())}
    assert len(tops) == 1, "the view tabs sit in one row"


# The text a sighted person sees on an element: text in boxes bigger than a pixel (text
# for screen readers only is clipped to one).
VISIBLE_TEXT_JS = """e => {
  const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT);
  let text = "";
  while (walker.nextNode()) {
    const box = walker.currentNode.parentElement.getBoundingClientRect();
    if (box.width > 1 && box.height > 1) text += walker.currentNode.data;
  }
  return text.trim();
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_header_buttons_are_named_by_what_they_show(signed_in, live_server, scheme):
    """axe's label-content-name-mismatch: a speech-input user says what they see."""
    page = signed_in
    page.emulate_media(color_scheme=scheme)
    page.goto(live_server.url + "/")
    buttons = page.locator("[data-prefs] button")
    expect(buttons).to_have_count(3)
    for i in range(3):
        button = buttons.nth(i)
        shown = button.evaluate(VISIBLE_TEXT_JS)
        assert shown in {"A−", "A+", "Dark", "Light"}
        named = page.get_by_role("button", name=shown)
        expect(named).to_have_count(1)
        assert named.evaluate("(e, b) => e === b", button.element_handle())
    expect(page.get_by_role("button", name="Smaller text")).to_have_count(1)
    expect(page.get_by_role("button", name="Larger text")).to_have_count(1)
