"""Changing one's password on the settings page, and resetting a forgotten one by e-mail."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.test import Client
from django.urls import reverse

from articles.models import UserSession
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 1"  # alice's (the `user` fixture)
NEW = "a new passphrase 7"


def _signed_in_as(client):
    return client.get(reverse("library")).wsgi_request.user.get_username()


def _sign_in(client, password):
    return client.post(reverse("login"), {"username": "alice", "password": password})


# Changing it --------------------------------------------------------------------------


def _change(client, old=PASSWORD, new1=NEW, new2=NEW):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new2},
    )


def test_the_page_asks_for_the_current_password_and_the_new_one_twice(client, user):
    client.force_login(user)
    page = client.get(reverse("password_change"))
    assert page.status_code == 200
    for label in ("Current password", "New password", "New password again"):
        assert f">{label}</label>" in page.text
    assert 'autocomplete="new-password"' in page.text


def test_a_new_password_is_set_and_said_so_and_this_browser_stays_in(client, user):
    _sign_in(client, PASSWORD)
    response = _change(client)
    assert response.status_code == 302
    assert response.url == "/settings/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your password is changed. Any other browser signed in as you is signed out."
    ]
    assert _signed_in_as(client) == "alice"
    client.post(reverse("logout"))
    assert "do not match" in _sign_in(client, PASSWORD).text
    assert _sign_in(client, NEW).status_code == 302


def test_other_browsers_are_signed_out_and_leave_the_list(client, user):
    elsewhere = Client()
    _sign_in(elsewhere, PASSWORD)
    _sign_in(client, PASSWORD)
    assert UserSession.objects.filter(user=user).count() == 2
    _change(client)
    assert _signed_in_as(elsewhere) == ""
    assert _signed_in_as(client) == "alice"
    # This browser's row follows its session, which Django gave a new key.
    rows = list(UserSession.objects.filter(user=user))
    assert [r.session_key for r in rows] == [client.session.session_key]


def test_a_wrong_current_password_changes_nothing(client, user):
    client.force_login(user)
    page = _change(client, old="not it")
    assert page.status_code == 200
    assert "That is not your current password" in page.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("new", "why"),
    [
        ("password", "This password is too common."),
        ("short", "This password is too short."),
        ("83749261530", "This password is entirely numeric."),
        ("alice123", "The password is too similar to the username."),
    ],
)
def test_a_weak_password_is_refused_with_the_reason(client, user, new, why):
    client.force_login(user)
    page = _change(client, new1=new, new2=new)
    assert page.status_code == 200
    assert why in page.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_two_different_new_passwords_are_refused(client, user):
    client.force_login(user)
    page = _change(client, new2="another passphrase 8")
    assert "The two password fields didn’t match." in page.text
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_the_change_form_needs_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert _change(client).status_code == 403
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get(reverse("password_change")).url.startswith(reverse("login"))


# Resetting it by e-mail ---------------------------------------------------------------


def _ask(client, email="alice@example.org"):
    return client.post(reverse("password_reset"), {"email": email})


def _link():
    (message,) = mail.outbox
    found = re.search(r"https?://[^/\s]+(/password-reset/[^/\s]+/[^/\s]+/)", message.body)
    assert found, message.body
    return found[1]


def _set(client, link, new1=NEW, new2=NEW):
    form_page = client.get(link)
    assert form_page.status_code == 302  # to the same address without the token
    return client.post(form_page.url, {"new_password1": new1, "new_password2": new2})


def test_the_reset_page_asks_for_the_email_address(client):
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    assert ">E-mail address</label>" in page.text
    assert 'autocomplete="email"' in page.text


def test_a_known_address_gets_a_plain_text_link(client, user):
    response = _ask(client)
    assert response.url == reverse("password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Reset your Newsroom password"
    assert not message.alternatives  # plain text only
    assert "Your username is alice." in message.body
    assert "works once, for 1 day" in message.body
    assert "&amp;" not in message.body
    assert "Check your e-mail" in client.get(response.url).text


def test_an_unknown_address_gets_the_same_answer_and_no_email(client, user):
    known, unknown = _ask(Client()), _ask(client, "nobody@example.org")
    assert unknown.status_code == known.status_code == 302
    assert unknown.url == known.url
    assert len(mail.outbox) == 1  # alice's alone


def test_the_link_sets_a_new_password_that_signs_in(client, user):
    _ask(client)
    link = _link()
    response = _set(client, link)
    assert response.url == reverse("password_reset_complete")
    assert "Your new password is set" in client.get(response.url).text
    assert _signed_in_as(client) == ""  # the link signs nobody in
    assert "do not match" in _sign_in(client, PASSWORD).text
    assert _sign_in(client, NEW).status_code == 302


def test_a_link_used_twice_says_it_no_longer_works_and_offers_a_new_one(client, user):
    _ask(client)
    link = _link()
    _set(client, link)
    page = Client().get(link)
    assert page.status_code == 200
    assert "This link no longer works" in page.text
    assert f'href="{reverse("password_reset")}">Send me a new link</a>' in page.text
    user.refresh_from_db()
    assert user.check_password(NEW)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda link: link[:-3] + "xx/",  # a token cut short
        lambda link: "/password-reset/MTAwMDA/" + link.rsplit("/", 2)[1] + "/",  # someone else
        lambda _link: "/password-reset/!!!/set-password/",
    ],
)
def test_a_broken_link_says_it_no_longer_works(client, user, tamper):
    _ask(client)
    page = client.get(tamper(_link()))
    assert page.status_code == 200
    assert "This link no longer works" in page.text


def test_a_weak_new_password_is_refused_and_the_link_still_works(client, user):
    _ask(client)
    link = _link()
    page = _set(client, link, new1="password", new2="password")
    assert page.status_code == 200
    assert "This password is too common." in page.text
    assert _set(client, link).url == reverse("password_reset_complete")


def test_a_reset_signs_out_every_browser(client, user):
    elsewhere = Client()
    _sign_in(elsewhere, PASSWORD)
    _ask(client)
    _set(client, _link())
    assert _signed_in_as(elsewhere) == ""
    assert not UserSession.objects.filter(user=user).exists()


def test_a_deactivated_account_gets_no_link(client, user):
    user.is_active = False
    user.save()
    assert _ask(client).url == reverse("password_reset_done")
    assert mail.outbox == []


def test_an_address_two_accounts_share_gets_one_link_each(client):
    make_user("ann", password="ann's horse 1", email="desk@example.org")
    make_user("ben", password="ben's horse 1", email="desk@example.org")
    _ask(client, "desk@example.org")
    assert sorted(m.body.split("Your username is ")[1][:3] for m in mail.outbox) == ["ann", "ben"]


def test_requests_for_one_address_are_throttled(client, user):
    for _ in range(3):
        _ask(Client())
    page = _ask(client)
    assert page.status_code == 429
    assert "Too many reset requests" in page.text
    assert len(mail.outbox) == 3


def test_requests_from_one_client_are_throttled(client, user):
    for n in range(10):
        _ask(client, f"someone{n}@example.org")
    page = _ask(client)
    assert page.status_code == 429
    assert mail.outbox == []
    # Another client still asks for its own.
    assert (
        Client(REMOTE_ADDR="10.0.0.9")
        .post(reverse("password_reset"), {"email": "alice@example.org"})
        .status_code
        == 302
    )


def test_a_malformed_address_is_refused_with_a_form_error(client, user):
    page = _ask(client, "not an address")
    assert page.status_code == 200
    assert "Enter a valid email address." in page.text
    assert mail.outbox == []


def test_the_reset_form_needs_the_csrf_token(user):
    assert _ask(Client(enforce_csrf_checks=True)).status_code == 403
    assert mail.outbox == []
