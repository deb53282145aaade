"""Invitations (articles/views/team.py): an administrator makes one on /team/invitations/,
the link is shown once (and e-mailed when an address is given), and the invited person
accepts it at /invite/<token>/, which makes their account with the invitation's role and
groups and signs them in. A used, revoked, expired or unknown link answers 410."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import accounts, sharing
from articles.models import Invitation, Role, TeamSettings
from articles.views import team
from tests.factories import make_group, signed_in

pytestmark = pytest.mark.django_db

PASSWORD = "a long walk by the harbour"
URL = re.compile(r"https?://[^\s\"<]+/invite/[\w-]+/")


@pytest.fixture
def admin(admin_user):
    return signed_in(admin_user)


def _make(admin, **data):
    response = admin.post(reverse("team_invitations"), {"role": "member", **data}, follow=True)
    assert response.status_code == 200, response.text
    return response


def _link(page) -> str:
    match = URL.search(page.text)
    assert match, "no invitation link on the page"
    return match.group(0)


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def _accept(client, path, **data):
    fields = {
        "username": "dora",
        "display_name": "Dora Explorer",
        "email": "dora@example.org",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **data,
    }
    return client.post(path, fields)


# Making invitations ----------------------------------------------------------------------


def test_a_link_invitation_shows_its_link_once(admin):
    page = _make(admin, email="")
    url = _link(page)
    assert "shown only this once" in page.text
    assert url.startswith("http://testserver/invite/")
    assert "Link to hand over" in page.text
    again = admin.get(reverse("team_invitations"))
    assert url not in again.text
    assert Invitation.objects.get().email == ""


def test_an_email_invitation_is_sent_to_the_address(admin):
    page = _make(admin, email="dora@example.org", role="guest")
    url = _link(page)
    assert "Invitation sent to dora@example.org" in page.text
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["dora@example.org"]
    assert "invites you to Newsroom" in sent.subject
    assert url in sent.body
    assert "as a guest" in sent.body


def test_an_email_that_cannot_be_sent_still_leaves_the_link(admin, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(team, "send_mail", fail)
    page = _make(admin, email="dora@example.org")
    assert "could not be sent" in page.text
    assert _link(page)


def test_an_address_an_active_colleague_uses_is_refused(admin, user):
    response = admin.post(
        reverse("team_invitations"), {"email": user.email.upper(), "role": "member"}
    )
    assert response.status_code == 400
    assert "already signs in with this address" in response.text
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_deactivated_colleagues_address_may_be_invited_again(admin, admin_user, user):
    accounts.deactivate(user, by=admin_user)
    _make(admin, email=user.email)
    assert Invitation.objects.get().email == user.email


def test_a_bad_address_is_refused_beside_the_field(admin):
    response = admin.post(reverse("team_invitations"), {"email": "not an address", "role": "x"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.text
    assert "Select a valid choice" in response.text


def test_pending_invitations_are_listed_with_role_groups_and_maker(admin, admin_user):
    desk = make_group("Politics desk")
    make_group("Fact-check")
    _make(admin, email="dora@example.org", role="guest", groups=[desk.pk])
    page = admin.get(reverse("team_invitations")).text
    row = page[page.index('id="invitation-') :]
    row = row[: row.index("</tr>")]
    assert "dora@example.org" in row
    assert "Guest" in row
    assert "Politics desk" in row
    assert "Fact-check" not in row
    assert admin_user.username in row


def test_the_groups_offered_are_the_teams_groups_but_everyone(admin):
    make_group("Politics desk")
    page = admin.get(reverse("team_invitations")).text
    assert "Politics desk" in page
    everyone = sharing.default_group()
    assert f'value="{everyone.pk}"' not in page


def test_no_pending_invitations_says_so(admin):
    assert "No pending invitations" in admin.get(reverse("team_invitations")).text


def test_an_invitation_lasts_as_long_as_the_team_says(admin):
    settings = TeamSettings.current()
    settings.invitation_days = 3
    settings.save()
    _make(admin)
    left = Invitation.objects.get().expires_at - timezone.now()
    assert dt.timedelta(days=2, hours=23) < left <= dt.timedelta(days=3)


def test_revoking_asks_first_then_the_link_stops_working(admin, client):
    url = _link(_make(admin))
    invitation = Invitation.objects.get()
    revoke = reverse("team_revoke_invitation", args=[invitation.pk])
    confirm = admin.get(revoke)
    assert "Revoke this invitation?" in confirm.text
    assert Invitation.objects.get().state == "pending"
    page = admin.post(revoke, follow=True)
    assert "no longer works" in page.text
    assert "No pending invitations" in page.text
    assert "Revoked" in page.text  # listed below, with what became of it
    gone = client.get(_path(url))
    assert gone.status_code == 410
    assert "withdrawn" in gone.text


def test_an_old_spent_invitation_is_no_longer_listed(admin, admin_user):
    old, _ = accounts.invite(by=admin_user, email="old@example.org")
    Invitation.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=60),
        expires_at=timezone.now() - dt.timedelta(days=53),
    )
    recent, _ = accounts.invite(by=admin_user, email="recent@example.org")
    accounts.revoke(recent)
    page = admin.get(reverse("team_invitations")).text
    assert "recent@example.org" in page
    assert "old@example.org" not in page


# Accepting -------------------------------------------------------------------------------


def test_accepting_makes_the_account_signs_in_and_welcomes(admin, admin_user, client):
    admin_user.profile.display_name = "Rita Root"
    admin_user.profile.save()
    desk = make_group("Politics desk")
    path = _path(_link(_make(admin, groups=[desk.pk])))
    page = client.get(path)
    assert page.status_code == 200
    assert "Rita Root" in page.text
    assert "testserver" in page.text  # the team's Newsroom
    assert "Politics desk" in page.text
    response = _accept(client, path)
    assert response.status_code == 302
    assert response.url == reverse("library")
    library = client.get(response.url)
    assert library.status_code == 200
    assert "Welcome to Newsroom, Dora Explorer" in library.text
    dora = get_user_model().objects.get(username="dora")
    assert library.context["user"] == dora
    assert [g.name for g in sharing.groups_of(dora)] == ["Everyone", "Politics desk"]
    assert dora.profile.display_name == "Dora Explorer"
    assert accounts.role_of(dora) == Role.MEMBER


def test_a_guest_invitation_makes_a_guest(admin, client):
    path = _path(_link(_make(admin, role="guest")))
    assert _accept(client, path).status_code == 302
    dora = get_user_model().objects.get(username="dora")
    assert accounts.role_of(dora) == Role.GUEST
    assert not dora.is_staff


def test_an_administrator_invitation_makes_an_administrator(admin, client):
    path = _path(_link(_make(admin, role="admin")))
    assert _accept(client, path).status_code == 302
    assert client.get(reverse("team")).status_code == 200


def test_an_invitation_for_an_address_keeps_it(admin, client):
    path = _path(_link(_make(admin, email="dora@example.org")))
    page = client.get(path)
    assert 'value="dora@example.org"' in page.text
    assert "disabled" in page.text[page.text.index('name="email"') - 200 :][:400]
    assert _accept(client, path, email="mallory@example.org").status_code == 302
    assert get_user_model().objects.get(username="dora").email == "dora@example.org"


def test_accepting_twice_answers_410_and_makes_one_account(admin, client):
    path = _path(_link(_make(admin)))
    assert _accept(client, path).status_code == 302
    other = Client()
    again = _accept(other, path, username="eve", email="eve@example.org")
    assert again.status_code == 410
    assert "already been used" in again.text
    assert not get_user_model().objects.filter(username="eve").exists()
    assert other.get(path).status_code == 410


def test_an_expired_invitation_answers_410(admin, client):
    path = _path(_link(_make(admin)))
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = client.get(path)
    assert page.status_code == 410
    assert "expired" in page.text
    assert "Ask an administrator for a new one" in page.text
    assert _accept(client, path).status_code == 410
    assert not get_user_model().objects.filter(username="dora").exists()


def test_a_revoked_invitation_cannot_be_accepted(admin, client):
    path = _path(_link(_make(admin)))
    accounts.revoke(Invitation.objects.get())
    response = _accept(client, path)
    assert response.status_code == 410
    assert "withdrawn" in response.text
    assert not get_user_model().objects.filter(username="dora").exists()


def test_an_unknown_token_answers_410(client):
    page = client.get(reverse("accept_invitation", args=["no-such-token"]))
    assert page.status_code == 410
    assert "does not work" in page.text
    assert page["Cache-Control"] == "private, no-store"
    assert page["Referrer-Policy"] == "same-origin"


def test_unknown_tokens_are_throttled_per_address(client, monkeypatch):
    monkeypatch.setattr(team, "INVITATION_LOOKUPS_PER_MINUTE", 3)
    answers = [client.get(f"/invite/guess-{n}/").status_code for n in range(5)]
    assert answers == [410, 410, 410, 429, 429]


def test_a_valid_invitation_opens_even_after_failed_guesses(admin, client, monkeypatch):
    monkeypatch.setattr(team, "INVITATION_LOOKUPS_PER_MINUTE", 1)
    path = _path(_link(_make(admin)))
    client.get("/invite/guess-1/")
    client.get("/invite/guess-2/")
    assert client.get(path).status_code == 200


def test_a_weak_password_is_refused(admin, client):
    path = _path(_link(_make(admin)))
    response = _accept(client, path, password1="password", password2="password")
    assert response.status_code == 400
    assert "This password is too common." in response.text
    assert not get_user_model().objects.filter(username="dora").exists()
    assert Invitation.objects.get().state == "pending"


def test_two_different_passwords_are_refused(admin, client):
    path = _path(_link(_make(admin)))
    response = _accept(client, path, password2=PASSWORD + "!")
    assert response.status_code == 400
    assert "The two passwords differ." in response.text


def test_a_taken_username_is_refused(admin, client, user):
    path = _path(_link(_make(admin)))
    response = _accept(client, path, username=user.username.upper())
    assert response.status_code == 400
    assert "This username is taken" in response.text
    assert Invitation.objects.get().state == "pending"


def test_a_taken_email_is_refused(admin, client, user):
    path = _path(_link(_make(admin)))
    response = _accept(client, path, email=user.email)
    assert response.status_code == 400
    assert "An account with this address already exists" in response.text
    assert not get_user_model().objects.filter(username="dora").exists()


def test_a_signed_in_person_is_told_to_sign_out_first(admin, bob):
    path = _path(_link(_make(admin)))
    colleague = signed_in(bob)
    page = colleague.get(path)
    assert "Sign out first" in page.text
    assert 'name="password1"' not in page.text
    response = _accept(colleague, path)
    assert response.status_code == 409
    assert not get_user_model().objects.filter(username="dora").exists()
    assert Invitation.objects.get().state == "pending"


def test_signing_out_from_the_invitation_comes_back_to_it(admin, bob):
    path = _path(_link(_make(admin)))
    colleague = signed_in(bob)
    response = colleague.post(reverse("logout"), {"next": path})
    assert response.status_code == 302
    assert response.url == path
    assert colleague.get(path).status_code == 200
    assert 'name="password1"' in colleague.get(path).text


def test_a_forged_acceptance_without_csrf_is_refused(admin):
    path = _path(_link(_make(admin)))
    forger = Client(enforce_csrf_checks=True)
    response = _accept(forger, path)
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="dora").exists()


def test_a_forged_invitation_without_csrf_is_refused(admin_user):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(admin_user)
    response = forger.post(reverse("team_invitations"), {"role": "admin"})
    assert response.status_code == 403
    assert not Invitation.objects.exists()
