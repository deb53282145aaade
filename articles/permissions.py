"""Who may see and change what: every view, fragment and export fetches through here.

The rule, for a signed-in user and for a share-link visitor alike:
- Every signed-in member of the team reads every article; deleting one is for the person
  who added it and for staff. A share link opens only its own article.
- Entities are the team's shared gazetteer: every member sees, renames and aliases them;
  merging or deleting one (which moves or removes everyone's mentions) is for its
  creator and staff. An entity made for a private mention is its creator's alone (404 to
  anyone else) until a mention of it is shared. Mentions follow the annotation rule.
- Labels are the team's: every member adds, removes, renames and deletes them. Reading
  state (read, archived, favourite) is each person's own: a view only ever reads or
  writes the requester's rows, so there is nothing of a colleague's to fetch.
- Annotations: `Annotation.objects.visible_to(user, link=...)` is the one queryset rule
  (own + shared to one of the user's groups; for a link, the shared annotations it was
  made for). Only the author changes an annotation, and never through a share link.
  Administrators get no exception: a private note is private from them too.
- A hidden annotation answers 404, exactly like one that does not exist, so ids reveal
  nothing. A wrong, expired or revoked share token answers the same 410 page after the
  same single query, so a guesser learns nothing; lookups are rate-limited per address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from articles import ratelimit
from articles.models import (
    Annotation,
    AnnotationQuerySet,
    Article,
    Entity,
    Label,
    Membership,
    ShareLink,
)

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class LinkUnavailable(Exception):  # noqa: N818 - named for what the visitor is told
    """Wrong, expired, revoked, or its group no longer holds the owner: all alike."""


class TooManyLookups(Exception):  # noqa: N818
    """This address looked up too many share tokens this minute."""


class SignInRequired(Exception):  # noqa: N818
    """A valid link for signed-in colleagues, opened by someone signed out."""


def visible_annotations(
    request: HttpRequest, *, link: ShareLink | None = None
) -> AnnotationQuerySet:
    """Every annotation the requester may see: as themselves, or through `link`."""
    return Annotation.objects.visible_to(request.user, link=link)


def can_change(
    request: HttpRequest, annotation: Annotation, *, link: ShareLink | None = None
) -> bool:
    return link is None and annotation.can_change(request.user)


def article_for(request: HttpRequest, pk: int, *, delete: bool = False) -> Article:
    """The article `pk` as the requesting user may see it, or 404 / 403."""
    article = get_object_or_404(Article, pk=pk)
    if delete and not article.can_delete(request.user):
        raise PermissionDenied(
            "Only the person who added this article, or an administrator, may delete it."
        )
    return article


def label_for(request: HttpRequest, pk: int) -> Label:  # noqa: ARG001 - the rule's one place
    """The label `pk`: every signed-in member may use and change labels; 404 if unknown."""
    return get_object_or_404(Label, pk=pk)


def annotation_for(
    request: HttpRequest, pk: int, *, change: bool = False, link: ShareLink | None = None
) -> Annotation:
    """The annotation `pk` if the requester may see it (404 otherwise); 403 if they may not
    change it but asked to."""
    try:
        annotation = (
            visible_annotations(request, link=link).select_related("article", "author").get(pk=pk)
        )
    except Annotation.DoesNotExist:
        raise Http404("No such annotation.") from None
    if change and not can_change(request, annotation, link=link):
        raise PermissionDenied("Only the author of an annotation may change or delete it.")
    return annotation


def entity_for(request: HttpRequest, pk: int, *, merge: bool = False) -> Entity:
    """The entity `pk` (every member may see and edit entities), or 404; 403 when asking to
    merge or delete it without being its creator or staff."""
    entity = get_object_or_404(Entity.objects.visible_to(request.user), pk=pk)
    if merge and not entity.can_merge(request.user):
        raise PermissionDenied(
            "Only the person who created this entity, or an administrator, may merge or "
            "delete it: that moves everyone's mentions."
        )
    return entity


def link_for(request: HttpRequest, token: str) -> ShareLink:
    """The share link `token` names, if it may be opened by this requester now.

    Raises TooManyLookups, LinkUnavailable or SignInRequired. Every token costs the same
    one query, whatever it turns out to be. Only failed lookups count towards the limit:
    a guesser fails on nearly every try, while a colleague on a shared page (whose
    popovers look the token up again for every card) never does.
    """
    limit = settings.SHARE_LINK_LOOKUPS_PER_MINUTE
    if ratelimit.exhausted(request, "share-link", limit):
        raise TooManyLookups
    owner_in_group = Membership.objects.filter(group=OuterRef("group"), user=OuterRef("owner"))
    link = (
        ShareLink.objects.filter(token=token[:64])
        .annotate(owner_in_group=Exists(owner_in_group))
        .select_related("article", "owner", "group")
        .first()
    )
    if (
        link is None
        or not link.owner.is_active
        or link.revoked_at is not None
        or (link.expires_at is not None and link.expires_at <= timezone.now())
        or (link.scope == ShareLink.Scope.GROUP and not link.owner_in_group)
    ):
        ratelimit.allow(request, "share-link", limit)  # counts the failure
        raise LinkUnavailable
    if link.audience == ShareLink.Audience.COLLEAGUES and not request.user.is_authenticated:
        raise SignInRequired
    return link


def share_link_of_owner(request: HttpRequest, pk: int) -> ShareLink:
    """One of the requester's own share links (to revoke it); 404 for anyone else's."""
    return get_object_or_404(ShareLink.objects.select_related("article"), pk=pk, owner=request.user)
