"""Display names (articles/sharing.py `public_name`, `initials`; articles/cards.py): the
name and initials a person chose on the settings page sign their annotations wherever the
team or a link's visitor sees them (the reader's cards, search results, shared pages),
never their e-mail address; and listing many authors costs no query per author."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import accounts, sharing
from articles.models import Profile
from tests.factories import STORY, highlight, make_article, make_user, signed_in

pytestmark = pytest.mark.django_db


def _name(user, display_name: str = "", initials: str = "") -> None:
    profile = accounts.profile_of(user)
    profile.display_name, profile.initials = display_name, initials
    profile.save()


def _fresh(user):
    """The user as a page loads them, without the profile cached on the test's object."""
    return type(user).objects.get(pk=user.pk)


def _cards(html: str) -> list[tuple[str, str]]:
    """(initials, name) of each annotation card."""
    return re.findall(
        r'<span class="initials">([^<]*)</span> <span class="author-name">([^<]*)</span>', html
    )


# The rule ---------------------------------------------------------------------------


def test_the_display_name_and_initials_sign_the_annotations(user):
    assert (sharing.public_name(user), sharing.initials(user)) == ("alice", "AL")
    _name(user, "Alice Baker")
    assert (sharing.public_name(_fresh(user)), sharing.initials(_fresh(user))) == (
        "Alice Baker",
        "AB",
    )
    _name(user, "Alice Baker", "AxB")
    assert sharing.initials(_fresh(user)) == "AxB"


def test_a_display_name_never_shows_an_e_mail_address(user):
    _name(user, "alice@example.org")  # the form refuses it; the admin could still write it
    assert sharing.public_name(_fresh(user)) == "alice"
    _name(user, "@example.org")
    assert sharing.public_name(_fresh(user)) == "alice"


def test_an_account_older_than_profiles_is_named_without_making_one(user):
    Profile.objects.filter(user=user).delete()
    fresh = _fresh(user)
    assert sharing.public_name(fresh) == "alice"
    assert not Profile.objects.filter(user=user).exists()


# Where it shows ---------------------------------------------------------------------


def test_the_readers_cards_show_display_names_instead_of_usernames(article, user, bob):
    _name(user, "Alice Baker")
    _name(bob, "Bob Chen", "BC")
    highlight(article, user, "eighth day", note="Check the date")
    highlight(article, bob, "port authority")
    page = signed_in(user).get(article.get_absolute_url()).text
    assert sorted(_cards(page)) == [("AB", "Alice Baker"), ("BC", "Bob Chen")]
    assert 'class="author-name">alice<' not in page
    assert 'class="author-name">bob<' not in page


def test_a_changed_display_name_shows_on_the_next_page(article, user):
    highlight(article, user, "eighth day")
    client = signed_in(user)
    assert _cards(client.get(article.get_absolute_url()).text) == [("AL", "alice")]
    _name(user, "Alice Baker", "ABK")
    assert _cards(client.get(article.get_absolute_url()).text) == [("ABK", "Alice Baker")]


def test_search_results_show_the_display_name(user, bob, article):
    _name(bob, "Bob Chen")
    highlight(article, bob, "eighth day", note="A sighting to check")
    page = signed_in(user).get(reverse("search"), {"q": "sighting"}).text
    kind = re.search(r'<p class="result-kind">(.*?)</p>', page, re.DOTALL).group(1)
    assert "Bob Chen" in kind
    assert "bob" not in kind


def test_the_shared_page_names_its_owner_and_authors_by_display_name(article, user):
    _name(user, "Alice Baker")
    highlight(article, user, "eighth day", note="Check the date")
    link = sharing.create_link(user, article, audience="anyone")
    page = Client().get(link.get_absolute_url()).text
    assert "Alice Baker" in page
    assert _cards(page) == [("AB", "Alice Baker")]
    assert "alice" not in page.replace("alice@", "")  # nor the username


# What it costs ----------------------------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_reader_makes_no_query_per_author(user, bob, carol):
    _name(user, "Alice Baker")
    _name(bob, "Bob Chen", "BC")
    _name(carol, "Carol Diaz")
    phrases = ["Dock workers", "eighth day", "port authority"]
    one, three = make_article(), make_article(STORY.replace("Monday", "Tuesday"))
    highlight(one, user, phrases[0])
    for author, phrase in zip([user, bob, carol], phrases, strict=True):
        highlight(three, author, phrase)
    client = signed_in(user)
    client.get(one.get_absolute_url())  # the first request also checks for a first run
    by_one = _queries(client, one.get_absolute_url())
    by_three = _queries(client, three.get_absolute_url())
    assert by_three == by_one
    assert len(_cards(client.get(three.get_absolute_url()).text)) == 3


def test_the_shared_page_makes_no_query_per_author(article, user, bob, carol):
    link = sharing.create_link(user, article, audience="anyone", group=sharing.default_group())
    highlight(article, user, "Dock workers")
    visitor = Client()
    visitor.get(link.get_absolute_url())
    before = _queries(visitor, link.get_absolute_url())
    for author, phrase in [(bob, "eighth day"), (carol, "port authority")]:
        _name(author, f"{author.get_username()} Named")
        highlight(article, author, phrase)
    assert _queries(visitor, link.get_absolute_url()) == before


def test_an_author_without_a_profile_costs_no_query_either(article, user, bob):
    highlight(article, user, "Dock workers")
    highlight(article, bob, "eighth day")
    client = signed_in(user)
    client.get(article.get_absolute_url())
    before = _queries(client, article.get_absolute_url())
    Profile.objects.filter(user=bob).delete()
    newcomer = make_user("dora")
    Profile.objects.filter(user=newcomer).delete()
    highlight(article, newcomer, "port authority")
    assert _queries(client, article.get_absolute_url()) == before
    assert ("DO", "dora") in _cards(client.get(article.get_absolute_url()).text)
