"""The fact-checking desk in a real browser: work a claim from its page (evidence from
another article, a verdict), a second person signs it off, it is published, and it shows
on the claims board and on the claimant's entity page. With `-m screenshots`, the board
and a claim's page are also saved as pictures (NEWSROOM_DESK_SHOTS, /tmp/desk_shots)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from articles import claims, library
from articles.models import Claim, TeamSettings
from tests.browser.test_accessibility import _violations
from tests.factories import claim, highlight, make_article, tag

pytestmark = pytest.mark.django_db(transaction=True)

SAID = (
    "The mayor's numbers\n\n"
    "The mayor said the port handled 14 million containers last year, more than ever.\n\n"
    "Critics said the figure counted empty boxes twice."
)
REPORT = (
    "Port annual report\n\n"
    "The port's annual report counts 11 million containers, with empties counted once."
)


def _signed_in_context(browser, live_server, user):
    """A browser context of its own carrying `user`'s session (a second person)."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context


def test_a_claim_is_worked_signed_off_by_a_second_person_and_published(
    signed_in, live_server, browser, user, bob
):
    TeamSettings.objects.update_or_create(pk=1, defaults={"two_person_rule": True})
    said, report = make_article(SAID), make_article(REPORT)
    mayor = tag(said, user, "mayor", name="Anna Berg", kind="person").entity
    marked = claim(said, user, "the port handled 14 million containers last year")
    highlight(report, user, "11 million containers")
    page = signed_in
    page.goto(live_server.url + marked.get_absolute_url())

    page.get_by_role("button", name="Start checking").click()
    expect(page.locator(".claim-steps .is-current")).to_have_text("In progress")

    page.locator("#claimant").get_by_label("Anna Berg").check()
    page.get_by_role("button", name="Set claimant").click()
    expect(page.locator("#claimant")).to_contain_text("Anna Berg")

    page.locator(".claim-evidence-form > summary").click()
    page.get_by_label("Find a passage in another article").fill("11 million")
    page.get_by_role("button", name="Find", exact=True).first.click()
    page.get_by_label("Passage", exact=True).select_option(
        label="“11 million containers” — Port annual report"
    )
    page.get_by_label("Contradicts the claim").check()
    page.get_by_role("button", name="Add evidence").click()
    evidence = page.locator(".evidence-item")
    expect(evidence).to_have_count(1)
    expect(evidence).to_contain_text("Contradicts")
    expect(evidence).to_contain_text("Port annual report")

    page.get_by_role("combobox", name="Verdict").select_option("Mostly false")
    page.get_by_label("Summary").fill("The report counts **11 million**, empties once.")
    page.get_by_role("button", name="Save verdict").click()
    expect(page.locator(".claim-summary strong")).to_have_text("11 million")
    expect(page.locator("#verdict .notice")).to_contain_text("second person signs it off")
    expect(page.get_by_role("button", name="Sign off this verdict")).to_have_count(0)

    second = _signed_in_context(browser, live_server, bob)
    try:
        bobs = second.new_page()
        bobs.goto(live_server.url + marked.get_absolute_url())
        bobs.get_by_role("button", name="Sign off this verdict").click()
        expect(bobs.locator(".claim-signed")).to_contain_text("Signed off by bob")
    finally:
        second.close()

    page.reload()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator(".claim-steps .is-current")).to_have_text("Published")
    marked.refresh_from_db()
    assert (marked.status, marked.signed_off_by) == (Claim.Status.PUBLISHED, bob)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Claims").click()
    published = page.locator("section.claims-column", has=page.locator("#column-published"))
    expect(published.locator(".claim-card")).to_contain_text("Mostly false")
    expect(published.locator(".claim-card")).to_contain_text("Anna Berg")

    page.goto(live_server.url + mayor.get_absolute_url())
    expect(page.locator(".entity-claims .claim-card")).to_contain_text("Mostly false")
    expect(page.locator(".entity-claims .claim-card")).to_contain_text("Published")
    assert page.console.errors == []


def test_the_board_filters_and_works_at_phone_width(signed_in, live_server, user):
    said = make_article(SAID)
    claim(said, user, "14 million containers")
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/claims/")
    page.get_by_role("combobox", name="Verdict").select_option("False")
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(r"/claims/\?.*verdict=False"))
    expect(page.locator(".claim-card")).to_have_count(0)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the board scrolls sideways ({width}px)"
    assert page.console.errors == []


# Screenshots ---------------------------------------------------------------------------

SHOTS = Path(os.environ.get("NEWSROOM_DESK_SHOTS", "/tmp/desk_shots"))
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


@pytest.fixture
def desk_world(user, bob):
    user.is_staff = user.is_superuser = True  # the policy page is the administrators'
    user.save(update_fields=["is_staff", "is_superuser"])
    TeamSettings.objects.update_or_create(pk=1, defaults={"two_person_rule": True})
    said, report = make_article(SAID), make_article(REPORT)
    library.add_label(said, "Port", user)
    mayor = tag(said, user, "mayor", name="Anna Berg", kind="person").entity
    critics = tag(said, user, "Critics", name="Port critics", kind="organisation").entity
    passage = highlight(report, user, "11 million containers")
    main = claim(said, user, "the port handled 14 million containers last year", claimant=mayor)
    claims.move(main, user, Claim.Status.IN_PROGRESS)
    claims.assign(main, user, bob)
    claims.add_evidence(main, user, stance="contradicts", annotation=passage)
    claims.add_evidence(
        main, bob, stance="supports", url="https://example.org/port-statistics-2024",
        note="The ministry's table rounds up to 14 million.",
    )  # fmt: skip
    claims.set_verdict(
        main, user, "Mostly false", "The report counts **11 million**; empties were counted twice."
    )
    claim(said, user, "more than ever", claimant=mayor)
    dropped = claim(said, user, "The mayor said")
    claims.move(dropped, user, Claim.Status.DROPPED)
    boxes = claim(said, bob, "the figure counted empty boxes twice", claimant=critics)
    claims.set_verdict(boxes, bob, "True")
    claims.sign_off(boxes, user)
    claims.move(boxes, user, Claim.Status.PUBLISHED)
    counts = claim(report, user, "counts 11 million containers")
    claims.move(counts, user, Claim.Status.IN_PROGRESS)
    again = claim(make_article(SAID.replace("numbers", "numbers again")), user,
                  "the port handled 14 million containers last year")  # fmt: skip
    del again
    return {"claim": main}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_desk_pages_have_no_accessibility_violation(signed_in, live_server, desk_world, scheme):
    page = signed_in
    page.emulate_media(color_scheme=scheme)
    problems = {}
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        for name, path in _desk_pages(desk_world):
            page.goto(live_server.url + path)
            if found := _violations(page):
                problems[f"{name} ({size})"] = found
    assert problems == {}, "\n".join(f"{k}: {v}" for k, found in problems.items() for v in found)


def _desk_pages(world) -> list[tuple[str, str]]:
    url = world["claim"].get_absolute_url()
    return [
        ("board", "/claims/"),
        ("claim", url),
        ("claim-forms", url + "?find=million&q=port"),
        ("claimant", world["claim"].claimant.get_absolute_url()),
        ("policy", "/team/settings/fact-checking/"),
    ]


@pytest.mark.screenshots
@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_screenshots_of_the_board_and_a_claim(signed_in, live_server, desk_world, scheme, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = signed_in
    width, height = SIZES[size]
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(color_scheme=scheme)
    for name, path in _desk_pages(desk_world):
        page.goto(live_server.url + path)
        page.screenshot(path=SHOTS / f"{name}-{size}-{scheme}.png", full_page=True)
        width_now = page.evaluate("document.documentElement.scrollWidth")
        assert width_now <= width, f"{name} scrolls sideways at {size}"
    assert page.console.errors == []
