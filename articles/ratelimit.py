"""Rate limits that every process and every machine shares: windows counted in the
database (`RateCounter`), one atomic upsert per counted event.

A count is the current window's plus the part of the previous window that still falls in
the last `seconds` (the sliding-window estimate): a burst that straddles a window's end is
counted whole, so five wrong codes just before the hour and five just after are ten, not
two fives that each pass.

Who the client is: REMOTE_ADDR, unless that is one of `NEWSROOM_TRUSTED_PROXIES` (the
reverse proxies in front of Newsroom); then the rightmost X-Forwarded-For address that is
not itself a trusted proxy. Anyone else's X-Forwarded-For is ignored: a client reaching
gunicorn directly cannot pick the address it is counted under.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
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

_COUNT = f"""
SELECT "window", count FROM {RateCounter._meta.db_table}
WHERE scope = %s AND subject = %s AND "window" IN (%s, %s)
"""  # noqa: SLF001, S608 - the model's own table; values are parameters

# One round trip: count this event, and read the previous window beside it.
_HIT = f"""
WITH counted AS ({_UPSERT.strip()})
SELECT (SELECT count FROM counted),
       COALESCE((SELECT count FROM {RateCounter._meta.db_table}
                 WHERE scope = %s AND subject = %s AND "window" = %s), 0)
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


def _with_previous(current: int, previous: int, start: int, seconds: int) -> int:
    """`current` plus the share of `previous` still inside the last `seconds`, rounded up
    (an event is counted until it is surely out of the window)."""
    left = 1 - (time.time() - start) / seconds
    if previous <= 0 or left <= 0:
        return current
    return current + math.ceil(previous * min(left, 1))


def hit(scope: str, subject: str, seconds: int = WINDOW_SECONDS) -> int:
    """Count one event of `subject` in `scope`; the count in the last `seconds` so far."""
    subject = subject[:200]
    start = _window(seconds)
    expires = timezone.now() + dt.timedelta(seconds=2 * seconds)
    with connection.cursor() as cursor:
        cursor.execute(_HIT, [scope, subject, start, expires, scope, subject, start - seconds])
        current, previous = cursor.fetchone()
    return _with_previous(int(current), int(previous), start, seconds)


def count(scope: str, subject: str, seconds: int = WINDOW_SECONDS) -> int:
    """How many events `subject` had in `scope` in the last `seconds` (counts nothing)."""
    subject = subject[:200]
    start = _window(seconds)
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, [scope, subject, start, start - seconds])
        found = dict(cursor.fetchall())
    return _with_previous(found.get(start, 0), found.get(start - seconds, 0), start, seconds)


def wait_for(counted: int, limit: int, seconds: int = WINDOW_SECONDS) -> int:
    """Seconds until an event counted as `counted` (over `limit`) would be let through:
    the rest of this window, then the share of the next one it takes for this window's
    events to weigh less than `limit`. 0 when within the limit."""
    if counted <= limit:
        return 0
    rest = _window(seconds) + seconds - time.time()
    share = 1 - max(limit - 1, 0) / counted
    return max(1, min(math.ceil(rest + seconds * share), 2 * seconds))


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
