"""The reader page and everything done from it: highlights, notes, the annotation panel.

htmx requests get back only what changed: the article body (`#article-body`, re-rendered
with its marks) and the panel (`#annotation-panel`, out of band). Without JavaScript the
same URLs answer with redirects and full pages, so every highlight and note is readable
and every form works.
"""

from __future__ import annotations

import json

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from articles import annotations as annotating
from articles import entities
from articles.cards import render_card
from articles.highlights import Span, render_marks
from articles.models import Annotation, Article, Color, ColorLabel, Entity
from articles.permissions import HtmxHttpRequest, annotation_for, article_for


def _with_cards(
    request: HtmxHttpRequest, annotations: list[Annotation], *, id_prefix: str = "card-"
) -> None:
    """Give each annotation its rendered `card`; mentions carry their entity's counts."""
    entity_ids = {a.entity_id for a in annotations if a.entity_id}
    counts = dict(
        Entity.objects.filter(pk__in=entity_ids)
        .with_mention_counts(request.user)
        .values_list("pk", "mention_count")
    ) if entity_ids else {}  # fmt: skip
    annotations_url = reverse("annotation_cards")
    for annotation in annotations:
        annotation.card = render_card(
            annotation,
            viewer_id=request.user.pk,
            article_url=annotation.article.get_absolute_url(),
            annotations_url=annotations_url,
            id_prefix=id_prefix,
            mention_count=counts.get(annotation.entity_id) or 0,
        )


def _entity_groups(mentions: list[Annotation]) -> list[dict]:
    groups: dict[int, dict] = {}
    for mention in mentions:
        group = groups.setdefault(mention.entity_id, {"entity": mention.entity, "mentions": []})
        group["mentions"].append(mention)
    return sorted(groups.values(), key=lambda g: (-len(g["mentions"]), g["entity"].name.lower()))


def _suggestion_groups(suggestions: list[entities.Suggestion]) -> list[dict]:
    """One row per suggested text (or known entity), with how often it occurs."""
    groups: dict[tuple, dict] = {}
    for s in suggestions:
        key = ("known", s.entity_id) if s.kind == "known" else ("candidate", s.text.casefold())
        group = groups.setdefault(key, {"suggestion": s, "count": 0, "forms": []})
        group["count"] += 1
        if s.text not in group["forms"]:
            group["forms"].append(s.text)
    known = Entity.objects.in_bulk([k[1] for k in groups if k[0] == "known"])
    for (kind, entity_id), group in groups.items():
        group["entity"] = known.get(entity_id) if kind == "known" else None
    return list(groups.values())


def _reader_context(request: HtmxHttpRequest, article: Article) -> dict:
    color = request.GET.get("color", "")
    if color not in Color.values:
        color = ""
    annotations = list(
        Annotation.objects.visible_to(request.user)
        .filter(article=article)
        .select_related("author", "entity")
        .in_text_order()
    )
    for annotation in annotations:
        annotation.article = article
    _with_cards(request, annotations)
    anchored = [a for a in annotations if a.start is not None and not a.is_orphaned]
    spans = [
        Span(a.pk, a.start, a.end, a.entity.kind, "mention") if a.is_mention
        else Span(a.pk, a.start, a.end, a.color)
        for a in anchored
    ]  # fmt: skip
    highlights = [a for a in anchored if not a.is_mention]
    suggestions = entities.suggest(article, request.user, annotations)
    return {
        "article": article,
        "body_html": render_marks(article.body_html, spans),
        "passages": [a for a in highlights if not color or a.color == color],
        "page_notes": [a for a in annotations if a.is_page_note],
        "orphans": [a for a in annotations if a.is_orphaned],
        "annotation_count": len(highlights),
        "entity_groups": _entity_groups([a for a in annotations if a.is_mention]),
        "suggestion_groups": _suggestion_groups(suggestions),
        "suggestion_spans_json": json.dumps(
            [[s.start, s.end] for s in suggestions if s.start is not None]
        ),
        "entity_kinds": Entity.Kind.choices,
        "legend": ColorLabel.legend(),
        "color_filter": color,
        "can_delete": article.can_delete(request.user),
        "visibility_choices": Annotation.Visibility.choices,
    }


def reader(request: HtmxHttpRequest, pk: int, slug: str = "") -> HttpResponse:  # noqa: ARG001 - slug is decoration
    article = article_for(request, pk)
    context = _reader_context(request, article)
    if request.htmx and request.htmx.target == "annotation-panel":
        return render(request, "articles/reader.html#annotation-panel", context)
    return render(request, "articles/reader.html", context)


def changed(request: HtmxHttpRequest, article: Article, event: dict | None = None) -> HttpResponse:
    """After a write: the new body and panel for htmx, or back to the article."""
    if not request.htmx:
        anchor = f"#annotation-{event['id']}" if event and event.get("id") else ""
        return redirect(article.get_absolute_url() + anchor)
    context = _reader_context(request, article)
    html = render_to_string("articles/reader.html#article-body", context, request)
    html += render_to_string(
        "articles/reader.html#annotation-panel", {**context, "oob": True}, request
    )
    response = HttpResponse(html)
    retarget(response, "#article-body")
    reswap(response, "outerHTML")
    if event:
        # After settling: the form that asked may sit in the popover the handler closes.
        trigger_client_event(response, "newsroom:annotated", event, after="settle")
    return response


def refused(request: HtmxHttpRequest, message: str, status: int = 400) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(
            render_to_string("articles/reader.html#annotate-status", {"error": message}, request),
            status=status,
        )
        retarget(response, "#annotate-status")
        reswap(response, "outerHTML")
        return response
    return render(request, "articles/refused.html", {"message": message}, status=status)


def parse_int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@require_POST
def annotate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    start, end = parse_int(request.POST.get("start")), parse_int(request.POST.get("end"))
    if start is None or end is None:
        return refused(request, "The selection's offsets must be whole numbers.")
    try:
        annotation = annotating.create(
            article,
            request.user,
            start=start,
            end=end,
            quote=request.POST.get("quote", ""),
            color=request.POST.get("color") or Color.YELLOW,
            note=request.POST.get("note", ""),
            visibility=request.POST.get("visibility") or Annotation.Visibility.SHARED,
        )
    except annotating.AnnotationError as exc:
        return refused(request, str(exc))
    return changed(request, article, {"id": annotation.pk, "action": "created"})


@require_POST
def add_page_note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    try:
        annotation = annotating.create_page_note(
            article,
            request.user,
            note=request.POST.get("note", ""),
            visibility=request.POST.get("visibility") or Annotation.Visibility.SHARED,
        )
    except annotating.AnnotationError as exc:
        return refused(request, str(exc))
    return changed(request, article, {"id": annotation.pk, "action": "created"})


@require_http_methods(["GET", "POST"])
def edit_annotation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    annotation = annotation_for(request, pk, change=True)
    if request.method == "GET":
        context = {
            "annotation": annotation,
            "legend": ColorLabel.legend(),
            "visibility_choices": Annotation.Visibility.choices,
        }
        template = "articles/annotation_edit.html"
        return render(request, template + "#edit-form" if request.htmx else template, context)
    try:
        annotating.update(
            annotation,
            note=request.POST.get("note"),
            color=request.POST.get("color"),
            visibility=request.POST.get("visibility"),
        )
    except annotating.AnnotationError as exc:
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


@require_GET
def annotation_cards(request: HtmxHttpRequest) -> HttpResponse:
    """The cards of the annotations on one mark (several where highlights overlap)."""
    ids = [i for raw in request.GET.get("ids", "").split() if (i := parse_int(raw)) is not None]
    annotations = list(
        Annotation.objects.visible_to(request.user)
        .filter(pk__in=ids[:20])
        .select_related("author", "article", "entity")
        .in_text_order()
    )
    _with_cards(request, annotations, id_prefix="popover-card-")  # also in the panel
    return render(request, "articles/annotation_cards.html", {"annotations": annotations})
