"""The team page (/team/) and the team's settings (/team/settings/), for administrators
only: people with their role, status, two-factor and last sign-in; changing a role,
deactivating (which signs the person out and stops their links) and reactivating."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import accounts, sharing
from articles.models import Invitation, Role, TeamSettings
from articles.views import team
from tests.factories import highlight, make_group, make_user, signed_in
from tests.otp import turn_on_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(admin_user):
    return signed_in(admin_user)


def _fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def _row(page: str, pk: int) -> str:
    start = page.index(f'id="person-{pk}"')
    return page[start : page.index("</tr>", start)]


# Who may open the team pages ---------------------------------------------------------------


def _team_urls(world) -> list[str]:
    """Every /team/ address, with the ids of real objects where it takes them."""
    invitation, group, person = world
    args = {
        "team_change_role": [person.pk],
        "team_deactivate": [person.pk],
        "team_reactivate": [person.pk],
        "team_reset_two_factor": [person.pk],
        "team_revoke_invitation": [invitation.pk],
        "team_group": [group.pk],
        "team_rename_group": [group.pk],
        "team_add_member": [group.pk],
        "team_remove_member": [group.pk, person.pk],
        "team_delete_group": [group.pk],
    }
    names = [p.name for p in team.urlpatterns if p.name != "accept_invitation"]
    assert set(args) <= set(names)
    return [reverse(name, args=args.get(name, [])) for name in names]


@pytest.fixture
def world(admin_user, bob):
    invitation, _ = accounts.invite(by=admin_user, email="dora@example.org")
    return invitation, make_group("Politics desk", bob), bob


@pytest.mark.parametrize("role", [Role.MEMBER, Role.GUEST])
def test_no_team_url_opens_for_someone_who_is_not_an_administrator(world, admin_user, role):
    person = make_user("erin")
    accounts.set_role(person, role, by=admin_user)
    client = signed_in(person)
    urls = _team_urls(world)
    assert len(urls) == 14
    for url in urls:
        assert "Only administrators run the team" in client.get(url).text
        for method in (client.get, client.post):
            response = method(url, {"role": "admin", "name": "Mine", "user": person.pk})
            assert response.status_code == 403, (method, url)
    invitation, group, bob = world
    assert not person.is_staff
    assert Invitation.objects.get(pk=invitation.pk).state == "pending"
    assert group.memberships.count() == 1
    bob.refresh_from_db()
    assert bob.is_active


def test_signed_out_visitors_are_sent_to_sign_in(world, client):
    for url in _team_urls(world):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_a_forged_role_change_without_csrf_is_refused(admin_user, bob):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(admin_user)
    response = forger.post(reverse("team_change_role", args=[bob.pk]), {"role": "admin"})
    assert response.status_code == 403
    bob.refresh_from_db()
    assert not bob.is_staff


def test_a_forged_deactivation_without_csrf_is_refused(admin_user, bob):
    forger = Client(enforce_csrf_checks=True)
    forger.force_login(admin_user)
    assert forger.post(reverse("team_deactivate", args=[bob.pk])).status_code == 403
    bob.refresh_from_db()
    assert bob.is_active


# The people list -------------------------------------------------------------------------


def test_the_team_page_lists_everyone_with_role_status_and_two_factor(admin, admin_user, user):
    user.profile.display_name = "Alice Adams"
    user.profile.save()
    guest = make_user("gina")
    accounts.set_role(guest, Role.GUEST, by=admin_user)
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    gone = make_user("old")
    accounts.deactivate(gone, by=admin_user)
    page = admin.get(reverse("team")).text
    alice = _row(page, user.pk)
    assert "Alice Adams" in alice
    assert "alice@example.org" in alice
    assert '<option value="member" selected>' in alice
    assert "Two-factor" in page
    assert ">On" in alice
    assert '<option value="guest" selected>' in _row(page, guest.pk)
    old = _row(page, gone.pk)
    assert "Deactivated since" in old
    assert "Reactivate" in old
    me = _row(page, admin_user.pk)
    assert "Administrator" in me
    assert "Deactivate" not in me


def test_last_sign_in_is_shown(admin, user):
    page = admin.get(reverse("team")).text
    assert "Never" in _row(page, user.pk)
    signed_in(user)
    assert "Never" not in _row(admin.get(reverse("team")).text, user.pk)


def test_the_roles_are_explained(admin):
    page = admin.get(reverse("team")).text
    assert "What each role may do" in page
    assert "cannot annotate, tag or share" in page


def test_the_team_page_costs_the_same_queries_for_more_people(admin, django_assert_max_num_queries):
    for n in range(3):
        make_user(f"person{n}")
    admin.get(reverse("team"))
    with django_assert_max_num_queries(12):
        admin.get(reverse("team"))
    for n in range(3, 15):
        make_user(f"person{n}")
    with django_assert_max_num_queries(12):
        admin.get(reverse("team"))


# Roles -----------------------------------------------------------------------------------


def test_making_someone_a_guest_and_back(admin, bob):
    page = admin.post(reverse("team_change_role", args=[bob.pk]), {"role": "guest"}, follow=True)
    assert "bob is now a guest." in page.text
    assert accounts.role_of(_fresh(bob)) == Role.GUEST
    admin.post(reverse("team_change_role", args=[bob.pk]), {"role": "admin"})
    bob.refresh_from_db()
    assert bob.is_staff
    assert signed_in(bob).get(reverse("team")).status_code == 200


def test_a_role_change_by_htmx_answers_with_the_row(admin, bob):
    response = admin.post(
        reverse("team_change_role", args=[bob.pk]),
        {"role": "guest"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<tr id="person-{bob.pk}"')
    assert "bob is now a guest." in response.text
    assert '<option value="guest" selected>' in response.text


def test_an_unknown_role_is_refused(admin, bob):
    page = admin.post(reverse("team_change_role", args=[bob.pk]), {"role": "owner"}, follow=True)
    assert "Choose administrator, member or guest." in page.text
    assert accounts.role_of(_fresh(bob)) == Role.MEMBER


def test_you_cannot_drop_your_own_administrator_role(admin, admin_user):
    make_user("second", staff=True)
    page = admin.post(
        reverse("team_change_role", args=[admin_user.pk]), {"role": "member"}, follow=True
    )
    assert "You cannot remove your own administrator role" in page.text
    admin_user.refresh_from_db()
    assert admin_user.is_staff


def test_a_role_change_for_nobody_answers_404(admin):
    assert (
        admin.post(reverse("team_change_role", args=[9999]), {"role": "guest"}).status_code == 404
    )


# Deactivating ------------------------------------------------------------------------------


def test_deactivating_asks_first_and_says_what_happens(admin, bob, article):
    highlight(article, bob, "eighth day")
    sharing.create_link(bob, article)
    signed_in(bob)
    page = admin.get(reverse("team_deactivate", args=[bob.pk])).text
    assert "Deactivate bob?" in page
    assert "Signing in stops at once" in page
    assert "The 1 browser where bob is signed in is signed out now" in page
    assert "1 share link and the bookmarklet stop working" in page
    assert "1 shared annotation stays with the team, under bob’s name" in page
    bob.refresh_from_db()
    assert bob.is_active  # asking changed nothing


def test_deactivating_signs_them_out_stops_their_link_and_keeps_their_annotation(
    admin, bob, user, article
):
    annotation = highlight(article, bob, "eighth day")
    link = sharing.create_link(bob, article, audience="anyone")
    bobs_browser = signed_in(bob)
    assert bobs_browser.get(reverse("library")).status_code == 200
    assert Client().get(link.get_absolute_url()).status_code == 200

    page = admin.post(reverse("team_deactivate", args=[bob.pk]), follow=True)

    assert "bob is deactivated" in page.text
    assert "Deactivated since" in _row(page.text, bob.pk)
    signed_out = bobs_browser.get(reverse("library"))
    assert signed_out.status_code == 302
    assert signed_out.url.startswith(reverse("login"))
    assert Client().get(link.get_absolute_url()).status_code == 410
    reader = signed_in(user).get(article.get_absolute_url()).text
    assert f'id="annotation-{annotation.pk}"' in reader
    assert "bob" in reader
    assert not Client().login(username="bob", password="correct horse 3")


def test_you_cannot_deactivate_yourself(admin, admin_user):
    confirm = admin.get(reverse("team_deactivate", args=[admin_user.pk])).text
    assert "You cannot deactivate your own account" in confirm
    page = admin.post(reverse("team_deactivate", args=[admin_user.pk]), follow=True)
    assert "You cannot deactivate your own account." in page.text
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_the_last_administrator_stays_one(admin_user):
    # Only an administrator asks, so the last one standing is the asker: refused both ways.
    other = make_user("other", staff=True)
    accounts.deactivate(other, by=admin_user)
    last = signed_in(admin_user)
    page = last.post(
        reverse("team_change_role", args=[admin_user.pk]), {"role": "guest"}, follow=True
    )
    assert "The team needs at least one administrator" in page.text
    page = last.post(reverse("team_deactivate", args=[admin_user.pk]), follow=True)
    assert "You cannot deactivate your own account." in page.text
    assert _fresh(admin_user).is_staff
    assert _fresh(admin_user).is_active


def test_reactivating_lets_them_sign_in_and_opens_their_link_again(admin, admin_user, bob, article):
    link = sharing.create_link(bob, article, audience="anyone")
    accounts.deactivate(bob, by=admin_user)
    page = admin.post(reverse("team_reactivate", args=[bob.pk]), follow=True)
    assert "bob can sign in again" in page.text
    assert "Active" in _row(page.text, bob.pk)
    assert Client().login(username="bob", password="correct horse 3")
    assert Client().get(link.get_absolute_url()).status_code == 200


def test_deactivating_by_get_changes_nothing(admin, bob):
    admin.get(reverse("team_deactivate", args=[bob.pk]))
    admin.get(reverse("team_reactivate", args=[bob.pk]))
    bob.refresh_from_db()
    assert bob.is_active


# Team settings -----------------------------------------------------------------------------


def test_the_settings_page_explains_two_factor_and_counts_who_has_it(admin, user):
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    page = admin.get(reverse("team_settings")).text
    assert "sent to set it up at the next page they open" in page
    assert "1 of 2 active people have two-factor sign-in now" in page
    assert "You have not set it up yourself" in page


def test_requiring_two_factor_and_changing_the_invitation_days(admin):
    response = admin.post(
        reverse("team_settings"), {"require_two_factor": "on", "invitation_days": "14"}
    )
    assert response.status_code == 302
    settings = TeamSettings.current()
    assert settings.require_two_factor
    assert settings.invitation_days == 14
    assert accounts.two_factor_required()


@pytest.mark.parametrize("days", ["0", "91", "-3", "seven", ""])
def test_invitation_days_outside_1_to_90_are_refused(admin, days):
    response = admin.post(reverse("team_settings"), {"invitation_days": days})
    assert response.status_code == 400
    assert 'class="field-error"' in response.text
    assert TeamSettings.current().invitation_days == 7


def test_unticking_two_factor_turns_the_requirement_off(admin):
    settings = TeamSettings.current()
    settings.require_two_factor = True
    settings.save()
    admin_session = admin.session
    admin_session[accounts.ACCOUNT_CHECKED] = int(time.time())  # checked a moment ago
    admin_session[accounts.TWO_FACTOR_MISSING] = False
    admin_session.save()
    admin.post(reverse("team_settings"), {"invitation_days": "7"})
    assert not TeamSettings.current().require_two_factor


# A lost phone ---------------------------------------------------------------------------


def test_an_administrator_resets_a_colleagues_two_factor_after_a_confirmation(admin, bob):
    turn_on_two_factor(bob)
    row = _row(admin.get(reverse("team")).text, bob.pk)
    reset = reverse("team_reset_two_factor", args=[bob.pk])
    assert f'href="{reset}"' in row
    confirm = admin.get(reset).text
    assert "their password alone signs them in" in confirm
    assert accounts.has_two_factor(bob)  # the GET only asks
    response = admin.post(reset, follow=True)
    assert "two-factor sign-in is reset" in response.text
    assert not accounts.has_two_factor(bob)
    assert accounts.recovery_device(bob) is None
    # bob signs in with his password alone now.
    page = Client().post(reverse("login"), {"username": "bob", "password": "correct horse 3"})
    assert page.status_code == 302
    assert page.url == reverse("library")


def test_nobody_resets_their_own_two_factor_from_the_team_page(admin, admin_user):
    turn_on_two_factor(admin_user)
    reset = reverse("team_reset_two_factor", args=[admin_user.pk])
    assert "on <a" in admin.get(reset).text  # points to the settings page instead
    admin.post(reset)
    assert accounts.has_two_factor(admin_user)
