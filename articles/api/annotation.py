"""Annotations, as W3C Web Annotations (JSON-LD) in and out: list with filters, create,
read, replace (PUT, the whole annotation), change a few fields (PATCH), delete.

What an incoming annotation may say is `articles.w3c_input`'s rule (the same as the
annotation containers'); what goes out is `articles.webannotation`'s. Changes need the
annotation's current ETag in `If-Match` (428 without it, 412 when someone changed it
meanwhile: never a silent overwrite); the check and the write hold the row locked.
"""

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpResponse  # Ninja reads the hints at run time
from django.utils.dateparse import parse_datetime
from ninja import Body, Router, Schema, Status

from articles import annotations as annotating
from articles import sharing, w3c_input, webannotation
from articles.api.auth import ApiRequest
from articles.api.http import (
    annotation_etag,
    if_none_match,
    locked_annotation,
    paged,
    paginate,
)
from articles.api.problems import invalid, not_found
from articles.models import Annotation, Article, Color
from articles.parsing import parse_int
from articles.permissions import annotation_for, article_for, visible_annotations

router = Router()

JsonLd = dict[str, Any]
REFUSALS = (w3c_input.InputError, annotating.AnnotationError, sharing.SharingError)
_SORTS = {"created": "created_at", "updated": "updated_at", "text": "start"}


class AnnotationChange(Schema):
    """The fields a script usually changes; anything left out stays as it is."""

    note: str | None = None
    color: str | None = None
    audience: str | None = None  # "private", or the id of a group you belong to


def base_url(request: ApiRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _document(request: ApiRequest, response: HttpResponse, annotation: Annotation) -> JsonLd:
    response["ETag"] = annotation_etag(annotation)
    return webannotation.annotation_to_jsonld(annotation, base_url(request))


def _with_relations(pk: int, request: ApiRequest) -> Annotation:
    found = (
        visible_annotations(request.user)
        .select_related("article", "author__profile", "entity", "group")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise not_found("There is no such annotation, or you may not see it.")
    return found


def _choice(params: Any, name: str, field: str, allowed: list[str]) -> dict[str, str]:
    if name not in params:
        return {}
    if params[name] not in allowed:
        raise invalid(f"{name} is one of {', '.join(allowed)}.")
    return {field: params[name]}


def _number(params: Any, name: str, field: str) -> dict[str, int]:
    if name not in params:
        return {}
    value = parse_int(params[name])
    if value is None:
        raise invalid(f"{name} is the id of one {name}, a whole number.")
    return {field: value}


def _since(params: Any) -> dict[str, dt.datetime]:
    if "updated_since" not in params:
        return {}
    since = parse_datetime(params["updated_since"])
    if since is None:
        raise invalid("updated_since is an ISO 8601 date and time, e.g. 2026-12-01T09:00Z.")
    return {"updated_at__gt": since if since.tzinfo else since.replace(tzinfo=dt.UTC)}


def _filtered(request: ApiRequest) -> Any:
    params = request.GET
    conditions: dict[str, Any] = {
        **_number(params, "article", "article_id"),
        **_number(params, "group", "group_id"),
        **_choice(params, "color", "color", Color.values),
        **_choice(params, "motivation", "motivation", Annotation.Motivation.values),
        **_choice(params, "state", "status", Annotation.Status.values),
        **_since(params),
    }
    if "author" in params:
        conditions["author__username"] = params["author"]
    sort = _choice(params, "sort", "sort", list(_SORTS)).get("sort", "updated")
    order = _SORTS[sort] if sort == "text" else f"-{_SORTS[sort]}"
    return (
        visible_annotations(request.user)
        .select_related("article", "author__profile", "entity", "group")
        .filter(**conditions)
        .order_by(order, "-id")
    )


@router.get("", response=list[JsonLd], summary="List annotations")
def list_annotations(  # noqa: PLR0913 - each filter is documented as a parameter
    request: ApiRequest,
    response: HttpResponse,
    *,
    article: int | None = None,
    author: str | None = None,
    group: int | None = None,
    color: str | None = None,
    motivation: str | None = None,
    state: str | None = None,
    updated_since: dt.datetime | None = None,
    sort: str = "updated",
) -> list[JsonLd]:
    """The annotations you may see, as W3C Web Annotations, most recently changed first
    (`sort`: updated, created, or text for the order in the article). Filters: `article`
    (id), `author` (username), `group` (id), `color`, `motivation` (highlighting,
    commenting, identifying), `state` (anchored, changed, orphaned: whether the text
    changed under it), `updated_since` (ISO 8601)."""
    del article, author, group, color, motivation, state, updated_since, sort  # read as sent
    page = paginate(request, _filtered(request))
    paged(request, response, page)
    base = base_url(request)
    return [webannotation.annotation_to_jsonld(a, base) for a in page.items]


def _article_of(data: object, request: ApiRequest, given: int | None) -> Article:
    if given is not None:
        return article_for(request, given)
    target = data.get("target") if isinstance(data, dict) else None
    targets = target if isinstance(target, list) else [target]
    for item in targets:
        iri = item if isinstance(item, str) else (item or {}).get("source", "")
        if isinstance(iri, str):
            parts = iri.split("/articles/", 1)
            pk = parse_int(parts[1].split("/", 1)[0]) if len(parts) == 2 else None
            if pk is not None:
                return article_for(request, pk)
    raise invalid("Say which article: its reader URL as the target's source, or ?article=<id>.")


@router.post("", response={201: JsonLd}, summary="Create an annotation")
def create_annotation(
    request: ApiRequest,
    response: HttpResponse,
    data: JsonLd = Body(...),  # type: ignore[type-arg]  # noqa: B008 - Ninja's way to take the whole body
    article: int | None = None,
    audience: str | None = None,
) -> Status[JsonLd]:
    """A W3C Web Annotation on one article: its target is the article (a note on the
    whole article) or a SpecificResource on the article's reader URL with a
    TextQuoteSelector (and a TextPositionSelector counting code points of the article's
    `body_text`). `audience`: "private", or a group's id; your default otherwise."""
    on = _article_of(data, request, article)
    try:
        group = (
            sharing.default_audience(request.user)
            if audience is None
            else sharing.parse_audience(request.user, audience)
        )
        made = w3c_input.create(on, request.user, data, base_url=base_url(request), audience=group)
    except REFUSALS as exc:
        raise invalid(str(exc)) from None
    made = _with_relations(made.pk, request)
    document = _document(request, response, made)
    response["Location"] = document["id"]
    return Status(201, document)


@router.get("/{pk}", response=JsonLd, summary="Get an annotation", url_name="get_annotation")
def get_annotation(request: ApiRequest, response: HttpResponse, pk: int) -> Any:
    """One annotation as a W3C Web Annotation, with its ETag."""
    annotation = _with_relations(pk, request)
    tag = annotation_etag(annotation)
    if if_none_match(request, tag):
        return HttpResponse(status=304, headers={"ETag": tag})
    return _document(request, response, annotation)


def _changing(request: ApiRequest, pk: int) -> Annotation:
    """The annotation locked for a change by its author, after the If-Match check; call
    inside a transaction."""
    annotation_for(request, pk, change=True)  # 404 hidden, 403 someone else's
    return locked_annotation(request, pk, required=True)


@router.put("/{pk}", response=JsonLd, summary="Replace an annotation")
def replace_annotation(
    request: ApiRequest,
    response: HttpResponse,
    pk: int,
    data: JsonLd = Body(...),  # type: ignore[type-arg]  # noqa: B008
) -> JsonLd:
    """The whole annotation again, as W3C JSON-LD (note, colour, passage); needs
    If-Match. Moving it to other words is a review, logged like one made in the reader."""
    try:
        with transaction.atomic():
            locked = _changing(request, pk)
            w3c_input.replace(locked, data, by=request.user, base_url=base_url(request))
    except REFUSALS as exc:
        raise invalid(str(exc)) from None
    return _document(request, response, _with_relations(pk, request))


@router.patch("/{pk}", response=JsonLd, summary="Change an annotation's note, colour or audience")
def change_annotation(
    request: ApiRequest, response: HttpResponse, pk: int, data: AnnotationChange
) -> JsonLd:
    """Only the fields sent change; needs If-Match."""
    try:
        with transaction.atomic():
            locked = _changing(request, pk)
            target = (
                sharing.KEEP
                if data.audience is None
                else sharing.parse_audience(request.user, data.audience)
            )
            annotating.update(
                locked, note=data.note, color=data.color, audience=target, by=request.user
            )
    except REFUSALS as exc:
        raise invalid(str(exc)) from None
    return _document(request, response, _with_relations(pk, request))


@router.delete("/{pk}", response={204: None}, summary="Delete an annotation")
def delete_annotation(request: ApiRequest, pk: int) -> Status[None]:
    """For its author; If-Match is checked when sent."""
    annotation_for(request, pk, change=True)
    with transaction.atomic():
        locked_annotation(request, pk, required=False).delete()
    return Status(204, None)
