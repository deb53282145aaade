"""The library page and the "Add article" form."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from articles.ingest import ingest
from articles.models import Article

pytestmark = pytest.mark.django_db

STORY = "Port Talks Resume\n\nBy Jane Doe\n\nNegotiators met again in Rotterdam on Thursday after a week of strikes at the port."


def test_it_requires_sign_in(client, user):
    response = client.get(reverse("library"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_empty_library_explains_how_to_start(alice_client):
    response = alice_client.get(reverse("library"))
    assert response.status_code == 200
    assert "Your library is empty" in response.text


def test_it_lists_articles_newest_first_with_site_date_and_reading_time(alice_client):
    ingest("Older Story\n\nThe first of two stories, an older one about harbours.")
    ingest(
        "<html><head><meta property='og:site_name' content='Example News'>"
        "<meta property='article:published_time' content='2025-03-03'><title>Newer Story</title></head>"
        "<body><article><h1>Newer Story</h1>"
        + "<p>A newer story about port workers and the ships that wait outside.</p>" * 6
        + "</article></body></html>",
        filename="n.html",
    )
    response = alice_client.get(reverse("library"))
    text = response.text
    assert text.index("Newer Story") < text.index("Older Story")
    assert "min read" in text
    assert "3 Mar 2025" in text


def test_library_pages_use_a_fixed_number_of_queries(alice_client, django_assert_max_num_queries):
    for i in range(30):
        ingest(f"Story number {i}\n\nBody of story {i} about a different harbour, number {i}.")
    with django_assert_max_num_queries(6):
        response = alice_client.get(reverse("library"))
    assert response.status_code == 200
    assert "Page 1 of 2" in response.text
    second = alice_client.get(reverse("library") + "?page=2")
    assert "Story number 0" in second.text


def test_pagination_answers_htmx_with_the_list_fragment_only(alice_client):
    for i in range(30):
        ingest(f"Story number {i}\n\nBody of story {i} about a different harbour, number {i}.")
    response = alice_client.get(
        reverse("library") + "?page=2", headers={"HX-Request": "true", "HX-Target": "article-list"}
    )
    assert response.text.lstrip().startswith('<div id="article-list">')
    assert "<html" not in response.text


def test_pasting_text_adds_an_article_and_opens_it(alice_client):
    response = alice_client.post(reverse("add_article"), {"text": STORY})
    article = Article.objects.get()
    assert response.status_code == 302
    assert response.url == article.get_absolute_url()
    assert article.title == "Port Talks Resume"
    assert article.added_by.username == "alice"


def test_htmx_paste_redirects_the_browser_to_the_article(alice_client):
    response = alice_client.post(
        reverse("add_article"), {"text": STORY}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == Article.objects.get().get_absolute_url()


def test_uploading_a_file_adds_an_article(alice_client):
    upload = SimpleUploadedFile("talks.txt", STORY.encode(), content_type="text/plain")
    alice_client.post(reverse("add_article"), {"file": upload})
    assert Article.objects.get().title == "Port Talks Resume"


def test_adding_the_same_story_again_opens_the_existing_one(alice_client):
    alice_client.post(reverse("add_article"), {"text": STORY})
    response = alice_client.post(reverse("add_article"), {"text": STORY}, follow=True)
    assert Article.objects.count() == 1
    assert "already in the library" in response.text


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, "Paste an article or choose a file"),
        ({"text": "   "}, "The pasted text is empty"),
        ({"file": SimpleUploadedFile("x.bin", b"\x00\x01\x02" * 100)}, "not supported"),
        ({"file": SimpleUploadedFile("x.txt", b"%PDF-1.4 stuff")}, "x.txt: It is a PDF document"),
        ({"file": SimpleUploadedFile("empty.txt", b"")}, "empty"),
    ],
)
def test_bad_input_shows_an_inline_error_and_saves_nothing(alice_client, data, error):
    response = alice_client.post(reverse("add_article"), data)
    assert response.status_code == 400
    assert error in response.text
    assert 'id="add-article"' in response.text
    assert Article.objects.count() == 0


def test_htmx_errors_swap_only_the_form(alice_client):
    response = alice_client.post(
        reverse("add_article"), {"text": " "}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400
    assert response.text.lstrip().startswith("<form")
    assert "The pasted text is empty" in response.text


def test_a_huge_upload_is_refused_before_it_is_read(alice_client, settings):
    settings.MAX_ARTICLE_BYTES = 4096
    big = SimpleUploadedFile("big.txt", b"word " * 40_000)
    response = alice_client.post(reverse("add_article"), {"file": big})
    assert response.status_code in {400, 413}
    assert "Newsroom accepts articles up to 4 KB" in response.text
    assert Article.objects.count() == 0


def test_a_forged_form_without_csrf_token_is_refused(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(reverse("add_article"), {"text": STORY})
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert Article.objects.count() == 0


def test_adding_is_post_only(alice_client):
    assert alice_client.get(reverse("add_article")).status_code == 405
