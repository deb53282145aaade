"""Polling feeds (articles/feeds.py): ETags, full-text and summary-only items, hostile
feeds kept to their own error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from articles import feeds
from articles.models import Article, Feed, FeedEntry, FetchJob
from tests.fetching import LONG, STORY, item, rss, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_private")]


def test_full_text_items_become_articles_once(httpserver, feed, user):
    body = rss(
        item(
            "a1", "Budget agreed", link="https://harbour.example/budget", content=f"<p>{LONG}</p>"
        ),
        item(
            "a2",
            "Quay reopens",
            link="https://harbour.example/quay",
            content=f"<p>{LONG} Quay.</p>",
        ),
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        body, content_type="application/rss+xml"
    )
    result = feeds.poll(feed)
    assert result.new_items == 2
    titles = set(Article.objects.values_list("title", flat=True))
    assert titles == {"Budget agreed", "Quay reopens"}
    article = Article.objects.get(title="Budget agreed")
    assert article.source_url == "https://harbour.example/budget"
    assert article.site_name == "Harbour News"
    assert article.added_by == user
    feed.refresh_from_db()
    assert feed.title == "Harbour News"
    assert feed.last_new_items == 2
    assert feed.last_error == ""
    assert feed.next_poll_at > timezone.now() + dt.timedelta(minutes=29)

    assert feeds.poll(feed).new_items == 0  # same items again: nothing new
    assert Article.objects.count() == 2


def test_a_second_poll_sends_the_etag_and_a_304_ingests_nothing(httpserver, feed):
    body = rss(item("a1", "Budget agreed", content=f"<p>{LONG}</p>"))
    httpserver.expect_ordered_request("/feed.xml").respond_with_data(
        body,
        content_type="application/rss+xml",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 25 Nov 2026 10:00:00 GMT"},
    )
    httpserver.expect_ordered_request(
        "/feed.xml",
        headers={"If-None-Match": '"v1"', "If-Modified-Since": "Wed, 25 Nov 2026 10:00:00 GMT"},
    ).respond_with_data("", status=304)
    assert feeds.poll(feed).new_items == 1
    second = feeds.poll(feed)
    assert second.status == "not modified"
    assert second.new_items == 0
    assert Article.objects.count() == 1
    assert len(httpserver.log) == 2
    assert httpserver.log[1][0].headers["If-None-Match"] == '"v1"'
    httpserver.check_assertions()


def test_summary_only_items_are_fetched_in_full(httpserver, feed):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            item(
                "s1", "Harbour reopens", link=httpserver.url_for("/story"), summary="Short teaser."
            )
        ),
        content_type="application/rss+xml",
    )
    httpserver.expect_request("/story").respond_with_data(STORY, content_type="text/html")
    feeds.poll(feed)
    job = FetchJob.objects.get()
    assert job.feed == feed
    assert not Article.objects.exists()
    run_worker()
    article = Article.objects.get()
    assert "northern quay" in article.body_text
    assert article.source_url == httpserver.url_for("/story")


def test_an_item_already_in_the_library_is_linked_not_copied(httpserver, feed):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(item("x", "Budget", link="https://harbour.example/budget", content=f"<p>{LONG}</p>")),
        content_type="application/rss+xml",
    )
    existing = Article.objects.create(
        title="Budget (saved earlier)",
        body_html="<p>x</p>",
        body_text="x",
        content_hash="0" * 64,
        source_url="https://harbour.example/budget",
    )
    feeds.poll(feed)
    assert Article.objects.count() == 1
    assert FeedEntry.objects.get().article == existing


def test_script_in_a_title_is_text_not_markup(httpserver, feed, alice_client):
    title = "&lt;script&gt;alert(1)&lt;/script&gt;Budget &lt;b&gt;agreed&lt;/b&gt;"
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(
            item(
                "h", title, content=f"<p>{LONG}</p><script>alert(2)</script><p onclick='x()'>Hi</p>"
            )
        ),
        content_type="application/rss+xml",
    )
    feeds.poll(feed)
    article = Article.objects.get()
    assert "<script" not in article.body_html
    assert "onclick" not in article.body_html
    page = alice_client.get(article.get_absolute_url()).text
    assert "<script>alert" not in page
    assert "<b>agreed</b>" not in page


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title><description>&lol4;</description></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&xxe;</title></item></channel></rss>"""


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (BILLION_LAUGHS, "declares XML entities"),
        (EXTERNAL_ENTITY, "declares XML entities"),
        (b"<rss><channel><title>Broken", "not a readable RSS or Atom feed"),
        (b"\x00\x01\x02 binary junk", "not a readable RSS or Atom feed"),
    ],
)
def test_a_hostile_or_broken_feed_fails_alone(httpserver, feed, user, body, error):
    good = Feed.objects.create(url=httpserver.url_for("/good.xml"), added_by=user)
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/xml")
    httpserver.expect_request("/good.xml").respond_with_data(
        rss(item("g", "Good item", content=f"<p>{LONG}</p>")), content_type="application/xml"
    )
    bad_result = feeds.poll(feed)
    assert bad_result.status == "error"
    feed.refresh_from_db()
    assert error in feed.last_error
    assert "lollol" not in feed.title
    assert not Article.objects.filter(title__contains="lol").exists()
    assert feeds.poll(good).new_items == 1
    assert Article.objects.get().title == "Good item"


def test_a_huge_feed_is_refused_while_it_downloads(httpserver, feed, settings):
    settings.MAX_FEED_BYTES = 4096
    huge = rss(*(item(f"i{i}", f"Item {i}", content=f"<p>{LONG}</p>") for i in range(50)))
    httpserver.expect_request("/feed.xml").respond_with_data(
        huge, content_type="application/rss+xml"
    )
    assert feeds.poll(feed).status == "error"
    feed.refresh_from_db()
    assert "too large" in feed.last_error
    assert not Article.objects.exists()


def test_an_atom_feed_is_read(httpserver, feed):
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Atom Harbour</title><id>urn:x</id><updated>2026-11-25T10:00:00Z</updated>"
        "<entry><id>urn:e1</id><title>Ferry timetable changes</title>"
        "<updated>2026-11-24T08:00:00Z</updated><author><name>Ana Silva</name></author>"
        f'<content type="html">&lt;p&gt;{LONG}&lt;/p&gt;</content></entry></feed>'
    )
    httpserver.expect_request("/feed.xml").respond_with_data(
        atom, content_type="application/atom+xml"
    )
    assert feeds.poll(feed).new_items == 1
    article = Article.objects.get()
    assert article.title == "Ferry timetable changes"
    assert article.byline == "Ana Silva"
    assert article.published_at.date() == dt.date(2026, 11, 24)
