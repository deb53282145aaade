"""Limits that every process shares: sign-in throttling per account and per address, the
client address believed only from trusted proxies, counters kept in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import ratelimit
from articles.models import RateCounter
from tests.factories import make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 1"  # the `user` fixture's (alice)


def _sign_in(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_ten_wrong_passwords_pause_the_account_even_for_the_right_one(user, settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 10
    for _ in range(10):
        assert _sign_in(Client(), "alice", "wrong").status_code == 200
    # A new browser (a new session, perhaps another web process): still paused.
    refused = _sign_in(Client(), "alice", PASSWORD)
    assert refused.status_code == 200
    assert "Too many failed sign-ins" in refused.text
    assert "_auth_user_id" not in refused.wsgi_request.session
    # The counters are rows every process reads, not memory of this one.
    assert RateCounter.objects.get(scope="sign-in-account", subject="alice").count == 10


def test_a_paused_account_does_not_pause_a_colleague(user, settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 3
    make_user("bob", password="bob's horse 2")
    for _ in range(3):
        _sign_in(Client(), "alice", "wrong")
    assert _sign_in(Client(), "bob", "bob's horse 2").status_code == 302


def test_an_address_guessing_across_accounts_is_paused(user, settings):
    settings.SIGN_IN_FAILURES_PER_ADDRESS = 5
    for name in ["a1", "a2", "a3", "a4", "a5"]:
        _sign_in(Client(), name, "wrong")
    paused = _sign_in(Client(), "alice", PASSWORD)
    assert "Too many failed sign-ins" in paused.text
    elsewhere = Client(REMOTE_ADDR="192.0.2.44")
    assert _sign_in(elsewhere, "alice", PASSWORD).status_code == 302


def test_the_right_password_ends_an_accounts_streak(user, settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 3
    _sign_in(Client(), "alice", "wrong")
    _sign_in(Client(), "alice", "wrong")
    assert _sign_in(Client(), "alice", PASSWORD).status_code == 302
    _sign_in(Client(), "alice", "wrong")
    _sign_in(Client(), "alice", "wrong")
    assert _sign_in(Client(), "alice", PASSWORD).status_code == 302


def test_the_pause_ends_with_its_window(user, settings):
    settings.SIGN_IN_FAILURES_PER_ACCOUNT = 2
    _sign_in(Client(), "alice", "wrong")
    _sign_in(Client(), "alice", "wrong")
    assert "Too many" in _sign_in(Client(), "alice", PASSWORD).text
    RateCounter.objects.update(window=0)  # as if the window were long over
    assert _sign_in(Client(), "alice", PASSWORD).status_code == 302


# --- Who the client is -----------------------------------------------------------------------


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_a_forged_forwarded_for_is_ignored_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = []
    assert ratelimit.client_address(_request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    # The client forged the first entry; the proxy appended the real one.
    request = _request("10.0.0.2", "198.51.100.1, 203.0.113.9")
    assert ratelimit.client_address(request) == "203.0.113.9"
    # Two proxies in a row, both trusted: the first untrusted from the right.
    assert ratelimit.client_address(_request("10.0.0.2", "203.0.113.9, 10.0.0.7")) == (
        "203.0.113.9"
    )
    # A request straight to gunicorn from elsewhere: its header is not believed.
    assert ratelimit.client_address(_request("203.0.113.50", "10.0.0.1")) == "203.0.113.50"


def test_a_malformed_trusted_proxies_entry_never_trusts_a_bad_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert ratelimit.client_address(_request("not-an-ip", "198.51.100.1")) == "not-an-ip"


# --- The counters ----------------------------------------------------------------------------


def test_hits_count_up_atomically_in_one_row_per_window():
    assert [ratelimit.hit("test", "x") for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("test", "x") == 3
    assert RateCounter.objects.filter(scope="test").count() == 1


def _at(monkeypatch, seconds_since_epoch: float) -> None:
    monkeypatch.setattr(ratelimit.time, "time", lambda: seconds_since_epoch)


def test_a_burst_across_a_windows_end_is_counted_whole(monkeypatch):
    """Five events just before a window ends and one just after are six, not one."""
    _at(monkeypatch, 1_800_000_000 - 0.5)  # half a second before a minute's end
    for _ in range(5):
        ratelimit.hit("test", "x")
    _at(monkeypatch, 1_800_000_000 + 0.5)  # the next minute has just begun
    assert ratelimit.count("test", "x") == 5
    assert ratelimit.hit("test", "x") == 6


def test_the_previous_window_weighs_less_as_it_slides_away(monkeypatch):
    _at(monkeypatch, 1_800_000_000 - 1)
    for _ in range(10):
        ratelimit.hit("test", "x")
    _at(monkeypatch, 1_800_000_000 + 30)  # half the previous minute is still in the last 60 s
    assert ratelimit.count("test", "x") == 5
    _at(monkeypatch, 1_800_000_000 + 59)
    assert ratelimit.count("test", "x") == 1  # a sixth of an event still counts as one
    _at(monkeypatch, 1_800_000_000 + 60)
    assert ratelimit.count("test", "x") == 0


def test_the_wait_is_until_the_count_is_under_the_limit(monkeypatch):
    _at(monkeypatch, 1_800_000_000 - 20)  # 20 s left in this minute
    assert ratelimit.wait_for(3, limit=3) == 0
    # 4 counted, limit 3: 20 s, then until 4 x (1 - share) <= 2, half the next minute.
    assert ratelimit.wait_for(4, limit=3) == 20 + 30


def test_prune_drops_windows_that_are_over():
    ratelimit.hit("test", "old")
    ratelimit.hit("test", "new")
    RateCounter.objects.filter(subject="old").update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert ratelimit.prune() == 1
    assert list(RateCounter.objects.values_list("subject", flat=True)) == ["new"]


def test_a_forwarded_entry_that_is_no_address_counts_the_proxys_peer(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert ratelimit.client_address(_request("10.0.0.2", "198.51.100.1\x00")) == "10.0.0.2"
    assert ratelimit.client_address(_request("10.0.0.2", "unknown")) == "10.0.0.2"
