"""Fetch one web resource safely: the only module that opens connections to the web.

Invariants:
- Only http and https. Before connecting, and again at every redirect (at most
  `MAX_REDIRECTS`), the host is resolved and refused when any of its addresses is not a
  public unicast address (loopback, private, link-local, multicast, reserved,
  unspecified, IPv4-mapped forms of those, and decimal/octal/hex spellings, which the
  resolver turns into the same addresses). The connection then goes to the address that
  was checked, never to a second lookup of the name, so DNS cannot change its answer in
  between. `settings.FETCH_ALLOW_PRIVATE` lifts the address check, and nothing else.
- Connect and read timeouts, and a whole-fetch deadline; a body larger than the cap is
  refused while it streams, before it is all in memory (after gzip decoding, so a small
  compressed bomb is refused too).
- Every failure is a `FetchError` (an `IngestError`) with a message for the person and a
  `transient` flag: only timeouts, dropped connections and 5xx/429 answers are worth
  retrying.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import urllib3
from django.conf import settings
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    ProtocolError,
    ReadTimeoutError,
    SSLError,
)

from articles import ingest
from articles.errors import IngestError
from articles.parsing import parse_int

MAX_REDIRECTS = 5
USER_AGENT = "Newsroom/0.1 (self-hosted web reader; saves pages its users asked for)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A document saved from a URL may also be a PDF (`jobs.fetch_document` reads it as one).
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/feed+json",
        # Many servers label feeds as plain text or HTML; the parser decides.
        "text/plain",
        "text/html",
    }
)
_REDIRECTS = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
# Query parameters that only track where a click came from: never part of a story's URL.
_TRACKING = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid",
        "mc_eid", "igshid", "_ga", "_gl", "ref_src", "cmpid", "ocid", "ito", "at_medium",
        "at_campaign",
    }
)  # fmt: skip


class FetchError(IngestError):
    """The page could not be fetched; `transient` failures are worth another try."""

    def __init__(self, message: str, *, reason: str, transient: bool = False) -> None:
        super().__init__(message)
        self.reason = reason
        self.transient = transient


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int  # 200, or 304 for a conditional request that found nothing new
    content: bytes
    media_type: str
    charset: str
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """Decode as a browser would: BOM, then the HTTP charset, then the page's own."""
        data = self.content
        if self.charset and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
            try:
                text = data.decode(self.charset)
            except (LookupError, UnicodeDecodeError):
                pass
            else:
                ingest.check_size(len(data))
                return text
        return ingest.decode(data, html=True)


def canonical_url(url: str) -> str:
    """The form a story's URL is stored under: no fragment, no tracking parameters,
    lower-case scheme and host, no default port. Saving the same story twice finds it."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port and (scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in _TRACKING
    ]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query, doseq=True), ""))


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an absolute http(s) URL, or a FetchError."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise FetchError("That is not a valid web address.", reason="invalid") from None
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        raise FetchError("Only http:// and https:// addresses can be saved.", reason="refused")
    if not parts.hostname:
        raise FetchError("That web address has no host name.", reason="invalid")
    if parts.username or parts.password:
        raise FetchError("Addresses with a user name or password are refused.", reason="refused")
    return scheme, parts.hostname, port or (443 if scheme == "https" else 80)


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None and not is_public(str(inner)):
            return False
    return not (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    """Every address the name stands for (numeric spellings included)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        # A name that does not exist is final; a resolver that did not answer is not.
        passing = exc.errno in {socket.EAI_AGAIN, getattr(socket, "EAI_SYSTEM", None)}
        raise FetchError(
            f"The site {host} could not be found.", reason="not_found", transient=passing
        ) from None
    except UnicodeError:
        raise FetchError(f"The site {host} could not be found.", reason="not_found") from None
    # An IPv4 or IPv6 socket address starts with the host as text (typeshed allows an int).
    addresses = (info[4][0] for info in infos)
    return list(dict.fromkeys(a for a in addresses if isinstance(a, str)))


def checked_address(host: str, port: int) -> str:
    """The address to connect to, after refusing the host if any address is not public."""
    addresses = resolve(host, port)
    if not settings.FETCH_ALLOW_PRIVATE:
        for address in addresses:
            if not is_public(address):
                raise FetchError(
                    f"{host} is a private or reserved address ({address}); "
                    "Newsroom only fetches public web sites.",
                    reason="refused",
                )
    return addresses[0]


def dial(address: str, port: int) -> tuple[str, int]:
    """Where the socket goes. A seam for tests that stand a local server in for a
    public address; the address itself has already been checked."""
    return address, port


def _pool(scheme: str, host: str, address: str, port: int) -> urllib3.HTTPConnectionPool:
    timeout = urllib3.Timeout(
        connect=settings.FETCH_CONNECT_TIMEOUT, read=settings.FETCH_READ_TIMEOUT
    )
    ip, port = dial(address, port)
    if scheme == "https":
        # TLS is verified against the host name, while the socket goes to the checked IP.
        return urllib3.HTTPSConnectionPool(
            ip,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
        )
    return urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False, maxsize=1)


def _target(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(("", "", parts.path or "/", parts.query, ""))


def _host_header(host: str, port: int, scheme: str) -> str:
    name = f"[{host}]" if ":" in host else host
    default = 443 if scheme == "https" else 80
    return name if port == default else f"{name}:{port}"


def _media_type(header: str) -> tuple[str, str]:
    media, _, params = header.partition(";")
    charset = ""
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    return media.strip().lower(), charset


def _status_error(status: int, url: str) -> FetchError:
    if status in {404, 410}:
        return FetchError(f"The page was not found (HTTP {status}).", reason="not_found")
    if status in {401, 403}:
        return FetchError(
            f"The site refused to give the page (HTTP {status}); "
            "try the bookmarklet from your browser.",
            reason="forbidden",
        )
    if status == 429 or status >= 500:
        return FetchError(
            f"The site answered with an error (HTTP {status}).",
            reason="server_error",
            transient=True,
        )
    return FetchError(f"The site answered HTTP {status} for {url}.", reason="http_error")


def _read_body(response: urllib3.BaseHTTPResponse, limit: int, deadline: float) -> bytes:
    declared = parse_int(response.headers.get("Content-Length", ""))
    if declared is not None and declared > limit:
        raise FetchError(_too_large(declared, limit), reason="too_large")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.stream(_CHUNK, decode_content=True):
        size += len(chunk)
        if size > limit:
            raise FetchError(_too_large(size, limit, more=True), reason="too_large")
        if time.monotonic() > deadline:
            raise FetchError("The site took too long to send the page.", reason="timeout")
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int, *, more: bool = False) -> str:
    human = ingest._human_size  # noqa: SLF001 - one wording of sizes across the app
    return (
        f"The page is too large: {'over ' if more else ''}{human(size)}; "
        f"Newsroom accepts up to {human(limit)}."
    )


def _exchange(  # noqa: C901, PLR0913 - one request, each way it can fail named
    pool: urllib3.HTTPConnectionPool,
    url: str,
    *,
    headers: dict[str, str],
    host: str,
    accept: frozenset[str],
    limit: int,
    deadline: float,
) -> Response | str:
    """One request: the response, or the next URL when it is a redirect."""
    try:
        response = pool.urlopen(
            "GET",
            _target(url),
            headers=headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
    except (ConnectTimeoutError, ReadTimeoutError):
        raise FetchError(
            "The site took too long to answer.", reason="timeout", transient=True
        ) from None
    except SSLError:
        raise FetchError(
            "The site's secure connection could not be verified.", reason="tls"
        ) from None
    except (NewConnectionError, ProtocolError, HTTPError) as exc:
        raise FetchError(f"Could not connect to {host}.", reason="network", transient=True) from exc
    try:
        if response.status in _REDIRECTS:
            location = response.headers.get("Location", "")
            if not location:
                raise FetchError("The site redirected nowhere.", reason="http_error")
            return urljoin(url, location)
        if response.status == 304:
            return Response(url, 304, b"", "", "", dict(response.headers))
        if response.status != 200:
            raise _status_error(response.status, url)
        media, charset = _media_type(response.headers.get("Content-Type", ""))
        if media and media not in accept:
            raise FetchError(
                f"It is not an article: the address gives {media}, not a web page.",
                reason="not_article",
            )
        try:
            content = _read_body(response, limit, deadline)
        except ReadTimeoutError:
            raise FetchError(
                "The site took too long to send the page.", reason="timeout", transient=True
            ) from None
        except (ProtocolError, HTTPError) as exc:
            raise FetchError(
                "The connection broke while reading the page.", reason="network", transient=True
            ) from exc
        return Response(url, 200, content, media, charset, dict(response.headers))
    finally:
        # Whatever was not read is dropped with the connection, never reused.
        response.close()
        response.release_conn()


def fetch(
    url: str,
    *,
    accept: frozenset[str] = HTML_TYPES,
    headers: dict[str, str] | None = None,
    max_bytes: int | None = None,
) -> Response:
    """GET `url`, following at most MAX_REDIRECTS redirects, each hop checked."""
    limit = max_bytes or settings.MAX_ARTICLE_BYTES
    deadline = time.monotonic() + settings.FETCH_CONNECT_TIMEOUT + 3 * settings.FETCH_READ_TIMEOUT
    current = url.strip()
    for _hop in range(MAX_REDIRECTS + 1):
        scheme, host, port = check_url(current)
        address = checked_address(host, port)
        pool = _pool(scheme, host, address, port)
        request_headers = {
            "Host": _host_header(host, port, scheme),
            "User-Agent": USER_AGENT,
            "Accept": ", ".join(sorted(accept)) + ", */*;q=0.1",
            "Accept-Encoding": "gzip, deflate",
            **(headers or {}),
        }
        try:
            result = _exchange(
                pool,
                current,
                headers=request_headers,
                host=host,
                accept=accept,
                limit=limit,
                deadline=deadline,
            )
        finally:
            pool.close()
        if isinstance(result, Response):
            return result
        current = result
    raise FetchError(f"The site redirected more than {MAX_REDIRECTS} times.", reason="redirects")
