"""Who may see and change what. Every view, fragment, export and search asks here.

Each rule is stated once, in this module:
- **Articles.** Every signed-in member of the team reads every article; deleting one is for
  the person who added it and for staff. A share link opens only its own article.
- **Annotations.** A signed-in user sees their own annotations and those shared with a
  group they belong to (`visible_annotations`). A share link shows the shared (never
  private) annotations of its article that it was made for: its owner's, or those of its
  group; nothing else, whoever holds it. Only the author changes an annotation, and never
  through a share link. Administrators get no exception: a private note is private from
  them too.
- **Entities.** The team's shared gazetteer: every member sees, renames and aliases them;
  merging or deleting one (which moves or removes everyone's mentions) is for its creator
  and staff. An entity made for a private mention is its creator's alone until a mention
  of it is shared. Mentions follow the annotation rule.
- **Claims** (the fact-checking desk) follow the annotation rule: whoever sees a claim's
  annotation sees the claim, its evidence and its log. Every member who sees it works it
  (status, assignee, claimant, evidence, verdict); signing off a verdict is for anyone but
  the person who gave it. Evidence that is another annotation is shown only to those who
  see that annotation. The verdict scale and the two-person rule are for staff.
- **Labels** are the team's: every member adds, removes, renames and deletes them. Reading
  state is each person's own: views only ever read or write the requester's rows.
- **Feeds** are the team's: every member sees them and asks for a poll; changing the
  interval or unsubscribing is for the person who added the feed, and for staff.
- **Fetch jobs**: a person sees and retries their own and those they follow (they saved
  the address while someone else's job for it was on its way); dismissing takes a job
  off one's own list only. Staff see and retry everyone's.
- **Share links**: only their owner lists or revokes them. A wrong, expired or revoked
  token, or a group link whose owner left the group, answers the same 410 after the same
  single query, so a guesser learns nothing; failed lookups are rate-limited per address.
- **Save tokens** (the bookmarklet's) stand for their person while that person is active,
  and save nothing for a guest.
- **Guests** (`Profile.role`) read what members read: every article, and exactly the
  annotations and mentions shared with their groups (the rules above, unchanged); search
  finds only those. They change nothing the team sees. The rule is one allowlist,
  `guest_may`, which `account_middleware` applies to every view once it is resolved, so a
  new endpoint is closed to guests until it is listed: a guest may write (any method but
  GET, HEAD, OPTIONS) only their own reading state, their own settings, bookmarklet token,
  password and two-factor sign-in, sign in and out, and revoke share links they made
  before they became a guest; and may not even open the pages that are only a form for a write
  (`WRITE_FORMS`). Anything else answers 403 with `READ_ONLY`, before the view runs, so it
  reveals nothing about the object asked for. Views open without signing in do not act as
  the signed-in person and are left to their own checks (the bookmarklet's endpoint asks
  `user_for_save_token`, which refuses a guest's token). Pages hide the write controls
  from a guest (`request.read_only`); that is courtesy, the allowlist is the rule.
- **Deactivated people** are signed out: Django refuses an inactive user's session and
  password (they meet the sign-in page like anyone signed out), `accounts.deactivate` ends
  their sessions, their share links answer 410 and their bookmarklet saves nothing. Their
  shared annotations stay, under their name, for everyone they were shared with.

A hidden object answers 404, exactly like one that does not exist, so ids reveal nothing.

Search runs raw SQL for speed; it takes its conditions from `annotation_sql` and
`entity_sql`, which compile the very querysets the views use, so the two cannot drift.
"""

from __future__ import annotations

import re
import secrets
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from articles import ratelimit
from articles.accounts import is_guest
from articles.models import (
    Annotation,
    Article,
    Claim,
    Entity,
    Feed,
    FetchJob,
    FetchJobFollower,
    Label,
    Membership,
    SaveToken,
    ShareLink,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.models import AnnotationQuerySet, EntityQuerySet
    from articles.types import Viewer


class LinkUnavailable(Exception):  # noqa: N818 - named for what the visitor is told
    """Wrong, expired, revoked, or its group no longer holds the owner: all alike."""


class TooManyLookups(Exception):  # noqa: N818
    """This address looked up too many share tokens this minute."""


class SignInRequired(Exception):  # noqa: N818
    """A valid link for signed-in colleagues, opened by someone signed out."""


# Guests --------------------------------------------------------------------------------

READ_ONLY = (
    "Guests can read but not change the team's articles, annotations, labels, entities, "
    "feeds or shares. An administrator can make you a member."
)
# What a guest may write, by URL name: their own reading state, a new bookmarklet token
# (theirs; it saves nothing for a guest), the share links they made as a member
# (withdrawing one only narrows what is shared), their watchlist and its notifications
# (like reading state, each person's own) ...
GUEST_WRITES = frozenset({
    "article_state", "article_progress", "save_settings", "revoke_link",
    "watch_entity", "watch_label", "watch_search", "unwatch", "notifications_read",
    "notification_email",
})  # fmt: skip
# ... and everything of their own account, whatever its pages are called.
GUEST_WRITE_PREFIXES = ("settings", "password_", "two_factor", "login", "logout")
# Pages that are only the form of a write a guest may not make: closed to them as well.
WRITE_FORMS = frozenset({
    "accept_suggestion", "delete_annotation", "delete_article", "delete_entity",
    "delete_feed", "delete_label", "edit_annotation", "edit_entity", "merge_entity",
    "purge_article", "share_article",
})  # fmt: skip
READING = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnly(PermissionDenied):
    """A guest asked to change something the team sees."""


def guest_may(view_name: str, method: str) -> bool:
    """Whether a guest may send `method` to the view whose URL name is `view_name`."""
    if method in READING:
        return view_name not in WRITE_FORMS
    return view_name in GUEST_WRITES or view_name.startswith(GUEST_WRITE_PREFIXES)


def refuse_guest(viewer: Viewer, view_name: str, method: str) -> None:
    """Raise ReadOnly if `viewer` is a guest and the allowlist does not let guests send
    `method` to `view_name`. The role is read afresh: a demotion counts at once."""
    if not guest_may(view_name, method) and is_guest(viewer):
        raise ReadOnly(READ_ONLY)


# Articles ------------------------------------------------------------------------------


def may_back_up(viewer: Viewer) -> bool:
    """A full backup holds everyone's private notes and password hashes: administrators
    only (an export holds what its person may see: `visible_annotations`)."""
    return viewer.is_authenticated and viewer.is_active and bool(viewer.is_staff)


def may_delete_article(viewer: Viewer, article: Article) -> bool:
    return viewer.is_authenticated and bool(
        viewer.is_staff or (article.added_by_id and article.added_by_id == viewer.pk)
    )


def trashed_article_for(request: HttpRequest, pk: int) -> Article:
    """An article in the trash that the requester may restore or delete for good; 404
    for anyone else (they cannot see the trash's content)."""
    article = get_object_or_404(Article.with_trash, pk=pk, deleted_at__isnull=False)
    if not may_delete_article(request.user, article):
        raise Http404("No such article in the trash.")
    return article


def visible_trash(viewer: Viewer) -> QuerySet[Article]:
    """The trashed articles the viewer may restore: those they added; all, for an
    administrator."""
    if not viewer.is_authenticated:
        return Article.with_trash.none()
    trashed = Article.with_trash.filter(deleted_at__isnull=False)
    return trashed if viewer.is_staff else trashed.filter(added_by_id=viewer.pk)


def article_for(request: HttpRequest, pk: int, *, delete: bool = False) -> Article:
    """The article `pk` as the requesting user may see it, or 404 / 403."""
    article = get_object_or_404(Article, pk=pk)
    if delete and not may_delete_article(request.user, article):
        raise PermissionDenied(
            "Only the person who added this article, or an administrator, may delete it."
        )
    return article


# Annotations ---------------------------------------------------------------------------


def _annotation_rule(viewer: User) -> Q:
    """What a signed-in viewer may see: their own, and what is shared with their groups,
    on articles that are not in the trash."""
    groups = Membership.objects.filter(user_id=viewer.pk).values("group_id")
    trashed = Article.with_trash.filter(deleted_at__isnull=False).values("pk")
    return (Q(author_id=viewer.pk) | Q(group_id__in=groups)) & ~Q(article_id__in=trashed)


def _link_conditions(link: ShareLink) -> dict[str, Any]:
    """What an annotation must be for `link` to show it, as field lookups (exact or
    isnull): the ORM filters with them, and `link_showing` checks loaded rows with them."""
    conditions: dict[str, Any] = {"article_id": link.article_id, "group_id__isnull": False}
    if link.scope == ShareLink.Scope.GROUP:
        conditions["group_id"] = link.group_id
    else:
        conditions["author_id"] = link.owner_id
    return conditions


def _holds(obj: Model, conditions: dict[str, Any]) -> bool:
    for lookup, wanted in conditions.items():
        field, _, operator = lookup.partition("__")
        value = getattr(obj, field)
        holds = (value is None) == wanted if operator == "isnull" else value == wanted
        if not holds:
            return False
    return True


def visible_annotations(
    viewer: Viewer, *, link: ShareLink | None = None
) -> AnnotationQuerySet[Annotation]:
    """Every annotation the viewer may see: as themselves, or through `link`."""
    if link is not None:
        return Annotation.objects.filter(**_link_conditions(link))
    if not viewer.is_authenticated:
        return Annotation.objects.none()
    return Annotation.objects.filter(_annotation_rule(viewer))


def link_showing(links: list[ShareLink], annotation: Annotation) -> ShareLink | None:
    """The first of `links` whose page shows `annotation`."""
    return next((link for link in links if _holds(annotation, _link_conditions(link))), None)


def may_change_annotation(
    viewer: Viewer, annotation: Annotation, *, link: ShareLink | None = None
) -> bool:
    return link is None and viewer.is_authenticated and annotation.author_id == viewer.pk


def annotation_for(
    request: HttpRequest, pk: int, *, change: bool = False, link: ShareLink | None = None
) -> Annotation:
    """The annotation `pk` if the requester may see it (404 otherwise); 403 if they may not
    change it but asked to."""
    try:
        annotation = (
            visible_annotations(request.user, link=link)
            .select_related("article", "author__profile")
            .get(pk=pk)
        )
    except Annotation.DoesNotExist:
        raise Http404("No such annotation.") from None
    if change and not may_change_annotation(request.user, annotation, link=link):
        raise PermissionDenied("Only the author of an annotation may change or delete it.")
    return annotation


# Claims --------------------------------------------------------------------------------


def visible_claims(viewer: Viewer) -> QuerySet[Claim]:
    """The claims whose annotation the viewer may see."""
    return Claim.objects.filter(annotation__in=visible_annotations(viewer).values("pk"))


def claim_for(request: HttpRequest, pk: int) -> Claim:
    """The claim `pk` if the requester may see it (404 otherwise). Working it is for
    members; `guest_may` refuses a guest's writes before the view runs."""
    try:
        return (
            visible_claims(request.user)
            .select_related("annotation__article", "annotation__author__profile", "claimant")
            .get(pk=pk)
        )
    except Claim.DoesNotExist:
        raise Http404("No such claim.") from None


def may_sign_off(viewer: Viewer, claim: Claim) -> bool:
    return (
        viewer.is_authenticated
        and not is_guest(viewer)
        and claim.status == Claim.Status.VERDICT
        and claim.verdict_by_id != viewer.pk
        and claim.signed_off_by_id is None
    )


def may_set_claims_policy(viewer: Viewer) -> bool:
    return viewer.is_authenticated and viewer.is_staff


# Entities ------------------------------------------------------------------------------


def _entity_rule(viewer: User) -> Q:
    return Q(private_to__isnull=True) | Q(private_to_id=viewer.pk)


def visible_entities(viewer: Viewer) -> EntityQuerySet[Entity]:
    """The team's entities and the viewer's own private ones."""
    if not viewer.is_authenticated:
        return Entity.objects.none()
    return Entity.objects.filter(_entity_rule(viewer))


def may_merge_entity(viewer: Viewer, entity: Entity) -> bool:
    """Merging or deleting moves everyone's mentions: for its creator and staff."""
    if not viewer.is_authenticated:
        return False
    if entity.private_to_id is not None:
        return entity.private_to_id == viewer.pk
    return bool(viewer.is_staff or entity.created_by_id == viewer.pk)


def entity_for(request: HttpRequest, pk: int, *, merge: bool = False) -> Entity:
    """The entity `pk` (every member may see and edit entities), or 404; 403 when asking to
    merge or delete it without being its creator or staff."""
    entity = get_object_or_404(visible_entities(request.user), pk=pk)
    if merge and not may_merge_entity(request.user, entity):
        raise PermissionDenied(
            "Only the person who created this entity, or an administrator, may merge or "
            "delete it: that moves everyone's mentions."
        )
    return entity


# Labels --------------------------------------------------------------------------------


def label_for(request: HttpRequest, pk: int) -> Label:  # noqa: ARG001 - the rule's one place
    """The label `pk`: every signed-in member may use and change labels; 404 if unknown."""
    return get_object_or_404(Label, pk=pk)


# Feeds and fetch jobs ------------------------------------------------------------------


def may_change_feed(viewer: Viewer, feed: Feed) -> bool:
    return viewer.is_authenticated and bool(viewer.is_staff or feed.added_by_id == viewer.pk)


def feed_for(request: HttpRequest, pk: int, *, change: bool = False) -> Feed:
    """A feed of the team's (404 if unknown); 403 when asking to change it without having
    added it or being staff."""
    feed = get_object_or_404(Feed, pk=pk)
    if change and not may_change_feed(request.user, feed):
        raise PermissionDenied("Only the person who added this feed, or an administrator.")
    return feed


def visible_jobs(viewer: Viewer) -> QuerySet[FetchJob]:
    """The fetch jobs a person asked for or follows; every job for staff."""
    if not viewer.is_authenticated:
        return FetchJob.objects.none()
    if viewer.is_staff:
        return FetchJob.objects.all()
    followed = FetchJobFollower.objects.filter(user_id=viewer.pk).values("job_id")
    return FetchJob.objects.filter(Q(requested_by_id=viewer.pk) | Q(pk__in=followed))


def job_for(request: HttpRequest, pk: int) -> FetchJob:
    """A fetch job the requester may see, retry and dismiss (`FetchJob.dismiss`: from their
    own list only); 404 for anyone else's."""
    return get_object_or_404(visible_jobs(request.user), pk=pk)


# Share links and tokens ----------------------------------------------------------------


def link_for(request: HttpRequest, token: str) -> ShareLink:
    """The share link `token` names, if it may be opened by this requester now.

    Raises TooManyLookups, LinkUnavailable or SignInRequired. Only failed lookups count
    towards the limit (in counters every process shares), and a valid link is never
    refused: a guesser fails on nearly every try, while a colleague on a shared page
    (whose popovers look the token up again for every card), or anyone else behind the
    same address as a guesser, opens a real link as always.
    """
    limit = settings.SHARE_LINK_LOOKUPS_PER_MINUTE
    owner_in_group = Membership.objects.filter(group=OuterRef("group"), user=OuterRef("owner"))
    link = (
        ShareLink.objects.filter(token=token[:64])
        .annotate(owner_in_group=Exists(owner_in_group))
        .select_related("article", "owner__profile", "group")
        .first()
    )
    if (
        link is None
        or link.article.deleted_at is not None
        or not link.owner.is_active
        or link.revoked_at is not None
        or (link.expires_at is not None and link.expires_at <= timezone.now())
        or (link.scope == ShareLink.Scope.GROUP and not link.owner_in_group)
    ):
        if not ratelimit.allow(request, "share-link", limit):  # counts the failure
            raise TooManyLookups
        raise LinkUnavailable
    if link.audience == ShareLink.Audience.COLLEAGUES and not request.user.is_authenticated:
        raise SignInRequired
    return link


def share_link_of_owner(request: HttpRequest, pk: int) -> ShareLink:
    """One of the requester's own share links (to revoke it); 404 for anyone else's."""
    return get_object_or_404(
        ShareLink.objects.select_related("article"), pk=pk, owner_id=request.user.pk
    )


def user_for_save_token(raw: str) -> User | None:
    """The active person whose bookmarklet carries `raw`, or None. Raises ReadOnly for a
    guest's: the endpoint is open without signing in, so the token is who is asking."""
    if not raw or len(raw) > 64:
        return None
    token = SaveToken.objects.select_related("user").filter(token=raw).first()
    if token is None or not secrets.compare_digest(token.token, raw):
        return None
    if not token.user.is_active:
        return None
    if is_guest(token.user):
        raise ReadOnly(READ_ONLY)
    return token.user


# The same rules as SQL, for search -----------------------------------------------------

_PLACEHOLDER = re.compile(r"(?<!%)%s")


def _as_sql(
    model: type[Annotation | Entity], rule: Q, alias: str, params: dict[str, Any], name: str
) -> str:
    """`rule` (a Q on `model`) compiled by Django into a condition on the table `alias`,
    its values added to `params` as %(name_N)s, the placeholders of search's SQL."""
    query = model.objects.filter(rule).query
    compiler = query.get_compiler(connection=connection)
    sql, values = compiler.compile(query.where)
    table = connection.ops.quote_name(model._meta.db_table)  # noqa: SLF001 - the model's table
    if f"{table}." not in sql:
        raise ValueError(f"The rule does not read {model.__name__}'s table.")
    sql = sql.replace(f"{table}.", f"{alias}.")
    names = iter(range(len(values)))

    def named(_match: re.Match[str]) -> str:
        key = f"{name}_{next(names)}"
        return f"%({key})s"

    sql = _PLACEHOLDER.sub(named, sql)
    params.update({f"{name}_{i}": value for i, value in enumerate(values)})
    return f"({sql})"


def annotation_sql(viewer: Viewer, alias: str, params: dict[str, Any]) -> str:
    """The annotation rule of `visible_annotations` as SQL on the annotation table `alias`."""
    if not viewer.is_authenticated:
        return "FALSE"
    return _as_sql(Annotation, _annotation_rule(viewer), alias, params, f"seen_{alias}")


def entity_sql(viewer: Viewer, alias: str, params: dict[str, Any]) -> str:
    """The entity rule of `visible_entities` as SQL on the entity table `alias`."""
    if not viewer.is_authenticated:
        return "FALSE"
    return _as_sql(Entity, _entity_rule(viewer), alias, params, f"seen_{alias}")
