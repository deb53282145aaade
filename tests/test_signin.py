"""Signing in by username or e-mail address, where `next` may lead, and the admin's sign-in
going through the app's own page. (Throttling's counters: tests/test_limits.py.)"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 1"  # alice's (the `user` fixture)


def _sign_in(client, username, password=PASSWORD, **data):
    return client.post(reverse("login"), {"username": username, "password": password, **data})


def _signed_in_as(client):
    return client.get(reverse("library")).wsgi_request.user.get_username()


def test_the_page_asks_for_a_username_or_an_email_address_and_offers_a_reset(client, user):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Username or e-mail address" in page.text
    assert f'href="{reverse("password_reset")}">Forgot password?</a>' in page.text
    assert 'autocomplete="username"' in page.text
    assert 'autocomplete="current-password"' in page.text


def test_the_username_signs_in(client, user):
    assert _sign_in(client, "alice").url == reverse("library")
    assert _signed_in_as(client) == "alice"


def test_the_email_address_signs_in_whatever_its_case(client, user):
    response = _sign_in(client, "Alice@Example.ORG")
    assert response.status_code == 302
    assert _signed_in_as(client) == "alice"


def test_a_wrong_password_says_so_and_signs_in_nobody(client, user):
    page = _sign_in(client, "alice", "wrong")
    assert page.status_code == 200
    assert "do not match an account" in page.text
    assert _signed_in_as(client) == ""


def test_an_address_two_accounts_share_signs_in_neither_and_says_to_use_the_username(client):
    make_user("ann", password="ann's horse 1", email="desk@example.org")
    make_user("ben", password="ben's horse 1", email="desk@example.org")
    page = _sign_in(client, "desk@example.org", "ann's horse 1")
    assert page.status_code == 200
    assert "sign in with your username instead" in page.text
    assert _signed_in_as(client) == ""
    assert _sign_in(client, "ann", "ann's horse 1").status_code == 302


def test_a_username_that_looks_like_an_address_is_still_a_username(client):
    make_user("ann@desk", password="ann's horse 1", email="ann@example.org")
    assert _sign_in(client, "ann@desk", "ann's horse 1").status_code == 302
    assert _signed_in_as(client) == "ann@desk"


def test_a_deactivated_account_cannot_sign_in(client, user):
    user.is_active = False
    user.save()
    # The right password is told the account is deactivated; a wrong one learns nothing.
    assert "This account is deactivated" in _sign_in(client, "alice").text
    assert _signed_in_as(client) == ""
    wrong = _sign_in(Client(), "alice", "wrong")
    assert "do not match an account" in wrong.text
    assert "deactivated" not in wrong.text


def test_too_many_failures_pause_signing_in_with_a_clear_message(client, user, settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 3
    for _ in range(3):
        _sign_in(Client(), "alice", "wrong")
    page = _sign_in(client, "alice")
    assert "Too many failed sign-ins" in page.text
    assert f"try again in up to {settings.SIGN_IN_WINDOW_MINUTES} minutes" in page.text
    assert _signed_in_as(client) == ""


def test_next_leads_to_a_page_of_this_site(client, user):
    assert _sign_in(client, "alice", next="/feeds/").url == "/feeds/"


@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/login/"]
)
def test_next_elsewhere_or_back_to_sign_in_leads_to_the_library(client, user, next_url):
    assert _sign_in(client, "alice", next=next_url).url == reverse("library")


def test_the_page_keeps_next_for_the_form(client):
    page = client.get(reverse("login"), {"next": "/feeds/"})
    assert '<input type="hidden" name="next" value="/feeds/">' in page.text


def test_someone_signed_in_is_sent_on(client, user):
    client.force_login(user)
    assert client.get(reverse("login"), {"next": "/feeds/"}).url == "/feeds/"


def test_a_form_without_its_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    response = _sign_in(client, "alice")
    assert response.status_code == 403
    assert _signed_in_as(client) == ""


def test_an_empty_form_says_what_is_missing(client):
    page = client.post(reverse("login"), {})
    assert page.status_code == 200
    assert page.text.count("This field is required.") == 2


def test_signing_out_ends_the_session(client, user):
    client.force_login(user)
    assert client.post(reverse("logout")).url == reverse("login")
    assert _signed_in_as(client) == ""


# The Django admin ---------------------------------------------------------------------


def test_the_admin_sign_in_is_the_apps_sign_in(client):
    response = client.get("/admin/")
    assert response.url == "/admin/login/?next=/admin/"
    assert client.get(response.url).url == reverse("login") + "?next=/admin/"


def test_an_administrator_signs_in_and_reaches_the_admin(client):
    make_user("root", password="root's horse 1", staff=True)
    response = client.post(
        reverse("login"), {"username": "root", "password": "root's horse 1", "next": "/admin/"}
    )
    assert response.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_member_in_the_admin_is_told_it_is_for_administrators(client, user):
    client.force_login(user)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert "not an administrator" in response.text
