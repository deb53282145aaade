"""The fact-checking desk's claims: list with filters, mark one on a passage, read one
(with its evidence, the articles where it appears and its log), work it (status,
assignee, claimant, verdict and summary), add evidence, sign off a verdict, and read a
verdict as schema.org ClaimReview JSON-LD, the markup fact-checkers publish.

Who sees a claim is the annotation rule (`permissions.visible_claims`): a hidden claim
answers 404. Every member who sees a claim works it; signing off is for anyone but the
person who gave the verdict. The changes are the workflow's own functions
(`articles.claims`), the ones the desk's pages call: what it refuses because of where
the claim stands answers 409 with its reason, a malformed request 400. A PATCH applies
all its fields or none, and checks `If-Match` (when sent) on the locked row.
"""

import datetime as dt
import hashlib
import json
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import HttpResponse  # Ninja reads the hints at run time
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from articles import annotations as annotating
from articles import claimreview, claims, sharing
from articles.accounts import is_guest
from articles.api.auth import ApiRequest
from articles.api.http import PER_PAGE, etag, if_match, if_none_match, paged, paginate
from articles.api.problems import Problem, forbidden, invalid, not_found
from articles.models import Claim, ClaimEvent, Entity, Evidence
from articles.permissions import (
    annotation_for,
    article_for,
    claim_for,
    entity_for,
    may_sign_off,
    visible_annotations,
    visible_claims,
)

router = Router()

LD_JSON = "application/ld+json"
URL_MAX_CHARS = 2000  # Evidence.url's max_length
Status_ = Claim.Status
_RELATED = (
    "annotation__article",
    "annotation__author__profile",
    "claimant",
    "assignee",
    "verdict_by",
    "signed_off_by",
)


# Schemas -------------------------------------------------------------------------------


class ClaimantOut(Schema):
    id: int = Field(description="The entity's id (`/entities/{id}`).")
    name: str
    kind: str = Field(description="person or organisation, usually.")


class ClaimOut(Schema):
    id: int
    url: str = Field(description="The claim's page on the desk.")
    article: int = Field(description="The article it was marked in.")
    article_title: str
    annotation: int = Field(description="Its annotation's id (`/annotations/{id}`).")
    text: str = Field(description="The words claimed, as marked.")
    status: str = Field(description=f"One of {', '.join(Status_.values)}.")
    next_statuses: list[str] = Field(description="Where the workflow lets it go from here.")
    assignee: str | None = Field(description="Who is checking it (a username).")
    claimant: ClaimantOut | None = Field(description="Who made the claim.")
    verdict: str = Field(description='A label of the team\'s scale; "" before the verdict.')
    rating: int | None = Field(description="The verdict's rating, None off the numeric scale.")
    summary: str = Field(description="Why, in Markdown.")
    summary_html: str = Field(description="The summary rendered and sanitised.")
    verdict_by: str | None
    verdict_at: dt.datetime | None
    signed_off_by: str | None
    signed_off_at: dt.datetime | None
    published_at: dt.datetime | None
    repeats: int | None = Field(description="The earlier claim it repeats (one check for both).")
    may_sign_off: bool = Field(description="Whether you may sign off its verdict now.")
    created_at: dt.datetime
    updated_at: dt.datetime


class EvidenceOut(Schema):
    id: int
    stance: str = Field(description="supports or contradicts.")
    url: str
    note: str
    annotation: int | None = Field(description="A passage of an article in the library.")
    passage: str = Field(description="That passage's words.")
    added_by: str | None
    added_at: dt.datetime


class AppearanceOut(Schema):
    claim: int = Field(description="The claim marked there (this one, or one linked with it).")
    article: int
    title: str
    url: str = Field(description="The article's address on the web, or its page in Newsroom.")
    published_at: dt.datetime | None = Field(description="When the article was published.")
    marked_at: dt.datetime


class EventOut(Schema):
    field: str = Field(description=f"One of {', '.join(ClaimEvent.Field.values)}.")
    by: str | None
    at: dt.datetime
    before: str
    after: str


class ClaimDetail(ClaimOut):
    evidence: list[EvidenceOut] = Field(description="Evidence you may see, the oldest first.")
    appearances: list[AppearanceOut] = Field(
        description="Every article you may see where it appears, the earliest first."
    )
    log: list[EventOut] = Field(description="Every change, the oldest first.")


class ClaimIn(Schema):
    """A passage of the article's `body_text` (offsets in code points, as the annotations'
    TextPositionSelector) and its words (the TextQuoteSelector's `exact`)."""

    article: int
    start: int
    end: int
    quote: str
    audience: str | None = Field(
        None, description='"private", or the id of a group you belong to; your default if left out.'
    )
    claimant: int | None = Field(None, description="The id of the entity who made the claim.")
    note: str = ""


class ClaimChange(Schema):
    """What to change; anything left out stays as it is. Applied in this order: assignee,
    claimant, verdict and summary, status; a refused part changes nothing."""

    status: str | None = Field(None, description=f"One of {', '.join(Status_.values)}.")
    assignee: str | None = Field(None, description='A username; null or "" unassigns.')
    claimant: int | None = Field(None, description="An entity's id; null clears it.")
    verdict: str | None = Field(None, description="A label of the team's scale.")
    summary: str | None = Field(None, description="Why, in Markdown (with or after a verdict).")


class EvidenceIn(Schema):
    stance: str = Field(description="supports or contradicts.")
    url: str = ""
    note: str = ""
    annotation: int | None = Field(None, description="The id of an annotation you may see.")


# Answers -------------------------------------------------------------------------------


def _absolute(request: ApiRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _base(request: ApiRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _name(user: User | None) -> str | None:
    return None if user is None else user.get_username()


def _claimant_out(request: ApiRequest, entity: Entity | None) -> dict[str, Any] | None:
    if entity is None or entity.private_to_id not in (None, request.user.pk):
        return None  # someone else's private entity is theirs alone, as everywhere
    return {"id": entity.pk, "name": entity.name, "kind": entity.kind}


def _out(request: ApiRequest, claim: Claim, visible_repeats: set[int]) -> dict[str, Any]:
    article = claim.annotation.article
    return {
        "id": claim.pk,
        "url": _absolute(request, claim.get_absolute_url()),
        "article": article.pk,
        "article_title": article.title,
        "annotation": claim.annotation_id,
        "text": claim.text,
        "status": claim.status,
        "next_statuses": list(claims.STEPS[Status_(claim.status)]),
        "assignee": _name(claim.assignee),
        "claimant": _claimant_out(request, claim.claimant),
        "verdict": claim.verdict,
        "rating": claim.rating,
        "summary": claim.summary,
        "summary_html": claim.summary_html,
        "verdict_by": _name(claim.verdict_by),
        "verdict_at": claim.verdict_at,
        "signed_off_by": _name(claim.signed_off_by),
        "signed_off_at": claim.signed_off_at,
        "published_at": claim.published_at,
        "repeats": claim.repeats_id if claim.repeats_id in visible_repeats else None,
        "may_sign_off": may_sign_off(request.user, claim),
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
    }


def _visible_repeats(request: ApiRequest, found: list[Claim]) -> set[int]:
    """Of the earlier claims these repeat, those the caller may see: a hidden one's id
    would tell that it exists."""
    ids = {c.repeats_id for c in found if c.repeats_id is not None}
    if not ids:
        return set()
    return set(visible_claims(request.user).filter(pk__in=ids).values_list("pk", flat=True))


def _evidence(request: ApiRequest, claim: Claim) -> QuerySet[Evidence]:
    """The claim's evidence the caller may see: a passage only if they see its annotation."""
    seen = visible_annotations(request.user).values("pk")
    return (
        claim.evidence.filter(Q(annotation__isnull=True) | Q(annotation__in=seen))
        .select_related("annotation", "added_by")
        .order_by("added_at", "pk")
    )


def _appearances(request: ApiRequest, claim: Claim) -> list[Claim]:
    return claims.appearances(claim, visible_claims(request.user))


def claim_etag(request: ApiRequest, claim: Claim) -> str:
    """Changes with every change of the claim (each one is logged) and with what its
    answer lists for the caller: its evidence and the places it appears."""
    last_event = claim.events.aggregate(last=Max("pk"))["last"] or 0
    evidence = list(_evidence(request, claim).values_list("pk", flat=True))
    places = [c.pk for c in _appearances(request, claim)]
    digest = hashlib.sha256(
        f"{claim.updated_at.timestamp()}|{last_event}|{evidence}|{places}".encode()
    ).hexdigest()[:16]
    return etag("claim", claim.pk, digest)


def _loaded(request: ApiRequest, pk: int) -> Claim:
    found = visible_claims(request.user).select_related(*_RELATED).filter(pk=pk).first()
    if found is None:
        raise not_found("There is no such claim, or you may not see it.")
    return found


def _detail(request: ApiRequest, response: HttpResponse, pk: int) -> dict[str, Any]:
    claim = _loaded(request, pk)
    response["ETag"] = claim_etag(request, claim)
    events = claim.events.select_related("by").order_by("at", "pk")
    return {
        **_out(request, claim, _visible_repeats(request, [claim])),
        "evidence": [
            {
                "id": e.pk,
                "stance": e.stance,
                "url": e.url,
                "note": e.note,
                "annotation": e.annotation_id,
                "passage": e.annotation.exact if e.annotation else "",
                "added_by": _name(e.added_by),
                "added_at": e.added_at,
            }
            for e in _evidence(request, claim)
        ],
        "appearances": [
            {
                "claim": c.pk,
                "article": c.annotation.article.pk,
                "title": c.annotation.article.title,
                "url": c.annotation.article.source_url
                or _absolute(request, c.annotation.article.get_absolute_url()),
                "published_at": c.annotation.article.published_at,
                "marked_at": c.created_at,
            }
            for c in _appearances(request, claim)
        ],
        "log": [
            {"field": e.field, "by": _name(e.by), "at": e.at, "before": e.before, "after": e.after}
            for e in events
        ],
    }


def _conflict(exc: claims.ClaimError) -> Problem:
    """The workflow refused because of where the claim stands: 409 with its reason."""
    return Problem(409, "conflict", "Not now", str(exc))


# Reading -------------------------------------------------------------------------------


@router.get("", response=list[ClaimOut], summary="List claims")
def list_claims(  # noqa: PLR0913 - each filter is documented as a parameter
    request: ApiRequest,
    response: HttpResponse,
    *,
    status: str | None = None,
    assignee: str | None = None,
    claimant: int | None = None,
    verdict: str | None = None,
    article: int | None = None,
    updated_since: dt.datetime | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> list[dict[str, Any]]:
    """The claims you may see, most recently changed first. Filters: `status` (to_check,
    in_progress, verdict, published, dropped), `assignee` (a username), `claimant` (an
    entity's id), `verdict` (a label of the team's scale), `article` (id),
    `updated_since` (ISO 8601). Paged (`page`, `per_page` up to 200) with `Link` and
    `X-Total-Count`."""
    del page, per_page  # read by `paginate`, which refuses anything but plain numbers
    found = visible_claims(request.user).select_related(*_RELATED)
    if status is not None:
        if status not in Status_.values:
            raise invalid(f"status is one of {', '.join(Status_.values)}.")
        found = found.filter(status=status)
    if assignee is not None:
        found = found.filter(assignee__username=assignee)
    if claimant is not None:
        found = found.filter(claimant_id=claimant)
    if verdict is not None:
        found = found.filter(verdict=verdict)
    if article is not None:
        found = found.filter(annotation__article_id=article)
    if updated_since is not None:
        since = updated_since if updated_since.tzinfo else updated_since.replace(tzinfo=dt.UTC)
        found = found.filter(updated_at__gt=since)
    listed = paginate(request, found.order_by("-updated_at", "-id"))
    paged(request, response, listed)
    repeats = _visible_repeats(request, list(listed.items))
    return [_out(request, c, repeats) for c in listed.items]


@router.get("/{pk}", response=ClaimDetail, summary="Get a claim", url_name="get_claim")
def get_claim(request: ApiRequest, response: HttpResponse, pk: int) -> Any:
    """One claim with the evidence you may see, the articles where it appears (it and
    the claims linked with it as seen before) and its log, with its ETag."""
    claim = _loaded(request, pk)
    tag = claim_etag(request, claim)
    if if_none_match(request, tag):
        return HttpResponse(status=304, headers={"ETag": tag})
    return _detail(request, response, pk)


# Served as JSON-LD: the document says so (not the application/json a `response=` would
# declare), with the properties the ClaimReview carries.
CLAIM_REVIEW_RESPONSE = {
    "responses": {
        200: {
            "description": "The verdict as schema.org ClaimReview.",
            "content": {
                LD_JSON: {
                    "schema": {
                        "type": "object",
                        "required": [
                            "@context",
                            "@type",
                            "claimReviewed",
                            "reviewRating",
                            "itemReviewed",
                            "author",
                            "url",
                        ],
                        "properties": {
                            "@context": {"const": "https://schema.org"},
                            "@type": {"const": "ClaimReview"},
                            "claimReviewed": {"type": "string"},
                            "reviewRating": {"type": "object"},
                            "itemReviewed": {"type": "object"},
                            "author": {"type": "object"},
                            "datePublished": {"type": "string", "format": "date"},
                            "url": {"type": "string", "format": "uri"},
                        },
                    }
                }
            },
        }
    }
}


@router.get(
    "/{pk}/claimreview",
    summary="Get a verdict as ClaimReview",
    openapi_extra=CLAIM_REVIEW_RESPONSE,
)
def get_claimreview(request: ApiRequest, pk: int) -> HttpResponse:
    """The claim's verdict as schema.org ClaimReview JSON-LD (`application/ld+json`),
    the markup fact-checkers publish: `claimReviewed`, `reviewRating` (the verdict as
    `alternateName`, and its rating on the team's scale when it has one), `itemReviewed`
    (who made the claim, the articles you may see where it appears), `author` (the
    team's organisation), `datePublished` once published, `url`. 404 for a claim without
    a verdict."""
    claim = _loaded(request, pk)
    try:
        review = claimreview.claim_review(
            claim, base_url=_base(request), visible=visible_claims(request.user)
        )
    except claimreview.NoVerdict:
        raise not_found("This claim has no verdict yet, so it has no ClaimReview.") from None
    tag = claim_etag(request, claim)
    if if_none_match(request, tag):
        return HttpResponse(status=304, headers={"ETag": tag})
    answer = HttpResponse(json.dumps(review, ensure_ascii=False), content_type=LD_JSON)
    answer["ETag"] = tag
    return answer


# Marking and working -------------------------------------------------------------------


@router.post("", response={201: ClaimDetail}, summary="Mark a claim")
def mark_claim(request: ApiRequest, response: HttpResponse, data: ClaimIn) -> Status[Any]:
    """A claim to check on a passage of an article (an annotation with motivation
    `assessing`), To check, optionally with who made it (`claimant`)."""
    article = article_for(request, data.article)
    claimant = None if data.claimant is None else entity_for(request, data.claimant)
    try:
        audience = (
            sharing.default_audience(request.user)
            if data.audience is None
            else sharing.parse_audience(request.user, data.audience)
        )
        claim = claims.mark(
            article,
            request.user,
            start=data.start,
            end=data.end,
            quote=data.quote,
            audience=audience,
            claimant=claimant,
            note=data.note,
        )
    except (annotating.AnnotationError, sharing.SharingError) as exc:
        raise invalid(str(exc)) from None
    response["Location"] = _absolute(request, reverse("api:get_claim", args=[claim.pk]))
    return Status(201, _detail(request, response, claim.pk))


def _assignee(username: str | None) -> User | None:
    if not username:
        return None
    found = get_user_model().objects.filter(username=username, is_active=True).first()
    if found is None:
        raise invalid(f"There is no active member called {username[:60]!r}.")
    if is_guest(found):
        raise invalid(f"{username} is a guest: guests read, they do not check claims.")
    return found


def _check_change(data: ClaimChange) -> None:
    """The refusals that depend only on the request: 400 before anything changes."""
    if not data.model_fields_set:
        raise invalid("Send what to change: status, assignee, claimant, verdict or summary.")
    if data.status is not None and data.status not in Status_.values:
        raise invalid(f"status is one of {', '.join(Status_.values)}.")
    if data.verdict is not None and data.verdict not in {v.label for v in claims.verdict_scale()}:
        raise invalid("Choose a verdict from your team's scale.")
    if data.summary is not None and len(data.summary) > claims.SUMMARY_MAX_CHARS:
        raise invalid(f"A summary is at most {claims.SUMMARY_MAX_CHARS:,} characters.")


@router.patch("/{pk}", response=ClaimDetail, summary="Work a claim")
def change_claim(request: ApiRequest, response: HttpResponse, pk: int, data: ClaimChange) -> Any:
    """Assign it, name who made it, give it a verdict (and its summary) from the team's
    scale, move it along the workflow (`status`; see `next_statuses`), as the desk's page
    does: each change logged. A step the workflow does not allow from where the claim
    stands (publishing without a verdict, or without the second person's sign-off when
    the team asks for one) answers 409 saying why, and nothing changes. `If-Match` is
    checked when sent (412 when the claim changed)."""
    _check_change(data)
    sent, user = data.model_fields_set, request.user
    with transaction.atomic():
        claim_for(request, pk)  # 404 when hidden
        locked = Claim.objects.select_for_update().get(pk=pk)
        if_match(request, claim_etag(request, locked))
        try:
            if "assignee" in sent:
                claims.assign(locked, user, _assignee(data.assignee))
            if "claimant" in sent:
                entity = None if data.claimant is None else entity_for(request, data.claimant)
                claims.set_claimant(locked, user, entity)
            if data.verdict is not None or data.summary is not None:
                locked.refresh_from_db()
                label = data.verdict if data.verdict is not None else locked.verdict
                if not label:
                    raise invalid("Give the claim a verdict with its summary.")
                summary = data.summary if data.summary is not None else locked.summary
                claims.set_verdict(locked, user, label, summary)
            if data.status is not None:
                locked.refresh_from_db()
                if data.status != locked.status:
                    claims.move(locked, user, data.status)
        except claims.ClaimError as exc:
            raise _conflict(exc) from None  # raised inside the transaction: all undone
    return _detail(request, response, pk)


@router.post("/{pk}/evidence", response={201: ClaimDetail}, summary="Add evidence to a claim")
def add_evidence(
    request: ApiRequest, response: HttpResponse, pk: int, data: EvidenceIn
) -> Status[Any]:
    """Something that supports or contradicts the claim: a link (`url`), a `note`, or a
    passage of an article in the library (`annotation`, one you may see). Answers with
    the claim."""
    claim = claim_for(request, pk)
    url = data.url.strip()
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise invalid("url must be a web address (http:// or https://).") from None
        if len(url) > URL_MAX_CHARS:
            raise invalid(f"url is at most {URL_MAX_CHARS:,} characters.")
    passage = None if data.annotation is None else annotation_for(request, data.annotation)
    try:
        claims.add_evidence(
            claim, request.user, stance=data.stance, url=url, note=data.note, annotation=passage
        )
    except claims.ClaimError as exc:
        raise invalid(str(exc)) from None
    return Status(201, _detail(request, response, pk))


@router.post("/{pk}/sign-off", response=ClaimDetail, summary="Sign off a verdict")
def sign_off(request: ApiRequest, response: HttpResponse, pk: int) -> Any:
    """A second person's sign-off on the verdict, which the team may require before it
    is published: never the one who gave it (403). 409 for a claim that has no verdict
    waiting to be published. Signing off twice changes nothing."""
    claim = claim_for(request, pk)
    if claim.verdict_by_id == request.user.pk and claim.status == Status_.VERDICT:
        raise forbidden("A second person must sign off your verdict.")
    try:
        claims.sign_off(claim, request.user)
    except claims.ClaimError as exc:
        raise _conflict(exc) from None
    return _detail(request, response, pk)
