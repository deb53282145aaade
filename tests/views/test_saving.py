"""The bookmarklet's pages (articles/views/saving.py): a settings page with the person's
token, a token-authenticated save endpoint that refuses forgeries and GETs, and
regenerating the token."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, SaveToken
from tests.fetching import STORY

pytestmark = pytest.mark.django_db

URL = "https://news.example/harbour?utm_source=share#top"


@pytest.fixture
def token(user):
    return SaveToken.regenerate(user).token


def test_the_settings_page_offers_a_bookmarklet_with_the_token(alice_client, user):
    response = alice_client.get(reverse("settings"))
    token = SaveToken.objects.get(user=user).token
    assert response.status_code == 200
    assert 'href="javascript:' in response.text
    assert token in response.text
    assert "http://testserver/save/" in response.text
    assert alice_client.get(reverse("settings")).text.count(token) >= 1
    assert SaveToken.objects.count() == 1  # showing the page again keeps the token


def test_posting_a_page_with_the_token_saves_it(user, token):
    anonymous = Client(enforce_csrf_checks=True)  # a POST from another site: no cookie
    response = anonymous.post(reverse("save_page"), {"token": token, "url": URL, "html": STORY})
    assert response.status_code == 200
    article = Article.objects.get()
    assert article.title == "Harbour reopens after repairs"
    assert article.source_url == "https://news.example/harbour"
    assert article.added_by == user
    assert "Saved to Newsroom" in response.text
    assert article.get_absolute_url() in response.text

    again = anonymous.post(reverse("save_page"), {"token": token, "url": URL, "html": STORY})
    assert "Already in your library" in again.text
    assert Article.objects.count() == 1


@pytest.mark.parametrize("bad", ["", "wrong", "x" * 200])
def test_a_wrong_token_is_refused_and_saves_nothing(token, bad):
    response = Client().post(reverse("save_page"), {"token": bad, "url": URL, "html": STORY})
    assert response.status_code == 403
    assert "no longer valid" in response.text
    assert not Article.objects.exists()


def test_a_get_changes_nothing(token):
    response = Client().get(reverse("save_page"), {"token": token, "url": URL, "html": STORY})
    assert response.status_code == 405
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("url", "html", "message"),
    [
        ("file:///etc/passwd", STORY, "Only http"),
        (URL, "   ", "sent no HTML"),
        (URL, "<html><body><nav>Home</nav></body></html>", "no article text"),
    ],
)
def test_a_page_that_cannot_be_saved_says_why(token, url, html, message):
    response = Client().post(reverse("save_page"), {"token": token, "url": url, "html": html})
    assert response.status_code == 400
    assert message in response.text
    assert not Article.objects.exists()


def test_the_old_bookmarklet_address_opens_its_section_of_the_settings_page(alice_client):
    response = alice_client.get(reverse("save_settings"))
    assert response.status_code == 302
    assert response["Location"] == reverse("settings") + "#bookmarklet"


def test_regenerating_retires_the_old_token(alice_client, token):
    page = alice_client.get(reverse("settings")).text
    assert "Your old bookmarklet will stop working" in page  # asked before doing it
    alice_client.post(reverse("save_settings"))
    new = SaveToken.objects.get().token
    assert new != token
    assert (
        Client().post(reverse("save_page"), {"token": token, "url": URL, "html": STORY}).status_code
        == 403
    )
    assert (
        Client().post(reverse("save_page"), {"token": new, "url": URL, "html": STORY}).status_code
        == 200
    )


def test_regenerating_needs_the_csrf_token(user, token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(reverse("save_settings")).status_code == 403
    assert SaveToken.objects.get().token == token


def test_a_page_over_the_size_limit_is_refused_with_a_reason(token, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = STORY.replace("</article>", "<p>" + "word " * 5000 + "</p></article>")
    response = Client().post(reverse("save_page"), {"token": token, "url": URL, "html": big})
    assert response.status_code == 413
    assert "too large" in response.text
    assert not Article.objects.exists()
