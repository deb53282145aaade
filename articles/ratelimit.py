"""Rate limits that every process and every machine shares: fixed windows counted in the
database (`RateCounter`), one atomic upsert per counted event.

Who the client is: REMOTE_ADDR, unless that is one of `NEWSROOM_TRUSTED_PROXIES` (the
reverse proxies in front of Newsroom); then the rightmost X-Forwarded-For address that is
not itself a trusted proxy. Anyone else's X-Forwarded-For is ignored: a client reaching
gunicorn directly cannot pick the address it is counted under.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import time
from functools import lru_cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.utils import timezone

from articles.models import RateCounter

if TYPE_CHECKING:
    from django.http import HttpRequest

WINDOW_SECONDS = 60

_UPSERT = f"""
INSERT INTO {RateCounter._meta.db_table} (scope, subject, "window", count, expires_at)
VALUES (%s, %s, %s, 1, %s)
ON CONFLICT (scope, subject, "window") DO UPDATE SET count = {RateCounter._meta.db_table}.count + 1
RETURNING count
"""  # noqa: SLF001, S608 - the model's own table; values are parameters


@lru_cache(maxsize=8)
def _networks(
    proxies: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    remote: str = request.META.get("REMOTE_ADDR", "") or "unknown"
    if not _trusted(remote):
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [a.strip() for a in header.split(",")]
    for address in reversed(forwarded):
        if not _is_address(address):
            return remote  # a proxy wrote something else: count the proxy's peer
        if not _trusted(address):
            return address
    return remote


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def _window(seconds: int) -> int:
    return int(time.time() // seconds) * seconds


def hit(scope: str, subject: str, seconds: int = WINDOW_SECONDS) -> int:
    """Count one event of `subject` in `scope`'s current window; the count so far."""
    expires = timezone.now() + dt.timedelta(seconds=2 * seconds)
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [scope, subject[:200], _window(seconds), expires])
        (count,) = cursor.fetchone()
    return int(count)


def count(scope: str, subject: str, seconds: int = WINDOW_SECONDS) -> int:
    """How many events `subject` had in `scope`'s current window (counts nothing)."""
    found = (
        RateCounter.objects.filter(scope=scope, subject=subject[:200], window=_window(seconds))
        .values_list("count", flat=True)
        .first()
    )
    return found or 0


def clear(scope: str, subject: str) -> None:
    """Forget `subject`'s counts in `scope` (a correct password ends an account's streak)."""
    RateCounter.objects.filter(scope=scope, subject=subject[:200]).delete()


def prune() -> int:
    """Delete windows that are over (maintenance)."""
    deleted, _ = RateCounter.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted


def exhausted(request: HttpRequest, scope: str, per_minute: int) -> bool:
    """Whether the address already used up `per_minute` this minute (counts nothing)."""
    return count(scope, client_address(request)) >= per_minute


def allow(request: HttpRequest, scope: str, per_minute: int) -> bool:
    """Count this request; False once the address made more than `per_minute` this minute."""
    return hit(scope, client_address(request)) <= per_minute
