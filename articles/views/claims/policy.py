"""The administrator's fact-checking policy: the verdict scale and the two-person rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse  # noqa: TC002 - views return it at runtime
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from articles.forms import ClaimsPolicyForm
from articles.models import TeamSettings
from articles.permissions import (
    may_set_claims_policy,
)

if TYPE_CHECKING:
    from articles.views._shared import HtmxHttpRequest


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
