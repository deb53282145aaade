"""The settings page in a real browser: a theme or text size chosen there, or with the
header's buttons, follows the person to a browser they sign in on next, drawn from the
first paint (the page as sent already carries it, so nothing flashes); and the page
itself works on a phone and by keyboard."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from articles.models import Preference
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

BACKGROUND = "getComputedStyle(document.body).backgroundColor"
DARK_BG = "rgb(22, 23, 26)"  # --bg in the dark theme
SCALE = "getComputedStyle(document.documentElement).getPropertyValue('--reader-scale').trim()"
READER_SIZE = "parseFloat(getComputedStyle(document.querySelector('#article-body p')).fontSize)"


def _another_browser(browser, live_server, user, **options):
    """A new browser profile (no cookies, no localStorage) signed in as `user` anew."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1200, "height": 900}, **options)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return context


def _html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.text()).group(0)


def _synced(page) -> None:
    """Wait until the header's change reached the server (prefs.js clears its mark). A
    poll from here: the page's CSP refuses the string wait_for_function would evaluate."""
    for _ in range(100):
        if page.evaluate("localStorage.getItem('newsroom-prefs-unsynced')") is None:
            return
        page.wait_for_timeout(50)
    pytest.fail("the change never reached the server")


def test_a_theme_chosen_in_settings_is_drawn_first_in_another_browser(
    signed_in, browser, live_server, user
):
    page = signed_in
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + "/settings/")
    page.get_by_role("link", name="Reading").click()
    page.get_by_label("Dark").check()
    page.get_by_label("Text size").select_option("1.2")
    page.get_by_role("button", name="Save reading preferences").click()
    page.wait_for_url("**/settings/#reading")
    expect(page.locator("#reading").get_by_role("status")).to_have_text(
        "Reading preferences saved."
    )
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert page.evaluate(BACKGROUND) == DARK_BG
    preference = Preference.objects.get(user=user)
    assert (preference.theme, preference.text_scale) == ("dark", Decimal("1.2"))

    # A new browser in a light-themed system: the page as sent is already dark.
    for options in ({}, {"java_script_enabled": False}):
        context = _another_browser(browser, live_server, user, color_scheme="light", **options)
        other = context.new_page()
        response = other.goto(live_server.url + "/")
        assert 'data-theme="dark"' in _html_tag(response)
        assert 'data-scale="1.2"' in _html_tag(response)
        assert other.evaluate(BACKGROUND) == DARK_BG
        assert other.evaluate(SCALE) == "1.2"
        context.close()
    assert page.console.errors == []


PROSE = "getComputedStyle(document.querySelector('#article-body'))"


def test_the_readers_typography_chosen_in_settings_is_drawn_without_scripts(
    signed_in, browser, live_server, user
):
    article = make_article(" ".join(["A sentence of an article, long enough to wrap."] * 40))
    page = signed_in
    page.goto(live_server.url + article.get_absolute_url())
    serif_width = page.evaluate(f"parseFloat({PROSE}.maxWidth)")
    assert "serif" in page.evaluate(f"{PROSE}.fontFamily").lower()
    page.goto(live_server.url + "/settings/")
    page.get_by_label("Font").select_option("sans")
    page.get_by_label("Line width").select_option("wide")
    page.get_by_label("Line height").select_option("loose")
    page.get_by_role("button", name="Save reading preferences").click()
    page.wait_for_url("**/settings/#reading")

    context = _another_browser(browser, live_server, user, java_script_enabled=False)
    other = context.new_page()
    other.goto(live_server.url + article.get_absolute_url())
    family = other.evaluate(f"{PROSE}.fontFamily")
    assert "serif" not in family.replace("sans-serif", "").lower(), family
    assert other.evaluate(f"parseFloat({PROSE}.maxWidth)") > serif_width * 1.15
    size = other.evaluate(f"parseFloat({PROSE}.fontSize)")
    assert other.evaluate(f"parseFloat({PROSE}.lineHeight)") == pytest.approx(2 * size, rel=0.01)
    context.close()
    assert page.console.errors == []


def test_the_header_buttons_follow_the_person_to_another_browser(
    signed_in, browser, live_server, user
):
    article = make_article("Size test\n\nA paragraph whose letters grow and shrink on request.")
    page = signed_in
    page.emulate_media(color_scheme="light")
    page.goto(live_server.url + article.get_absolute_url())
    before = page.evaluate(READER_SIZE)
    page.get_by_role("button", name="Larger text").click()
    page.get_by_role("button", name="Larger text").click()
    page.get_by_role("button", name="Switch theme").click()
    grown = page.evaluate(READER_SIZE)
    assert grown > before
    _synced(page)
    preference = Preference.objects.get(user=user)
    assert (preference.theme, preference.text_scale) == ("dark", Decimal("1.2"))

    context = _another_browser(browser, live_server, user, color_scheme="light")
    other = context.new_page()
    response = other.goto(live_server.url + article.get_absolute_url())
    assert 'data-theme="dark"' in _html_tag(response)
    assert other.evaluate(READER_SIZE) == grown
    assert other.evaluate(BACKGROUND) == DARK_BG
    # The header there says what a press does next: back to light.
    expect(other.get_by_role("button", name="Light")).to_be_visible()
    context.close()
    assert page.console.errors == []


def test_a_change_the_server_has_not_confirmed_survives_a_reload(signed_in, live_server, user):
    """Reloading at once can overtake the change on its way: the browser keeps its own."""
    article = make_article("Reload test\n\nA paragraph to read at a larger size, reloaded.")
    page = signed_in
    page.goto(live_server.url + article.get_absolute_url())
    page.route("**/settings/reading/", lambda route: route.abort())  # it never arrives
    page.get_by_role("button", name="Larger text").click()
    grown = page.evaluate(READER_SIZE)
    page.reload()
    assert page.evaluate(READER_SIZE) == grown
    page.unroute("**/settings/reading/")
    page.reload()  # now prefs.js sends it again, and the server has it
    _synced(page)
    assert Preference.objects.get(user=user).text_scale == Decimal("1.1")


def test_the_settings_page_fits_a_phone_and_works_by_keyboard(signed_in, live_server, user):
    Client().force_login(user)  # a second browser, to sign out of
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/settings/")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.locator(".site-header").bounding_box()["height"] <= 80
    expect(page.get_by_role("heading", name="Profile")).to_be_in_viewport()
    summary = page.get_by_text("Sign out everywhere else…")
    summary.focus()
    page.keyboard.press("Enter")
    confirm = page.get_by_role("button", name="Yes, sign out everywhere else")
    expect(confirm).to_be_visible()
    confirm.click()
    page.wait_for_url("**/settings/#sessions")
    expect(page.locator("#sessions").get_by_role("status")).to_have_text(
        "Signed out of 1 other browser."
    )
    expect(page.get_by_text("Only this browser is signed in")).to_be_visible()
    assert page.console.errors == []


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)])
def test_the_header_keeps_one_row_with_settings_team_and_admin(
    page, context, live_server, admin_user, size
):
    client = Client()
    client.force_login(admin_user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(live_server.url + "/")
    assert page.locator(".site-header").bounding_box()["height"] <= 80
    if size[0] < 600:
        page.get_by_role("button", name="Menu").click()
    for name in ("Settings", "Admin", "Library"):
        expect(
            page.locator(".site-header").get_by_role("link", name=name, exact=True)
        ).to_be_visible()
    page.locator(".site-header").get_by_role("link", name="Settings", exact=True).click()
    page.wait_for_url("**/settings/")
    expect(page.get_by_role("heading", name="Settings", level=1)).to_be_visible()
