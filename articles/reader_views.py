"""The reader page and everything done from it: highlights, notes, the annotation panel.

htmx requests get back only what changed: the article body (`#article-body`, re-rendered
with its marks) and the panel (`#annotation-panel`, out of band). Without JavaScript the
same URLs answer with redirects and full pages, so every highlight and note is readable
and every form works.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from articles import annotations as annotating
from articles import versions
from articles.cards import render_card
from articles.highlights import Span, render_marks
from articles.models import Annotation, Article, Color, ColorLabel
from articles.permissions import HtmxHttpRequest, annotation_for, article_for


def _reader_context(request: HtmxHttpRequest, article: Article) -> dict:
    color = request.GET.get("color", "")
    if color not in Color.values:
        color = ""
    annotations = list(
        Annotation.objects.visible_to(request.user)
        .filter(article=article)
        .select_related("author")
        .in_text_order()
    )
    article_url = article.get_absolute_url()
    annotations_url = reverse("annotation_cards")
    for annotation in annotations:
        annotation.card = render_card(
            annotation,
            viewer_id=request.user.pk,
            article_url=article_url,
            annotations_url=annotations_url,
        )
    anchored = [a for a in annotations if not a.is_page_note and not a.is_orphaned]
    body_html = render_marks(
        article.body_html, [Span(a.pk, a.start, a.end, a.color) for a in anchored]
    )
    legend = ColorLabel.legend()
    return {
        "article": article,
        "body_html": body_html,
        "passages": [a for a in anchored if not color or a.color == color],
        "page_notes": [a for a in annotations if a.is_page_note],
        "orphans": [a for a in annotations if a.is_orphaned],
        "annotation_count": len(anchored),
        "legend": legend,
        "color_filter": color,
        "can_delete": article.can_delete(request.user),
        "visibility_choices": Annotation.Visibility.choices,
        "updated_since_annotated": versions.updated_since_annotated(
            article, request.user, annotations
        ),
    }


def reader(request: HtmxHttpRequest, pk: int, slug: str = "") -> HttpResponse:  # noqa: ARG001 - slug is decoration
    article = article_for(request, pk)
    context = _reader_context(request, article)
    if request.htmx and request.htmx.target == "annotation-panel":
        return render(request, "articles/reader.html#annotation-panel", context)
    return render(request, "articles/reader.html", context)


def _changed(request: HtmxHttpRequest, article: Article, event: dict | None = None) -> HttpResponse:
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


def _refused(request: HtmxHttpRequest, message: str, status: int = 400) -> HttpResponse:
    if request.htmx:
        response = HttpResponse(
            render_to_string("articles/reader.html#annotate-status", {"error": message}, request),
            status=status,
        )
        retarget(response, "#annotate-status")
        reswap(response, "outerHTML")
        return response
    return render(request, "articles/refused.html", {"message": message}, status=status)


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@require_POST
def annotate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    start, end = _int(request.POST.get("start")), _int(request.POST.get("end"))
    if start is None or end is None:
        return _refused(request, "The selection's offsets must be whole numbers.")
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
        return _refused(request, str(exc))
    return _changed(request, article, {"id": annotation.pk, "action": "created"})


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
        return _refused(request, str(exc))
    return _changed(request, article, {"id": annotation.pk, "action": "created"})


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
        return _refused(request, str(exc))
    return _changed(request, annotation.article, {"id": annotation.pk, "action": "edited"})


@require_http_methods(["GET", "POST"])
def delete_annotation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    annotation = annotation_for(request, pk, change=True)
    if request.method == "POST":
        article = annotation.article
        annotation.delete()
        return _changed(request, article, {"id": 0, "action": "deleted"})
    return render(request, "articles/confirm_delete_annotation.html", {"annotation": annotation})


@require_GET
def annotation_cards(request: HtmxHttpRequest) -> HttpResponse:
    """The cards of the annotations on one mark (several where highlights overlap)."""
    ids = [i for raw in request.GET.get("ids", "").split() if (i := _int(raw)) is not None][:20]
    annotations = list(
        Annotation.objects.visible_to(request.user)
        .filter(pk__in=ids)
        .select_related("author", "article")
        .in_text_order()
    )
    annotations_url = reverse("annotation_cards")
    for annotation in annotations:
        annotation.card = render_card(
            annotation,
            viewer_id=request.user.pk,
            article_url=annotation.article.get_absolute_url(),
            annotations_url=annotations_url,
            id_prefix="popover-card-",  # the same card is also in the panel
        )
    return render(request, "articles/annotation_cards.html", {"annotations": annotations})
