"""The claims board: every claim the viewer may see across the library, by status, with
its filters; and the claims of one claimant, for the entity's page.

The board's query count does not grow with the number of claims: one query a status
column (capped at `COLUMN_LIMIT`, "Show more" opens the status alone, paginated), one for
the counts, and one each for the filters' choices.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse  # noqa: TC002 - views return it at runtime
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from articles import claims, sharing
from articles.claims import Status
from articles.models import Claim, Entity, Label, Role
from articles.parsing import parse_int
from articles.permissions import visible_claims, visible_entities
from articles.views._shared import page_links, query_url

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from django.contrib.auth.models import User
    from django.db.models import Model, QuerySet

    from articles.views._shared import HtmxHttpRequest

COLUMN_LIMIT = 20  # claims a status column shows on the board before "Show more"
PAGE_SIZE = 50  # claims a page of one status shows
# The heavy columns of an article, never needed to list its claims.
ARTICLE_TEXT = ("annotation__article__body_html", "annotation__article__body_text")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def member_choices() -> list[tuple[int, str]]:
    return [(member.pk, sharing.public_name(member)) for member in team_members()]


def team_members() -> QuerySet[User]:
    """Who may be assigned a claim: active people who are not guests."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(profile__role=Role.GUEST)
        .select_related("profile")
        .order_by("username")
    )


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


def listed(found: QuerySet[Claim]) -> QuerySet[Claim]:
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
        "members": member_choices(),
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
        page = Paginator(listed(found.filter(status=status)), PAGE_SIZE).get_page(filters.page)
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
                "cards": cards(listed(found.filter(status=status))[:COLUMN_LIMIT], scale),
                "count": counts.get(status, 0),
                "more_url": reverse("claims") + query_url(**filters.params(status=status)),
            }
            for status in Status
        ]
    status_code = 400 if filters.problems else 200
    return render(request, "claims/board.html", context, status=status_code)


def entity_claims(user: User, entity: Entity, limit: int = 50) -> list[Card]:
    """The claims `user` may see whose claimant is `entity`, the newest first."""
    return cards(listed(visible_claims(user).filter(claimant=entity))[:limit])
