"""Share links in a real browser: what a signed-out colleague sees, deep links, revoking."""

from __future__ import annotations

import pytest

from articles import annotations as annotating
from articles import sharing
from articles.models import Annotation, ShareLink
from tests.factories import highlight, make_group

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def annotated(sample, user):
    shared = highlight(sample, user, "victory plan", color="green", note="Plan has five points")
    page_note = annotating.create_page_note(sample, user, note="Whole-story context note")
    private = highlight(sample, user, "Kim Jong Un", note="My private hunch", audience=None)
    return {"shared": shared, "page_note": page_note, "private": private}


def test_a_signed_out_colleague_sees_the_shared_notes_but_not_the_private_one(
    signed_in, browser, live_server, sample, annotated
):
    # Alice makes the link through the Share form, as a person would.
    page = signed_in
    page.goto(live_server.url + sample.get_absolute_url())
    page.get_by_role("link", name="Share…").click()
    page.get_by_label("Anyone with the link (read-only)").check()
    page.get_by_label("Never").check()
    page.get_by_role("button", name="Create link").click()
    url = page.locator(".link-item.is-new .link-url").input_value()
    assert url.startswith(live_server.url + "/s/")

    # Someone else, in a separate browser with no session, opens it.
    stranger = browser.new_context(viewport={"width": 1200, "height": 900})
    try:
        other = stranger.new_page()
        errors = []
        other.on("pageerror", lambda exc: errors.append(str(exc)))
        other.goto(url)
        shared = annotated["shared"]
        mark = other.locator(f'#article-body mark[data-ids~="{shared.pk}"]')
        assert mark.inner_text() == "victory plan"
        panel = other.locator("#annotation-panel")
        assert "Plan has five points" in panel.inner_text()
        assert "Whole-story context note" in panel.inner_text()
        text = other.locator("body").inner_text()
        assert "My private hunch" not in text
        assert "Kim Jong Un" in text  # the passage itself is there, unmarked
        assert other.locator(f'mark[data-ids~="{annotated["private"].pk}"]').count() == 0
        assert other.locator("#selection-toolbar").count() == 0
        assert other.get_by_role("link", name="Edit").count() == 0
        # Clicking a highlight opens its note, read-only.
        mark.click()
        popover = other.locator("#annotation-popover")
        popover.wait_for()
        assert "Plan has five points" in popover.inner_text()
        assert popover.get_by_role("link", name="Edit").count() == 0
        assert errors == []
    finally:
        stranger.close()


def test_a_share_link_to_one_annotation_scrolls_to_it_flashes_and_opens_its_note(
    page, live_server, sample, user, annotated
):
    link = sharing.create_link(user, sample, audience=ShareLink.Audience.ANYONE)
    target = highlight(sample, user, "afraid of mobilization", note="Deep-linked note")
    page.set_viewport_size({"width": 1200, "height": 700})
    page.goto(f"{live_server.url}{link.get_absolute_url()}?a={target.pk}#annotation-{target.pk}")
    mark = page.locator(f'#article-body mark[data-ids~="{target.pk}"]').first
    mark.wait_for()
    page.wait_for_function(
        "id => { const m = document.querySelector(`mark[data-ids~='${id}']`);"
        " const r = m.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }",
        arg=str(target.pk),
    )
    assert "flash" in mark.get_attribute("class")
    popover = page.locator("#annotation-popover")
    popover.wait_for()
    assert "Deep-linked note" in popover.inner_text()
    assert page.console.errors == []


def test_revoking_a_link_makes_the_same_url_unavailable(signed_in, browser, live_server, annotated):
    sample = annotated["shared"].article
    link = sharing.create_link(
        annotated["shared"].author, sample, audience=ShareLink.Audience.ANYONE
    )
    url = live_server.url + link.get_absolute_url()
    stranger = browser.new_context()
    try:
        other = stranger.new_page()
        assert other.goto(url).status == 200
        assert "Plan has five points" in other.locator("#annotation-panel").inner_text()

        page = signed_in
        page.goto(live_server.url + "/shared-links/")
        assert "1 view" in page.locator(f"#link-{link.pk}").inner_text()
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator(f"#link-{link.pk}").get_by_role("button", name="Revoke…").click()
        page.locator(".message", has_text="no longer opens").wait_for()
        assert "Revoked" in page.locator(f"#link-{link.pk}").inner_text()

        response = other.goto(url)
        assert response.status == 410
        text = other.locator("body").inner_text()
        assert "This link is no longer available" in text
        assert sample.title not in text
        assert "Plan has five points" not in text
    finally:
        stranger.close()


def test_the_toolbar_shares_with_the_chosen_group_and_remembers_it(
    signed_in, live_server, sample, user
):
    desk = make_group("Fact-check", user)
    page = signed_in
    page.goto(live_server.url + sample.get_absolute_url())
    start = sample.body_text.index("victory plan")
    page.evaluate(
        """([start, end]) => {
          const body = document.getElementById('article-body');
          const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
          let node, seen = 0, range = document.createRange();
          while ((node = walker.nextNode())) {
            if (start >= seen && start < seen + node.data.length) range.setStart(node, start - seen);
            if (end > seen && end <= seen + node.data.length) { range.setEnd(node, end - seen); break; }
            seen += node.data.length;
          }
          node.parentElement.scrollIntoView({block: 'center'});
          getSelection().removeAllRanges();
          getSelection().addRange(range);
        }""",
        [start, start + len("victory plan")],
    )
    toolbar = page.locator("#selection-toolbar")
    toolbar.wait_for(state="visible")
    with page.expect_response("**/preferences/audience/"):
        toolbar.get_by_label("Who can see it").select_option(label="Shared with Fact-check")
    toolbar.get_by_role("button", name="Highlight in yellow").click()
    page.locator("#article-body mark.hl").wait_for()
    assert Annotation.objects.get().group == desk
    page.reload()
    selected = page.locator("#toolbar-audience option:checked").inner_text()
    assert selected == "Shared with Fact-check"
