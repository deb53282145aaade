"""Deactivating someone signs them out at once and everywhere, stops their share links and
their bookmarklet, and leaves their shared annotations with the team, under their name.

dave, on the Politics desk with alice, shares a note with the desk and a share link, and
has a bookmarklet; then an administrator deactivates him while his browser is open.
"""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from articles import accounts, sharing
from articles.models import Article, SaveToken, UserSession
from tests.factories import highlight, make_user, signed_in

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase 9"
DAVES_NOTE = "DAVES-DESK-NOTE-2291"
DAVES_PRIVATE = "DAVES-OWN-NOTE-6618"
PAGE = (
    "<html><head><title>Ferries</title></head><body><article><h1>Ferries</h1>"
    + "<p>The ferry line resumed on Monday after a week of talks with the unions.</p>" * 5
    + "</article></body></html>"
)


@pytest.fixture
def dave(desk):
    dave = make_user("dave", password=PASSWORD, first_name="Dave", last_name="Reporter")
    desk.memberships.create(user=dave)
    return dave


@pytest.fixture
def root(db):
    return make_user("root", staff=True)


@pytest.fixture
def daves_work(dave, desk, article):
    return {
        "note": highlight(article, dave, "container ships", note=DAVES_NOTE, audience=desk),
        "private": highlight(article, dave, "eighth day", note=DAVES_PRIVATE, audience=None),
        "mine": sharing.create_link(dave, article, audience="anyone"),
        "desk": sharing.create_link(dave, article, group=desk, audience="anyone"),
        "token": SaveToken.regenerate(dave).token,
    }


def _sign_in(password: str, username: str = "dave"):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    return client, response


# Signing in and out --------------------------------------------------------------------


def test_an_open_session_is_signed_out_on_its_next_request(dave, root):
    browser = signed_in(dave)
    assert browser.get(reverse("library")).status_code == 200
    accounts.deactivate(dave, by=root)
    response = browser.get(reverse("library"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not UserSession.objects.filter(user=dave).exists()


def test_every_session_ends_not_only_the_one_in_use(dave, root):
    browsers = [signed_in(dave) for _ in range(3)]
    keys = [b.session.session_key for b in browsers]
    accounts.deactivate(dave, by=root)
    assert not Session.objects.filter(session_key__in=keys).exists()


def test_a_session_the_list_missed_is_ended_and_refused_all_the_same(dave, root):
    # A browser signed in before the list was kept has no row: deactivating finds it by
    # decoding the live sessions, and Django would refuse the inactive person anyway.
    browser = signed_in(dave)
    UserSession.objects.filter(user=dave).delete()
    accounts.deactivate(dave, by=root)
    assert not Session.objects.filter(session_key=browser.session.session_key).exists()
    for url in (reverse("library"), reverse("settings")):
        response = browser.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))
    text = {"text": "Ferry Talks\n\nThe ferry line resumed today."}
    assert browser.post(reverse("add_article"), text).status_code == 302
    assert not Article.objects.exists()


def test_the_right_password_no_longer_signs_in(dave, root):
    accounts.deactivate(dave, by=root)
    client, response = _sign_in(PASSWORD)
    assert response.status_code == 200  # the form again
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("library")).status_code == 302


def test_a_wrong_password_tells_nothing_about_a_deactivated_account(dave, root):
    """Whether an account exists, or is deactivated, is not for a guesser to learn."""
    accounts.deactivate(dave, by=root)
    _, deactivated = _sign_in("wrong password")
    _, nobody = _sign_in("wrong password", username="nobody-here")
    assert "deactivated" not in deactivated.text
    error = 'role="alert"'
    assert deactivated.text.count(error) == nobody.text.count(error) > 0


def test_reactivating_lets_them_sign_in_again(dave, root):
    accounts.deactivate(dave, by=root)
    accounts.reactivate(dave, by=root)
    client, response = _sign_in(PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("library")).status_code == 200


# Share links and the bookmarklet -------------------------------------------------------


@pytest.mark.parametrize("which", ["mine", "desk"])
def test_their_share_links_answer_410(client, daves_work, dave, root, which):
    url = reverse("share_link", args=[daves_work[which].token])
    assert client.get(url).status_code == 200
    accounts.deactivate(dave, by=root)
    gone = client.get(url)
    assert gone.status_code == 410
    assert DAVES_NOTE not in gone.text
    cards = reverse("share_cards", args=[daves_work[which].token])
    assert client.get(cards, {"ids": str(daves_work["note"].pk)}).status_code == 410


def test_their_links_answer_like_a_link_that_never_was(client, daves_work, dave, root):
    accounts.deactivate(dave, by=root)
    theirs = client.get(reverse("share_link", args=[daves_work["mine"].token]))
    made_up = client.get(reverse("share_link", args=[sharing.new_token()]))
    assert theirs.status_code == made_up.status_code == 410
    assert theirs.text.count("<p") == made_up.text.count("<p")


def test_their_bookmarklet_saves_nothing(client, daves_work, dave, root):
    data = {"token": daves_work["token"], "url": "https://news.example.org/ferries", "html": PAGE}
    accounts.deactivate(dave, by=root)
    response = client.post(reverse("save_page"), data)
    assert response.status_code == 403
    assert "no longer valid" in response.text
    assert not Article.objects.filter(title="Ferries").exists()


# What stays with the team --------------------------------------------------------------


def test_their_shared_annotations_stay_under_their_name(alice_client, daves_work, dave, root):
    accounts.deactivate(dave, by=root)
    article = daves_work["note"].article
    page = alice_client.get(article.get_absolute_url()).text
    assert DAVES_NOTE in page
    assert "Dave Reporter" in page
    assert DAVES_PRIVATE not in page
    found = alice_client.get(reverse("search"), {"q": "has:notes"}).text
    assert DAVES_NOTE in found
    assert DAVES_PRIVATE not in found


def test_a_colleagues_link_for_the_desk_still_shows_their_note(client, user, daves_work, root):
    desk = daves_work["desk"].group
    link = sharing.create_link(user, daves_work["note"].article, group=desk, audience="anyone")
    accounts.deactivate(daves_work["note"].author, by=root)
    page = client.get(reverse("share_link", args=[link.token]))
    assert page.status_code == 200
    assert DAVES_NOTE in page.text
    assert DAVES_PRIVATE not in page.text
