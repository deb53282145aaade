"""Fetching pages from a real HTTP server on 127.0.0.1 (private addresses allowed here):
redirects, errors, timeouts, limits, content types, charsets, canonical URLs."""

from __future__ import annotations

import gzip
import time

import pytest
from werkzeug import Response

from articles import fetch

PAGE = (
    "<!doctype html><html lang=en><head><title>Harbour reopens</title></head><body><article>"
    "<h1>Harbour reopens</h1>"
    + "<p>The harbour reopened on Monday after a week of repairs to the northern quay.</p>" * 6
    + "</article></body></html>"
)


pytestmark = pytest.mark.usefixtures("allow_private")


def test_it_fetches_a_page_and_names_newsroom_in_the_user_agent(httpserver):
    httpserver.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    response = fetch.fetch(httpserver.url_for("/story"))
    assert response.status == 200
    assert "Harbour reopens" in response.text()
    request, _ = httpserver.log[0]
    assert request.headers["User-Agent"].startswith("Newsroom/")


def test_it_follows_redirects_and_reports_the_final_address(httpserver):
    for i in range(5):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            "", status=302 if i % 2 else 301, headers={"Location": f"/r{i + 1}"}
        )
    httpserver.expect_request("/r5").respond_with_data(PAGE, content_type="text/html")
    response = fetch.fetch(httpserver.url_for("/r0"))
    assert response.url == httpserver.url_for("/r5")
    assert "Harbour reopens" in response.text()


def test_it_gives_up_after_five_redirects(httpserver):
    for i in range(7):
        httpserver.expect_request(f"/r{i}").respond_with_data(
            "", status=302, headers={"Location": f"/r{i + 1}"}
        )
    with pytest.raises(fetch.FetchError, match="more than 5 times") as caught:
        fetch.fetch(httpserver.url_for("/r0"))
    assert caught.value.reason == "redirects"
    assert len(httpserver.log) == 6


def test_a_missing_page_is_not_found_and_not_retried(httpserver):
    httpserver.expect_request("/gone").respond_with_data("no", status=404)
    with pytest.raises(fetch.FetchError, match="not found") as caught:
        fetch.fetch(httpserver.url_for("/gone"))
    assert caught.value.reason == "not_found"
    assert not caught.value.transient


def test_a_server_error_is_worth_retrying(httpserver):
    httpserver.expect_request("/busy").respond_with_data("oops", status=503)
    with pytest.raises(fetch.FetchError, match="HTTP 503") as caught:
        fetch.fetch(httpserver.url_for("/busy"))
    assert caught.value.transient


def test_a_slow_response_times_out(httpserver, settings):
    settings.FETCH_READ_TIMEOUT = 0.5

    def slow(_request):
        time.sleep(1.5)
        return Response(PAGE, content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(fetch.FetchError, match="too long") as caught:
        fetch.fetch(httpserver.url_for("/slow"))
    assert caught.value.reason == "timeout"
    assert caught.value.transient


def test_an_oversized_page_is_refused_by_its_declared_length(httpserver, settings):
    settings.MAX_ARTICLE_BYTES = 2048
    httpserver.expect_request("/big").respond_with_data("x" * 5000, content_type="text/html")
    with pytest.raises(fetch.FetchError, match="too large") as caught:
        fetch.fetch(httpserver.url_for("/big"))
    assert caught.value.reason == "too_large"


def test_an_oversized_page_without_a_length_is_refused_while_it_streams(httpserver, settings):
    settings.MAX_ARTICLE_BYTES = 2048

    def chunked(_request):
        return Response(
            (b"<p>" + b"x" * 1000 + b"</p>" for _ in range(50)), content_type="text/html"
        )

    httpserver.expect_request("/stream").respond_with_handler(chunked)
    with pytest.raises(fetch.FetchError, match="too large: over"):
        fetch.fetch(httpserver.url_for("/stream"))


def test_a_gzip_bomb_is_measured_after_decompression(httpserver, settings):
    settings.MAX_ARTICLE_BYTES = 64 * 1024
    bomb = gzip.compress(b"<p>" + b"a" * 2_000_000 + b"</p>")
    assert len(bomb) < settings.MAX_ARTICLE_BYTES
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(fetch.FetchError, match="too large"):
        fetch.fetch(httpserver.url_for("/bomb"))


def test_a_non_page_content_type_is_not_an_article(httpserver):
    httpserver.expect_request("/photo").respond_with_data(b"\x89PNG....", content_type="image/png")
    with pytest.raises(fetch.FetchError, match="not an article: the address gives image/png"):
        fetch.fetch(httpserver.url_for("/photo"))


@pytest.mark.parametrize("encoding", ["windows-1251", "iso-8859-1", "shift_jis"])
def test_the_http_charset_decodes_the_page(httpserver, encoding):
    words = {
        "windows-1251": "Порт закрыт на ремонт, сообщили в мэрии",
        "iso-8859-1": "Le port a rouvert après une semaine de réparations",
        "shift_jis": "港は修理のため一週間閉鎖された",
    }[encoding]
    body = f"<html><body><p>{words}</p></body></html>".encode(encoding)
    httpserver.expect_request("/enc").respond_with_data(
        body, content_type=f"text/html; charset={encoding}"
    )
    assert words in fetch.fetch(httpserver.url_for("/enc")).text()


def test_a_meta_charset_is_used_when_the_header_has_none(httpserver):
    words = "Die Brücke über den Fluß wurde gesperrt"
    body = f'<html><head><meta charset="iso-8859-1"></head><body><p>{words}</p></body></html>'
    httpserver.expect_request("/meta").respond_with_data(
        body.encode("iso-8859-1"), content_type="text/html"
    )
    assert words in fetch.fetch(httpserver.url_for("/meta")).text()


def test_a_conditional_request_can_answer_not_modified(httpserver):
    httpserver.expect_request("/feed", headers={"If-None-Match": '"v1"'}).respond_with_data(
        "", status=304
    )
    response = fetch.fetch(
        httpserver.url_for("/feed"), accept=fetch.FEED_TYPES, headers={"If-None-Match": '"v1"'}
    )
    assert response.status == 304
    assert response.content == b""


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        (
            "HTTPS://News.Example.org/story?id=7&utm_source=x&utm_medium=y#comments",
            "https://news.example.org/story?id=7",
        ),
        ("http://example.org:80/a?fbclid=abc", "http://example.org/a"),
        ("https://example.org:8443", "https://example.org:8443/"),
        ("https://example.org/a?b=1&gclid=2&c=", "https://example.org/a?b=1&c="),
    ],
)
def test_canonical_urls_drop_tracking_and_fragments(given, canonical):
    assert fetch.canonical_url(given) == canonical
