"""Two-factor sign-in: the code step after the password, recovery codes, turning it on
and off on the settings page, and the team's requirement."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import accounts
from articles.models import TeamSettings
from articles.views.signin import PENDING
from tests.factories import make_user
from tests.otp import RECOVERY, app_code, app_code_from_key, turn_on_two_factor

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 1"  # alice's (the `user` fixture)


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    """django-otp waits 1, 2, 4… seconds after each wrong code; most tests send a right
    one next, which would be refused for that second. The back-off has its own test."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


@pytest.fixture
def phone(user):
    return turn_on_two_factor(user)


def _password(client, next_url=""):
    data = {"username": "alice", "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data)


def _code(client, code, *, recovery=False):
    url = reverse("login_code") + ("?with=recovery" if recovery else "")
    return client.post(url, {"code": code})


def _signed_in_as(client):
    return client.get(reverse("library")).wsgi_request.user.get_username()


def _sign_out(client):
    client.post(reverse("logout"))


# Signing in with a code ---------------------------------------------------------------


def test_the_password_alone_asks_for_a_code_and_signs_in_nobody(client, phone):
    response = _password(client)
    assert response.url == reverse("login_code")
    assert _signed_in_as(client) == ""
    page = client.get(reverse("login_code"))
    assert "enter the 6-digit code" in page.text


def test_the_code_field_suits_a_keyboard_and_a_phone(client, phone):
    _password(client)
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", client.get(reverse("login_code")).text)
    assert field is not None
    for attribute in ("autofocus", 'autocomplete="one-time-code"', 'inputmode="numeric"'):
        assert attribute in field[0]


def test_the_code_from_the_app_signs_in(client, phone):
    _password(client)
    response = _code(client, app_code(phone))
    assert response.url == reverse("library")
    assert _signed_in_as(client) == "alice"
    assert client.session[DEVICE_ID_SESSION_KEY] == phone.persistent_id
    assert PENDING not in client.session


def test_the_code_may_be_typed_with_spaces(client, phone):
    _password(client)
    code = app_code(phone)
    assert _code(client, f" {code[:3]} {code[3:]} ").status_code == 302


def test_next_survives_the_code_step(client, phone):
    _password(client, next_url="/feeds/")
    assert _code(client, app_code(phone)).url == "/feeds/"


def test_a_wrong_code_says_so_and_signs_in_nobody(client, phone):
    _password(client)
    right = app_code(phone)
    page = _code(client, f"{(int(right) + 1) % 1_000_000:06d}")
    assert page.status_code == 400
    assert "That code is not right" in page.text
    assert _signed_in_as(client) == ""


def test_a_code_of_minutes_ago_is_refused(client, phone):
    _password(client)
    assert "That code is not right" in _code(client, app_code(phone, seconds_from_now=-300)).text
    assert _signed_in_as(client) == ""


def test_a_code_used_once_does_not_sign_in_again(client, phone):
    code = app_code(phone)
    _password(client)
    assert _code(client, code).status_code == 302
    _sign_out(client)
    _password(client)
    page = _code(client, code)
    assert "used already" in page.text
    assert _signed_in_as(client) == ""


def test_text_that_is_no_code_is_refused_with_what_a_code_looks_like(client, phone):
    _password(client)
    page = _code(client, "hello world")
    assert page.status_code == 400
    assert "Enter the 6 digits your authenticator app shows" in page.text


def test_a_recovery_code_signs_in_once(client, phone):
    _password(client)
    response = _code(client, "ABCD-2345", recovery=True)
    assert response.status_code == 302
    library = client.get(reverse("library"))
    assert library.wsgi_request.user.get_username() == "alice"
    assert "You used a recovery code; 2 left" in library.text
    _sign_out(client)
    _password(client)
    page = _code(client, "abcd2345", recovery=True)
    assert "not one of yours, or it was used already" in page.text
    assert _signed_in_as(client) == ""


def test_the_recovery_page_lets_a_phone_type_letters(client, phone):
    _password(client)
    page = client.get(reverse("login_code"), {"with": "recovery"})
    field = re.search(r"<input[^>]*name=\"code\"[^>]*>", page.text)
    assert 'inputmode="text"' in field[0]
    assert "Recovery code" in page.text


def test_a_recovery_code_also_works_in_the_app_codes_field(client, phone):
    _password(client)
    assert _code(client, "efgh 2367").status_code == 302


def test_someone_elses_recovery_code_is_refused(client, phone):
    turn_on_two_factor(make_user("bob"), recovery=("zzzz2345",))
    _password(client)
    assert "not one of yours" in _code(client, "zzzz-2345").text


def test_without_recovery_codes_left_the_page_says_so(client, phone):
    StaticToken.objects.all().delete()
    _password(client)
    assert "You have no recovery codes left" in _code(client, "abcd2345").text


def test_five_minutes_after_the_password_the_code_step_is_over(client, phone):
    _password(client)
    session = client.session
    session[PENDING] = {**session[PENDING], "at": session[PENDING]["at"] - 301}
    session.save()
    response = _code(client, app_code(phone))
    assert response.url == reverse("login")
    assert _signed_in_as(client) == ""
    assert "took more than 5 minutes" in client.get(reverse("login")).text


def test_the_code_step_without_a_password_goes_back_to_sign_in(client, phone):
    response = _code(client, app_code(phone))
    assert response.url == reverse("login")
    assert "password first" in client.get(reverse("login")).text
    assert _signed_in_as(client) == ""


@pytest.mark.parametrize(
    "forged",
    [
        "alice",
        {"user": "1; DROP TABLE", "at": 0},
        {"user": None, "hash": "", "backend": "", "at": "soon", "next": ""},
        {"user": 10**12, "hash": "x", "backend": "x", "at": 0, "next": ""},
    ],
)
def test_a_forged_pending_sign_in_goes_back_to_sign_in(client, phone, forged):
    session = client.session
    session[PENDING] = forged
    session.save()
    assert client.get(reverse("login_code")).url == reverse("login")
    assert _code(client, app_code(phone)).url == reverse("login")
    assert _signed_in_as(client) == ""


def test_a_pending_sign_in_for_someone_else_needs_their_session_hash(client, phone):
    _password(client)
    session = client.session
    session[PENDING] = {**session[PENDING], "hash": "0" * 64}
    session.save()
    assert _code(client, app_code(phone)).url == reverse("login")
    assert _signed_in_as(client) == ""


def test_a_password_changed_meanwhile_ends_the_pending_sign_in(client, phone, user):
    _password(client)
    user.set_password("another horse 2")
    user.save()
    assert _code(client, app_code(phone)).url == reverse("login")
    assert _signed_in_as(client) == ""


def test_wrong_codes_pause_the_account_even_for_the_right_code(client, phone):
    _password(client)
    for n in range(5):
        assert "That code is not right" in _code(client, f"{n:06d}").text
    page = _code(client, app_code(phone))
    assert "Too many wrong codes" in page.text
    assert _signed_in_as(client) == ""
    # Another browser, with the password again: still paused.
    other = Client()
    _password(other)
    assert "Too many wrong codes" in _code(other, app_code(phone)).text


def test_django_otp_backs_off_after_a_wrong_code(client, phone, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 10
    _password(client)
    _code(client, "000000" if app_code(phone) != "000000" else "111111")
    page = _code(client, app_code(phone))
    assert re.search(r"Too many wrong codes in a row: wait \d+ seconds", page.text)
    assert _signed_in_as(client) == ""


def test_the_code_step_needs_the_csrf_token(phone):
    client = Client(enforce_csrf_checks=True)
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    response = client.post(reverse("login_code"), {"code": app_code(phone)})
    assert response.status_code == 403


def test_without_two_factor_the_password_signs_in_at_once(client, user):
    assert _password(client).url == reverse("library")
    assert _signed_in_as(client) == "alice"


# Turning it on ------------------------------------------------------------------------


def _secret(page):
    found = re.search(r'<code class="secret" id="totp-secret"[^>]*>([A-Z2-7 ]+)</code>', page.text)
    assert found, "the key is not on the page"
    return found[1]


def test_the_setup_page_shows_a_qr_code_inline_and_the_key_in_groups(client, user):
    client.force_login(user)
    page = client.get(reverse("two_factor_setup"))
    assert page.status_code == 200
    assert re.search(r'<div class="qr"><svg role="img"[^>]*class="qr-code"', page.text)
    assert re.fullmatch(r"([A-Z2-7]{4} )+[A-Z2-7]{4}", _secret(page))
    assert " style=" not in page.text
    assert "<script>" not in page.text
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert not accounts.has_two_factor(user)


def test_reloading_the_setup_page_keeps_the_same_key(client, user):
    client.force_login(user)
    first = _secret(client.get(reverse("two_factor_setup")))
    assert _secret(client.get(reverse("two_factor_setup"))) == first
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_the_right_code_turns_it_on_and_shows_ten_recovery_codes_once(client, user):
    client.force_login(user)
    secret = _secret(client.get(reverse("two_factor_setup")))
    page = client.post(reverse("two_factor_setup"), {"code": app_code_from_key(secret)})
    assert page.status_code == 200
    assert "Signing in now asks for a code from your app" in page.text
    assert "shown only this once" in page.text
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page.text)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert accounts.has_two_factor(user)
    assert client.session[DEVICE_ID_SESSION_KEY].startswith("otp_totp.totpdevice/")
    again = client.get(reverse("two_factor_setup"))
    assert "Recovery codes" in again.text
    assert codes[0] not in again.text
    # And they sign in.
    _sign_out(client)
    _password(client)
    assert _code(client, codes[3].upper()).status_code == 302


def test_a_wrong_code_leaves_it_off(client, user):
    client.force_login(user)
    client.get(reverse("two_factor_setup"))
    page = client.post(reverse("two_factor_setup"), {"code": "12345"})
    assert page.status_code == 400
    assert "Enter the 6 digits" in page.text
    device = TOTPDevice.objects.get(user=user)
    wrong = "000000" if app_code(device) != "000000" else "111111"
    page = client.post(reverse("two_factor_setup"), {"code": wrong})
    assert page.status_code == 400
    assert "That code is not right" in page.text
    assert not accounts.has_two_factor(user)


def test_a_recovery_code_cannot_confirm_an_app(client, user):
    client.force_login(user)
    client.get(reverse("two_factor_setup"))
    page = client.post(reverse("two_factor_setup"), {"code": "abcd-2345"})
    assert page.status_code == 400
    assert not accounts.has_two_factor(user)


def test_confirming_twice_goes_to_the_state_page(client, user):
    client.force_login(user)
    secret = _secret(client.get(reverse("two_factor_setup")))
    code = app_code_from_key(secret)
    client.post(reverse("two_factor_setup"), {"code": code})
    response = client.post(reverse("two_factor_setup"), {"code": code})
    assert response.url == reverse("two_factor_setup")
    assert StaticDevice.objects.get(user=user).token_set.count() == 10


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("two_factor_setup"))
    assert response.url.startswith(reverse("login"))


def test_the_setup_form_needs_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("two_factor_setup"))
    assert client.post(reverse("two_factor_setup"), {"code": "123456"}).status_code == 403


# When it is on ------------------------------------------------------------------------


def test_the_state_page_says_it_is_on_and_how_many_codes_are_left(client, user, phone):
    client.force_login(user)
    page = client.get(reverse("two_factor_setup"))
    assert "<strong>On.</strong>" in page.text
    assert "3 left" in page.text
    assert "Show new recovery codes" in page.text
    assert "Turn off two-factor sign-in" in page.text


def test_new_recovery_codes_replace_the_old_ones(client, user, phone):
    client.force_login(user)
    page = client.post(reverse("two_factor_recovery"))
    assert "Your new recovery codes" in page.text
    assert "no longer work" in page.text
    codes = re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", page.text)
    assert len(codes) == 10
    _sign_out(client)
    _password(client)
    assert "not one of yours" in _code(client, RECOVERY[0]).text
    assert _code(client, codes[0]).status_code == 302


def test_new_recovery_codes_need_two_factor_on(client, user):
    client.force_login(user)
    response = client.post(reverse("two_factor_recovery"))
    assert response.url == reverse("two_factor_setup")
    assert not StaticDevice.objects.filter(user=user).exists()


@pytest.mark.parametrize("name", ["two_factor_recovery", "two_factor_disable"])
def test_the_actions_take_only_a_post(client, user, phone, name):
    client.force_login(user)
    assert client.get(reverse(name)).status_code == 405


def test_the_password_turns_it_off(client, user, phone):
    client.force_login(user)
    response = client.post(reverse("two_factor_disable"), {"proof": PASSWORD})
    assert response.url == reverse("two_factor_setup")
    assert not accounts.has_two_factor(user)
    assert not StaticDevice.objects.filter(user=user).exists()
    assert "Two-factor sign-in is off" in client.get(reverse("two_factor_setup")).text
    _sign_out(client)
    assert _password(client).url == reverse("library")


def test_a_code_from_the_app_turns_it_off(client, user, phone):
    client.force_login(user)
    client.post(reverse("two_factor_disable"), {"proof": app_code(phone)})
    assert not accounts.has_two_factor(user)


def test_a_wrong_proof_leaves_it_on(client, user, phone):
    client.force_login(user)
    page = client.post(reverse("two_factor_disable"), {"proof": "not my password"})
    assert page.status_code == 400
    assert "That is not your password, nor a code from your app" in page.text
    page = client.post(reverse("two_factor_disable"), {"proof": ""})
    assert page.status_code == 400
    assert accounts.has_two_factor(user)


def test_wrong_proofs_are_counted_with_wrong_codes(client, user, phone):
    client.force_login(user)
    for _ in range(5):
        client.post(reverse("two_factor_disable"), {"proof": "guess"})
    page = client.post(reverse("two_factor_disable"), {"proof": PASSWORD})
    assert "Too many wrong codes" in page.text
    assert accounts.has_two_factor(user)


def test_the_team_requirement_keeps_it_on(client, user, phone):
    TeamSettings.objects.update_or_create(pk=1, defaults={"require_two_factor": True})
    client.force_login(user)
    page = client.get(reverse("two_factor_setup"))
    assert "Your team requires two-factor sign-in, so it stays on" in page.text
    assert "Turn off two-factor sign-in" not in page.text
    refused = client.post(reverse("two_factor_disable"), {"proof": PASSWORD})
    assert refused.status_code == 403
    assert "cannot be turned off" in refused.text
    assert accounts.has_two_factor(user)


# The team's requirement ---------------------------------------------------------------


def test_someone_without_it_is_sent_to_set_it_up_and_told_why(client, user):
    TeamSettings.objects.update_or_create(pk=1, defaults={"require_two_factor": True})
    assert _password(client).status_code == 302
    assert client.get(reverse("library")).url == reverse("two_factor_setup")
    page = client.get(reverse("two_factor_setup"))
    assert "Your team requires two-factor sign-in" in page.text
    secret = _secret(page)
    client.post(reverse("two_factor_setup"), {"code": app_code_from_key(secret)})
    assert client.get(reverse("library")).status_code == 200


def test_a_code_from_a_later_step_is_still_taken(client, phone):
    """Apps and servers drift: the code of the next 30 seconds is accepted too."""
    _password(client)
    assert _code(client, app_code(phone, seconds_from_now=30)).status_code == 302


def test_the_codes_are_checked_by_django_otp_not_by_us(phone):
    """The device itself accepts what the page accepted: one implementation of TOTP."""
    totp = TOTP(phone.bin_key)
    assert phone.verify_token(f"{totp.token():06d}")
