"""Errors as RFC 9457 problem details (`application/problem+json`), for the whole API.

Every error the API answers is one of these: `type` is a stable IRI naming the kind of
problem, `/api/v1/problems/<kind>`, which answers with what the kind means (`KINDS`);
`title` says it in a few words, `detail` says what to change, `status` repeats the HTTP
status. Input errors add `errors`, the field-by-field list.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse

MEDIA_TYPE = "application/problem+json"
TYPE_PATH = "/api/v1/problems/"

# What each kind of problem means, as `/api/v1/problems/<kind>` explains it.
KINDS: dict[str, str] = {
    "invalid": "The request is not what this endpoint takes; `detail` (and `errors`) say "
    "what to change.",
    "not-an-article": "The text or HTML sent holds no article text Newsroom can keep.",
    "unauthorized": "No valid credentials: send a personal API token as Authorization: "
    "Bearer, or sign in. Revoked tokens and deactivated people's tokens answer this too.",
    "csrf": "A signed-in browser's write without the X-CSRFToken header.",
    "forbidden": "You may see this but not change it (only its author, or the person who "
    "added it, or an administrator may).",
    "read-only": "Guests read; they change nothing the team sees.",
    "read-only-token": "This token's scope is read: make a read-and-write token to write.",
    "not-found": "No such object, or one you may not see: the two answer alike.",
    "too-large": "The body is larger than Newsroom accepts.",
    "unsupported-media-type": "Send the body as JSON (application/json or application/ld+json).",
    "not-acceptable": "This resource answers JSON-LD (application/ld+json) or JSON only.",
    "precondition-failed": "Someone changed the object since you read it: read it again "
    "and apply your change to what is there. The answer's ETag is the current one.",
    "precondition-required": "Changes need the ETag you read, sent as If-Match.",
    "rate-limited": "This token made more requests this minute than the team allows "
    "(NEWSROOM_API_RATE); Retry-After says how many seconds to wait.",
    "conflict": "The change is not one the object allows from where it stands now (a "
    "claim's workflow step); `detail` says what to do first.",
    "error": "Any other error; `detail` says what happened.",
}


class Problem(Exception):  # noqa: N818 - it is the answer, not a failure of ours
    """An error answer: raise it anywhere under an API view."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str = "",
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or title)
        self.status, self.kind, self.title, self.detail = status, kind, title, detail
        self.headers = headers or {}
        self.extra = extra


def response(request: HttpRequest, problem: Problem) -> HttpResponse:
    data: dict[str, Any] = {
        "type": request.build_absolute_uri(TYPE_PATH + problem.kind),
        "title": problem.title,
        "status": problem.status,
    }
    if problem.detail:
        data["detail"] = problem.detail
    data["instance"] = request.path
    data.update(problem.extra)
    answer = HttpResponse(
        json.dumps(data, ensure_ascii=False), status=problem.status, content_type=MEDIA_TYPE
    )
    for name, value in problem.headers.items():
        answer[name] = value
    return answer


def not_found(detail: str = "There is no such object, or you may not see it.") -> Problem:
    return Problem(404, "not-found", "Not found", detail)


def forbidden(detail: str) -> Problem:
    return Problem(403, "forbidden", "Not allowed", detail)


def invalid(detail: str, **extra: Any) -> Problem:
    return Problem(400, "invalid", "Invalid request", detail, **extra)
