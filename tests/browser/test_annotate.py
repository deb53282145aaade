"""Selecting text as a person does, and what they then see: marks, notes, shared links."""

from __future__ import annotations

import pytest

from articles.models import Annotation
from tests.factories import highlight, make_article

pytestmark = pytest.mark.django_db(transaction=True)

# Screen coordinates of the first and last character of body_text[start:end], after
# scrolling the passage into view (the mouse cannot reach outside the viewport).
POINTS_JS = """([start, end]) => {
  const body = document.getElementById('article-body');
  function locate(offset) {
    const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
    let node, seen = 0;
    while ((node = walker.nextNode())) {
      if (offset < seen + node.data.length) return [node, offset - seen];
      seen += node.data.length;
    }
    throw new Error('offset beyond the text');
  }
  function rect(offset) {
    const [node, at] = locate(offset);
    const range = document.createRange();
    range.setStart(node, at);
    range.setEnd(node, at + 1);
    return range.getClientRects()[0];
  }
  locate(start)[0].parentElement.scrollIntoView({block: 'center'});
  const a = rect(start), b = rect(end - 1);
  return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
}"""

LINKED = (
    "<html lang=en><head><title>Port strike</title></head><body><article><h1>Port strike</h1>"
    "<p>Dock workers in Rotterdam stayed off the job for an eighth day on Monday.</p>"
    "<p>The union said the <a href='https://example.org/talks'>talks with the <em>port authority</em></a>"
    " would resume on Thursday, after a week without progress.</p>"
    + "<p>Ships waited outside the harbour while negotiators met in the city hall.</p>" * 4
    + "</article></body></html>"
)


def _drag_select(page, article, phrase, occurrence=0):
    start = -1
    for _ in range(occurrence + 1):
        start = article.body_text.index(phrase, start + 1)
    end = start + len(phrase)
    points = page.evaluate(POINTS_JS, [start, end])
    page.mouse.move(points["x1"], points["y1"])
    page.mouse.down()
    page.mouse.move((points["x1"] + points["x2"]) / 2, (points["y1"] + points["y2"]) / 2, steps=5)
    page.mouse.move(points["x2"], points["y2"], steps=5)
    page.mouse.up()
    assert page.evaluate("window.getSelection().toString()").strip() == phrase
    return start, end


def _open(page, live_server, article, fragment=""):
    page.goto(live_server.url + article.get_absolute_url() + fragment)
    page.wait_for_selector("#article-body")


def _toolbar(page):
    toolbar = page.locator("#selection-toolbar")
    toolbar.wait_for(state="visible")
    return toolbar


def _body_text(page):
    return page.evaluate("document.getElementById('article-body').textContent")


@pytest.fixture
def linked():
    return make_article(LINKED, filename="strike.html")


def test_a_mouse_selection_becomes_a_highlight_at_once_and_after_reload(
    signed_in, live_server, sample
):
    page = signed_in
    _open(page, live_server, sample)
    _drag_select(page, sample, "victory plan")
    selected = page.evaluate("window.getSelection().toString()")
    assert selected.strip() == "victory plan"
    _toolbar(page).get_by_role("button", name="Highlight in green").click()
    mark = page.locator("#article-body mark.hl", has_text="victory plan")
    mark.wait_for()
    annotation = Annotation.objects.get()
    assert annotation.exact == "victory plan"
    assert annotation.color == "green"
    assert _body_text(page) == sample.body_text
    page.reload()
    assert page.locator("#article-body mark.hl[data-color=green]").inner_text() == "victory plan"
    assert page.console.errors == []


def test_a_selection_across_two_paragraphs_is_stored_as_selected(signed_in, live_server, sample):
    page = signed_in
    _open(page, live_server, sample)
    start = sample.body_text.index("intelligence information.")
    end = sample.body_text.index("Zelensky has previously accused") + len(
        "Zelensky has previously accused"
    )
    points = page.evaluate(POINTS_JS, [start, end])
    page.mouse.move(points["x1"], points["y1"])
    page.mouse.down()
    page.mouse.move(points["x2"], points["y2"], steps=8)
    page.mouse.up()
    _toolbar(page).get_by_role("button", name="Highlight in yellow").click()
    page.locator("#article-body mark.hl").first.wait_for()
    annotation = Annotation.objects.get()
    assert annotation.exact == sample.body_text[start:end]
    assert page.locator(f'#article-body mark[data-ids~="{annotation.pk}"]').count() == 2
    assert _body_text(page) == sample.body_text


def test_a_selection_through_a_link_and_emphasis_keeps_its_text(signed_in, live_server, linked):
    page = signed_in
    _open(page, live_server, linked)
    # Starting the drag on the link itself would drag the link, as in any browser.
    _drag_select(page, linked, "said the talks with the port authority would resume")
    _toolbar(page).get_by_role("button", name="Highlight in blue").click()
    page.locator("#article-body mark.hl").first.wait_for()
    annotation = Annotation.objects.get()
    assert annotation.exact == "said the talks with the port authority would resume"
    assert page.locator("#article-body a mark.hl").count() >= 1
    assert page.locator("#article-body em mark.hl").count() == 1
    assert _body_text(page) == linked.body_text


def test_keyboard_selection_with_shift_arrows_and_h(signed_in, live_server, sample):
    page = signed_in
    _open(page, live_server, sample)
    start = sample.body_text.index("drones and missiles")
    points = page.evaluate(POINTS_JS, [start, start + 1])
    # Double-click selects a word; Shift+arrows then extend it, as a keyboard user does
    # in any browser without caret browsing.
    page.mouse.dblclick(points["x1"], points["y1"])
    _toolbar(page)
    assert page.evaluate("window.getSelection().toString()") == "drones"
    for _ in range(len(" and missiles")):
        page.keyboard.press("Shift+ArrowRight")
    page.wait_for_function("getSelection().toString() === 'drones and missiles'")
    page.keyboard.press("h")
    page.locator("#article-body mark.hl").wait_for()
    assert Annotation.objects.get().exact == "drones and missiles"


def test_keyboard_n_adds_a_note_and_escape_closes_the_toolbar(signed_in, live_server, sample):
    page = signed_in
    _open(page, live_server, sample)
    _drag_select(page, sample, "afraid of mobilization")
    _toolbar(page)
    page.keyboard.press("Escape")
    page.locator("#selection-toolbar").wait_for(state="hidden")
    _drag_select(page, sample, "afraid of mobilization")
    _toolbar(page)
    page.keyboard.press("n")
    note = page.locator("#toolbar-note-text")
    note.wait_for()
    assert note.evaluate("el => el === document.activeElement")
    note.fill("Source: **Zelensky** briefing")
    page.get_by_role("button", name="Save note").first.click()
    page.locator("#article-body mark.hl").wait_for()
    annotation = Annotation.objects.get()
    assert annotation.note == "Source: **Zelensky** briefing"
    panel = page.locator("#annotation-panel")
    assert "Zelensky" in panel.locator("strong").first.inner_text()


def test_tab_reaches_the_toolbar_with_a_visible_focus_ring(signed_in, live_server, sample):
    page = signed_in
    _open(page, live_server, sample)
    _drag_select(page, sample, "world war")
    _toolbar(page)
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('#selection-toolbar') !== null")
    assert focused
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.locator("#article-body mark.hl").wait_for()
    assert Annotation.objects.get().exact == "world war"


def test_an_overlapping_selection_makes_segments_that_know_both(
    signed_in, live_server, sample, user
):
    first = highlight(sample, user, "North Korean soldiers in the fight")
    page = signed_in
    _open(page, live_server, sample)
    _drag_select(page, sample, "soldiers in the fight against Kyiv")
    _toolbar(page).get_by_role("button", name="Highlight in pink").click()
    page.locator("#article-body mark[data-depth]").first.wait_for()
    second = Annotation.objects.exclude(pk=first.pk).get()
    assert second.exact == "soldiers in the fight against Kyiv"
    both = page.locator(f'#article-body mark[data-ids~="{first.pk}"][data-ids~="{second.pk}"]')
    assert both.inner_text() == "soldiers in the fight"
    assert _body_text(page) == sample.body_text


def test_clicking_a_highlight_opens_its_note_for_editing(signed_in, live_server, sample, user):
    annotation = highlight(sample, user, "victory plan", note="Check the plan")
    page = signed_in
    _open(page, live_server, sample)
    page.locator(f'#article-body mark[data-ids~="{annotation.pk}"]').click()
    popover = page.locator("#annotation-popover")
    popover.wait_for()
    assert "Check the plan" in popover.inner_text()
    popover.get_by_role("link", name="Edit").click()
    popover.locator("textarea").fill("Checked: the plan has five points")
    popover.get_by_role("button", name="Save").click()
    page.locator("#annotation-panel", has_text="five points").wait_for()
    annotation.refresh_from_db()
    assert annotation.note == "Checked: the plan has five points"


def test_a_copied_link_opens_scrolled_to_the_passage_flashed_with_its_note(
    signed_in, live_server, context, sample, user
):
    annotation = highlight(sample, user, "Kim Jong Un", note="Leader of North Korea")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = signed_in
    _open(page, live_server, sample)
    page.locator(f"#card-{annotation.pk} [data-copy-link]").click()
    page.locator("#annotate-status", has_text="Link copied").wait_for()
    link = page.evaluate("navigator.clipboard.readText()")
    assert link.endswith(f"#annotation-{annotation.pk}")
    fresh = context.new_page()
    fresh.set_viewport_size({"width": 1200, "height": 700})
    fresh.goto(link)
    mark = fresh.locator(f'#article-body mark[data-ids~="{annotation.pk}"]')
    mark.first.wait_for()
    fresh.wait_for_function(
        "id => { const m = document.querySelector(`mark[data-ids~='${id}']`);"
        " const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }",
        arg=str(annotation.pk),
    )
    assert "flash" in mark.first.get_attribute("class")
    popover = fresh.locator("#annotation-popover")
    popover.wait_for()
    assert "Leader of North Korea" in popover.inner_text()


def test_the_annotated_reader_works_on_a_phone(signed_in, live_server, sample, user):
    highlight(sample, user, "victory plan", note="Phone note")
    page = signed_in
    page.set_viewport_size({"width": 375, "height": 740})
    _open(page, live_server, sample)
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.locator("#annotation-panel", has_text="Phone note").is_visible()
    assert _body_text(page) == sample.body_text
