"""Who may see and change what: every view fetches objects through these helpers.

For now every signed-in member of the team reads every article and curates entities;
deleting an article is for the person who added it and for staff, and so is merging or
deleting an entity. An annotation is visible when it is shared or the
viewer's own, and only its author changes it. A hidden annotation answers 404, exactly
like one that does not exist, so ids reveal nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from articles.models import Annotation, Article, Entity

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def article_for(request: HttpRequest, pk: int, *, delete: bool = False) -> Article:
    """The article `pk` as the requesting user may see it, or 404 / 403."""
    article = get_object_or_404(Article, pk=pk)
    if delete and not article.can_delete(request.user):
        raise PermissionDenied(
            "Only the person who added this article, or an administrator, may delete it."
        )
    return article


def annotation_for(request: HttpRequest, pk: int, *, change: bool = False) -> Annotation:
    """The annotation `pk` if the user may see it (404 otherwise); 403 if they may not
    change it but asked to."""
    try:
        annotation = (
            Annotation.objects.visible_to(request.user)
            .select_related("article", "author")
            .get(pk=pk)
        )
    except Annotation.DoesNotExist:
        raise Http404("No such annotation.") from None
    if change and not annotation.can_change(request.user):
        raise PermissionDenied("Only the author of an annotation may change or delete it.")
    return annotation


def entity_for(request: HttpRequest, pk: int, *, merge: bool = False) -> Entity:
    """The entity `pk` (every member may see and edit entities), or 404; 403 when asking to
    merge or delete it without being its creator or staff."""
    entity = get_object_or_404(Entity, pk=pk)
    if merge and not entity.can_merge(request.user):
        raise PermissionDenied(
            "Only the person who created this entity, or an administrator, may merge or "
            "delete it: that moves everyone's mentions."
        )
    return entity
