"""The heartbeat (articles/maintenance.py): it polls the feeds that are due and schedules
its own next beat."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from articles import maintenance
from articles.models import Article, Feed
from tests.fetching import LONG, item, rss, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_private")]


def test_the_heartbeat_polls_due_feeds_and_schedules_itself(httpserver, feed):
    httpserver.expect_request("/feed.xml").respond_with_data(
        rss(item("a1", "Budget agreed", content=f"<p>{LONG}</p>")),
        content_type="application/rss+xml",
    )
    later = Feed.objects.create(
        url=httpserver.url_for("/later.xml"), next_poll_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert maintenance.ensure_maintenance() is True
    assert maintenance.ensure_maintenance() is False  # one heartbeat waiting is enough
    run_worker()
    feed.refresh_from_db()
    later.refresh_from_db()
    assert feed.last_polled_at is not None
    assert later.last_polled_at is None
    assert Article.objects.count() == 1
    assert maintenance.ensure_maintenance() is False  # it queued its own next beat
