"""Team administration in a real browser: an administrator makes an invitation link, a
colleague opens it in a browser of their own, creates their account and is in."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles import accounts, sharing
from tests.factories import make_group

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_page(page, context, live_server, client, admin_user):
    client.force_login(admin_user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return page


def test_an_invitation_link_brings_a_colleague_in_signed_in(admin_page, browser, live_server):
    desk = make_group("Politics desk")
    page = admin_page
    page.goto(f"{live_server.url}/team/invitations/")
    expect(page.get_by_text("No pending invitations")).to_be_visible()
    page.get_by_label("Guest").check()
    page.get_by_label("Politics desk").check()
    page.get_by_role("button", name="Make the invitation").click()

    link = page.get_by_role("textbox", name="Invitation link")
    expect(link).to_be_visible()
    url = link.input_value()
    assert re.fullmatch(rf"{re.escape(live_server.url)}/invite/[\w-]+/", url)
    expect(page.locator("#pending-title")).to_contain_text("1")
    assert page.console.errors == []

    newcomer = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        other = newcomer.new_page()
        other.goto(url)
        expect(other.get_by_role("heading", name="Join the team on Newsroom")).to_be_visible()
        expect(other.get_by_text("as a guest")).to_be_visible()
        other.get_by_label("Username").fill("dora")
        other.get_by_label("Your name").fill("Dora Explorer")
        other.get_by_label("Password", exact=True).fill("a long walk by the harbour")
        other.get_by_label("Password again").fill("a long walk by the harbour")
        other.keyboard.press("Enter")
        other.wait_for_url(f"{live_server.url}/")
        expect(other.get_by_text("Welcome to Newsroom, Dora Explorer")).to_be_visible()
        assert other.context.cookies()  # a session of her own
    finally:
        newcomer.close()

    dora = get_user_model().objects.get(username="dora")
    assert accounts.is_guest(dora)
    assert [g.name for g in sharing.groups_of(dora)] == ["Everyone", desk.name]
    page.reload()
    expect(page.get_by_text("No pending invitations")).to_be_visible()
    expect(page.locator(".past-invitations")).to_contain_text("Used")


def test_the_team_table_stacks_into_cards_on_a_phone(admin_page, live_server, user):
    page = admin_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/team/")
    row = page.locator(f"#person-{user.pk}")
    expect(row).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    email = row.locator('td[data-label="E-mail"]')
    label = email.evaluate("el => getComputedStyle(el, '::before').content")
    assert label == '"E-mail"'
