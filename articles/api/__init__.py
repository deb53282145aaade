"""Newsroom's REST API, `/api/v1/`, built with Django Ninja: the OpenAPI document
(`/api/v1/openapi.json`) is generated from the views' type hints, and the docs page
(`/api/v1/docs`) is Swagger UI served from Ninja's own static files, no CDN.

One router per resource (`articles`, `annotations`, `claims` for the fact-checking
desk, `catalogue` for entities, labels, feeds and search). Who may call and what a token
may do: `articles.api.auth`. What each person may see and change: `articles.permissions`,
exactly as for the pages. Errors: `articles.api.problems` (RFC 9457). ETags, If-Match and
pagination: `articles.api.http`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse  # Ninja reads hints at run time
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from articles.api import problems
from articles.api.auth import TokenOrSession, unauthorized
from articles.api.problems import Problem

if TYPE_CHECKING:
    from django.urls import URLPattern, URLResolver

DESCRIPTION = """\
Newsroom's API: the team's articles, annotations, claims (the fact-checking desk), entities,
labels, feeds and search, with the same rules as the pages: you see what you would see
signed in, and change what you could change there.

**Authentication.** Make a personal token on your settings page (API tokens), or with
`manage.py token create USERNAME --name NAME --scope read|write`, and send it as
`Authorization: Bearer nr_...`. A read token may only read. Requests are counted per
token and limited per minute (429 with `Retry-After` past the limit). A signed-in
browser may call the API too (writes then need the `X-CSRFToken` header).

**Objects.** Annotations are W3C Web Annotations (JSON-LD) in and out. Every object has an
`ETag`; send it back as `If-Match` when you change or delete it, and a change someone
made meanwhile answers 412 instead of being overwritten.

**Lists** are paged with `page` and `per_page` (at most 200), with `Link` headers (first,
prev, next, last) and the count in `X-Total-Count`.

**Errors** are RFC 9457 problem details (`application/problem+json`).

**W3C Web Annotation Protocol.** Each article's annotations are also an annotation
container, at the IRI its reader page advertises with
`Link: <…>; rel="http://www.w3.org/ns/oa#annotationService"`.
"""

api = NinjaAPI(
    title="Newsroom API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenOrSession(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)


@api.exception_handler(Problem)
def _problem(request: HttpRequest, exc: Problem) -> HttpResponse:
    return problems.response(request, exc)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:  # noqa: ARG001
    return problems.response(request, problems.not_found())


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problems.response(request, problems.forbidden(str(exc) or "Not allowed."))


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:  # noqa: ARG001
    return problems.response(request, unauthorized("Sign in or send an API token."))


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: list[dict[str, Any]] = [
        {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg", "")}
        for e in exc.errors
    ]
    detail = "; ".join(f"{e['where']}: {e['problem']}" for e in errors[:5])
    return problems.response(request, problems.invalid(detail, errors=errors))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problems.response(request, Problem(exc.status_code, "error", str(exc), str(exc)))


@api.get("/problems/{kind}", auth=None, include_in_schema=False, url_name="problem_kind")
def problem_kind(request: HttpRequest, kind: str) -> dict[str, str]:
    """What a problem `type` means (the IRI every error names)."""
    if kind not in problems.KINDS:
        raise problems.not_found("There is no such kind of problem.")
    return {"type": request.build_absolute_uri(), "kind": kind, "meaning": problems.KINDS[kind]}


def _register() -> None:
    from articles.api import annotation, articles, catalogue, claims  # noqa: PLC0415 - after `api`

    api.add_router("/articles", articles.router, tags=["Articles"])
    api.add_router("/jobs", articles.jobs_router, tags=["Articles"])
    api.add_router("/annotations", annotation.router, tags=["Annotations"])
    api.add_router("/claims", claims.router, tags=["Claims"])
    api.add_router("/", catalogue.router, tags=["Entities, labels, feeds and search"])


_register()


def urls() -> tuple[list[URLPattern | URLResolver], str, str]:
    """The API's URL patterns, open without a session (tokens authenticate each request
    in `articles.api.auth`, so LoginRequiredMiddleware must not redirect them)."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        callback = getattr(pattern, "callback", None)
        if callback is not None:
            callback.login_required = False
    return patterns, app_name, namespace
