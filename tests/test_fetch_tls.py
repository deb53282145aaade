"""HTTPS: the socket goes to the checked address while TLS is verified against the host
name, so a certificate for another name, or from an unknown authority, is refused."""

from __future__ import annotations

import ssl

import pytest
import trustme
from pytest_httpserver import HTTPServer

from articles import fetch

PAGE = (
    "<html><body><article><p>Over TLS, verified against the host name.</p></article></body></html>"
)


@pytest.fixture(scope="module")
def authority():
    return trustme.CA()


@pytest.fixture
def tls_server(authority):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("news.example").configure_cert(context)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def news_example(monkeypatch, settings, tls_server):
    """news.example resolves to the local TLS server's address (private addresses allowed)."""
    settings.FETCH_ALLOW_PRIVATE = True
    monkeypatch.setattr(fetch, "resolve", lambda _host, _port: ["127.0.0.1"])
    return f"https://news.example:{tls_server.port}"


def _trust(monkeypatch, authority, tmp_path):
    bundle = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))


def test_https_is_verified_against_the_host_name(
    monkeypatch, authority, tmp_path, tls_server, news_example
):
    _trust(monkeypatch, authority, tmp_path)
    tls_server.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    response = fetch.fetch(f"{news_example}/story")
    assert "verified against the host name" in response.text()
    assert tls_server.log[0][0].headers["Host"] == f"news.example:{tls_server.port}"


def test_a_certificate_from_an_unknown_authority_is_refused(tls_server, news_example):
    with pytest.raises(fetch.FetchError, match="secure connection could not be verified"):
        fetch.fetch(f"{news_example}/story")


def test_a_certificate_for_another_name_is_refused(
    monkeypatch, authority, tmp_path, tls_server, settings
):
    _trust(monkeypatch, authority, tmp_path)
    settings.FETCH_ALLOW_PRIVATE = True
    monkeypatch.setattr(fetch, "resolve", lambda _host, _port: ["127.0.0.1"])
    with pytest.raises(fetch.FetchError, match="secure connection could not be verified"):
        fetch.fetch(f"https://other.example:{tls_server.port}/story")
