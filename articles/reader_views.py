"""The reader page and everything done from it: highlights, notes, the annotation panel.

htmx requests get back only what changed: the article body (`#article-body`, re-rendered
with its marks) and the panel (`#annotation-panel`, out of band). Without JavaScript the
same URLs answer with redirects and full pages, so every highlight and note is readable
and every form works.
"""

from __future__ import annotations

import json
from functools import partial
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget, trigger_client_event

from articles import annotations as annotating
from articles import entities, library_views, sharing, versions
from articles.cards import render_card
from articles.highlights import Span, render_marks
from articles.models import Annotation, Article, Color, ColorLabel, Entity
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
    return color, parse_int(request.GET.get("author")), group


def _matches(annotation: Annotation, author: int | None, group: str) -> bool:
    if author is not None and annotation.author_id != author:
        return False
    if group == sharing.PRIVATE:
        return annotation.group_id is None
    return not group or str(annotation.group_id) == group


def _with_cards(
    request: HtmxHttpRequest,
    annotations: list[Annotation],
    *,
    id_prefix: str = "card-",
    links: list | None = None,
) -> None:
    """Give each annotation its rendered `card`; mentions carry their entity's counts."""
    entity_ids = {a.entity_id for a in annotations if a.entity_id}
    counts = dict(
        Entity.objects.filter(pk__in=entity_ids)
        .with_mention_counts(request.user)
        .values_list("pk", "mention_count")
    ) if entity_ids else {}  # fmt: skip
    annotations_url = reverse("annotation_cards")
    # Computed once per article and per link: 500 cards must not build 500 URLs each.
    article_urls: dict[int, str] = {}
    link_urls = {link.pk: link.get_absolute_url() for link in links or []}
    for annotation in annotations:
        link = sharing.link_showing(links, annotation) if links else None
        article_url = article_urls.get(annotation.article_id)
        if article_url is None:
            article_url = article_urls[annotation.article_id] = (
                annotation.article.get_absolute_url()
            )
        annotation.card = render_card(
            annotation,
            viewer_id=request.user.pk,
            article_url=article_url,
            annotations_url=annotations_url,
            id_prefix=id_prefix,
            share_url=link_urls[link.pk] if link else None,
            mention_count=counts.get(annotation.entity_id) or 0,
        )


def marked_body(article: Article, anchored: list[Annotation]) -> str:
    """The article's body with its anchored annotations drawn: highlights in their colour,
    mentions in their entity's kind."""
    spans = [
        Span(a.pk, a.start, a.end, a.entity.kind, "mention") if a.is_mention
        else Span(a.pk, a.start, a.end, a.color)
        for a in anchored
    ]  # fmt: skip
    return render_marks(article.body_html, spans)


def _entity_groups(mentions: list[Annotation]) -> list[dict]:
    groups: dict[int, dict] = {}
    for mention in mentions:
        group = groups.setdefault(
            mention.entity_id, {"entity": mention.entity, "mentions": [], "anchored": []}
        )
        group["mentions"].append(mention)
        if mention.start is not None and not mention.is_orphaned:
            group["anchored"].append(mention)
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
    color, author, group = _filters(request)
    annotations = list(
        visible_annotations(request)
        .filter(article=article)
        .select_related("author", "group", "entity")
        .in_text_order()
    )
    for annotation in annotations:
        annotation.article = article
    _with_cards(request, annotations, links=sharing.active_links(request.user, article))
    anchored = [a for a in annotations if a.start is not None and not a.is_orphaned]
    highlights = [a for a in anchored if not a.is_mention]
    suggestions = entities.suggest(article, request.user, annotations)
    shown = [a for a in annotations if _matches(a, author, group)]
    authors = {a.author_id: sharing.public_name(a.author) for a in annotations}
    groups = {a.group_id: a.group.name for a in annotations if a.group_id is not None}
    if any(a.group_id is None for a in annotations):
        groups[sharing.PRIVATE] = sharing.ONLY_ME
    query = urlencode({k: v for k, v in (("author", author or ""), ("group", group)) if v})
    return {
        "article": article,
        "body_html": marked_body(article, anchored),
        "passages": [
            a
            for a in shown
            if a.start is not None
            and not a.is_mention
            and not a.is_orphaned
            and a.color in (color or a.color)
        ],
        "page_notes": [a for a in shown if a.is_page_note],
        "orphans": [a for a in shown if a.is_orphaned],
        "annotation_count": len(highlights),
        "entity_groups": _entity_groups([a for a in annotations if a.is_mention]),
        "suggestion_groups": _suggestion_groups(suggestions),
        "suggestion_spans_json": json.dumps(
            [[s.start, s.end] for s in suggestions if s.start is not None]
        ),
        "entity_kinds": Entity.Kind.choices,
        # Reversed once, not once per suggestion row.
        "tag_all_base": reverse("tag_entity", args=[article.pk]),
        "accept_url": reverse("accept_suggestion", args=[article.pk]),
        "reject_url": reverse("reject_suggestion", args=[article.pk]),
        "legend": ColorLabel.legend(),
        "color_filter": color,
        "author_filter": author,
        "group_filter": group,
        "filter_query": query,
        "filtered": bool(color or author or group),
        "author_choices": sorted(authors.items(), key=lambda item: item[1].casefold()),
        "group_choices": [(str(k), v) for k, v in groups.items()],
        "can_delete": article.can_delete(request.user),
        "updated_since_annotated": versions.updated_since_annotated(
            article, request.user, annotations
        ),
        **_audience_choices(request),
    }


def _audience_choices(request: HtmxHttpRequest, current: str | None = None) -> dict:
    """ "Only me" and the user's groups, with the remembered (or current) choice selected."""
    groups, default = sharing.audience_menu(request.user)
    if current is None:
        current = sharing.audience_value(default)
    choices = [(sharing.PRIVATE, sharing.ONLY_ME)] + [(str(g.pk), g.name) for g in groups]
    return {"audience_choices": choices, "audience_current": current}


def audience(request: HtmxHttpRequest) -> tuple[TeamGroup | None, bool]:
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


def create_with_audience(
    request: HtmxHttpRequest, create: Callable[..., Annotation], **fields: object
) -> Annotation:
    group, chosen = audience(request)
    visibility = Annotation.Visibility.PRIVATE if group is None else Annotation.Visibility.SHARED
    annotation = create(request.user, visibility=visibility, group=group, **fields)
    if chosen:
        sharing.remember_audience(request.user, group)
    return annotation


@vary_on_headers("HX-Request")  # the panel's filters push URLs answered with the panel only
def reader(request: HtmxHttpRequest, pk: int, slug: str = "") -> HttpResponse:  # noqa: ARG001 - slug is decoration
    article = article_for(request, pk)
    context = _reader_context(request, article)
    if request.htmx and request.htmx.target == "annotation-panel":
        return render(request, "articles/reader.html#annotation-panel", context)
    context.update(library_views.shelf_context(article, request.user))
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
        annotation = create_with_audience(
            request,
            partial(annotating.create, article),
            start=start,
            end=end,
            quote=request.POST.get("quote", ""),
            color=request.POST.get("color") or Color.YELLOW,
            note=request.POST.get("note", ""),
        )
    except (annotating.AnnotationError, sharing.SharingError) as exc:
        return refused(request, str(exc))
    return changed(request, article, {"id": annotation.pk, "action": "created"})


@require_POST
def add_page_note(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    try:
        annotation = create_with_audience(
            request,
            partial(annotating.create_page_note, article),
            note=request.POST.get("note", ""),
        )
    except (annotating.AnnotationError, sharing.SharingError) as exc:
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
        visible_annotations(request)
        .filter(pk__in=ids[:20])
        .select_related("author", "article", "group", "entity")
        .in_text_order()
    )
    links = sharing.active_links(request.user, annotations[0].article) if annotations else []
    _with_cards(request, annotations, id_prefix="popover-card-", links=links)  # also in the panel
    return render(request, "articles/annotation_cards.html", {"annotations": annotations})
