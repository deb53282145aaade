"""Entity tagging from the reader, and the entity pages: index, page, edit, merge.

Tagging answers like every reader write (`_shared.changed`): the new body and panel
for htmx, a redirect without JavaScript. After a mention is made, the status line offers
to tag the entity's other occurrences in the article in one click.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.db.models.functions import Lower
from django.http import HttpResponse  # noqa: TC002 - views return it at runtime
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from articles import sharing, watchlists
from articles.entities import curation, pages, tagging
from articles.errors import EntityError
from articles.models import Entity, EntityAlias
from articles.parsing import parse_int
from articles.permissions import (
    article_for,
    entity_for,
    may_merge_entity,
    visible_annotations,
    visible_entities,
)
from articles.views._shared import (
    NOT_A_SELECTION,
    HtmxHttpRequest,
    changed,
    chosen_audience,
    page_links,
    query_url,
    refused,
    selection,
)
from articles.views.claims import entity_claims

INDEX_PAGE_SIZE = 50
ARTICLES_PER_PAGE = 20
LOOKUP_LIMIT = 8


REFUSALS = (EntityError, sharing.SharingError)


def _chosen_entity(request: HtmxHttpRequest) -> Entity | None:
    """The existing entity the form picked, if any; "new" or nothing means create one."""
    pk = parse_int(request.POST.get("entity"))
    if pk is None:
        return None
    entity = visible_entities(request.user).filter(pk=pk).first()
    if entity is None:
        raise EntityError(
            "That entity no longer exists (merged or deleted meanwhile); choose another."
        )
    return entity


@require_POST
def tag_entity(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    passage = selection(request)
    if passage is None:
        return refused(request, NOT_A_SELECTION)
    try:
        tagged = tagging.tag(
            article,
            request.user,
            **passage,
            entity=_chosen_entity(request),
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
            audience=chosen_audience(request),
            add_as_alias=request.POST.get("alias") == "on",
        )
    except REFUSALS as exc:
        return refused(request, str(exc))
    mention = tagged.mention
    if not request.htmx:
        if tagged.others:
            messages.info(
                request,
                f"Tagged as {tagged.entity.name}. {tagged.others} more in this article: "
                "see Suggestions in the panel.",
            )
        return changed(request, article, {"id": mention.pk})
    response = changed(request, article, {"id": mention.pk, "action": "tagged"})
    offer = {"mention": mention, "others": tagged.others, "article": article, "oob": True}
    response.content += render_to_string(
        "articles/reader.html#annotate-status", offer, request
    ).encode()
    return response


@require_POST
def tag_all(request: HtmxHttpRequest, pk: int, entity_pk: int) -> HttpResponse:
    article = article_for(request, pk)
    entity = entity_for(request, entity_pk)
    try:
        made = tagging.tag_all(
            article,
            request.user,
            entity,
            forms=request.POST.getlist("form")[:20],
            audience=chosen_audience(request),
        )
    except REFUSALS as exc:
        return refused(request, str(exc))
    told = (
        f"Tagged {len(made)} more mention{pluralize(len(made))} of {entity.name}."
        if made
        else f"No other mention of {entity.name} to tag in this article."
    )
    event = {"id": made[0].pk if made else 0, "action": "tagged-all"}
    return changed(request, article, event, told=told)


@require_http_methods(["GET", "POST"])
def accept_suggestion(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET: the form for one suggestion (fetched into its row, or a page without JS);
    POST: tag every place it is suggested."""
    article = article_for(request, pk)
    if request.method == "GET":
        text = " ".join(request.GET.get("text", "").split())[: Entity.NAME_MAX_CHARS]
        context = {
            "article": article,
            "text": text,
            "key": abs(hash(text)) % 10**8,  # a unique id for the form's fields
            "kinds": Entity.Kind.choices,
        }
        template = "entities/accept.html"
        return render(request, template + "#accept-form" if request.htmx else template, context)
    try:
        made = tagging.accept(
            article,
            request.user,
            text=request.POST.get("text", ""),
            entity=_chosen_entity(request),
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", ""),
            audience=chosen_audience(request),
        )
    except REFUSALS as exc:
        return refused(request, str(exc))
    return changed(request, article, {"id": made[0].pk, "action": "accepted"})


@require_POST
def reject_suggestion(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    try:
        for text in request.POST.getlist("text")[:20] or [""]:
            tagging.reject(article, request.user, text)
    except REFUSALS as exc:
        return refused(request, str(exc))
    return changed(request, article, {"id": 0, "action": "rejected"})


@require_GET
def entity_lookup(request: HtmxHttpRequest) -> HttpResponse:
    """Existing entities matching what is typed, as radio choices for the tag forms."""
    query = (request.GET.get("q") or request.GET.get("name") or "").strip()
    query = query[: Entity.NAME_MAX_CHARS]
    found = (
        list(
            visible_entities(request.user)
            .matching(query)
            .with_mention_counts(visible_annotations(request.user))
            .order_by("-mention_count", "name")[:LOOKUP_LIMIT]
        )
        if query
        else []
    )
    context = {"found": found, "query": query, "allow_new": request.GET.get("new") != "0"}
    return render(request, "entities/lookup.html", context)


@require_GET
@vary_on_headers("HX-Request")  # the filters push URLs answered with the list only
def entity_index(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[: Entity.NAME_MAX_CHARS]
    kind = request.GET.get("kind", "")
    if kind not in Entity.Kind.values:
        kind = ""
    found = (
        visible_entities(request.user)
        .matching(query)
        .with_mention_counts(visible_annotations(request.user))
    )
    if kind:
        found = found.filter(kind=kind)
    found = found.order_by(F("mention_count").desc(nulls_last=True), Lower("name"), "pk")
    page = Paginator(found, INDEX_PAGE_SIZE).get_page(parse_int(request.GET.get("page")))
    context = {
        "page": page,
        **page_links(page, lambda number: query_url(q=query, kind=kind, page=number)),
        "query": query,
        "kind": kind,
        "kinds": Entity.Kind.choices,
        "total": visible_entities(request.user).count(),
    }
    if request.htmx and request.htmx.target == "entity-list":
        return render(request, "entities/index.html#entity-list", context)
    return render(request, "entities/index.html", context)


@require_GET
def entity_page(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    entity = entity_for(request, pk)
    articles = Paginator(pages.articles_page(entity, request.user), ARTICLES_PER_PAGE)
    page = articles.get_page(parse_int(request.GET.get("page")))
    context = {
        "entity": entity,
        "aliases": list(entity.aliases.all()),
        "stats": pages.stats(entity, request.user),
        "page": page,
        **page_links(page, lambda number: query_url(page=number)),
        "groups": pages.mentions_by_article(entity, request.user, page),
        "related": pages.co_occurring(entity, request.user),
        "can_merge": may_merge_entity(request.user, entity),
        "kinds": Entity.Kind.choices,
        "entity_claims": entity_claims(request.user, entity),
        "entity_watch": watchlists.watching(request.user, entity=entity),
    }
    return render(request, "entities/entity.html", context)


@require_http_methods(["GET", "POST"])
def edit_entity(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    entity = entity_for(request, pk)
    error = ""
    if request.method == "POST":
        try:
            curation.update_entity(
                entity,
                name=request.POST.get("name", ""),
                kind=request.POST.get("kind", ""),
                description=request.POST.get("description", ""),
                wikidata_id=request.POST.get("wikidata_id", ""),
            )
        except REFUSALS as exc:
            error = str(exc)
            entity.refresh_from_db()
        else:
            messages.success(request, "Saved.")
            return redirect(entity)
    context = {"entity": entity, "kinds": Entity.Kind.choices, "error": error, "form": request.POST}
    return render(request, "entities/edit.html", context, status=400 if error else 200)


@require_POST
def add_alias(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    entity = entity_for(request, pk)
    try:
        curation.add_alias(entity, request.POST.get("name", ""))
    except REFUSALS as exc:
        messages.error(request, str(exc))
    return redirect(entity)


@require_POST
def remove_alias(request: HtmxHttpRequest, pk: int, alias_pk: int) -> HttpResponse:
    entity = entity_for(request, pk)
    alias = EntityAlias.objects.filter(entity=entity, pk=alias_pk).first()
    if alias is not None:
        curation.remove_alias(alias)
        messages.success(request, f"Removed the alias {alias.name!r}.")
    return redirect(entity)


@require_http_methods(["GET", "POST"])
def merge_entity(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    entity = entity_for(request, pk, merge=True)
    if request.method == "POST":
        target = parse_int(request.POST.get("entity"))
        if target is None:
            messages.error(request, "Choose the entity to merge into.")
            return redirect("merge_entity", pk=entity.pk)
        survivor = entity_for(request, target)
        try:
            curation.merge(entity, survivor)
        except REFUSALS as exc:
            messages.error(request, str(exc))
            return redirect("merge_entity", pk=entity.pk)
        messages.success(request, f"Merged {entity.name!r} into {survivor.name}.")
        return redirect(survivor)
    context = {"entity": entity, "mentions": _visible_mentions(request, entity)}
    return render(request, "entities/merge.html", context)


def _visible_mentions(request: HtmxHttpRequest, entity: Entity) -> int:
    return visible_annotations(request.user).filter(entity=entity).count()


@require_http_methods(["GET", "POST"])
def delete_entity(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    entity = entity_for(request, pk, merge=True)
    visible = _visible_mentions(request, entity)
    # Deleting would take colleagues' private mentions (and their notes) with it, unseen.
    hidden = entity.mentions.count() - visible
    if request.method == "POST" and not hidden:
        entity.delete()
        messages.success(request, f"Deleted {entity.name!r} and its mentions.")
        return redirect("entities")
    context = {"entity": entity, "mentions": visible, "hidden": hidden}
    return render(
        request,
        "entities/confirm_delete.html",
        context,
        status=409 if hidden and request.method == "POST" else 200,
    )
