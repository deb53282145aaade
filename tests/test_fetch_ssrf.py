"""No server-side request forgery: with NEWSROOM_FETCH_ALLOW_PRIVATE off, every
non-public address form is refused before any connection is made, at the first hop and
at every redirect."""

from __future__ import annotations

import pytest
import urllib3.util.connection

from articles import fetch

PAGE = "<html><body><article><p>Hello from the public web, in a real paragraph.</p></article></body></html>"
PUBLIC = "93.184.216.34"  # stands for a public web site; tests route it to the local server


@pytest.fixture(autouse=True)
def private_refused(allow_private, settings):
    settings.FETCH_ALLOW_PRIVATE = False


@pytest.fixture
def connections(monkeypatch):
    """Every socket urllib3 opens, recorded, so a test can assert none was."""
    opened = []
    real = urllib3.util.connection.create_connection

    def spy(address, *args, **kwargs):
        opened.append(address)
        return real(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", spy)
    # urllib3's connection module imported the function by name.
    monkeypatch.setattr("urllib3.connection.connection.create_connection", spy)
    return opened


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "127.1",  # short form
        "2130706433",  # decimal
        "0x7f000001",  # hexadecimal
        "0177.0.0.1",  # octal
        "0x7f.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",  # IPv4-mapped IPv6
        "[::ffff:7f00:1]",
        "[0:0:0:0:0:ffff:127.0.0.1]",
        "0.0.0.0",  # noqa: S104 - unspecified, which reaches this machine
        "[::]",
    ],
)
def test_loopback_in_every_spelling_is_refused_before_connecting(httpserver, connections, host):
    httpserver.expect_request("/secret").respond_with_data(PAGE, content_type="text/html")
    with pytest.raises(fetch.FetchError, match="private or reserved") as caught:
        fetch.fetch(f"http://{host}:{httpserver.port}/secret")
    assert caught.value.reason == "refused"
    assert connections == []
    assert httpserver.log == []


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata, link-local
        "100.64.0.1",  # carrier-grade NAT
        "224.0.0.1",  # multicast
        "240.0.0.1",  # reserved
        "255.255.255.255",
        "fc00::1",  # unique local
        "fe80::1",  # link-local
        "ff02::1",  # multicast
        "::ffff:10.0.0.1",  # IPv4-mapped private
        "::ffff:169.254.169.254",
        "2002:7f00:1::",  # 6to4 wrapping loopback
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    ],
)
def test_private_and_reserved_addresses_are_refused(connections, address):
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(fetch.FetchError, match="private or reserved"):
        fetch.fetch(f"http://{host}/")
    assert connections == []


def test_a_name_resolving_to_any_private_address_is_refused(monkeypatch, connections):
    monkeypatch.setattr(fetch, "resolve", lambda _host, _port: [PUBLIC, "10.1.2.3"])
    with pytest.raises(fetch.FetchError, match=r"10\.1\.2\.3"):
        fetch.fetch("https://mixed.example/story")
    assert connections == []


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "ftp://example.org/x", "gopher://example.org/", "javascript:alert(1)"],
)
def test_only_http_and_https_are_fetched(connections, url):
    with pytest.raises(fetch.FetchError, match="Only http"):
        fetch.fetch(url)
    assert connections == []


def test_credentials_in_the_address_are_refused(connections):
    with pytest.raises(fetch.FetchError, match="user name or password"):
        fetch.fetch("http://admin:secret@example.org/")


@pytest.fixture
def public_site(monkeypatch, httpserver):
    """news.example resolves to a public address; the socket for that address (and only
    that one) goes to the local server. Every other name resolves for real."""
    real_resolve = fetch.resolve

    def resolve(host, port):
        return {"news.example": [PUBLIC], "intranet.example": ["10.0.0.7"]}.get(
            host
        ) or real_resolve(host, port)

    def dial(address, port):
        assert address == PUBLIC, f"a connection to {address} was attempted"
        return "127.0.0.1", httpserver.port

    monkeypatch.setattr(fetch, "resolve", resolve)
    monkeypatch.setattr(fetch, "dial", dial)
    return httpserver


def test_a_public_site_is_fetched(public_site):
    public_site.expect_request("/story").respond_with_data(PAGE, content_type="text/html")
    response = fetch.fetch(f"http://news.example:{public_site.port}/story")
    assert "Hello from the public web" in response.text()
    request, _ = public_site.log[0]
    assert request.headers["Host"] == f"news.example:{public_site.port}"


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/secret",
        "http://2130706433:{port}/secret",
        "http://[::ffff:127.0.0.1]:{port}/secret",
        "http://intranet.example/secret",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_a_public_redirect_to_a_private_address_is_refused_before_connecting(
    public_site, connections, target
):
    public_site.expect_request("/story").respond_with_data(
        "", status=302, headers={"Location": target.format(port=public_site.port)}
    )
    public_site.expect_request("/secret").respond_with_data("internal", content_type="text/html")
    with pytest.raises(fetch.FetchError, match="private or reserved") as caught:
        fetch.fetch(f"http://news.example:{public_site.port}/story")
    assert caught.value.reason == "refused"
    assert [request.path for request, _ in public_site.log] == ["/story"]
    assert connections == [("127.0.0.1", public_site.port)]


def test_the_setting_lifts_the_check_for_intranets(settings, httpserver):
    settings.FETCH_ALLOW_PRIVATE = True
    httpserver.expect_request("/wiki").respond_with_data(PAGE, content_type="text/html")
    assert fetch.fetch(httpserver.url_for("/wiki")).status == 200
