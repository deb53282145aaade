"""Highlights and notes from the reader: create, edit, delete, review after the text
changed (still stands, move, detach), and the popover's cards.

Each write is one transaction, and answers like every reader write: for htmx, a new
highlight, note or claim only what it changed (`_shared.created`: its blocks and card),
anything else the new body and panel (`_shared.changed`); a redirect to the passage
without JavaScript.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles import annotations as annotating
from articles import claims, reader, sharing
from articles.models import Annotation, Color, ColorLabel
from articles.parsing import parse_int
from articles.permissions import (
    annotation_for,
    article_for,
    visible_annotations,
)
from articles.views._shared import (
    NOT_A_SELECTION,
    HtmxHttpRequest,
    changed,
    chosen_audience,
    created,
    refused,
    selection,
)

if TYPE_CHECKING:
    from django.http import HttpResponse

    from articles.models import Article
    from articles.views._shared import Passage

REFUSALS = (annotating.AnnotationError, sharing.SharingError, claims.ClaimError)


@require_POST
def annotate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    passage = selection(request)
    if passage is None:
        return refused(request, NOT_A_SELECTION)
    if request.POST.get("motivation") == Annotation.Motivation.ASSESSING:
        return _mark_claim(request, article, passage)
    try:
        with transaction.atomic():  # the audience remembered and the annotation: one commit
            annotation = annotating.create(
                article,
                request.user,
                **passage,
                color=request.POST.get("color") or Color.YELLOW,
                note=request.POST.get("note", ""),
                audience=chosen_audience(request),
            )
    except REFUSALS as exc:
        return refused(request, str(exc))
    return created(request, article, annotation, {"id": annotation.pk, "action": "created"})


def _mark_claim(request: HtmxHttpRequest, article: Article, passage: Passage) -> HttpResponse:
    """The toolbar's Claim (key c): a claim to check on the passage, then the status line
    offers who made it (the people and organisations mentioned nearest) and the claims
    worded like it that the desk already has (seen before)."""
    try:
        with transaction.atomic():
            claim = claims.mark(article, request.user, **passage, audience=chosen_audience(request))
    except REFUSALS as exc:
        return refused(request, str(exc))
    event = {"id": claim.annotation_id, "action": "claimed"}
    if not request.htmx:
        return changed(request, article, event, told="Marked a claim to check.")
    response = created(request, article, claim.annotation, event)
    mentions = visible_annotations(request.user).filter(entity__isnull=False)
    offer = {
        "oob": True,
        "claim": claim,
        "claimants": claims.claimant_suggestions(claim.annotation, mentions),
        "seen_before": claims.similar(claim.text, request.user, exclude=claim),
        "article": article,
    }
    html = render_to_string("articles/reader.html#annotate-status", offer, request)
    response.content += html.encode()
    return response


@require_POST
def add_page_note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    try:
        with transaction.atomic():
            annotation = annotating.create_page_note(
                article,
                request.user,
                note=request.POST.get("note", ""),
                audience=chosen_audience(request),
            )
    except REFUSALS as exc:
        return refused(request, str(exc))
    return changed(request, article, {"id": annotation.pk, "action": "created"})


@require_http_methods(["GET", "POST"])
def edit_annotation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    annotation = annotation_for(request, pk, change=True)
    if request.method == "GET":
        context = {
            "annotation": annotation,
            "legend": ColorLabel.legend(),
            "select_id": f"audience-{annotation.pk}",
            "audience_menu": reader.AudienceMenu.for_annotation(request.user, annotation),
        }
        template = "articles/annotation_edit.html"
        return render(request, template + "#edit-form" if request.htmx else template, context)
    try:
        annotating.update(
            annotation,
            note=request.POST.get("note"),
            color=request.POST.get("color"),
            audience=sharing.audience_for_edit(request.user, request.POST, annotation),
            by=request.user,
        )
    except REFUSALS as exc:
        return refused(request, str(exc))
    return changed(request, annotation.article, {"id": annotation.pk, "action": "edited"})


@require_http_methods(["GET", "POST"])
def delete_annotation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    annotation = annotation_for(request, pk, change=True)
    if request.method == "POST":
        article = annotation.article
        annotation.delete()
        return changed(request, article, {"id": 0, "action": "deleted"})
    return render(request, "articles/confirm_delete_annotation.html", {"annotation": annotation})


@require_POST
def review_annotation(request: HtmxHttpRequest, pk: int, action: str) -> HttpResponse:
    """A review of a changed or orphaned annotation, by someone who may edit it."""
    annotation = annotation_for(request, pk, change=True)
    try:
        if action == "still-stands":
            annotating.still_stands(annotation, request.user)
        elif action == "move":
            passage = selection(request)
            if passage is None:
                return refused(request, NOT_A_SELECTION)
            annotating.move(annotation, request.user, **passage)
        else:  # "detach": the URL pattern allows nothing else
            annotating.detach(annotation, request.user)
    except REFUSALS as exc:
        return refused(request, str(exc))
    return changed(request, annotation.article, {"id": annotation.pk, "action": "reviewed"})


@require_GET
def annotation_cards(request: HtmxHttpRequest) -> HttpResponse:
    """The cards of the annotations on one mark (several where highlights overlap)."""
    ids = [i for raw in request.GET.get("ids", "").split() if (i := parse_int(raw)) is not None]
    annotations = list(
        visible_annotations(request.user)
        .filter(pk__in=ids[:20])
        .select_related("author__profile", "article", "group", "entity", "claim")
        .in_text_order()
    )
    links = sharing.active_links(request.user, annotations[0].article) if annotations else []
    # Ids differ from the panel's, where the same cards are.
    reader.with_cards(request.user, annotations, id_prefix="popover-card-", links=links)
    return render(request, "articles/annotation_cards.html", {"annotations": annotations})
