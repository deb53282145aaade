"""Request checks that run before any view.

`malformed_input_middleware` is the one place that refuses input no view can use: a NUL
byte (PostgreSQL cannot store it in text) or a lone surrogate (no encoding can write it
out again) anywhere in the path, the query string or the form's fields, and bytes that
are not UTF-8 in the query string or the form (in the path Django escapes them again,
`%FF`, so views see only text); an address too long to redirect to; a form too large or
too broken to read. It answers with a 400 (413, 414) and a page saying what was wrong, so no view
meets such a value and none can fail on it with a 500. It sits above the session and
CSRF middleware, which read the cookies and the form after it: a request it refuses
costs no query. Cookies that hold such characters are dropped rather than refused, so a
browser carrying a broken cookie still gets in (the session then starts afresh).

One exception: a view marked `answers_oversized_body` (the library's "Add article", whose
page shows the size message in its own form) gets a body too large to read as it came,
unread; the marker lets such a request alone skip the CSRF check (whose token is in that
body) and hands it to the view's refusal, which reads nothing and changes nothing.

Invariants: the body is read once (by `request.POST`, under Django's
DATA_UPLOAD_MAX_MEMORY_SIZE, before anything else reads it); uploaded files' contents are
not looked at (ingest checks them), only the fields' names and values. A multipart field
that is not UTF-8 is read with replacement characters (Django keeps no raw bytes of it).

`account_middleware`: for a signed-in person, notes now and then (every few minutes, in the
session, so most requests pay no query) that their browser was seen, and, while the team
requires two-factor sign-in, sends anyone without it to set it up: every page but that
one, signing out and the static files. Once the view is resolved it applies the guest rule
(`permissions.refuse_guest`: a guest's write outside the allowlist is a 403 before the view
runs) and sets `request.read_only` for a guest, so pages leave out the write controls.

`TextGZipMiddleware`: Django's GZipMiddleware (with its BREACH mitigation: random bytes in
each gzip header, so a secret in a page cannot be guessed from the compressed length),
for text only (HTML, JSON, CSS, JavaScript, XML, plain text); images, PDFs and other
files are compressed already or not worth it, and are sent as they are. It sits at the
top, so it compresses what every other middleware made.

`first_run_middleware`: while no account exists, every page but the health check leads to
the setup page. Once an account exists the answer is remembered for the life of the
process, so normal requests pay no query for it.
"""

from __future__ import annotations

import functools
import re
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote_to_bytes

from django.conf import settings
from django.contrib.admin.options import TO_FIELD_VAR
from django.contrib.auth import get_user_model
from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, HttpResponseBase, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from articles.parsing import parse_int

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.utils.datastructures import MultiValueDict

# Characters no text column or response can hold.
_UNWRITABLE = re.compile("[\x00\ud800-\udfff]")
# Longer than any address the app makes, and than a redirect to sign-in can carry.
MAX_URL_CHARS = 8 * 1024

NOT_TEXT = (
    "The {where} held characters that are not text (a NUL byte, or a broken character). "
    "Check what was typed or pasted, then try again."
)
NOT_UTF8 = "The {where} was not written in UTF-8, the only encoding Newsroom reads."


class Refusal(Exception):  # noqa: N818 - a refusal, not an error of ours
    """The request cannot be used; `message` says why, to the person who sent it."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def malformed_input_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            check(request)
        except Refusal as refusal:
            return refuse(request, refusal)
        return get_response(request)

    return middleware


def check(request: HttpRequest) -> None:
    """Raise Refusal if the request holds input no view can use; drop unusable cookies."""
    _check_address(request)
    _check_query(request)
    for name in [n for n, v in request.COOKIES.items() if not _writable(n) or not _writable(v)]:
        del request.COOKIES[name]
    # The API reads its own JSON (and answers a form 415: `articles.api.auth`).
    if (
        request.method == "POST"
        and not request.path.startswith("/api/")
        and not _oversized_for_its_view(request)
    ):
        _check_form(request)
    _drop_empty_to_field(request)


def refuse(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """The page (or, for htmx, the paragraph) saying why the request was refused."""
    template = "400.html#refusal" if request.headers.get("HX-Request") else "400.html"
    return render(request, template, {"message": refusal.message}, status=refusal.status)


def _check_address(request: HttpRequest) -> None:
    # The path's bytes that are not UTF-8 Django has already escaped again (`%FF`): a view
    # sees them as text it matches nothing with, and answers 404.
    if not _writable(request.path_info):
        raise Refusal(NOT_TEXT.format(where="web address"))
    if len(request.path_info) + len(request.META.get("QUERY_STRING", "")) > MAX_URL_CHARS:
        raise Refusal("The web address is too long.", status=414)


def _check_query(request: HttpRequest) -> None:
    raw = _raw(request.META.get("QUERY_STRING", ""))
    if not _utf8(unquote_to_bytes(raw.replace(b"+", b" "))):
        raise Refusal(NOT_UTF8.format(where="web address"))
    try:
        params = request.GET
    except TooManyFieldsSent:
        raise Refusal("The web address has too many parameters.") from None
    if not _all_writable(params):
        raise Refusal(NOT_TEXT.format(where="web address"))


def _check_form(request: HttpRequest) -> None:
    try:
        fields, files = request.POST, request.FILES
    except RequestDataTooBig:
        size = filesizeformat(settings.MAX_ARTICLE_BYTES)
        raise Refusal(
            f"The request is too large: Newsroom accepts articles up to {size}.", status=413
        ) from None
    except (TooManyFieldsSent, TooManyFilesSent):
        raise Refusal("The form has too many fields.") from None
    except (MultiPartParserError, BadRequest, UnreadablePostError):
        raise Refusal("The form could not be read. Reload the page and try again.") from None
    if not _all_writable(fields) or not all(
        _writable(name) and _writable(upload.name or "")
        for name, uploads in files.lists()
        for upload in uploads
    ):
        raise Refusal(NOT_TEXT.format(where="form"))
    if request.content_type == "application/x-www-form-urlencoded":
        # Django reads a byte that is not UTF-8 as U+FFFD (percent-encoded) or the whole
        # body as Latin-1 (raw): only then is the body, already in memory, read again.
        body = request.body
        if not body.isascii() or _replaced(fields):
            try:
                parse_qsl(body.decode(), keep_blank_values=True, errors="strict")
            except UnicodeDecodeError:
                raise Refusal(NOT_UTF8.format(where="form")) from None


# The attribute `answers_oversized_body` sets on a view (kept through `functools.wraps`).
_ANSWERS_OVERSIZED = "answers_oversized_body"


def declared_length(request: HttpRequest) -> int:
    """The body's length as the request declares it (0 when absent or not a number)."""
    return parse_int(request.META.get("CONTENT_LENGTH")) or 0


def _too_large_to_read(request: HttpRequest) -> bool:
    return (
        request.method == "POST" and declared_length(request) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


def _oversized_for_its_view(request: HttpRequest) -> bool:
    """A body too large to read, sent to a view that answers it itself."""
    if not _too_large_to_read(request):
        return False
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return False
    return bool(getattr(view, _ANSWERS_OVERSIZED, False))


def answers_oversized_body[R: HttpRequest](
    refuse: Callable[[R, int], HttpResponse],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Mark a view whose POST too large to read is answered by `refuse(request, declared
    length)` instead of this middleware's page: the view's own form with the limit.

    The token of the CSRF check is in that body, so the view is CSRF-exempt and checks
    every other request itself (`csrf_protect`, as the middleware would) before it runs.
    `refuse` must read nothing and change nothing: it answers a request that proved
    nothing about where it came from.
    """

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @functools.wraps(view)
        def answer(request: R, *args: Any, **kwargs: Any) -> HttpResponse:
            if _too_large_to_read(request):
                return refuse(request, declared_length(request))
            return protected(request, *args, **kwargs)

        setattr(answer, _ANSWERS_OVERSIZED, True)
        return csrf_exempt(answer)

    return decorate


def _drop_empty_to_field(request: HttpRequest) -> None:
    """Django's admin reads an empty `_to_field` as a field named "" and fails with a 500
    (it checks only non-empty values): an empty one means none, so it is dropped."""
    if not request.path_info.startswith(reverse("admin:index")):
        return
    for name in ("GET", "POST"):
        data = getattr(request, name)
        if data.get(TO_FIELD_VAR) == "":
            data = data.copy()
            del data[TO_FIELD_VAR]
            setattr(request, name, data)


def _raw(meta: str) -> bytes:
    """A value of the WSGI environ as the bytes that came in (under ASGI, text)."""
    try:
        return meta.encode("iso-8859-1")
    except UnicodeEncodeError:
        return meta.encode(errors="surrogatepass")


def _utf8(data: bytes) -> bool:
    try:
        data.decode()
    except UnicodeDecodeError:
        return False
    return True


def _writable(text: str) -> bool:
    return not _UNWRITABLE.search(text)


def _all_writable(data: MultiValueDict[str, str]) -> bool:
    return all(_writable(key) and all(map(_writable, values)) for key, values in data.lists())


def _replaced(data: MultiValueDict[str, str]) -> bool:
    """Whether a key or value holds U+FFFD, the replacement character."""
    return any(
        "\ufffd" in key or any("\ufffd" in v for v in values) for key, values in data.lists()
    )


_state = {"has_users": False}


_COMPRESSIBLE = re.compile(
    r"text/.*|application/(?:json|javascript|xml|[\w.+-]*\+(?:json|xml))", re.IGNORECASE
)


class TextGZipMiddleware(GZipMiddleware):
    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        media = response.get("Content-Type", "").split(";", 1)[0].strip()
        if not _COMPRESSIBLE.fullmatch(media):
            return response
        # Whether or not this one is compressed (a short body or a HEAD is not), the
        # answer to this URL depends on Accept-Encoding: say so on every text answer.
        patch_vary_headers(response, ("Accept-Encoding",))
        return super().process_response(request, response)


def reset_first_run_cache() -> None:
    """Tests that delete every user call this to see the setup page again."""
    _state["has_users"] = False


def first_run_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if not _state["has_users"]:
            if get_user_model().objects.exists():
                _state["has_users"] = True
            else:
                # Not the setup page itself, its files, the health check a monitor polls, nor
                # the API (a script gets its 401 in JSON, not a redirect to a form).
                open_paths = {reverse("setup"), reverse("healthz")}
                if request.path not in open_paths and not request.path.startswith(
                    ("/static/", "/api/")
                ):
                    return redirect("setup")
        return get_response(request)

    return middleware


ACCOUNT_CHECK_EVERY = 60  # seconds between a session's account checks


def account_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    from articles import accounts, permissions  # noqa: PLC0415 - models load after middleware

    def middleware(request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            now = int(time.time())
            if now - int(request.session.get(accounts.ACCOUNT_CHECKED, 0)) >= ACCOUNT_CHECK_EVERY:
                accounts.touch_session(request)
                accounts.note_account_checked(request, user)
            if request.session.get(accounts.TWO_FACTOR_MISSING) and not _may_skip_two_factor(
                request
            ):
                return redirect("two_factor_setup")
        return get_response(request)

    def guest_rule(request: HttpRequest, view: Callable[..., HttpResponse]) -> None:
        user = request.user
        guest = request.read_only = accounts.is_guest(user)  # type: ignore[attr-defined]
        # A view open without signing in does not act as the signed-in person.
        if guest and getattr(view, "login_required", True):
            match = request.resolver_match
            permissions.refuse_guest(user, match.view_name if match else "", request.method or "")

    return _WithViewCheck(middleware, guest_rule)


class _WithViewCheck:
    """A middleware function with a check that runs once the view is resolved (Django's
    `process_view`): `account_middleware`'s guest rule, which needs the view's URL name."""

    def __init__(
        self,
        middleware: Callable[[HttpRequest], HttpResponse],
        check: Callable[[HttpRequest, Callable[..., HttpResponse]], None],
    ) -> None:
        self.middleware, self.check = middleware, check

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.middleware(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: object,
        kwargs: object,
    ) -> None:
        self.check(request, view)


def _may_skip_two_factor(request: HttpRequest) -> bool:
    path = request.path
    return path.startswith((reverse("two_factor_setup"), "/static/")) or path in {
        reverse("logout"),
        reverse("healthz"),
    }
