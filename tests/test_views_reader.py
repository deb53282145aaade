"""The reader page, deleting, error pages and security headers."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.ingest import ingest
from articles.models import Article
from tests.conftest import shared_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def sample():
    path = shared_file("samples", "north-korean-troops.txt")
    return ingest(path.read_bytes(), filename=path.name).article


def test_reader_shows_title_byline_source_date_body_and_related(alice_client, sample):
    response = alice_client.get(sample.get_absolute_url())
    text = response.text
    assert response.status_code == 200
    assert sample.title in text
    assert "By AFP" in text
    assert 'href="https://www.themoscowtimes.com/2024/10/17/' in text
    assert "17 October 2024" in text
    assert f'<div id="article-body" class="prose">{sample.body_html}</div>' in text
    assert "Related" in text
    assert "killed-in-ukraine-seoul" in text


def test_reader_accepts_any_slug_and_none(alice_client, sample):
    assert alice_client.get(f"/articles/{sample.pk}/").status_code == 200
    assert alice_client.get(f"/articles/{sample.pk}/whatever-slug/").status_code == 200


def test_missing_article_is_a_helpful_404(alice_client):
    response = alice_client.get("/articles/999999/")
    assert response.status_code == 404
    assert "Go to the library" in response.text


def test_reader_sets_security_headers(alice_client, sample):
    response = alice_client.get(sample.get_absolute_url())
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_script(alice_client, sample):
    for url in [reverse("library"), sample.get_absolute_url()]:
        text = alice_client.get(url).text
        for chunk in text.split("<script")[1:]:
            assert chunk.lstrip().startswith(("src=", 'type="module" src=')), chunk[:80]


def test_deleting_asks_for_confirmation_first(alice_client, user):
    article = ingest("A story\n\nWith a body that is long enough to be a story.", user=user).article
    page = alice_client.get(reverse("delete_article", args=[article.pk]))
    assert "Delete this article?" in page.text
    assert Article.objects.filter(pk=article.pk).exists()
    response = alice_client.post(reverse("delete_article", args=[article.pk]))
    assert response.status_code == 302
    assert not Article.objects.filter(pk=article.pk).exists()


def test_only_the_adder_or_staff_may_delete(client, django_user_model, user):
    article = ingest("A story\n\nWith a body that is long enough to be a story.", user=user).article
    bob = django_user_model.objects.create_user("bob", password="pw-bob-12345")
    client.force_login(bob)
    assert client.post(reverse("delete_article", args=[article.pk])).status_code == 403
    assert Article.objects.filter(pk=article.pk).exists()
    reader = client.get(article.get_absolute_url())
    assert "Delete article" not in reader.text


def test_panel_filters_vary_on_htmx_so_back_never_shows_a_bare_fragment(alice_client):
    article = ingest("Port Talks\n\nNegotiators met again in Rotterdam on Thursday.").article
    for headers in ({}, {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "annotation-panel"}):
        response = alice_client.get(article.get_absolute_url(), {"color": "green"}, **headers)
        assert "HX-Request" in response["Vary"]
