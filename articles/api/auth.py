"""Who is calling the API: a personal token (`Authorization: Bearer nr_...`) or the
browser's session (with Django's CSRF check on writes).

The rules are the pages' rules (`articles.permissions`): once the caller is known,
`request.user` is their user and every view asks the permission module as the pages do.
On top of that, for every request whatever the endpoint:
- a token that is unknown, revoked, or whose person was deactivated answers 401;
- a token past its rate (`NEWSROOM_API_RATE` a minute, counted in the database) answers
  429 with Retry-After;
- a read token may only read (GET, HEAD, OPTIONS): anything else answers 403;
- a guest may only read through the API, whatever the token (the pages' allowlist lets a
  guest write only their own reading state and settings, which the API does not offer).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware
from ninja.security import HttpBearer

from articles import apitokens, permissions
from articles.accounts import is_guest
from articles.api.problems import Problem

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.models import ApiToken

READING = permissions.READING
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="newsroom"'}


class ApiRequest(HttpRequest):
    """A request `caller` let through: `user` is the person it acts as."""

    user: User
    api_token: ApiToken | None


def unauthorized(detail: str) -> Problem:
    return Problem(401, "unauthorized", "Sign-in required", detail, headers=CHALLENGE)


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip()


def _csrf_refusal(request: HttpRequest) -> str | None:

    def no_view(_request: HttpRequest) -> HttpResponse:
        return HttpResponse()

    check = CsrfViewMiddleware(no_view)
    check.process_request(request)
    refusal = check.process_view(request, no_view, (), {})
    return None if refusal is None else "The session's CSRF check failed: send X-CSRFToken."


FORMS = {"multipart/form-data", "application/x-www-form-urlencoded"}


# The operations that take a file (multipart form data) instead of JSON.
FILE_UPLOADS = frozenset({"/api/v1/articles/file"})


def _not_json(request: HttpRequest) -> bool:
    """Whether an API write sends a body that is not JSON: a form with fields, or other
    content. (An empty form, as some clients send with a bodiless POST, is no body.)
    The W3C containers check their media types themselves; a file is sent as multipart
    form data, to the one operation that takes one (CSRF is checked above for a session,
    as for every write)."""
    media = request.content_type or ""
    if not request.path.startswith("/api/") or media == "application/json":
        return False
    if media == "multipart/form-data" and request.path.rstrip("/") in FILE_UPLOADS:
        return False
    if media == "application/ld+json" or media.endswith("+json"):
        return False
    try:
        raw = request.body  # read first, so that the view can still read it
    except RequestDataTooBig:
        raise Problem(413, "too-large", "Too large", "The body is too large.") from None
    if media in FORMS:
        try:
            return bool(request.POST or request.FILES)
        except MultiPartParserError:
            return True
    return bool(raw.strip())


def caller(request: HttpRequest) -> User:
    """The user the request acts as, set as `request.user` (and `request.api_token`, None
    for a session); raises a Problem for anyone else."""
    raw = _bearer(request)
    token: ApiToken | None = None
    if raw is not None:
        token = apitokens.authenticate(raw)
        if token is None:
            raise unauthorized("This API token is unknown, revoked, or its person is deactivated.")
        if wait := apitokens.rate_wait(token):
            raise Problem(
                429,
                "rate-limited",
                "Too many requests",
                "This token made too many requests this minute; wait and try again.",
                headers={"Retry-After": str(wait)},
            )
        user: User = token.user
        request.user = user
    else:
        user = request.user  # type: ignore[assignment]
        if not user.is_authenticated:
            raise unauthorized(
                "Send a personal API token (Settings → API tokens) as Authorization: Bearer."
            )
        if request.method not in READING and (refusal := _csrf_refusal(request)):
            raise Problem(403, "csrf", "CSRF check failed", refusal)
    request.api_token = token  # type: ignore[attr-defined]
    if request.method not in READING and _not_json(request):
        raise Problem(
            415,
            "unsupported-media-type",
            "Not JSON",
            "Send the body as JSON (Content-Type: application/json or application/ld+json).",
        )
    if request.method not in READING:
        if token is not None and not token.may_write:
            raise Problem(403, "read-only-token", "Read-only token", "This token may only read.")
        if is_guest(user):
            raise Problem(403, "read-only", "Read only", permissions.READ_ONLY)
    return user


class TokenOrSession(HttpBearer):
    """Ninja's auth hook: documented in OpenAPI as a bearer token; runs `caller`, which
    also accepts the browser's session."""

    def __call__(self, request: HttpRequest) -> User:
        return caller(request)

    def authenticate(self, request: HttpRequest, token: str) -> User:
        return caller(request)
