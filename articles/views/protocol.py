"""The W3C Web Annotation Protocol (https://www.w3.org/TR/annotation-protocol/): each
article's annotations are an annotation container, an LDP Basic Container.

- `annotations/articles/<article>/` is the container: GET and HEAD (JSON-LD, with the
  `Prefer` preferences of §5.2: minimal container, contained IRIs, contained
  descriptions), OPTIONS, and POST to add an annotation. Its pages are
  `?page=0`, `?page=1`, ... (from 0), and `?iris=1&page=N` for IRIs only
  (`articles.protocol` writes the documents).
- `annotations/articles/<article>/<id>` is one annotation: GET, HEAD, OPTIONS, and for its
  author PUT (replace; If-Match required: 428 without it, 412 when stale) and DELETE
  (If-Match honoured when sent). An annotation's `id` is this IRI.

Who may do what is the API's rule (`articles.api.auth.caller`): a personal token
(`Authorization: Bearer nr_...`) or the browser's session (its writes pass Django's CSRF
check, done by `caller`, so these views are exempt from the middleware's); a read token
or a guest only reads; anyone else is answered 401. What they see and change is
`articles.permissions`': the container lists only the annotations the caller may see,
and an annotation they may not see answers 404, like one that does not exist. What an
incoming annotation may say is `articles.w3c_input`'s rule. Errors are RFC 9457 problem
details (`articles.api.problems`).

Where the protocol leaves a choice, or where we do not do what it suggests:
- `Slug` (a SHOULD: the server may use it to name the new annotation) is ignored: an
  annotation's IRI is its numeric id in its container.
- Pages are given to clients as IRIs from the container, not embedded (see
  `articles.protocol`).
- Cross-origin use stays off: responses send `Access-Control-Expose-Headers` (the headers
  a protocol client reads, as the wpt notes ask) but no `Access-Control-Allow-Origin`, so
  browsers keep other sites' pages from reading them.
- Responses differ per caller, so `Vary` names Authorization and Cookie beside Accept and
  Prefer; the container's ETag changes with every change, addition or deletion of an
  annotation the caller sees.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import transaction
from django.db.models import Count, Max, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.views.decorators.csrf import csrf_exempt

from articles import annotations as annotating
from articles import protocol, sharing, w3c_input, webannotation
from articles.api.auth import caller
from articles.api.http import annotation_etag, if_none_match, locked_annotation
from articles.api.problems import Problem, forbidden, invalid, not_found, response
from articles.middleware import declared_length
from articles.parsing import parse_int
from articles.permissions import article_for, may_change_annotation, visible_annotations

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import User

    from articles.models import Annotation, Article

CONTAINER_METHODS = ("GET", "HEAD", "OPTIONS", "POST")
ANNOTATION_METHODS = ("GET", "HEAD", "OPTIONS", "PUT", "DELETE")
READ_METHODS = ("GET", "HEAD", "OPTIONS")
EXPOSED = "Allow, Content-Location, Content-Type, ETag, Link, Location, Prefer, Vary, Accept-Post"
VARY = ("Accept", "Prefer", "Authorization", "Cookie")
REFUSALS = (w3c_input.InputError, annotating.AnnotationError, sharing.SharingError)
RELATIONS = ("author__profile", "entity", "article")

type View = Callable[..., HttpResponse]


def _protocol(view: View) -> View:
    """Open without a session (tokens authenticate each request), CSRF-checked by
    `caller` instead of the middleware, errors as problem details, and the headers every
    protocol response carries."""

    @functools.wraps(view)
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            result = view(request, *args, **kwargs)
        except Problem as exc:
            result = response(request, exc)
        except Http404:
            result = response(request, not_found())
        except PermissionDenied as exc:
            result = response(request, forbidden(str(exc) or "Not allowed."))
        patch_vary_headers(result, VARY)
        result["Access-Control-Expose-Headers"] = EXPOSED
        return result

    return login_not_required(csrf_exempt(answer))


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _method_not_allowed(request: HttpRequest, allowed: tuple[str, ...]) -> Problem:
    return Problem(
        405,
        "error",
        "Method not allowed",
        f"{request.method} is not answered here; use {', '.join(allowed)}.",
        headers={"Allow": ", ".join(allowed)},
    )


def _media_type(request: HttpRequest) -> str:
    """What to answer a read with; 406 when the caller accepts neither JSON-LD nor JSON."""
    chosen = protocol.negotiate(request.headers.get("Accept", ""))
    if chosen is None:
        raise Problem(
            406,
            "not-acceptable",
            "Not acceptable",
            f"This resource answers {protocol.MEDIA_TYPE} (or application/json).",
        )
    return chosen


def _written_media_type(request: HttpRequest) -> str:
    """What to answer a write with: it is done, so never 406; JSON-LD unless only JSON."""
    return protocol.negotiate(request.headers.get("Accept", "")) or protocol.MEDIA_TYPE


def _json_body(request: HttpRequest) -> object:
    """The request's body as parsed JSON: 415 unless sent as JSON, 413 when larger than
    an article may be, 400 when it is not JSON."""
    if request.content_type not in {"application/ld+json", "application/json"}:
        raise Problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            f"Send the annotation as {protocol.MEDIA_TYPE}.",
            headers={"Accept-Post": protocol.MEDIA_TYPE},
        )
    limit = settings.MAX_ARTICLE_BYTES
    too_large = Problem(413, "too-large", "Too large", f"An annotation is at most {limit} bytes.")
    if declared_length(request) > limit:
        raise too_large
    try:
        body = request.body
    except RequestDataTooBig:
        raise too_large from None
    if len(body) > limit:
        raise too_large
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise invalid("The body is not JSON: send one annotation as a JSON-LD object.") from None


def _document(
    request: HttpRequest, data: object, *, status: int = 200, content_type: str
) -> HttpResponse:
    """A JSON(-LD) answer; a HEAD gets the headers only."""
    content = b"" if request.method == "HEAD" else json.dumps(data, ensure_ascii=False).encode()
    return HttpResponse(content, status=status, content_type=content_type)


def _not_modified(tag: str, headers: dict[str, str]) -> HttpResponse:
    answer = HttpResponse(status=304)
    for name, value in {**headers, "ETag": tag}.items():
        answer[name] = value
    return answer


# The container -------------------------------------------------------------------------


def _container_headers(iri: str) -> dict[str, str]:
    return {
        "Allow": ", ".join(CONTAINER_METHODS),
        "Accept-Post": protocol.MEDIA_TYPE,
        "Link": protocol.CONTAINER_LINK,
        "Content-Location": iri,
    }


@_protocol
def container(request: HttpRequest, article_pk: int) -> HttpResponse:
    if request.method not in CONTAINER_METHODS:
        raise _method_not_allowed(request, CONTAINER_METHODS)
    user = caller(request)
    article = article_for(request, article_pk)
    if request.method == "POST":
        return _create(request, article, user)
    iri = webannotation.container_iri(article, _base_url(request))
    if request.method == "OPTIONS":
        answer = HttpResponse(status=200)
        for name, value in _container_headers(iri).items():
            answer[name] = value
        return answer
    return _read_container(request, article, user, iri)


def _iris_wanted(request: HttpRequest, wanted: protocol.Preference) -> bool:
    raw = request.GET.get("iris")
    if raw is None:
        return wanted.iris
    if raw not in {"0", "1"}:
        raise invalid("iris is 1 (the annotations' IRIs only) or 0 (whole annotations).")
    return raw == "1"


def _page_number(raw: str) -> int:
    number = parse_int(raw)
    if number is None or number < 0:
        raise invalid(f"page is a whole number from 0, not {raw[:20]!r}.")
    return number


def _read_container(request: HttpRequest, article: Article, user: User, iri: str) -> HttpResponse:
    content_type = _media_type(request)
    wanted = protocol.preference(request.headers.get("Prefer", ""))
    iris = _iris_wanted(request, wanted)
    visible = visible_annotations(user).filter(article=article)
    seen = visible.aggregate(total=Count("pk"), modified=Max("updated_at"), ids=Sum("pk"))
    total = int(seen["total"])
    contents = protocol.Contents(
        iri, total, seen["modified"] or article.created_at, size=protocol.PAGE_SIZE
    )
    size = contents.size
    raw_page = request.GET.get("page")
    summary: tuple[object, ...] = (total, contents.modified.timestamp(), seen["ids"], size, iris)
    data: protocol.JsonLd
    if raw_page is None:
        location = iri
        summary = (*summary, "container", wanted.minimal)
        data = protocol.container_document(article, contents, iris=iris)
    else:
        number = _page_number(raw_page)
        if number > contents.last:
            raise not_found(f"This container has pages 0 to {contents.last}.")
        location = protocol.page_iri(iri, number, iris=iris)
        summary = (*summary, "page", number)
        items = visible.select_related(*RELATIONS).in_text_order()[
            number * size : (number + 1) * size
        ]
        data = protocol.page_document(
            contents, number, items, iris=iris, base_url=_base_url(request)
        )
    tag = protocol.container_etag(article, user.pk, summary)
    headers = {**_container_headers(location), "ETag": tag}
    if if_none_match(request, tag):
        return _not_modified(tag, headers)
    answer = _document(request, data, content_type=content_type)
    for name, value in headers.items():
        answer[name] = value
    return answer


def _create(request: HttpRequest, article: Article, user: User) -> HttpResponse:
    data = _json_body(request)
    raw_audience = request.GET.get("audience")
    try:
        audience = (
            sharing.default_audience(user)
            if raw_audience is None
            else sharing.parse_audience(user, raw_audience)
        )
        with transaction.atomic():
            made = w3c_input.create(
                article, user, data, base_url=_base_url(request), audience=audience
            )
    except REFUSALS as exc:
        raise invalid(str(exc)) from None
    return _annotation_document(
        request, _visible(user, article.pk, made.pk), status=201, created=True
    )


# One annotation ------------------------------------------------------------------------


def _visible(user: User, article_pk: int, pk: int) -> Annotation:
    """The annotation `pk` of article `article_pk` if the caller may see it; 404 otherwise."""
    found = (
        visible_annotations(user)
        .select_related(*RELATIONS)
        .filter(pk=pk, article_id=article_pk)
        .first()
    )
    if found is None:
        raise not_found("There is no such annotation in this container, or you may not see it.")
    return found


def _annotation_headers(user: User, annotation: Annotation) -> dict[str, str]:
    allowed = ANNOTATION_METHODS if may_change_annotation(user, annotation) else READ_METHODS
    return {
        "Allow": ", ".join(allowed),
        "Link": protocol.RESOURCE_LINK,
        "ETag": annotation_etag(annotation),
    }


def _annotation_document(
    request: HttpRequest, annotation: Annotation, *, status: int = 200, created: bool = False
) -> HttpResponse:
    """The annotation as JSON-LD with its headers, after a read or a write (POST: `created`,
    which adds its Location; PUT)."""
    user: User = request.user  # type: ignore[assignment]  # `caller` set it
    read = request.method in READ_METHODS
    content_type = _media_type(request) if read else _written_media_type(request)
    headers = _annotation_headers(user, annotation)
    if read and if_none_match(request, headers["ETag"]):
        return _not_modified(headers["ETag"], headers)
    data = webannotation.annotation_to_jsonld(annotation, _base_url(request))
    answer = _document(request, data, status=status, content_type=content_type)
    if created:
        answer["Location"] = data["id"]
    for name, value in headers.items():
        answer[name] = value
    return answer


@_protocol
def annotation(request: HttpRequest, article_pk: int, pk: int) -> HttpResponse:
    if request.method not in ANNOTATION_METHODS:
        raise _method_not_allowed(request, ANNOTATION_METHODS)
    user = caller(request)
    found = _visible(user, article_pk, pk)
    if request.method == "OPTIONS":
        answer = HttpResponse(status=200)
        for name, value in _annotation_headers(user, found).items():
            answer[name] = value
        return answer
    if request.method in READ_METHODS:
        return _annotation_document(request, found)
    if not may_change_annotation(user, found):
        raise forbidden("Only the author of an annotation may change or delete it.")
    if request.method == "DELETE":
        return _delete(request, pk)
    return _replace(request, user, article_pk, pk)


def _replace(request: HttpRequest, user: User, article_pk: int, pk: int) -> HttpResponse:
    data = _json_body(request)
    try:
        with transaction.atomic():
            locked = locked_annotation(request, pk, required=True)  # one of two wins
            w3c_input.replace(locked, data, by=user, base_url=_base_url(request))
    except REFUSALS as exc:
        raise invalid(str(exc)) from None
    return _annotation_document(request, _visible(user, article_pk, pk))


def _delete(request: HttpRequest, pk: int) -> HttpResponse:
    with transaction.atomic():
        locked_annotation(request, pk, required=False).delete()
    return HttpResponse(status=204)
