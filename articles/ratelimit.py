"""A small fixed-window rate limiter per client address, on Django's cache.

With the default cache (LocMemCache) each server process counts on its own, so with
gunicorn's N workers a client gets up to N times the limit; point CACHES at a shared
backend (database or Redis) to count across processes. The client address is
REMOTE_ADDR, or behind the reverse proxy (NEWSROOM_BEHIND_PROXY) the last address of
X-Forwarded-For, the one the proxy itself appended and a client cannot forge.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.cache import cache

if TYPE_CHECKING:
    from django.http import HttpRequest

WINDOW_SECONDS = 60


def client_address(request: HttpRequest) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.rsplit(",", maxsplit=1)[-1].strip()
        if last:
            return last
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(request: HttpRequest, scope: str) -> str:
    window = int(time.time() // WINDOW_SECONDS)
    return f"newsroom-rl:{scope}:{client_address(request)}:{window}"


def exhausted(request: HttpRequest, scope: str, per_minute: int) -> bool:
    """Whether the address already used up `per_minute` this minute (counts nothing)."""
    return (cache.get(_key(request, scope)) or 0) >= per_minute


def allow(request: HttpRequest, scope: str, per_minute: int) -> bool:
    """Count this request; False once the address made more than `per_minute` this minute."""
    key = _key(request, scope)
    cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS * 2)
        count = 1
    return count <= per_minute
