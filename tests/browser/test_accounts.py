"""A person's account in a real browser, from the first sign-in to two-factor sign-in:
sign in, change the password, sign out, reset it from the e-mailed link, sign in with the
new one, turn on two-factor sign-in from the key on the page, and sign in with a code.

Each step is a helper that starts and ends on a page a person would be on, so a journey
can begin earlier (an invitation accepted) and go on from any of them. The e-mail comes
from `mail.outbox`: the live server runs in this process, with the test mail backend.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import Page, expect

from tests.otp import app_code_from_key

pytestmark = pytest.mark.django_db(transaction=True)

USERNAME, EMAIL = "alice", "alice@example.org"
FIRST = "correct horse 1"  # the `user` fixture's
CHANGED = "a changed passphrase 5"
RESET = "a reset passphrase 9"


def sign_in(page: Page, base: str, login: str, password: str) -> None:
    """From anywhere signed out: the sign-in page, then the library (or the code step)."""
    page.goto(base + "/login/")
    page.get_by_label("Username or e-mail address").fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def change_password(page: Page, base: str, old: str, new: str) -> None:
    page.goto(base + "/settings/password/")
    page.get_by_label("Current password").fill(old)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password again").fill(new)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Your password is changed.")).to_be_visible()
    assert page.url == base + "/settings/"


def request_reset(page: Page, email: str) -> str:
    """From the sign-in page, "Forgot password?": the link the e-mail brings."""
    mail.outbox.clear()
    page.get_by_role("link", name="Forgot password?").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    (message,) = mail.outbox
    found = re.search(r"https?://\S+/password-reset/\S+/", message.body)
    assert found, message.body
    return found[0]


def set_new_password(page: Page, link: str, new: str) -> None:
    page.goto(link)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password again").fill(new)
    page.get_by_role("button", name="Set new password").click()
    expect(page.get_by_role("heading", name="Your new password is set")).to_be_visible()
    page.get_by_role("link", name="Sign in").last.click()


def turn_on_two_factor(page: Page, base: str) -> tuple[str, list[str]]:
    """The key as the page shows it (for the app) and the recovery codes."""
    page.goto(base + "/settings/two-factor/")
    expect(page.locator(".qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    code = page.get_by_label("6-digit code from your app")
    expect(code).to_be_focused()
    code.fill(app_code_from_key(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Two-factor sign-in is on")).to_be_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have stored them").click()
    expect(page.get_by_text("On.", exact=False).first).to_be_visible()
    return secret, codes


def enter_code(page: Page, secret: str) -> None:
    """On the code step: the code of the next 30 seconds (the one just used to turn it on
    cannot be used twice; the next is within django-otp's tolerance)."""
    expect(page.get_by_role("heading", name="Enter your code")).to_be_visible()
    code = page.get_by_label("6-digit code from your app")
    expect(code).to_be_focused()
    code.type(app_code_from_key(secret, seconds_from_now=30))
    page.keyboard.press("Enter")


def test_an_account_from_password_to_two_factor_sign_in(page, live_server, user):
    base = live_server.url
    sign_in(page, base, USERNAME, FIRST)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    change_password(page, base, FIRST, CHANGED)
    sign_out(page)

    link = request_reset(page, EMAIL)
    set_new_password(page, link, RESET)
    sign_in(page, base, EMAIL, RESET)  # by e-mail address this time
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    secret, _codes = turn_on_two_factor(page, base)
    sign_out(page)

    sign_in(page, base, USERNAME, RESET)
    assert page.url == base + "/login/code/"
    enter_code(page, secret)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert page.url == base + "/"
    assert page.console.errors == []


def test_a_used_reset_link_says_so_in_the_browser(page, live_server, user):
    base = live_server.url
    page.goto(base + "/login/")
    link = request_reset(page, EMAIL)
    set_new_password(page, link, RESET)
    page.goto(link)
    expect(page.get_by_role("heading", name="This link no longer works")).to_be_visible()
    page.get_by_role("link", name="Send me a new link").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()


def accept_invitation(browser, base: str, url: str, username: str, password: str) -> Page:
    """A new browser opens the invitation link, makes the account and lands in the library."""
    page = browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    page.goto(url)
    expect(page.get_by_role("heading", name="Join the team on Newsroom")).to_be_visible()
    page.get_by_label("Username").fill(username)
    page.get_by_label("Your name").fill("Erin Newcomer")
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Password again").fill(password)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(base + "/")
    expect(page.get_by_text("Welcome to Newsroom, Erin Newcomer")).to_be_visible()
    return page


@pytest.fixture
def admin_page(page, context, live_server, client, admin_user):
    """The page of an administrator, signed in."""
    client.force_login(admin_user)
    context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url,
    }])  # fmt: skip
    return page


def test_the_whole_journey_from_invitation_to_two_factor_sign_in(browser, admin_page, live_server):
    """invite → accept → sign out → sign in → change password → sign out → reset by the
    e-mailed link → sign in → turn on TOTP → sign out → sign in with a code."""
    base, page = live_server.url, admin_page
    page.goto(base + "/team/invitations/")
    page.get_by_label("E-mail address").fill("erin@example.org")
    page.get_by_role("button", name="Make the invitation").click()
    url = page.get_by_role("textbox", name="Invitation link").input_value()
    (invitation,) = mail.outbox  # the link went out by e-mail too
    assert url in invitation.body

    erin = accept_invitation(browser, base, url, "erin", "first light on the quay")
    try:
        sign_out(erin)
        sign_in(erin, base, "erin", "first light on the quay")
        expect(erin.get_by_role("button", name="Sign out")).to_be_visible()
        change_password(erin, base, "first light on the quay", CHANGED)
        sign_out(erin)
        link = request_reset(erin, "erin@example.org")
        set_new_password(erin, link, RESET)
        sign_in(erin, base, "erin@example.org", RESET)
        expect(erin.get_by_role("button", name="Sign out")).to_be_visible()
        secret, _codes = turn_on_two_factor(erin, base)
        sign_out(erin)
        sign_in(erin, base, "erin", RESET)
        assert erin.url == base + "/login/code/"
        enter_code(erin, secret)
        expect(erin.get_by_role("button", name="Sign out")).to_be_visible()
        assert erin.url == base + "/"
    finally:
        erin.context.close()
