"""Saving a web address from the library (articles/views/library.py `add_article`, and the
fetch jobs of articles/views/saving.py): the job shows as waiting, the worker fetches it,
the library shows the article or a clear reason with Retry; canonical URLs find the
existing article."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import jobs
from articles.models import Article, FetchJob
from tests.fetching import STORY, run_worker

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def allow_private(allow_private, settings):
    settings.FETCH_READ_TIMEOUT = 1


def _add(client, url, **headers):
    return client.post(reverse("add_article"), {"url": url, "text": ""}, **headers)


def _fetched(client, httpserver, path, *answer, **details) -> FetchJob:
    """The job after `client` saved the address of `path` (answered with `answer`) and the
    worker ran."""
    httpserver.expect_request(path).respond_with_data(*answer, **details)
    _add(client, httpserver.url_for(path))
    run_worker()
    return FetchJob.objects.get()


def test_a_pasted_address_is_fetched_in_the_background(alice_client, httpserver, user):
    httpserver.expect_request("/story").respond_with_data(STORY, content_type="text/html")
    response = _add(alice_client, httpserver.url_for("/story"))
    assert response.status_code == 302
    assert not Article.objects.exists()
    library = alice_client.get(reverse("library")).text
    assert "Waiting…" in library
    assert 'hx-trigger="every 2s"' in library

    run_worker()

    article = Article.objects.get()
    assert article.title == "Harbour reopens after repairs"
    assert article.source_url == httpserver.url_for("/story")
    assert article.added_by == user
    library = alice_client.get(reverse("library")).text
    assert 'hx-trigger="every 2s"' not in library  # polling stops once done
    assert "Saved" in library
    assert article.get_absolute_url() in library


def test_htmx_gets_a_fresh_form_and_the_polling_job_list(alice_client, httpserver):
    httpserver.expect_request("/story").respond_with_data(STORY, content_type="text/html")
    response = _add(alice_client, httpserver.url_for("/story"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.text
    assert 'id="add-article"' in html
    assert 'id="fetch-jobs"' in html
    assert 'hx-swap-oob="true"' in html
    assert 'hx-trigger="every 2s"' in html
    fragment = alice_client.get(reverse("fetch_jobs"), HTTP_HX_REQUEST="true").text
    assert fragment.lstrip().startswith('<div id="fetch-jobs"')


def test_a_missing_page_fails_with_its_reason_and_a_retry_button(alice_client, httpserver):
    job = _fetched(alice_client, httpserver, "/gone", "nothing", status=404)
    assert job.status == FetchJob.Status.FAILED
    library = alice_client.get(reverse("library")).text
    assert "The page was not found (HTTP 404)." in library
    assert reverse("retry_fetch", args=[job.pk]) in library

    httpserver.clear()
    httpserver.expect_request("/gone").respond_with_data(STORY, content_type="text/html")
    alice_client.post(reverse("retry_fetch", args=[job.pk]))
    run_worker()
    job.refresh_from_db()
    assert job.status == FetchJob.Status.DONE
    assert job.article.title == "Harbour reopens after repairs"


@pytest.mark.parametrize(
    ("content", "content_type", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n....", "image/png", "It is not an article"),
        (
            b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
            "text/html",
            "no article text",
        ),
    ],
)
def test_a_page_that_is_no_article_fails_clearly(
    alice_client, httpserver, content, content_type, reason
):
    job = _fetched(alice_client, httpserver, "/x", content, content_type=content_type)
    assert job.status == FetchJob.Status.FAILED
    assert reason in job.error
    assert not Article.objects.exists()


def test_a_server_error_is_retried_later_with_back_off(alice_client, httpserver):
    job = _fetched(alice_client, httpserver, "/busy", "down", status=503)
    assert job.status == FetchJob.Status.PENDING
    assert job.attempts == 1
    assert "HTTP 503" in job.error
    assert job.next_attempt_at > timezone.now() + dt.timedelta(seconds=20)
    assert "Waiting to retry" in alice_client.get(reverse("library")).text
    assert jobs.backoff(2) > jobs.backoff(1)


def test_retries_stop_after_the_last_attempt(alice_client, httpserver, settings):
    settings.FETCH_MAX_ATTEMPTS = 1
    job = _fetched(alice_client, httpserver, "/busy", "down", status=503)
    assert job.status == FetchJob.Status.FAILED


def test_the_same_story_with_tracking_parameters_finds_the_existing_article(
    alice_client, httpserver
):
    httpserver.expect_request("/story").respond_with_data(STORY, content_type="text/html")
    _add(alice_client, httpserver.url_for("/story") + "?utm_source=newsletter#top")
    run_worker()
    article = Article.objects.get()
    assert article.source_url == httpserver.url_for("/story")

    response = _add(alice_client, httpserver.url_for("/story") + "?utm_campaign=x&fbclid=1")
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert Article.objects.count() == 1
    assert len(httpserver.log) == 1  # found without fetching again


def test_the_pages_own_canonical_url_is_used(alice_client, httpserver):
    canonical = httpserver.url_for("/news/harbour")
    httpserver.expect_request("/amp/harbour").respond_with_data(
        STORY.replace("<head>", f'<head><link rel="canonical" href="{canonical}">'),
        content_type="text/html",
    )
    _add(alice_client, httpserver.url_for("/amp/harbour"))
    run_worker()
    assert Article.objects.get().source_url == canonical


def test_a_refused_address_is_an_error_beside_the_field(alice_client, settings):
    response = _add(alice_client, "ftp://example.org/file")
    assert response.status_code == 400
    assert "Only http:// and https:// addresses can be saved." in response.text
    assert not FetchJob.objects.exists()


def test_someone_elses_job_cannot_be_retried(client, bob, alice_client, httpserver):
    job = _fetched(alice_client, httpserver, "/gone", "", status=404)
    client.force_login(bob)
    assert client.post(reverse("retry_fetch", args=[job.pk])).status_code == 404
    assert "HTTP 404" not in client.get(reverse("library")).text


def test_the_last_poll_tells_the_library_list_to_reload(alice_client, httpserver):
    httpserver.expect_request("/story").respond_with_data(STORY, content_type="text/html")
    _add(alice_client, httpserver.url_for("/story"))
    waiting = alice_client.get(reverse("fetch_jobs"), HTTP_HX_REQUEST="true")
    assert "HX-Trigger" not in waiting
    run_worker()
    done = alice_client.get(reverse("fetch_jobs"), HTTP_HX_REQUEST="true")
    assert "newsroom:fetched" in done["HX-Trigger"]


def _job_item(html: str, job: FetchJob) -> str:
    """The library's line for `job`, as the person reads it (tags and spacing dropped)."""
    item = re.search(rf'<li class="job [^"]*" data-job="{job.pk}">(.*?)</li>', html, re.DOTALL)
    assert item, html
    return item[1]


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_refused_private_address_offers_no_retry_and_says_why(alice_client, httpserver, settings):
    settings.FETCH_ALLOW_PRIVATE = False
    job = _fetched(alice_client, httpserver, "/intranet", STORY, content_type="text/html")
    assert job.status == FetchJob.Status.FAILED
    item = _job_item(alice_client.get(reverse("library")).text, job)
    assert "is a private or reserved address" in _text(item)
    assert "Retrying would not help" in _text(item)
    assert reverse("retry_fetch", args=[job.pk]) not in item
    assert "Retry</button>" not in item
    assert reverse("dismiss_fetch", args=[job.pk]) in item  # it can still be put away

    alice_client.post(reverse("retry_fetch", args=[job.pk]))  # a stale page's button
    run_worker()
    job.refresh_from_db()
    assert job.status == FetchJob.Status.FAILED
    assert len(httpserver.log) == 0


def test_a_failed_refresh_says_the_refresh_failed_for_its_article(alice_client, httpserver):
    saved = _fetched(alice_client, httpserver, "/story", STORY, content_type="text/html")
    article = saved.article
    httpserver.clear()
    httpserver.expect_request("/story").respond_with_data("", status=404)
    alice_client.post(reverse("refresh_article", args=[article.pk]))
    run_worker()
    refresh = FetchJob.objects.get(purpose=FetchJob.Purpose.REFRESH)
    assert refresh.status == FetchJob.Status.FAILED

    item = _job_item(alice_client.get(reverse("library")).text, refresh)
    text = _text(item)
    assert text.startswith("Refresh failed Harbour reopens after repairs")
    assert article.get_absolute_url() in item
    assert "The page was not found (HTTP 404). The saved text is unchanged." in text
    assert "Save failed" not in text
    assert reverse("retry_fetch", args=[refresh.pk]) in item  # the page may come back
