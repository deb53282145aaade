"""Watchlists: who is told of which new article, once, and by e-mail when they asked."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles import library, maintenance, search, trash, watchlists
from articles.entities import curation
from articles.models import Digest, Notification
from tests.factories import make_article
from tests.fetching import run_worker

pytestmark = pytest.mark.django_db

PUTIN = (
    "Kremlin Talks Stall\n\n"
    "President Vladimir Putin met envoys in Moscow on Tuesday; no agreement was reached.\n\n"
    "Officials said further talks were planned."
)
NICKNAME = "Kremlin Briefing\n\nThe man reporters call VVP spoke for an hour about grain exports."
HARBOUR = "Harbour Strike\n\nDock workers in Rotterdam stayed off the job for an eighth day."


@pytest.fixture
def putin(user):
    entity = curation.create_entity("Vladimir Putin", "person", user=user)
    curation.add_alias(entity, "VVP")
    return entity


def _told(person) -> list[tuple[str, str]]:
    return [
        (n.article.title, n.reason)
        for n in Notification.objects.filter(user=person).select_related("article")
    ]


def test_an_article_mentioning_a_watched_entity_tells_the_watcher(user, bob, putin):
    watchlists.watch_entity(bob, putin)
    make_article(PUTIN)
    make_article(HARBOUR)
    assert _told(bob) == [("Kremlin Talks Stall", "mentions Vladimir Putin")]
    assert watchlists.unread_count(bob) == 1
    assert _told(user) == []


def test_an_alias_counts_as_a_mention(bob, putin):
    watchlists.watch_entity(bob, putin)
    make_article(NICKNAME)
    assert _told(bob) == [("Kremlin Briefing", "mentions VVP")]


def test_whoever_saves_it_by_hand_is_not_told_of_it(user, bob, putin):
    watchlists.watch_entity(user, putin)
    watchlists.watch_entity(bob, putin)
    make_article(PUTIN, user=user)
    assert _told(user) == []
    assert len(_told(bob)) == 1


def test_saving_the_same_story_again_tells_no_one_twice(bob, putin):
    watchlists.watch_entity(bob, putin)
    make_article(PUTIN)
    make_article(PUTIN)
    assert len(_told(bob)) == 1


def test_a_watched_label_tells_when_someone_else_puts_it_on(user, bob):
    article = make_article(HARBOUR)
    label = library.add_label(make_article(PUTIN), "Shipping", user)
    watchlists.watch_label(bob, label)
    library.add_label(article, "shipping", user)
    library.add_label(article, "Shipping", user)  # already on: nothing new
    assert _told(bob) == [("Harbour Strike", "labelled Shipping")]
    watchlists.watch_label(user, label)
    library.add_label(make_article(NICKNAME), "Shipping", user)
    assert [reason for _, reason in _told(user)] == []


def test_a_saved_search_tells_of_the_articles_it_finds(bob):
    watch = watchlists.watch_search(bob, "dock workers site:example.org", name="Docks")
    make_article(HARBOUR)  # no site: not found
    assert _told(bob) == []
    watch.query = "dock workers"
    watch.save()
    make_article(HARBOUR.replace("eighth", "ninth"))
    make_article(PUTIN)
    assert _told(bob) == [("Harbour Strike", "matches “Docks”")]


@pytest.mark.parametrize("raw", ["", "   ", "type:highlight strike", "color:green", "x" * 501])
def test_a_search_that_cannot_find_new_articles_is_refused_with_a_reason(bob, raw):
    with pytest.raises(watchlists.WatchError):
        watchlists.watch_search(bob, raw)


def test_watching_twice_is_one_watch(bob, putin):
    assert watchlists.watch_entity(bob, putin) == watchlists.watch_entity(bob, putin)
    assert len(watchlists.watches_of(bob)) == 1


@pytest.mark.django_db(transaction=True)  # the worker commits
def test_at_once_sends_one_email_per_arrival_from_the_worker(bob, putin, mailoutbox):
    watchlists.watch_entity(bob, putin)
    watchlists.set_digest(bob, Digest.INSTANT)
    make_article(PUTIN)
    assert mailoutbox == [], "never sent from the request that saved it"
    run_worker()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [bob.email]
    assert "Kremlin Talks Stall" in mailoutbox[0].subject
    assert "Mentions Vladimir Putin" in mailoutbox[0].body
    assert "/articles/" in mailoutbox[0].body
    make_article(HARBOUR)
    run_worker()
    assert len(mailoutbox) == 1, "nothing new, nothing sent"


def test_the_daily_digest_collects_a_days_arrivals_in_one_message(bob, putin, mailoutbox):
    watchlists.watch_entity(bob, putin)
    watchlists.set_digest(bob, Digest.DAILY)
    make_article(PUTIN)
    make_article(NICKNAME)
    assert watchlists.send_digests() == 1
    assert len(mailoutbox) == 1
    assert "2 new articles" in mailoutbox[0].subject
    assert "Kremlin Talks Stall" in mailoutbox[0].body
    assert "Kremlin Briefing" in mailoutbox[0].body
    make_article(PUTIN.replace("Tuesday", "Friday"))
    assert watchlists.send_digests() == 0, "the next one waits a day"
    later = timezone.now() + dt.timedelta(days=1, minutes=1)
    assert watchlists.send_digests(later) == 1
    assert len(mailoutbox) == 2
    assert "1 new article " in mailoutbox[1].subject


def test_no_email_without_asking(bob, putin, mailoutbox, django_capture_on_commit_callbacks):
    watchlists.watch_entity(bob, putin)
    with django_capture_on_commit_callbacks(execute=True):
        make_article(PUTIN)
    assert watchlists.send_digests() == 0
    assert mailoutbox == []


def test_read_notifications_are_not_counted_or_mailed(bob, putin, mailoutbox):
    watchlists.watch_entity(bob, putin)
    watchlists.set_digest(bob, Digest.DAILY)
    make_article(PUTIN)
    assert watchlists.mark_read(bob) == 1
    assert watchlists.unread_count(bob) == 0
    assert watchlists.send_digests() == 0


@pytest.mark.django_db(transaction=True)  # the worker commits
def test_the_heartbeat_queues_the_digests_that_are_due(bob, putin, mailoutbox):
    watchlists.watch_entity(bob, putin)
    watchlists.set_digest(bob, Digest.DAILY)
    make_article(PUTIN)
    assert maintenance.maintain.call()["digests"] == 1
    assert mailoutbox == []
    run_worker()
    assert len(mailoutbox) == 1
    assert maintenance.maintain.call()["digests"] == 0


def test_a_failed_send_loses_nothing(bob, putin, mailoutbox, monkeypatch):
    watchlists.watch_entity(bob, putin)
    watchlists.set_digest(bob, Digest.DAILY)
    make_article(PUTIN)

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr(watchlists, "send_mail", refuse)
    assert watchlists.send_digests() == 0
    monkeypatch.undo()
    assert watchlists.send_digests() == 1
    assert "Kremlin Talks Stall" in mailoutbox[0].body


def test_the_command_sends_the_digests_that_are_due(bob, putin, mailoutbox):
    watchlists.watch_entity(bob, putin)
    watchlists.set_digest(bob, Digest.DAILY)
    make_article(PUTIN)
    out = io.StringIO()
    call_command("notifications", "digest", stdout=out)
    assert out.getvalue().strip() == "Sent 1 daily digest."
    assert mailoutbox[0].to == [bob.email]
    call_command("notifications", "digest", stdout=out)
    assert "Sent 0 daily digests." in out.getvalue()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("dock workers", True),
        ('"dock workers"', True),
        ('"workers dock"', False),
        ("dock -rotterdam", False),
        ("dock or kremlin", True),
        ("the", False),  # only a stop word: finds nothing, as the search box
        ("rotterdam site:harbour.example", False),
        ("eighth after:2000-01-01", True),
    ],
)
def test_a_saved_search_finds_what_the_search_box_finds(bob, query, found):
    watchlists.watch_search(bob, query)
    article = make_article(HARBOUR)
    assert bool(_told(bob)) is found
    box = {r.obj.pk for r in search.run(bob, query).results if r.kind == "article"}
    assert (article.pk in box) is found


def test_an_article_in_the_trash_is_neither_counted_nor_mailed(user, bob, putin, mailoutbox):
    watchlists.watch_entity(bob, putin)
    watchlists.set_digest(bob, Digest.DAILY)
    article = make_article(PUTIN)
    trash.move_to_trash(article, user)
    assert watchlists.unread_count(bob) == 0
    assert watchlists.send_digests() == 0
    trash.restore(article)
    assert watchlists.unread_count(bob) == 1
    assert watchlists.send_digests() == 1
