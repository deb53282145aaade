"""The feeds page (articles/views/feeds.py): subscribing, each feed's last poll and errors,
unsubscribing, and only the subscriber changing a feed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles import feeds
from articles.models import Article, Feed
from tests.fetching import LONG, item, rss, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_private")]


def test_the_feeds_page_subscribes_and_shows_polls_and_errors(alice_client, httpserver):
    assert "No feeds yet." in alice_client.get(reverse("feeds")).text
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(item("a1", "Budget agreed", content=f"<p>{LONG}</p>")),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/broken.xml").respond_with_data("nope", status=500)
    for path in ("/feed.xml", "/broken.xml"):
        response = alice_client.post(
            reverse("feeds"), {"url": httpserver.url_for(path), "interval_minutes": "15"}
        )
        assert response.status_code == 302
    run_worker()  # the first poll is queued at once
    page = alice_client.get(reverse("feeds")).text
    assert "Harbour News" in page
    assert "1 new" in page
    assert "every 15 min" in page
    assert "HTTP 500" in page
    assert Article.objects.get().title == "Budget agreed"


def test_the_feeds_page_counts_items_whose_page_could_not_be_fetched(
    alice_client, httpserver, feed
):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(item("s1", "Teaser", link=httpserver.url_for("/gone"), summary="Short.")),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    feeds.poll(feed)
    run_worker()
    assert "1 item could not be fetched" in alice_client.get(reverse("feeds")).text


def test_subscribing_refuses_a_non_web_address(alice_client):
    response = alice_client.post(
        reverse("feeds"), {"url": "ftp://x.example/feed", "interval_minutes": "30"}
    )
    assert response.status_code == 400
    assert "Only http:// and https://" in response.text
    assert not Feed.objects.exists()


def test_unsubscribing_asks_first_and_keeps_the_articles(alice_client, feed, httpserver):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(item("a1", "Budget agreed", content=f"<p>{LONG}</p>")),
        content_type="application/rss+xml",
    )
    feeds.poll(feed)
    confirm = alice_client.get(reverse("delete_feed", args=[feed.pk]))
    assert "Unsubscribe from this feed?" in confirm.text
    assert Feed.objects.exists()
    alice_client.post(reverse("delete_feed", args=[feed.pk]))
    assert not Feed.objects.exists()
    assert Article.objects.count() == 1


def test_only_the_subscriber_changes_a_feed(client, bob, feed):
    client.force_login(bob)
    assert client.post(reverse("delete_feed", args=[feed.pk])).status_code == 403
    assert (
        client.post(reverse("feed_interval", args=[feed.pk]), {"interval_minutes": "5"}).status_code
        == 403
    )
    assert Feed.objects.get().interval_minutes == 30
