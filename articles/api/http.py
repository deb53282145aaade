"""HTTP details the whole API shares: ETags and If-Match, and page-numbered pagination
with `Link` headers (RFC 8288).

An object's ETag changes with every change of it: it is made from its primary key and
its `updated_at` (or another version stamp the caller names). An update that sends
`If-Match` with an ETag that is no longer current answers 412 and changes nothing; the
check and the write run in one transaction on the locked row (`locked_annotation`, for
the API and the annotation containers alike), so two clients sending the same ETag
cannot both win.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from articles.api.problems import Problem, invalid, not_found
from articles.models import Annotation
from articles.parsing import parse_int

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

PER_PAGE = 50
MAX_PER_PAGE = 200


def etag(kind: str, pk: int, stamp: dt.datetime | int | str) -> str:
    if isinstance(stamp, dt.datetime):
        stamp = f"{stamp.timestamp():.6f}"
    return f'"{kind}-{pk}-{stamp}"'


def annotation_etag(annotation: Annotation) -> str:
    return etag("annotation", annotation.pk, annotation.updated_at)


def locked_annotation(request: HttpRequest, pk: int, *, required: bool) -> Annotation:
    """The annotation `pk`, its row locked (call inside a transaction), once the request's
    If-Match names its current ETag: 428 when `required` and none is sent, 412 when stale.
    The caller has checked that the requester may change it."""
    if required and "If-Match" not in request.headers:
        raise Problem(
            428,
            "precondition-required",
            "If-Match required",
            "Send the ETag you read as If-Match, so a change made meanwhile is not lost.",
        )
    locked = Annotation.objects.select_for_update().select_related("article").filter(pk=pk).first()
    if locked is None:
        raise not_found()
    if_match(request, annotation_etag(locked))
    return locked


def _listed(header: str) -> list[str]:
    return [part.strip() for part in header.split(",") if part.strip()]


def if_match(request: HttpRequest, current: str) -> None:
    """412 unless the request's If-Match (when it sends one) names `current`."""
    header = request.headers.get("If-Match")
    if header is None:
        return
    wanted = _listed(header)
    strong = [w.removeprefix("W/") for w in wanted]
    if "*" in wanted or current in strong:
        return
    raise Problem(
        412,
        "precondition-failed",
        "Changed meanwhile",
        "Someone changed this since you read it: read it again (its ETag is now "
        f"{current}) and apply your change to what is there.",
        headers={"ETag": current},
    )


def if_none_match(request: HttpRequest, current: str) -> bool:
    """Whether a conditional GET may answer 304 Not Modified."""
    header = request.headers.get("If-None-Match")
    if header is None:
        return False
    return "*" in _listed(header) or current in [w.removeprefix("W/") for w in _listed(header)]


@dataclass
class Page:
    items: Sequence[Any]
    number: int
    per_page: int
    total: int

    @property
    def last(self) -> int:
        return max(1, -(-self.total // self.per_page))


def page_params(request: HttpRequest) -> tuple[int, int]:
    """`page` (from 1) and `per_page` (1..MAX_PER_PAGE) from the query string; 400 for
    anything else, rather than a guess."""
    page = request.GET.get("page", "1")
    per_page = request.GET.get("per_page", str(PER_PAGE))
    number, size = parse_int(page), parse_int(per_page)
    if number is None or number < 1:
        raise invalid(f"page must be a whole number from 1, not {page[:20]!r}.")
    if size is None or not 1 <= size <= MAX_PER_PAGE:
        raise invalid(f"per_page must be a whole number from 1 to {MAX_PER_PAGE}.")
    return number, size


def paginate(request: HttpRequest, queryset: QuerySet[Any]) -> Page:
    number, size = page_params(request)
    total = queryset.count()
    start = (number - 1) * size
    return Page(list(queryset[start : start + size]), number, size, total)


def link_header(request: HttpRequest, page: Page) -> str:
    def at(number: int) -> str:
        query = request.GET.copy()
        query["page"] = str(number)
        query["per_page"] = str(page.per_page)
        return request.build_absolute_uri(request.path) + "?" + urlencode(sorted(query.items()))

    links = [f'<{at(1)}>; rel="first"', f'<{at(page.last)}>; rel="last"']
    if page.number > 1:
        links.append(f'<{at(min(page.number - 1, page.last))}>; rel="prev"')
    if page.number < page.last:
        links.append(f'<{at(page.number + 1)}>; rel="next"')
    return ", ".join(links)


def paged(request: HttpRequest, response: HttpResponse, page: Page) -> None:
    """Sets the list headers: `Link` (first, prev, next, last) and `X-Total-Count`."""
    response["Link"] = link_header(request, page)
    response["X-Total-Count"] = str(page.total)
