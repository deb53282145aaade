"""Personal API tokens: made, listed, revoked, and checked on each API request.

A token is "nr_" + 43 URL-safe characters (32 random bytes). It is shown once, by
`create`; the database keeps its SHA-256 digest and its first characters (`hint`).

`authenticate` is the one check, for the REST API and the W3C annotation containers
alike: the token exists, is not revoked, and its person is active (deactivating someone
stops their tokens at once, with no change to the tokens). A guest's token reads only;
a read token cannot write (`articles.api.auth`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from articles import ratelimit
from articles.models import ApiToken

if TYPE_CHECKING:
    from django.contrib.auth.models import User

PREFIX = "nr_"
RATE_SCOPE = "api-token"
# `last_used_at` is written at most this often per token: one write per request would
# double the cost of every read.
TOUCH_EVERY = dt.timedelta(minutes=1)


class TokenError(ValueError):
    """A token cannot be made as asked; the message says why."""


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create(user: User, name: str, scope: str) -> tuple[ApiToken, str]:
    """A new token for `user`, and its secret (shown once, never stored)."""
    name = " ".join(name.split())
    if not name:
        raise TokenError("Give the token a name, so you can tell it apart later.")
    if len(name) > ApiToken.NAME_MAX_CHARS:
        raise TokenError(f"A token's name is at most {ApiToken.NAME_MAX_CHARS} characters.")
    if scope not in ApiToken.Scope.values:
        raise TokenError(f"Unknown scope {scope[:20]!r}: choose read or write.")
    raw = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name, scope=scope, digest=digest(raw), hint=raw[: len(PREFIX) + 6]
    )
    return token, raw


def tokens_of(user: User) -> list[ApiToken]:
    """The person's tokens that still work, newest first."""
    return list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))


def revoke(user: User, pk: int) -> bool:
    """Revoke the person's token `pk`; False if they have no such working token."""
    with transaction.atomic():
        updated = ApiToken.objects.filter(user=user, pk=pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    return bool(updated)


def authenticate(raw: str) -> ApiToken | None:
    """The working token whose secret is `raw`, with its user (and profile) loaded; None
    for an unknown or revoked token, or one whose person is deactivated."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    token = (
        ApiToken.objects.select_related("user__profile")
        .filter(digest=digest(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def rate_wait(token: ApiToken) -> int:
    """Count one request of `token`; 0 while it is within the minute's allowance, else
    the seconds to wait before asking again."""
    counted = ratelimit.hit(RATE_SCOPE, str(token.pk))
    return ratelimit.wait_for(counted, settings.API_REQUESTS_PER_MINUTE)
