"""Text answers are gzip-compressed for a browser that accepts it (BREACH-mitigated:
two compressions of the same page differ); files are sent as they are."""

from __future__ import annotations

import gzip

import pytest
from django.urls import reverse

from articles.ingest import ingest
from tests import pdfs

pytestmark = pytest.mark.django_db


def test_the_reader_is_compressed_and_unpacks_to_the_same_page(alice_client, article):
    plain = alice_client.get(article.get_absolute_url())
    packed = alice_client.get(article.get_absolute_url(), headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content).decode()
    assert article.title in page
    # Compressed, the page is a fraction of its size.
    assert len(packed.content) < len(plain.content) / 2


def test_two_compressions_of_one_page_differ_in_their_bytes(alice_client, article):
    """Django's BREACH mitigation: random bytes in each gzip header."""
    seen = {
        alice_client.get(article.get_absolute_url(), headers={"accept-encoding": "gzip"}).content
        for _ in range(3)
    }
    assert len(seen) == 3


def test_the_api_json_is_compressed(user, article):
    from tests.api.conftest import token_client

    api = token_client(user, "read")
    packed = api.get("/api/v1/articles", headers={"accept-encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert article.title in gzip.decompress(packed.content).decode()


def test_a_pdf_download_is_sent_as_it_is(alice_client):
    article = ingest(pdfs.report(), filename="budget.pdf").article
    response = alice_client.get(
        reverse("article_original", args=[article.pk]), headers={"accept-encoding": "gzip"}
    )
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body == pdfs.report()
