"""Watchlists fed by a feed served locally: a new item mentioning a watched entity tells
the watcher after the poll, once, however often the feed is polled."""

from __future__ import annotations

import pytest

from articles import feeds, watchlists
from articles.entities import curation
from articles.models import Article, Notification
from tests.fetching import LONG, item, page, rss, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_private")]

TALKS = (
    f"<p>{LONG}</p><p>President Vladimir Putin met the envoys in Moscow on Tuesday, "
    "and no agreement was reached.</p>"
)


@pytest.fixture
def putin(user):
    return curation.create_entity("Vladimir Putin", "person", user=user)


def _serve(httpserver, *items: str) -> None:
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(*items), content_type="application/rss+xml"
    )


def test_a_feed_item_mentioning_a_watched_entity_notifies_once_over_two_polls(
    httpserver, feed, user, bob, putin
):
    watchlists.watch_entity(bob, putin)
    watchlists.watch_entity(user, putin)  # alice added the feed: she did not save it by hand
    _serve(
        httpserver,
        item("t1", "Talks stall", link="https://news.example/talks", content=TALKS),
        item("h1", "Harbour budget", link="https://news.example/budget", content=f"<p>{LONG}</p>"),
    )
    assert watchlists.unread_count(bob) == 0
    assert feeds.poll(feed).new_items == 2
    assert feeds.poll(feed).new_items == 0
    for person in (bob, user):
        told = Notification.objects.filter(user=person)
        assert [(n.article.title, n.reason) for n in told] == [
            ("Talks stall", "mentions Vladimir Putin")
        ]
        assert watchlists.unread_count(person) == 1


def test_a_summary_only_item_notifies_when_its_page_is_fetched(httpserver, feed, bob, putin):
    watchlists.watch_entity(bob, putin)
    _serve(
        httpserver,
        item("s1", "Talks stall", link=httpserver.url_for("/talks"), summary="A teaser."),
    )
    httpserver.expect_request("/talks").respond_with_data(
        page("Talks stall", LONG, "President Vladimir Putin met the envoys in Moscow."),
        content_type="text/html",
    )
    feeds.poll(feed)
    assert watchlists.unread_count(bob) == 0, "nothing yet: the page is still to fetch"
    run_worker()
    assert Article.objects.get().title == "Talks stall"
    feeds.poll(feed)
    run_worker()
    assert watchlists.unread_count(bob) == 1


def test_an_item_changed_in_the_feed_is_not_news_again(httpserver, feed, bob, putin):
    watchlists.watch_entity(bob, putin)
    _serve(httpserver, item("t1", "Talks stall", link="https://news.example/t", content=TALKS))
    feeds.poll(feed)
    httpserver.clear()
    _serve(
        httpserver,
        item(
            "t1",
            "Talks stall",
            link="https://news.example/t",
            content=TALKS.replace("Tuesday", "Wednesday"),
        ),
    )
    feeds.poll(feed)
    assert Notification.objects.filter(user=bob).count() == 1
