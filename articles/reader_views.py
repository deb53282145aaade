"""The reader page and everything done from it: highlights, notes, the annotation panel.

htmx requests get back only what changed: the article body (`#article-body`, re-rendered
with its marks) and the panel (`#annotation-panel`, out of band). Without JavaScript the
same URLs answer with redirects and full pages, so every highlight and note is readable
and every form works.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget, trigger_client_event

from articles import annotations as annotating
from articles import sharing
from articles.cards import render_card
from articles.highlights import Span, render_marks
from articles.models import Annotation, Article, Color, ColorLabel
from articles.permissions import (
    HtmxHttpRequest,
    annotation_for,
    article_for,
    visible_annotations,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from articles.models import TeamGroup


def _filters(request: HtmxHttpRequest) -> tuple[str, int | None, str]:
    """The panel's filters from the query string: colour, author id, group ("private"/id)."""
    color = request.GET.get("color", "")
    if color not in Color.values:
        color = ""
    group = request.GET.get("group", "")
    if group != sharing.PRIVATE and not group.isdigit():
        group = ""
    return color, _int(request.GET.get("author")), group


def _matches(annotation: Annotation, author: int | None, group: str) -> bool:
    if author is not None and annotation.author_id != author:
        return False
    if group == sharing.PRIVATE:
        return annotation.group_id is None
    return not group or str(annotation.group_id) == group


def _reader_context(request: HtmxHttpRequest, article: Article) -> dict:
    color, author, group = _filters(request)
    annotations = list(
        visible_annotations(request)
        .filter(article=article)
        .select_related("author", "group")
        .in_text_order()
    )
    article_url = article.get_absolute_url()
    annotations_url = reverse("annotation_cards")
    links = sharing.active_links(request.user, article)
    for annotation in annotations:
        link = sharing.link_showing(links, annotation)
        annotation.card = render_card(
            annotation,
            viewer_id=request.user.pk,
            article_url=article_url,
            annotations_url=annotations_url,
            share_url=link.get_absolute_url() if link else None,
        )
    anchored = [a for a in annotations if not a.is_page_note and not a.is_orphaned]
    body_html = render_marks(
        article.body_html, [Span(a.pk, a.start, a.end, a.color) for a in anchored]
    )
    shown = [a for a in annotations if _matches(a, author, group)]
    authors = {a.author_id: sharing.public_name(a.author) for a in annotations}
    groups = {a.group_id: a.group.name for a in annotations if a.group_id is not None}
    if any(a.group_id is None for a in annotations):
        groups[sharing.PRIVATE] = sharing.ONLY_ME
    query = urlencode({k: v for k, v in (("author", author or ""), ("group", group)) if v})
    return {
        "article": article,
        "body_html": body_html,
        "passages": [
            a
            for a in shown
            if not a.is_page_note and not a.is_orphaned and a.color in (color or a.color)
        ],
        "page_notes": [a for a in shown if a.is_page_note],
        "orphans": [a for a in shown if a.is_orphaned],
        "annotation_count": len(anchored),
        "legend": ColorLabel.legend(),
        "color_filter": color,
        "author_filter": author,
        "group_filter": group,
        "filter_query": query,
        "filtered": bool(color or author or group),
        "author_choices": sorted(authors.items(), key=lambda item: item[1].casefold()),
        "group_choices": [(str(k), v) for k, v in groups.items()],
        "can_delete": article.can_delete(request.user),
        **_audience_choices(request),
    }


def _audience_choices(request: HtmxHttpRequest, current: str | None = None) -> dict:
    """ "Only me" and the user's groups, with the remembered (or current) choice selected."""
    groups, default = sharing.audience_menu(request.user)
    if current is None:
        current = sharing.audience_value(default)
    choices = [(sharing.PRIVATE, sharing.ONLY_ME)] + [(str(g.pk), g.name) for g in groups]
    return {"audience_choices": choices, "audience_current": current}


def _audience(request: HtmxHttpRequest) -> tuple[TeamGroup | None, bool]:
    """Where a new annotation goes, and whether the person chose it on this request.

    `visibility=shared|private` (the form of the first release) is still understood.
    """
    raw = request.POST.get("audience")
    if raw is not None:
        return sharing.parse_audience(request.user, raw), True
    legacy = request.POST.get("visibility")
    if legacy == Annotation.Visibility.PRIVATE:
        return None, False
    if legacy == Annotation.Visibility.SHARED:
        return sharing.default_group(), False
    return sharing.default_audience(request.user), False


def _create(
    request: HtmxHttpRequest, create: Callable[..., Annotation], **fields: object
) -> Annotation:
    group, chosen = _audience(request)
    visibility = Annotation.Visibility.PRIVATE if group is None else Annotation.Visibility.SHARED
    annotation = create(request.user, visibility=visibility, group=group, **fields)
    if chosen:
        sharing.remember_audience(request.user, group)
    return annotation


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
        annotation = _create(
            request,
            partial(annotating.create, article),
            start=start,
            end=end,
            quote=request.POST.get("quote", ""),
            color=request.POST.get("color") or Color.YELLOW,
            note=request.POST.get("note", ""),
        )
    except (annotating.AnnotationError, sharing.SharingError) as exc:
        return _refused(request, str(exc))
    return _changed(request, article, {"id": annotation.pk, "action": "created"})


@require_POST
def add_page_note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    try:
        annotation = _create(
            request,
            partial(annotating.create_page_note, article),
            note=request.POST.get("note", ""),
        )
    except (annotating.AnnotationError, sharing.SharingError) as exc:
        return _refused(request, str(exc))
    return _changed(request, article, {"id": annotation.pk, "action": "created"})


@require_http_methods(["GET", "POST"])
def edit_annotation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    annotation = annotation_for(request, pk, change=True)
    if request.method == "GET":
        context = {
            "annotation": annotation,
            "legend": ColorLabel.legend(),
            "select_id": f"audience-{annotation.pk}",
            **_audience_choices(request, sharing.audience_value(annotation.group)),
        }
        template = "articles/annotation_edit.html"
        return render(request, template + "#edit-form" if request.htmx else template, context)
    try:
        raw = request.POST.get("audience")
        annotating.update(
            annotation,
            note=request.POST.get("note"),
            color=request.POST.get("color"),
            visibility=request.POST.get("visibility"),
            group=annotating.KEEP if raw is None else sharing.parse_audience(request.user, raw),
            by=request.user,
        )
    except (annotating.AnnotationError, sharing.SharingError) as exc:
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
        visible_annotations(request)
        .filter(pk__in=ids)
        .select_related("author", "article", "group")
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
