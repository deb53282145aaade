"""One claim's page (its passage, claimant, status, assignee, evidence, verdict, sign-off,
claims seen before and its log) and its writes.

Each write is a small POST view over `articles.claims`: a refusal (a `ClaimError`, or a
value that is none of the choices offered) answers 400 with the claim's page, the message
beside the form and the person's input still in it; a change redirects back to the page
with a message (post/redirect/get).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import Q
from django.http import HttpResponse  # noqa: TC002 - views return it at runtime
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from articles import claims, sharing
from articles.claims import ClaimError, Status
from articles.models import Annotation, Claim, Entity, Evidence
from articles.parsing import parse_int
from articles.permissions import (
    claim_for,
    may_sign_off,
    visible_annotations,
    visible_claims,
    visible_entities,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from articles.views._shared import HtmxHttpRequest
from articles.views.claims.board import ARTICLE_TEXT, listed, member_choices, team_members, tone

PASSAGE_CHOICES = 50  # passages offered as evidence, the most recent first
ENTITY_CHOICES = 8
URL_MAX_CHARS = 2000  # Evidence.url's max_length
NOT_A_CLAIM_LINK = "That earlier claim is not one you can see; choose one from the list."


def name_of_member(user: User | None) -> str:
    return sharing.public_name(user) if user is not None else "someone no longer here"


@dataclass
class Refusal:
    """A write refused: which form says so (`section`), the message, what was posted."""

    section: str
    message: str
    posted: Mapping[str, str]


def _claim_page(
    request: HtmxHttpRequest, claim: Claim, refusal: Refusal | None = None
) -> HttpResponse:
    user = request.user
    visible = visible_claims(user)
    evidence = list(
        claim.evidence.select_related("annotation__article", "added_by__profile").defer(
            *ARTICLE_TEXT
        )
    )
    passage_ids = [e.annotation_id for e in evidence if e.annotation_id]
    seen = set(
        visible_annotations(user).filter(pk__in=passage_ids).values_list("pk", flat=True)
        if passage_ids
        else []
    )
    shown = [e for e in evidence if e.annotation_id is None or e.annotation_id in seen]
    find = request.GET.get("find", "").strip()[:200]
    if refusal and refusal.section == "evidence":
        find = refusal.posted.get("find", find)[:200]
    who = request.GET.get("q", "").strip()[: Entity.NAME_MAX_CHARS]
    suggestions = claims.claimant_suggestions(claim.annotation, visible_annotations(user))
    named = _entities_named(user, who) if who else []
    context: dict[str, Any] = {
        "claim": claim,
        "annotation": claim.annotation,
        "article": claim.annotation.article,
        "steps": _steps(claim),
        "tone": tone(claim.rating, claims.rating_bounds(claims.verdict_scale())),
        "status_choices": [c for c in Status.choices if c[0] != Status.DROPPED]
        + ([(Status.DROPPED, Status.DROPPED.label)] if claim.status == Status.DROPPED else []),
        "assignee_name": name_of_member(claim.assignee) if claim.assignee_id else "",
        "members": member_choices(),
        "marked_by": name_of_member(claim.annotation.author),
        "verdict_by": name_of_member(claim.verdict_by) if claim.verdict_by_id else "",
        "signed_off_by": name_of_member(claim.signed_off_by) if claim.signed_off_by_id else "",
        "suggestions": suggestions,
        "who": who,
        "found": [e for e in named if e not in suggestions],
        "nobody_named": bool(who) and not named,
        "evidence": [{"item": e, "by": name_of_member(e.added_by)} for e in shown],
        "hidden_evidence": len(evidence) - len(shown),
        "find": find,
        "passages": _passages(user, claim, find),
        "stances": Evidence.Stance.choices,
        "scale": claims.verdict_scale(),
        "may_sign_off": may_sign_off(user, claim),
        "two_person_rule": claims.two_person_rule(),
        "similar": claims.similar(claim.text, user, exclude=claim),
        "appearances": claims.appearances(claim, visible),
        "repeats": claim.repeats
        if claim.repeats_id and visible.filter(pk=claim.repeats_id).exists()
        else None,
        "events": [
            {"event": event, "by": name_of_member(event.by)}
            for event in claim.events.select_related("by__profile")
        ],
        "refusal": refusal,
        "posted": refusal.posted if refusal else {},
    }
    return render(request, "claims/claim.html", context, status=400 if refusal else 200)


def _steps(claim: Claim) -> list[tuple[str, str]]:
    """The buttons of the steps the claim may take; Publish waits for a sign-off where
    the team's two-person rule holds (the verdict's box says so)."""
    held = claim.signed_off_by_id is None and claims.two_person_rule()
    return [
        (to, name)
        for to, name in claims.STEPS[claim.status].items()
        if not (to == Status.PUBLISHED and held)
    ]


def _visible_repeat(claim: Claim, visible: QuerySet[Claim]) -> Claim | None:
    """The earlier claim this one repeats, when the viewer may see it."""
    if claim.repeats_id is None:
        return None
    return listed(visible.filter(pk=claim.repeats_id)).first()


def _entities_named(user: User, who: str) -> list[Entity]:
    return list(
        visible_entities(user)
        .matching(who)
        .filter(kind__in=(Entity.Kind.PERSON, Entity.Kind.ORGANISATION))
        .order_by("name")[:ENTITY_CHOICES]
    )


def _passages(user: User, claim: Claim, find: str) -> list[Annotation]:
    """Passages the viewer may see in other articles, to give as evidence: the most recent
    first, those quoting `find` when it is given."""
    found = (
        visible_annotations(user)
        .filter(start__isnull=False)
        .exclude(article_id=claim.annotation.article_id)
        .exclude(motivation=Annotation.Motivation.IDENTIFYING)
    )
    if find:
        found = found.filter(Q(exact__icontains=find) | Q(note__icontains=find))
    return list(
        found.select_related("article")
        .only("exact", "note", "article__title", "created_at")
        .order_by("-created_at", "-pk")[:PASSAGE_CHOICES]
    )


def _done(request: HtmxHttpRequest, claim: Claim, told: str, anchor: str = "") -> HttpResponse:
    messages.success(request, told)
    return redirect(claim.get_absolute_url() + (f"#{anchor}" if anchor else ""))


def _refuse(request: HtmxHttpRequest, claim: Claim, section: str, message: str) -> HttpResponse:
    fresh = claim_for(request, claim.pk)  # as it stands, not as half-changed
    return _claim_page(request, fresh, Refusal(section, message, request.POST))


@require_GET
def claim_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _claim_page(request, claim_for(request, pk))


@require_POST
def claim_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk)
    try:
        claim = claims.move(claim, request.user, request.POST.get("to", ""))
    except ClaimError as exc:
        return _refuse(request, claim, "status", str(exc))
    return _done(request, claim, f"The claim is now “{claim.get_status_display()}”.")


@require_POST
def claim_assign(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk)
    raw = request.POST.get("assignee", "")
    assignee = None
    if raw:
        pk_ = parse_int(raw)
        assignee = team_members().filter(pk=pk_).first() if pk_ else None
        if assignee is None:
            return _refuse(request, claim, "assignee", "Choose someone on the team.")
    claim = claims.assign(claim, request.user, assignee)
    told = (
        f"Assigned to {sharing.public_name(assignee)}." if assignee else "Nobody is assigned now."
    )
    return _done(request, claim, told)


@require_POST
def claim_claimant(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk)
    raw = request.POST.get("entity", "")
    claimant = None
    if raw:
        entity_pk = parse_int(raw)
        claimant = (
            visible_entities(request.user).filter(pk=entity_pk).first() if entity_pk else None
        )
        if claimant is None:
            return _refuse(
                request,
                claim,
                "claimant",
                "That person or organisation no longer exists (merged or deleted); choose another.",
            )
    claim = claims.set_claimant(claim, request.user, claimant)
    told = f"Claimant: {claimant.name}." if claimant else "The claim has no claimant now."
    return _done(request, claim, told)


@require_POST
def claim_verdict(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk)
    try:
        claim = claims.set_verdict(
            claim,
            request.user,
            request.POST.get("verdict", ""),
            request.POST.get("summary", "").replace("\r\n", "\n"),
        )
    except ClaimError as exc:
        return _refuse(request, claim, "verdict", str(exc))
    return _done(request, claim, f"Verdict: {claim.verdict}.", "verdict")


@require_POST
def claim_sign_off(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    claim = claim_for(request, pk)
    try:
        claim = claims.sign_off(claim, request.user)
    except ClaimError as exc:
        return _refuse(request, claim, "verdict", str(exc))
    return _done(request, claim, "Signed off: the verdict can be published.", "verdict")


@require_POST
def claim_evidence(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Add a link, a note or a passage of another article as evidence."""
    claim = claim_for(request, pk)
    passage = None
    raw = request.POST.get("annotation", "")
    if raw:
        passage_pk = parse_int(raw)
        passage = (
            visible_annotations(request.user).filter(pk=passage_pk).first() if passage_pk else None
        )
        if passage is None:
            return _refuse(
                request, claim, "evidence", "That passage is not one you can see; choose another."
            )
    url = request.POST.get("url", "").strip()
    if url and not re.fullmatch(r"https?://\S+", url, flags=re.IGNORECASE):
        return _refuse(request, claim, "evidence", "A link must start with http:// or https://.")
    if len(url) > URL_MAX_CHARS:
        return _refuse(request, claim, "evidence", "That link is too long.")
    try:
        claims.add_evidence(
            claim,
            request.user,
            stance=request.POST.get("stance", ""),
            url=url,
            note=request.POST.get("note", "").replace("\r\n", "\n")[:10_000],
            annotation=passage,
        )
    except ClaimError as exc:
        return _refuse(request, claim, "evidence", str(exc))
    return _done(request, claim, "Evidence added.", "evidence")


@require_POST
def claim_remove_evidence(request: HtmxHttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    claim = claim_for(request, pk)
    evidence = claim.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        return _refuse(request, claim, "evidence", "That evidence was already removed.")
    evidence.claim = claim
    claims.remove_evidence(evidence, request.user)
    return _done(request, claim, "Evidence removed.", "evidence")


@require_POST
def claim_repeats(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Link the claim to an earlier one worded alike (`earlier`), or unlink it."""
    claim = claim_for(request, pk)
    if request.POST.get("unlink"):
        claim = claims.unlink_repeat(claim, request.user)
        return _done(request, claim, "Unlinked: this claim stands on its own.", "seen-before")
    earlier_pk = parse_int(request.POST.get("earlier"))
    earlier = visible_claims(request.user).filter(pk=earlier_pk).first() if earlier_pk else None
    if earlier is None:
        return _refuse(request, claim, "repeats", NOT_A_CLAIM_LINK)
    try:
        claim = claims.link_repeat(claim, request.user, earlier)
    except ClaimError as exc:
        return _refuse(request, claim, "repeats", str(exc))
    return _done(request, claim, "Linked: one check for both claims.", "seen-before")
