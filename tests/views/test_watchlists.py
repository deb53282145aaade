"""Watchlists as each person sees them (articles/views/watchlists.py): the notifications
page and its writes, the watchlist, the e-mail choice, the Watch toggles on an entity's
page, a label's library and a search, and the header's badge."""

from __future__ import annotations

import re
from html import escape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import library, trash, watchlists
from articles.entities import curation
from articles.models import Digest, Notification, Watch, WatchSettings
from tests.factories import make_article, signed_in

pytestmark = pytest.mark.django_db

PUTIN = "Kremlin Talks Stall\n\nVladimir Putin met envoys in Moscow on Tuesday."
GRAIN = "Grain Deal Extended\n\nVladimir Putin agreed to extend the grain corridor."
HARBOUR = "Harbour Strike\n\nDock workers in Rotterdam stayed off the job for an eighth day."


@pytest.fixture
def putin(user):
    return curation.create_entity("Vladimir Putin", "person", user=user)


@pytest.fixture
def told(user, putin):
    """alice watches Putin, and two articles mentioning him arrived: the grain deal last."""
    watchlists.watch_entity(user, putin)
    make_article(PUTIN)
    make_article(GRAIN)
    return list(Notification.objects.filter(user=user))


def _page(client, **params) -> str:
    response = client.get(reverse("notifications"), params)
    assert response.status_code == 200
    return response.text


def _badge(html: str) -> str | None:
    """The count the header's Notifications link shows, None when it shows none."""
    link = re.search(r'<a class="nav-notifications".*?</a>', html, re.DOTALL)
    assert link is not None
    found = re.search(r'class="badge nav-badge">([^<]+)<', link.group(0))
    return found.group(1) if found else None


def _unread(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# The page ------------------------------------------------------------------------------


def test_the_page_lists_notifications_newest_first_with_why_and_which_watch(
    alice_client, told, putin
):
    page = _page(alice_client)
    assert page.index("Grain Deal Extended") < page.index("Kremlin Talks Stall")
    assert page.count("Mentions Vladimir Putin") == 2
    assert f'href="{putin.get_absolute_url()}">Vladimir Putin</a>' in page
    assert "you watch entity" in page
    assert page.count('class="notification is-unread"') == 2
    assert "Unread: </span>Grain Deal Extended" in page
    assert "just now" in page
    assert reverse("notification_open", args=[told[0].pk]) in page
    assert "Mark all read" in page


def test_an_empty_page_says_how_to_watch_something(alice_client):
    page = _page(alice_client)
    assert "No notifications yet." in page
    assert "Watch this label" in page
    assert "Watch this search" in page
    assert f'href="{reverse("entities")}"' in page
    assert "You watch nothing yet." in page
    assert "Mark all read" not in page


def test_with_watches_and_nothing_new_the_page_says_it_is_waiting(alice_client, user, putin):
    watchlists.watch_entity(user, putin)
    page = _page(alice_client)
    assert "Nothing new on your watchlist yet." in page
    assert 'aria-label="Unwatch Vladimir Putin"' in page


def test_the_page_is_paginated(alice_client, user, putin):
    watchlists.watch_entity(user, putin)
    for n in range(27):
        make_article(f"Story {n}\n\nVladimir Putin spoke on day {n}.")
    first, second = _page(alice_client), _page(alice_client, page=2)
    assert first.count('class="notification is-unread"') == 25
    assert "Page 1 of 2" in first
    assert "Story 26" in first
    assert "Story 1<" not in first
    assert second.count('class="notification is-unread"') == 2
    assert "Story 0" in second


def test_the_page_makes_as_many_queries_for_many_notifications_as_for_one(
    alice_client, user, putin
):
    watchlists.watch_entity(user, putin)
    watchlists.watch_search(user, "grain")
    make_article(PUTIN)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            _page(alice_client)
        return len(queries)

    one = count()
    for n in range(6):
        make_article(f"Grain Story {n}\n\nVladimir Putin and the grain trade, part {n}.")
    assert count() == one


def test_an_article_in_the_trash_is_neither_listed_nor_counted(alice_client, told, user):
    grain = told[0].article
    trash.move_to_trash(grain, user)
    page = _page(alice_client)
    assert "Grain Deal Extended" not in page
    assert _badge(page) == "1"
    response = alice_client.get(reverse("notification_open", args=[told[0].pk]))
    assert response.status_code == 404
    trash.restore(grain)
    assert "Grain Deal Extended" in _page(alice_client)


def test_hostile_titles_reasons_and_search_names_stay_text(alice_client, user):
    watchlists.watch_search(user, "ferries", name="<b>ferry</b> watch")
    make_article("<script>alert(1)</script> ferries\n\nThe ferries ran late.")
    page = _page(alice_client)
    assert "<script>alert(1)" not in page
    assert "<b>ferry</b>" not in page
    assert escape("“<b>ferry</b> watch”") in page


# Opening and marking read --------------------------------------------------------------


def test_opening_a_notification_marks_it_read_and_opens_the_article(alice_client, told, user):
    grain = told[0]
    response = alice_client.get(reverse("notification_open", args=[grain.pk]))
    assert response.status_code == 302
    assert response.url == grain.article.get_absolute_url()
    grain.refresh_from_db()
    assert grain.read_at is not None
    assert _unread(user) == 1
    page = _page(alice_client)
    assert page.count('class="notification is-unread"') == 1
    assert f'id="notification-{grain.pk}" class="notification"' in page


def test_mark_all_read_marks_every_one(alice_client, told, user):
    response = alice_client.post(reverse("notifications_read"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications")
    assert "Marked 2 notifications read." in response.text
    assert _unread(user) == 0
    assert "Mark all read" not in response.text


def test_mark_read_with_an_id_marks_that_one_and_keeps_the_page(alice_client, told, user):
    response = alice_client.post(reverse("notifications_read"), {"id": told[1].pk, "page": "2"})
    assert response.url == reverse("notifications") + "?page=2"
    assert list(Notification.objects.filter(read_at__isnull=True)) == [told[0]]


@pytest.mark.parametrize("forged", ["x", "-1", "1.5", " 3", "9" * 40])
def test_a_forged_id_is_refused_and_marks_nothing(alice_client, told, user, forged):
    response = alice_client.post(reverse("notifications_read"), {"id": forged})
    assert response.status_code == 400
    assert "That is not one of your notifications; nothing was marked read." in response.text
    assert _unread(user) == 2


def test_someone_elses_notification_is_404_and_stays_unread(told, bob, user):
    bobs = signed_in(bob)
    assert bobs.get(reverse("notification_open", args=[told[0].pk])).status_code == 404
    assert bobs.post(reverse("notifications_read"), {"id": told[0].pk}).status_code == 404
    bobs.post(reverse("notifications_read"))  # all of bob's: none of alice's
    assert _unread(user) == 2
    page = _page(bobs)
    assert "Grain Deal Extended" not in page
    assert "No notifications yet." in page


def test_a_post_without_its_csrf_token_is_refused_by_django(told, user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post(reverse("notifications_read")).status_code == 403
    assert browser.post(reverse("watch_search"), {"q": "grain"}).status_code == 403
    assert _unread(user) == 2
    assert not Watch.objects.filter(kind=Watch.Kind.SEARCH).exists()


@pytest.mark.parametrize("name", ["notifications_read", "notification_email", "watch_search"])
def test_the_writes_refuse_a_get(alice_client, name):
    assert alice_client.get(reverse(name)).status_code == 405


# The watchlist -------------------------------------------------------------------------


def test_unwatching_removes_the_watch_and_what_it_brought(alice_client, told, user, putin):
    watch = Watch.objects.get(user=user)
    response = alice_client.post(reverse("unwatch", args=[watch.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications") + "#watchlist"
    assert "You no longer watch Vladimir Putin. Its 2 notifications went with it." in (
        response.text
    )
    assert not Watch.objects.exists()
    assert "No notifications yet." in response.text


def test_someone_elses_watch_is_404_and_stays(told, bob, user):
    watch = Watch.objects.get(user=user)
    response = signed_in(bob).post(reverse("unwatch", args=[watch.pk]))
    assert response.status_code == 404
    assert Watch.objects.filter(pk=watch.pk).exists()
    assert _unread(user) == 2


def test_a_search_is_saved_with_its_name(alice_client, user):
    response = alice_client.post(
        reverse("watch_search"), {"q": "  grain   site:tass.ru ", "name": "Grain"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("notifications") + "#watchlist"
    assert "You will be told of new articles matching “Grain”." in response.text
    watch = Watch.objects.get(user=user)
    assert (watch.kind, watch.query, watch.name) == ("search", "grain site:tass.ru", "Grain")
    assert 'title="grain site:tass.ru">Grain</a>' in response.text


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("", "Type the search to watch."),
        ("type:note ports", "leave out the filters that find only highlights and notes"),
        ("x" * 501, "A watched search has at most 500 characters."),
    ],
)
def test_a_search_that_cannot_be_watched_is_refused_with_the_input_kept(alice_client, q, message):
    response = alice_client.post(reverse("watch_search"), {"q": q, "name": "My <watch>"})
    assert response.status_code == 400
    assert message in response.text
    assert 'role="alert" id="watch-q-error"' in response.text
    assert f'name="q" value="{escape(q)}"' in response.text
    assert 'value="My &lt;watch&gt;"' in response.text
    assert not Watch.objects.exists()


def test_the_email_choice_is_saved_and_shown(alice_client, user):
    assert 'value="off" checked' in _page(alice_client)
    assert "alice@example.org" in _page(alice_client)
    response = alice_client.post(reverse("notification_email"), {"digest": "daily"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("notifications") + "#email"
    assert "Saved: a daily digest, to alice@example.org." in response.text
    assert WatchSettings.objects.get(user=user).digest == Digest.DAILY
    assert 'value="daily" checked' in response.text


def test_without_an_email_address_the_page_says_no_email_can_be_sent(alice_client, user):
    user.email = ""
    user.save()
    assert "You have no e-mail address set, so no e-mail can be sent." in _page(alice_client)
    response = alice_client.post(reverse("notification_email"), {"digest": "instant"}, follow=True)
    assert "no e-mail can be sent until you add one in Settings" in response.text
    assert WatchSettings.objects.get(user=user).digest == Digest.INSTANT


@pytest.mark.parametrize("forged", ["", "weekly", "DAILY"])
def test_an_email_choice_that_is_none_of_the_choices_is_refused(alice_client, user, forged):
    watchlists.set_digest(user, Digest.DAILY)
    response = alice_client.post(reverse("notification_email"), {"digest": forged})
    assert response.status_code == 400
    assert "Choose how often to hear by e-mail." in response.text
    assert WatchSettings.objects.get(user=user).digest == Digest.DAILY


# The toggles ---------------------------------------------------------------------------


def test_the_entity_page_toggles_watching(alice_client, user, putin):
    page = alice_client.get(putin.get_absolute_url()).text
    assert 'aria-label="Watch Vladimir Putin"' in page
    assert f'action="{reverse("watch_entity", args=[putin.pk])}"' in page
    response = alice_client.post(reverse("watch_entity", args=[putin.pk]), follow=True)
    assert response.redirect_chain[-1][0] == putin.get_absolute_url()
    assert "You will be told of new articles mentioning Vladimir Putin." in response.text
    assert "Watching" in response.text
    assert 'aria-label="Unwatch Vladimir Putin"' in response.text
    assert watchlists.watching(user, entity=putin) is not None
    alice_client.post(reverse("watch_entity", args=[putin.pk]))  # twice is once
    assert Watch.objects.count() == 1
    response = alice_client.post(
        reverse("watch_entity", args=[putin.pk]), {"unwatch": "1"}, follow=True
    )
    assert "You no longer watch Vladimir Putin." in response.text
    assert 'aria-label="Watch Vladimir Putin"' in response.text
    assert not Watch.objects.exists()


def test_unwatching_what_is_not_watched_says_so(alice_client, putin):
    response = alice_client.post(
        reverse("watch_entity", args=[putin.pk]), {"unwatch": "1"}, follow=True
    )
    assert "You were not watching Vladimir Putin." in response.text


def test_a_private_entity_of_someone_else_cannot_be_watched(alice_client, bob):
    secret = curation.create_entity("Source K", "person", user=bob, private=True)
    assert alice_client.post(reverse("watch_entity", args=[secret.pk])).status_code == 404
    assert alice_client.post(reverse("watch_entity", args=[999_999])).status_code == 404
    assert not Watch.objects.exists()


def test_the_library_filtered_by_a_label_toggles_watching_it(alice_client, user):
    label = library.add_label(make_article(HARBOUR), "Shipping", user)
    assert "Watch this label" not in alice_client.get(reverse("library")).text
    page = alice_client.get(reverse("library"), {"label": label.pk, "view": "unread"}).text
    assert "Watch this label" in page
    assert "Be told when an article is labelled “Shipping”." in page
    response = alice_client.post(
        reverse("watch_label", args=[label.pk]), {"label": label.pk, "view": "unread"}
    )
    assert response.url == reverse("library") + f"?view=unread&label={label.pk}"
    page = alice_client.get(response.url).text
    assert "You will be told when an article is labelled Shipping." in page
    assert 'aria-label="Unwatch the label Shipping"' in page
    assert watchlists.watching(user, label=label) is not None
    alice_client.post(reverse("watch_label", args=[label.pk]), {"unwatch": "1"})
    assert not Watch.objects.exists()


def test_the_htmx_list_of_a_label_carries_its_toggle(alice_client, user):
    label = library.add_label(make_article(HARBOUR), "Shipping", user)
    watchlists.watch_label(user, label)
    headers = {"HX-Request": "true", "HX-Target": "article-list"}
    html = alice_client.get(reverse("library"), {"label": label.pk}, headers=headers).text
    assert 'aria-label="Unwatch the label Shipping"' in html


def test_a_watched_label_tells_of_an_article_labelled_by_someone_else(alice_client, user, bob):
    label = library.add_label(make_article(HARBOUR), "Shipping", user)
    alice_client.post(reverse("watch_label", args=[label.pk]))
    library.add_label(make_article(PUTIN), "Shipping", bob)
    page = _page(alice_client)
    assert "Labelled Shipping" in page
    assert "Kremlin Talks Stall" in page


def test_the_search_page_toggles_watching_the_search(alice_client, user):
    make_article(PUTIN)
    page = alice_client.get(reverse("search"), {"q": "putin  moscow"}).text
    assert "Watch this search" in page
    assert 'name="q" value="putin moscow"' in page
    response = alice_client.post(
        reverse("watch_search"), {"q": "putin moscow", "from": "search"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("search") + "?q=putin+moscow"
    assert "You will be told of new articles matching “putin moscow”." in response.text
    assert 'aria-label="Unwatch this search"' in response.text
    response = alice_client.post(
        reverse("watch_search"), {"q": "putin moscow", "from": "search", "unwatch": "1"}
    )
    assert response.url == reverse("search") + "?q=putin+moscow"
    assert not Watch.objects.exists()


@pytest.mark.parametrize("q", ["", "type:highlight", "has:note putin"])
def test_a_search_that_finds_no_articles_offers_no_watch(alice_client, q):
    page = alice_client.get(reverse("search"), {"q": q}).text
    assert "Watch this search" not in page


def test_a_watched_search_tells_of_a_new_article_matching_it(alice_client, user):
    alice_client.post(reverse("watch_search"), {"q": "grain corridor"})
    make_article(GRAIN)
    make_article(HARBOUR)
    page = _page(alice_client)
    assert "Grain Deal Extended" in page
    assert "Harbour Strike" not in page
    assert "you watch the search" in page


# The header ----------------------------------------------------------------------------


def test_the_header_shows_the_unread_count_and_drops_it_at_zero(alice_client, told, user):
    page = alice_client.get(reverse("library")).text
    assert _badge(page) == "2"
    assert (
        'Notifications<span class="visually-hidden">,</span> <span class="badge nav-badge">2'
        '</span><span class="visually-hidden"> unread</span>'
    ) in page
    assert ", 2 unread notifications</span></button>" in page  # the phone's Menu button
    watchlists.mark_read(user, [told[0].pk])
    assert _badge(alice_client.get(reverse("library")).text) == "1"
    watchlists.mark_read(user)
    page = alice_client.get(reverse("library")).text
    assert _badge(page) is None
    assert "unread notification" not in page


def test_a_large_count_is_shown_short_and_said_in_full(alice_client, user, putin):
    watch = watchlists.watch_entity(user, putin)
    make_article(PUTIN)  # one, as the app makes it; a hundred more, quickly
    Notification.objects.bulk_create(
        Notification(user=user, watch=watch, article=make_article(f"S{n}\n\nText {n}."), reason="r")
        for n in range(100)
    )
    page = alice_client.get(reverse("library")).text
    assert _badge(page) == "99+"
    assert "(101) unread" in page


def test_the_header_of_another_person_counts_only_theirs(told, bob):
    assert _badge(signed_in(bob).get(reverse("library")).text) is None


def test_a_page_without_the_header_makes_no_count_query(alice_client, told):
    with CaptureQueriesContext(connection) as queries:
        alice_client.get(reverse("entity_lookup"), {"q": "vlad"})
    assert not any("articles_notification" in q["sql"] for q in queries)
