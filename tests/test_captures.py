"""The page as fetched: each page fetched for an article is kept byte for byte
(compressed), with its hash and time, and an administrator downloads it from the
versions page."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse
from werkzeug import Response

from articles import captures, jobs
from articles.models import PageCapture
from tests.factories import make_article, make_user
from tests.fetching import page, run_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("allow_private")]

V1 = page(
    "Harbour reopens after repairs",
    "The harbour reopened on Monday after a week of repairs to the northern quay.",
    "Fishing boats returned at dawn, and the market opened an hour later than usual.",
    "<script>alert('the source page, scripts and all')</script>",
)
V2 = V1.replace("a week", "ten days")


@pytest.fixture
def story(httpserver):
    current = {"html": V1}
    httpserver.expect_request("/story").respond_with_handler(
        lambda _r: Response(current["html"], content_type="text/html; charset=utf-8")
    )
    return current


def _refresh(client, article) -> None:
    client.post(reverse("refresh_article", args=[article.pk]))
    run_worker()


def test_a_saved_page_is_kept_as_fetched_and_a_changed_one_again(
    httpserver, story, user, alice_client
):
    job = jobs.submit(httpserver.url_for("/story"), user)
    run_worker()
    job.refresh_from_db()
    article = job.article
    first = PageCapture.objects.get(article=article)
    assert captures.original_bytes(first) == V1.encode()
    assert first.sha256 == hashlib.sha256(V1.encode()).hexdigest()
    assert first.size == len(V1.encode())
    assert first.url == httpserver.url_for("/story")
    assert first.content_type == "text/html"
    assert len(bytes(first.data)) < first.size  # compressed

    _refresh(alice_client, article)  # the same page: nothing new to keep
    assert PageCapture.objects.filter(article=article).count() == 1
    story["html"] = V2
    _refresh(alice_client, article)
    newest = PageCapture.objects.filter(article=article).first()
    assert captures.original_bytes(newest) == V2.encode()
    assert PageCapture.objects.filter(article=article).count() == 2


def test_the_command_line_save_keeps_the_page_too(httpserver, story, user):
    result = jobs.ingest_url(httpserver.url_for("/story"), user)
    assert captures.original_bytes(result.article.captures.get()) == V1.encode()


def test_an_administrator_downloads_it_byte_for_byte_and_no_one_else(
    httpserver, story, user, alice_client
):
    job = jobs.submit(httpserver.url_for("/story"), user)
    run_worker()
    job.refresh_from_db()
    article = job.article
    kept = article.captures.get()
    url = reverse("article_capture", args=[article.pk, kept.pk])
    versions = reverse("article_versions", args=[article.pk])

    assert url not in alice_client.get(versions).text
    assert alice_client.get(url).status_code == 404  # a member, even the one who saved it
    assert Client().get(url).status_code == 302  # signed out: to the sign-in page

    admin = Client()
    admin.force_login(make_user("root", staff=True))
    assert url in admin.get(versions).text
    answer = admin.get(url)
    assert answer.status_code == 200
    assert answer.content == V1.encode()
    assert answer["Content-Disposition"].startswith("attachment;")
    assert answer["Content-Type"] == "application/octet-stream"
    assert answer["Content-Security-Policy"] == "sandbox"
    other = make_article()
    assert admin.get(reverse("article_capture", args=[other.pk, kept.pk])).status_code == 404, (
        "a capture answers only under its own article"
    )
