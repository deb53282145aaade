"""The fact-checking desk's pages: the claims board across the library, one claim's page
(its passage, claimant, status, assignee, evidence, verdict, sign-off, claims seen before
and its log), and the administrator's fact-checking policy.

Every claim comes through `permissions.claim_for`, so a claim whose annotation the viewer
may not see answers 404 like one that does not exist; `guest_may` refuses a guest every
write before a view runs. Each write is a small POST view over `articles.claims`: a
refusal (a `ClaimError`, or a value that is none of the choices offered) answers 400 with
the claim's page, the message beside the form and the person's input still in it; a
change redirects back to the page with a message (post/redirect/get).

The board's query count does not grow with the number of claims: one query a status
column (capped at `COLUMN_LIMIT`, "Show more" opens the status alone, paginated), one for
the counts, and one each for the filters' choices.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse  # noqa: TC002 - views return it at runtime
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles import claims, sharing
from articles.claims import ClaimError, Status
from articles.forms import ClaimsPolicyForm
from articles.models import Annotation, Claim, Entity, Evidence, Label, Role, TeamSettings
from articles.parsing import parse_int
from articles.permissions import (
    claim_for,
    may_set_claims_policy,
    may_sign_off,
    visible_annotations,
    visible_claims,
    visible_entities,
)
from articles.views._shared import page_links, query_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from django.contrib.auth.models import User
    from django.db.models import Model, QuerySet
    from django.urls import URLPattern

    from articles.views._shared import HtmxHttpRequest

COLUMN_LIMIT = 20  # claims a status column shows on the board before "Show more"
PAGE_SIZE = 50  # claims a page of one status shows
PASSAGE_CHOICES = 50  # passages offered as evidence, the most recent first
ENTITY_CHOICES = 8
URL_MAX_CHARS = 2000  # Evidence.url's max_length
# The heavy columns of an article, never needed to list its claims.
ARTICLE_TEXT = ("annotation__article__body_html", "annotation__article__body_text")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
NOT_A_CLAIM_LINK = "That earlier claim is not one you can see; choose one from the list."


def _member_choices() -> list[tuple[int, str]]:
    return [(member.pk, sharing.public_name(member)) for member in team_members()]


def _named(user: User | None) -> str:
    return sharing.public_name(user) if user is not None else "someone no longer here"


def team_members() -> QuerySet[User]:
    """Who may be assigned a claim: active people who are not guests."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(profile__role=Role.GUEST)
        .select_related("profile")
        .order_by("username")
    )


# The board -----------------------------------------------------------------------------


@dataclass
class BoardFilters:
    """What the board shows, from its query string (`?assignee=3&verdict=False&...`).
    A value that is not one of the choices is left out and `problems` says why."""

    status: str = ""
    assignee: User | None = None
    unassigned: bool = False
    claimant: Entity | None = None
    label: Label | None = None
    verdict: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    page: int | None = None
    problems: list[str] = field(default_factory=list)

    @classmethod
    def parse(cls, params: Mapping[str, str], viewer: User) -> BoardFilters:
        found = cls(page=parse_int(params.get("page"), minimum=1, maximum=999_999_999))
        status = params.get("status", "")
        if status in Status.values:
            found.status = status
        elif status:
            found.problems.append("There is no such status; showing every status.")
        found.unassigned = params.get("assignee") == "none"
        if not found.unassigned:
            found.assignee = found._pick(
                params.get("assignee", ""),
                team_members(),
                "That assignee is not on the team; showing everyone's.",
            )
        found.claimant = found._pick(
            params.get("claimant", ""),
            visible_entities(viewer),
            "That claimant no longer exists (merged or deleted); showing every claimant.",
        )
        found.label = found._pick(
            params.get("label", ""),
            Label.objects.all(),
            "That label no longer exists; showing every label.",
        )
        verdict = params.get("verdict", "")
        if verdict in {v.label for v in claims.verdict_scale()}:
            found.verdict = verdict
        elif verdict:
            found.problems.append(
                "That verdict is not on your team's scale; showing every verdict."
            )
        found.since = found._date(params.get("from", ""), "From")
        found.until = found._date(params.get("to", ""), "To")
        if found.since and found.until and found.since > found.until:
            found.problems.append("The “From” date is after the “To” date; showing every date.")
            found.since = found.until = None
        return found

    def _pick[M: Model](self, raw: str, choices: QuerySet[M], problem: str) -> M | None:
        """The choice whose id is `raw`; None (and `problem` told) for anything else."""
        if not raw:
            return None
        pk = parse_int(raw)
        chosen = choices.filter(pk=pk).first() if pk else None
        if chosen is None:
            self.problems.append(problem)
        return chosen

    def _date(self, raw: str, name: str) -> dt.date | None:
        if not raw:
            return None
        try:
            if _DATE.fullmatch(raw):
                return dt.date.fromisoformat(raw)
        except ValueError:
            pass
        self.problems.append(f"“{name}” must be a date such as 2025-03-31; left out.")
        return None

    def apply(self, found: QuerySet[Claim]) -> QuerySet[Claim]:
        if self.assignee is not None:
            found = found.filter(assignee=self.assignee)
        if self.unassigned:
            found = found.filter(assignee__isnull=True)
        if self.claimant is not None:
            found = found.filter(claimant=self.claimant)
        if self.label is not None:
            found = found.filter(annotation__article__label_links__label=self.label)
        if self.verdict:
            found = found.filter(verdict=self.verdict)
        zone = timezone.get_current_timezone()
        if self.since is not None:
            start = dt.datetime.combine(self.since, dt.time.min, tzinfo=zone)
            found = found.filter(created_at__gte=start)
        if self.until is not None:
            end = dt.datetime.combine(self.until + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
            found = found.filter(created_at__lt=end)
        return found

    def params(self, **changes: object) -> dict[str, object]:
        """The query parameters of these filters (changed by `changes`), empty ones left
        for `query_url` to drop."""
        assignee = "none" if self.unassigned else (self.assignee.pk if self.assignee else "")
        params: dict[str, object] = {
            "status": self.status,
            "assignee": assignee,
            "claimant": self.claimant.pk if self.claimant else "",
            "label": self.label.pk if self.label else "",
            "verdict": self.verdict,
            "from": self.since.isoformat() if self.since else "",
            "to": self.until.isoformat() if self.until else "",
        }
        params.update(changes)
        return params

    @property
    def active(self) -> bool:
        return any(v for k, v in self.params().items() if k != "status")


@dataclass(frozen=True)
class Card:
    """A claim as the board lists it, with the tone of its verdict's badge: `true`,
    `mixed`, `false` (where its rating sits on the scale), or `unrated`."""

    claim: Claim
    tone: str
    assignee: str  # their public name, "" for nobody


def tone(rating: int | None, bounds: tuple[int, int] | None) -> str:
    if rating is None or bounds is None:
        return "unrated"
    best, worst = bounds
    if best == worst:
        return "mixed"
    place = (rating - worst) / (best - worst)
    return "true" if place >= 2 / 3 else "false" if place <= 1 / 3 else "mixed"


def cards(found: Iterable[Claim], scale: list[claims.Verdict] | None = None) -> list[Card]:
    """`found` as cards, their badges placed on `scale` (read here, when not given, only
    if one of them has a rated verdict)."""
    found = list(found)
    if scale is None and any(claim.rating is not None for claim in found):
        scale = claims.verdict_scale()
    bounds = claims.rating_bounds(scale) if scale else None
    return [
        Card(
            claim,
            tone(claim.rating, bounds),
            sharing.public_name(claim.assignee) if claim.assignee else "",
        )
        for claim in found
    ]


def _listed(found: QuerySet[Claim]) -> QuerySet[Claim]:
    """Claims with what a card shows, loaded in the same query."""
    return found.select_related("annotation__article", "claimant", "assignee__profile").defer(
        *ARTICLE_TEXT
    )


@require_GET
def claims_board(request: HtmxHttpRequest) -> HttpResponse:
    """Every claim the viewer may see, by status, filtered by assignee, claimant, label,
    verdict and the date it was marked."""
    filters = BoardFilters.parse(request.GET, request.user)
    scale = claims.verdict_scale()
    visible = visible_claims(request.user)
    found = filters.apply(visible)
    counts = dict(
        found.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    context: dict[str, Any] = {
        "filters": filters,
        "any_claims": bool(counts) or visible.exists(),
        "members": _member_choices(),
        "labels": list(Label.objects.all()),
        "claimants": list(
            visible_entities(request.user)
            .filter(pk__in=visible.filter(claimant__isnull=False).values("claimant"))
            .order_by("name")
        ),
        "scale": scale,
        "clear_url": reverse("claims") + query_url(status=filters.status),
    }
    if filters.status:
        status = Status(filters.status)
        page = Paginator(_listed(found.filter(status=status)), PAGE_SIZE).get_page(filters.page)
        context["page"] = page
        context["columns"] = [
            {
                "status": status,
                "cards": cards(page.object_list, scale),
                "count": counts.get(status, 0),
            }
        ]
        context.update(
            page_links(page, lambda n: reverse("claims") + query_url(**filters.params(page=n)))
        )
        context["all_url"] = reverse("claims") + query_url(**filters.params(status=""))
    else:
        context["columns"] = [
            {
                "status": status,
                "cards": cards(_listed(found.filter(status=status))[:COLUMN_LIMIT], scale),
                "count": counts.get(status, 0),
                "more_url": reverse("claims") + query_url(**filters.params(status=status)),
            }
            for status in Status
        ]
    status_code = 400 if filters.problems else 200
    return render(request, "claims/board.html", context, status=status_code)


# One claim -----------------------------------------------------------------------------


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
        "assignee_name": _named(claim.assignee) if claim.assignee_id else "",
        "members": _member_choices(),
        "marked_by": _named(claim.annotation.author),
        "verdict_by": _named(claim.verdict_by) if claim.verdict_by_id else "",
        "signed_off_by": _named(claim.signed_off_by) if claim.signed_off_by_id else "",
        "suggestions": suggestions,
        "who": who,
        "found": [e for e in named if e not in suggestions],
        "nobody_named": bool(who) and not named,
        "evidence": [{"item": e, "by": _named(e.added_by)} for e in shown],
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
            {"event": event, "by": _named(event.by)}
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
    return _listed(visible.filter(pk=claim.repeats_id)).first()


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


# The policy ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def claims_policy(request: HtmxHttpRequest) -> HttpResponse:
    """The team's verdict scale, two-person rule and organisation: administrators only."""
    if not (request.user.is_active and may_set_claims_policy(request.user)):
        raise PermissionDenied(
            "Only administrators set the fact-checking policy: the verdict scale and the "
            "two-person rule. Ask one of them."
        )
    team = TeamSettings.current()
    form = ClaimsPolicyForm(request.POST or None, initial=ClaimsPolicyForm.initial_for(team))
    if request.method == "POST" and form.is_valid():
        form.save(team)
        messages.success(request, "Fact-checking policy saved.")
        return redirect(reverse("team_settings") + "#fact-checking")
    status = 400 if request.method == "POST" else 200
    return render(request, "claims/policy.html", {"policy_form": form}, status=status)


def entity_claims(user: User, entity: Entity, limit: int = 50) -> list[Card]:
    """The claims `user` may see whose claimant is `entity`, the newest first."""
    return cards(_listed(visible_claims(user).filter(claimant=entity))[:limit])


urlpatterns: list[URLPattern] = [
    path("claims/", claims_board, name="claims"),
    path("claims/<int:pk>/", claim_detail, name="claim"),
    path("claims/<int:pk>/status/", claim_status, name="claim_status"),
    path("claims/<int:pk>/assign/", claim_assign, name="claim_assign"),
    path("claims/<int:pk>/claimant/", claim_claimant, name="claim_claimant"),
    path("claims/<int:pk>/verdict/", claim_verdict, name="claim_verdict"),
    path("claims/<int:pk>/sign-off/", claim_sign_off, name="claim_sign_off"),
    path("claims/<int:pk>/evidence/", claim_evidence, name="claim_evidence"),
    path(
        "claims/<int:pk>/evidence/<int:evidence_pk>/delete/",
        claim_remove_evidence,
        name="claim_remove_evidence",
    ),
    path("claims/<int:pk>/repeats/", claim_repeats, name="claim_repeats"),
    path("team/settings/fact-checking/", claims_policy, name="team_claims_policy"),
]
