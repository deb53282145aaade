"""A verdict as schema.org `ClaimReview` JSON-LD, the markup fact-checkers publish so that
search engines and fact-check aggregators can show who checked a claim and what they
found (https://schema.org/ClaimReview; Google's guide to it:
https://developers.google.com/search/docs/appearance/structured-data/factcheck).

Google requires `claimReviewed`, `reviewRating.alternateName` and `url`, and recommends
the numeric `ratingValue`, `bestRating` and `worstRating`; a verdict off the team's
numeric scale (such as "Unproven") therefore keeps its label (`alternateName`) and
leaves the three numbers out rather than inventing one. The bounds are the team's scale's
(`claims.rating_bounds`), so a custom scale publishes its own best and worst.

Only a claim with a verdict has a ClaimReview. What it says of other claims (the
articles where the claim appears) is limited to the claims the exporter may see: the
caller's in the API, never anyone's private claim in `manage.py claims export`.
"""

from __future__ import annotations

from html import unescape
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.utils.html import strip_tags

from articles import claims
from articles.models import Claim, Entity, TeamSettings

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from articles.models import Article

JsonLd = dict[str, Any]
CONTEXT = "https://schema.org"


class NoVerdict(ValueError):  # noqa: N818 - named for what the caller is told
    """The claim has no verdict yet: there is nothing to publish."""


def shared_claims() -> QuerySet[Claim]:
    """The claims nobody keeps to themselves (shared with a group): where a published
    verdict may say its claim appears, when no person is asking."""
    return Claim.objects.filter(annotation__group__isnull=False)


def published() -> QuerySet[Claim]:
    """Published verdicts, the oldest first, with what their ClaimReview reads."""
    return (
        Claim.objects.filter(status=Claim.Status.PUBLISHED)
        .exclude(verdict="")
        .select_related("annotation__article", "claimant", "repeats")
        .order_by("published_at", "pk")
    )


def claim_review(claim: Claim, *, base_url: str, visible: QuerySet[Claim] | None = None) -> JsonLd:
    """The claim's verdict as one ClaimReview object. `base_url` (scheme and host, as
    `http://127.0.0.1:8000`) makes the links absolute; `visible` is the claims the
    exporter may see, for the places where the claim appears (`shared_claims()` unless
    given; the claim itself is always one of them). The publisher (`author`) is the
    team's organisation as an administrator named it, or, until they do, the host name
    Newsroom is served at. Raises NoVerdict for a claim without a verdict."""
    if not claim.verdict:
        raise NoVerdict("This claim has no verdict yet.")
    base_url = base_url.rstrip("/")
    seen = (shared_claims() if visible is None else visible) | Claim.objects.filter(pk=claim.pk)
    places = [_appearance(c.annotation.article, base_url) for c in claims.appearances(claim, seen)]
    item: JsonLd = {"@type": "Claim"}
    if (author := _claimant(claim.claimant)) is not None:
        item["author"] = author
    if places:
        item["appearance"] = places
        item["firstAppearance"] = places[0]
    review: JsonLd = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": base_url + claim.get_absolute_url(),
        "claimReviewed": claim.text,
        "reviewRating": _rating(claim),
        "itemReviewed": item,
        "author": _publisher(base_url),
    }
    if claim.published_at is not None:
        review["datePublished"] = claim.published_at.date().isoformat()
    if text := summary_text(claim):
        review["reviewBody"] = text
    return review


def _rating(claim: Claim) -> JsonLd:
    rating: JsonLd = {"@type": "Rating", "alternateName": claim.verdict}
    bounds = claims.rating_bounds(claims.verdict_scale())
    if claim.rating is not None and bounds is not None:
        best, worst = bounds
        rating |= {"ratingValue": claim.rating, "bestRating": best, "worstRating": worst}
    return rating


def _claimant(entity: Entity | None) -> JsonLd | None:
    """Who made the claim, as a Person or an Organization. An entity made for someone's
    private mention is nobody else's to publish, so it is left out."""
    if entity is None or entity.private_to_id is not None:
        return None
    kind = "Person" if entity.kind == Entity.Kind.PERSON else "Organization"
    found: JsonLd = {"@type": kind, "name": entity.name}
    if entity.wikidata_url:
        found["sameAs"] = entity.wikidata_url
    return found


def _appearance(article: Article, base_url: str) -> JsonLd:
    """An article the claim appears in: its address on the web, or its page in Newsroom
    for an article that has none (pasted or uploaded)."""
    work: JsonLd = {
        "@type": "CreativeWork",
        "url": article.source_url or base_url + article.get_absolute_url(),
        "headline": article.title,
    }
    if article.published_at is not None:
        work["datePublished"] = article.published_at.date().isoformat()
    return work


def _publisher(base_url: str) -> JsonLd:
    team = TeamSettings.current()
    name = team.organisation.strip() or urlsplit(base_url).hostname or "Newsroom"
    publisher: JsonLd = {"@type": "Organization", "name": name}
    if team.organisation_url:
        publisher["url"] = team.organisation_url
    return publisher


def summary_text(claim: Claim) -> str:
    """The verdict's summary as plain text (its Markdown rendered, then the tags taken
    off), "" without one."""
    if not claim.summary.strip():
        return ""
    return unescape(strip_tags(claim.summary_html)).strip()
