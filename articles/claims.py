"""The fact-checking desk's workflow: mark a claim on a passage, work it (status,
assignee, claimant, evidence), reach a verdict from the team's scale, sign it off, publish
it; find earlier claims worded alike ("seen before") and link them.

Status: To check → In progress → Verdict → Published, or Dropped from any step before
Published; a verdict can be reopened (back to In progress) and a published one withdrawn.
Every change is a `ClaimEvent` (who, when, from, to), written in the same transaction as
the change. Who may see or work a claim is `articles.permissions`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from articles import annotations as annotating
from articles import permissions, sharing
from articles.models import Annotation, Claim, ClaimEvent, Entity, Evidence, TeamSettings
from articles.notes import render_note

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from articles.models import Article
    from articles.sharing import Audience, Named
    from articles.types import Viewer

Status = Claim.Status
Field = ClaimEvent.Field

SUMMARY_MAX_CHARS = 20_000
SIMILAR_LIMIT = 5
BANDS, ROWS = 24, 4  # MinHash: see `bands`
CANDIDATES = 500  # claims sharing a band, compared by their wording
SIMILAR_AT_LEAST = 0.45  # trigram similarity: below it, wording is merely on the same topic

# Where a claim may go from each status, and what the step is called on its button.
STEPS: dict[str, dict[str, str]] = {
    Status.TO_CHECK: {Status.IN_PROGRESS: "Start checking", Status.DROPPED: "Drop"},
    Status.IN_PROGRESS: {Status.TO_CHECK: "Back to the queue", Status.DROPPED: "Drop"},
    Status.VERDICT: {
        Status.PUBLISHED: "Publish",
        Status.IN_PROGRESS: "Reopen",
        Status.DROPPED: "Drop",
    },
    Status.PUBLISHED: {Status.IN_PROGRESS: "Withdraw"},
    Status.DROPPED: {Status.TO_CHECK: "Restore"},
}


class ClaimError(ValueError):
    """A change the workflow refuses; the message says why, for the person who asked."""


@dataclass(frozen=True)
class Verdict:
    label: str
    rating: int | None  # None: off the numeric scale (e.g. "Unproven")


def verdict_scale() -> list[Verdict]:
    """The team's verdicts, best first."""
    scale = TeamSettings.current().verdict_scale or []
    return [Verdict(str(label), None if rating is None else int(rating)) for label, rating in scale]


def rating_bounds(scale: list[Verdict]) -> tuple[int, int] | None:
    """(best, worst) ratings of the scale, None when no verdict has a rating."""
    ratings = [v.rating for v in scale if v.rating is not None]
    return (max(ratings), min(ratings)) if ratings else None


def parse_scale(text: str) -> list[list[str | int | None]]:
    """An administrator's scale, one verdict a line, best first: `Label` or `Label = 3`."""
    scale: list[list[str | int | None]] = []
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        label, _, rating = (part.strip() for part in line.partition("="))
        if not label:
            continue
        if len(label) > 60:
            raise ClaimError(f"Line {number}: a verdict is at most 60 characters.")
        if label.casefold() in seen:
            raise ClaimError(f"Line {number}: “{label}” is on the scale twice.")
        seen.add(label.casefold())
        if rating and not rating.lstrip("-").isdigit():
            raise ClaimError(f"Line {number}: the rating after “=” must be a whole number.")
        scale.append([label, int(rating) if rating else None])
    if not scale:
        raise ClaimError("The scale needs at least one verdict.")
    return scale


def two_person_rule() -> bool:
    return TeamSettings.current().two_person_rule


def _log(claim: Claim, by: User | None, field: str, before: object, after: object) -> None:
    ClaimEvent.objects.create(
        claim=claim, by=by, field=field, before=_said(before), after=_said(after)
    )


def _said(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Status):
        return str(value.label)
    if isinstance(value, Entity):
        return value.name
    if isinstance(value, AbstractBaseUser):
        return sharing.public_name(value)  # type: ignore[arg-type]
    return str(value)


def _locked(claim: Claim) -> Claim:
    return Claim.objects.select_for_update().get(pk=claim.pk)


# Marking -------------------------------------------------------------------------------


def mark(  # noqa: PLR0913 - one argument per choice the person makes
    article: Article,
    author: User,
    *,
    start: int,
    end: int,
    quote: str,
    audience: Audience | Literal[Named.EVERYONE] = sharing.EVERYONE,
    claimant: Entity | None = None,
    note: str = "",
) -> Claim:
    """A claim on the passage `start`-`end` of `article`: an annotation with motivation
    `assessing`, To check. Raises AnnotationError for a passage that is not there."""
    with transaction.atomic():
        annotation = annotating.create(
            article,
            author,
            start=start,
            end=end,
            quote=quote,
            note=note,
            audience=audience,
            motivation=Annotation.Motivation.ASSESSING,
        )
        claim = Claim.objects.create(
            annotation=annotation,
            text=annotation.exact,
            bands=bands(annotation.exact),
            claimant=claimant,
        )
        _log(claim, author, Field.MARKED, "", claim.text)
        if claimant is not None:
            _log(claim, author, Field.CLAIMANT, None, claimant)
    return claim


def claimant_suggestions(annotation: Annotation, mentions: QuerySet[Annotation]) -> list[Entity]:
    """People and organisations mentioned in the article, the nearest to the passage
    first (who said it is usually named in the same or the next sentence). `mentions` is
    what the viewer may see of the article's mentions."""
    kinds = (Entity.Kind.PERSON, Entity.Kind.ORGANISATION)
    found = (
        mentions.filter(article_id=annotation.article_id, entity__kind__in=kinds)
        .select_related("entity")
        .only("start", "entity__name", "entity__kind")
    )
    at = annotation.start or 0
    nearest: dict[int, tuple[int, Entity]] = {}
    for mention in found:
        distance = abs((mention.start or 0) - at) if mention.start is not None else 10**9
        entity = mention.entity
        if entity is None:  # never: a mention has its entity (a constraint)
            continue
        if entity.pk not in nearest or distance < nearest[entity.pk][0]:
            nearest[entity.pk] = (distance, entity)
    return [entity for _, entity in sorted(nearest.values(), key=lambda pair: pair[0])][:8]


# Working it ----------------------------------------------------------------------------


def move(claim: Claim, by: User, to: str) -> Claim:
    """Take the claim to status `to`, if the workflow allows it from where it is."""
    with transaction.atomic():
        claim = _locked(claim)
        before = Status(claim.status)
        target = Status(to) if to in Status.values else None
        if target is None or target not in STEPS[before]:
            raise ClaimError(f"A claim that is “{before.label}” cannot go to that status.")
        if target == Status.PUBLISHED:
            _check_publishable(claim, by)
            claim.published_at = timezone.now()
        if target in (Status.IN_PROGRESS, Status.TO_CHECK) and before != Status.DROPPED:
            # Reopened or withdrawn: the verdict stands as a draft, its sign-off goes.
            claim.signed_off_by, claim.signed_off_at, claim.published_at = None, None, None
        claim.status = target
        claim.save()
        _log(claim, by, Field.STATUS, before, target)
    return claim


def _check_publishable(claim: Claim, by: User) -> None:
    if not claim.verdict:
        raise ClaimError("Give the claim a verdict before publishing it.")
    if two_person_rule() and claim.signed_off_by_id is None:
        raise ClaimError("Your team publishes a verdict only after a second person signs it off.")
    del by


def assign(claim: Claim, by: User, assignee: User | None) -> Claim:
    with transaction.atomic():
        claim = _locked(claim)
        before = claim.assignee
        if (before.pk if before else None) == (assignee.pk if assignee else None):
            return claim
        claim.assignee = assignee
        claim.save()
        _log(claim, by, Field.ASSIGNEE, before, assignee)
    return claim


def set_claimant(claim: Claim, by: User, claimant: Entity | None) -> Claim:
    with transaction.atomic():
        claim = _locked(claim)
        before = claim.claimant
        if (before.pk if before else None) == (claimant.pk if claimant else None):
            return claim
        claim.claimant = claimant
        claim.save()
        _log(claim, by, Field.CLAIMANT, before, claimant)
    return claim


def set_verdict(claim: Claim, by: User, label: str, summary: str = "") -> Claim:
    """Give the claim a verdict from the team's scale (and its Markdown summary); it goes
    to Verdict. A changed verdict needs signing off again."""
    scale = {v.label: v for v in verdict_scale()}
    if label not in scale:
        raise ClaimError("Choose a verdict from your team's scale.")
    if len(summary) > SUMMARY_MAX_CHARS:
        raise ClaimError(f"A summary is at most {SUMMARY_MAX_CHARS:,} characters.")
    with transaction.atomic():
        claim = _locked(claim)
        if claim.status in (Status.PUBLISHED, Status.DROPPED):
            raise ClaimError(
                "Withdraw the published verdict first."
                if claim.status == Status.PUBLISHED
                else "Restore the claim first."
            )
        before_verdict, before_summary = claim.verdict, claim.summary
        if label != before_verdict:
            claim.signed_off_by, claim.signed_off_at = None, None
            _log(claim, by, Field.VERDICT, before_verdict, label)
        if summary != before_summary:
            _log(claim, by, Field.SUMMARY, before_summary, summary)
        claim.verdict, claim.rating = label, scale[label].rating
        claim.summary, claim.summary_html = summary, render_note(summary)
        claim.verdict_by, claim.verdict_at = by, timezone.now()
        if claim.status != Status.VERDICT:
            _log(claim, by, Field.STATUS, Status(claim.status), Status.VERDICT)
            claim.status = Status.VERDICT
        claim.save()
    return claim


def sign_off(claim: Claim, by: User) -> Claim:
    """A second person's sign-off on the verdict: never the one who gave it."""
    with transaction.atomic():
        claim = _locked(claim)
        if claim.status != Status.VERDICT:
            raise ClaimError("Only a verdict waiting to be published can be signed off.")
        if claim.verdict_by_id == by.pk:
            raise ClaimError("A second person must sign off your verdict.")
        if claim.signed_off_by_id is not None:
            return claim
        claim.signed_off_by, claim.signed_off_at = by, timezone.now()
        claim.save()
        _log(claim, by, Field.SIGN_OFF, "", claim.verdict)
    return claim


def add_evidence(  # noqa: PLR0913
    claim: Claim,
    by: User,
    *,
    stance: str,
    url: str = "",
    note: str = "",
    annotation: Annotation | None = None,
) -> Evidence:
    if stance not in Evidence.Stance.values:
        raise ClaimError("Say whether it supports or contradicts the claim.")
    if not (url.strip() or note.strip() or annotation):
        raise ClaimError("Evidence needs a link, a note or a passage.")
    if annotation is not None and annotation.pk == claim.annotation_id:
        raise ClaimError("A claim is no evidence for itself.")
    with transaction.atomic():
        evidence = Evidence.objects.create(
            claim=claim,
            stance=stance,
            url=url.strip(),
            note=note.strip(),
            annotation=annotation,
            added_by=by,
        )
        _log(claim, by, Field.EVIDENCE, "", _evidence_said(evidence))
    return evidence


def _evidence_said(evidence: Evidence) -> str:
    """Evidence as the log names it, for everyone who sees the claim: a passage by its
    article's title (every member reads every article), never by the passage's words,
    which may be shared with fewer people than the claim."""
    stance = evidence.get_stance_display()
    if evidence.annotation is not None:
        return f"{stance}: a passage of “{evidence.annotation.article.title}”"
    return f"{stance}: {evidence.url or evidence.note[:120]}"


def remove_evidence(evidence: Evidence, by: User) -> None:
    with transaction.atomic():
        _log(evidence.claim, by, Field.EVIDENCE, _evidence_said(evidence), "")
        evidence.delete()


# Seen before ---------------------------------------------------------------------------


def _lexemes(text: str) -> list[str]:
    """The claim's content words as the search stems them (PostgreSQL's english
    configuration: stop words dropped, "handled" and "handles" one word)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme FROM unnest(to_tsvector('english', %s))", [text])
        return [row[0] for row in cursor.fetchall()]


# MinHash's hash functions, h(x) = (a * x + b) mod P on a word's 64-bit digest. Fixed
# for good: the bands stored with every claim were made with them.
_P = (1 << 61) - 1
_HASHES = [
    (int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=8).digest()) % (_P - 1) + 1,
     int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=8).digest()) % _P)
    for i in range(BANDS * ROWS)
]  # fmt: skip


def bands(text: str) -> list[int]:
    """MinHash bands of the claim's content words (`word_bands`)."""
    return word_bands(set(_lexemes(text)))


def word_bands(words: set[str]) -> list[int]:
    """BANDS bands of ROWS minimum hashes each, over `words`. Two claims whose word sets
    have Jaccard similarity J share a given band with probability J**ROWS, so at least
    one band with 1 - (1 - J**ROWS)**BANDS: a claim repeated with a word or two changed
    (J about 0.8) all but surely, two claims that share only their topic's common words
    (J about 0.2) rarely. Empty for a claim of stop words only."""
    if not words:
        return []
    digests = [int.from_bytes(hashlib.blake2b(w.encode(), digest_size=8).digest()) for w in words]
    minima = [min((a * x + b) % _P for x in digests) for a, b in _HASHES]
    keys = []
    for band in range(BANDS):
        part = minima[band * ROWS : (band + 1) * ROWS]
        key = hashlib.blake2b(repr((band, part)).encode(), digest_size=8).digest()
        keys.append(int.from_bytes(key, signed=True))
    return keys


def similar(text: str, viewer: Viewer, *, exclude: Claim | None = None) -> list[Claim]:
    """Claims the viewer may see worded like `text` (trigram similarity at least
    SIMILAR_AT_LEAST), the closest first, each with `.similarity` set. Only the claims
    that share a MinHash band with it (on the index) are compared, and only their
    annotations are checked for the viewer, so the cost follows the few candidates, not
    the size of the desk's archive."""
    keys = bands(text)
    if not keys:
        return []
    with transaction.atomic(), connection.cursor() as cursor:
        # The planner guesses a fifth of the rows share a band (it cannot know how rare
        # band keys are) and would read every claim; the index finds the few.
        cursor.execute("SET LOCAL enable_seqscan = off")
        candidates = list(
            Claim.objects.filter(bands__overlap=keys)
            .order_by()  # in any order: not the newest first, which reads them all
            .values_list("annotation_id", flat=True)[:CANDIDATES]
        )
    seen = permissions.visible_annotations(viewer).filter(pk__in=candidates).values("pk")
    found = Claim.objects.filter(annotation_id__in=seen)
    if exclude is not None:
        found = found.exclude(pk=exclude.pk)
    return list(
        found.annotate(similarity=TrigramSimilarity("text", text))
        .filter(similarity__gte=SIMILAR_AT_LEAST)
        .select_related("annotation__article", "claimant")
        .order_by("-similarity", "-created_at")[:SIMILAR_LIMIT]
    )


def root(claim: Claim) -> Claim:
    return claim.repeats or claim


def link_repeat(claim: Claim, by: User, earlier: Claim) -> Claim:
    """`claim` repeats `earlier`: one check for both (linked to the first of them)."""
    first = root(Claim.objects.select_related("repeats").get(pk=earlier.pk))
    if claim.pk in (first.pk, first.repeats_id):
        raise ClaimError("A claim cannot repeat itself.")
    with transaction.atomic():
        claim = _locked(claim)
        claim.repeats = first
        claim.save()
        Claim.objects.filter(repeats=claim).update(repeats=first)  # keep one level
        _log(claim, by, Field.REPEATS, "", first.text[:200])
    return claim


def unlink_repeat(claim: Claim, by: User) -> Claim:
    with transaction.atomic():
        claim = _locked(claim)
        if claim.repeats is None:
            return claim
        before = claim.repeats.text[:200]
        claim.repeats = None
        claim.save()
        _log(claim, by, Field.REPEATS, before, "")
    return claim


def appearances(claim: Claim, visible: QuerySet[Claim]) -> list[Claim]:
    """The claim and every claim linked with it, of `visible`, the earliest first: one a
    place where it appears."""
    first = root(claim)
    return list(
        visible.filter(Q(pk=first.pk) | Q(repeats_id=first.pk))
        .select_related("annotation__article")
        .order_by("created_at", "pk")
    )
