"""The fact-checking desk's pages: the claims board across the library, one claim's page
(its passage, claimant, status, assignee, evidence, verdict, sign-off, claims seen before
and its log), and the administrator's fact-checking policy.

Every claim comes through `permissions.claim_for`, so a claim whose annotation the viewer
may not see answers 404 like one that does not exist; `guest_may` refuses a guest every
write before a view runs. Each write is a small POST view over `articles.claims`: a
refusal (a `ClaimError`, or a value that is none of the choices offered) answers 400 with
the claim's page, the message beside the form and the person's input still in it; a
change redirects back to the page with a message (post/redirect/get).

The pages live in `board` (the board, a claimant's claims), `claim` (one claim's page and
its writes) and `policy` (the administrator's settings); this module gives their URLs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import path

from articles.views.claims.board import claims_board, entity_claims
from articles.views.claims.claim import (
    claim_assign,
    claim_claimant,
    claim_detail,
    claim_evidence,
    claim_remove_evidence,
    claim_repeats,
    claim_sign_off,
    claim_status,
    claim_verdict,
)
from articles.views.claims.policy import claims_policy

if TYPE_CHECKING:
    from django.urls import URLPattern

__all__ = ["entity_claims", "urlpatterns"]

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
