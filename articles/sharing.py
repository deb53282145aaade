"""Sharing: groups, where an annotation goes, moving it later, share links, the activity feed.

Invariants:
- Every user is a member of the default group "Everyone": made one when the account is
  created (post_save) and again at every sign-in should the membership be missing (a user
  created by a bulk load or before the group existed). The group itself is created on
  demand, so a flushed database heals too.
- An annotation's audience is a group its author belongs to, or None ("Only me"). Every
  change of audience goes through `move`, which writes an AudienceChange row in the same
  transaction: the audit log is never missing a move.
- A share link's token is `secrets.token_urlsafe(24)`: 192 random bits.
- Where a new annotation goes is read from a form by `audience_for_new` (or, for an edit,
  `audience_for_edit`) and checked by `resolve`; nothing else decides it.
- Nothing here decides who may see what: that is `articles.permissions`.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
import secrets
from typing import TYPE_CHECKING, Literal

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from articles.models import (
    Annotation,
    Article,
    AudienceChange,
    Membership,
    Preference,
    ShareLink,
    TeamGroup,
)
from articles.parsing import parse_int
from articles.permissions import visible_annotations

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.http import QueryDict

    from articles.types import Viewer

ONLY_ME = "Only me"
PRIVATE = "private"  # the form value of "Only me"
EXPIRY_DAYS = {"never": None, "1": 1, "7": 7, "30": 30}
ACTIVITY_SIZE = 12
_EMAIL_DOMAIN = re.compile(r"@[^\s@]+\.[^\s@]+")


class SharingError(ValueError):
    """The request names a group or link the person cannot use; the message says why."""


class Named(enum.Enum):
    """Audiences named without naming a group."""

    EVERYONE = "everyone"  # the default group, "Everyone"
    KEEP = "keep"  # for a change: the audience it already has


EVERYONE: Literal[Named.EVERYONE] = Named.EVERYONE
KEEP: Literal[Named.KEEP] = Named.KEEP
# An annotation's audience: a group, or None for "Only me".
type Audience = TeamGroup | None


# Groups and membership ------------------------------------------------------------------


def default_group() -> TeamGroup:
    group = TeamGroup.objects.filter(is_default=True).first()
    if group is not None:
        return group
    try:
        with transaction.atomic():
            return TeamGroup.objects.create(is_default=True, name=TeamGroup.DEFAULT_NAME)
    except IntegrityError:  # created meanwhile by another request, or the name is taken
        group = TeamGroup.objects.filter(is_default=True).first()
        if group is None:
            raise
        return group


def ensure_default_membership(user: User) -> None:
    Membership.objects.get_or_create(group=default_group(), user=user)


@receiver(post_save, sender=get_user_model(), dispatch_uid="newsroom-join-everyone")
def _join_everyone(
    sender: type,  # noqa: ARG001 - the signal's signature
    instance: User,
    created: bool,
    **kwargs: object,
) -> None:
    if created and not kwargs.get("raw"):
        ensure_default_membership(instance)


@receiver(user_logged_in, dispatch_uid="newsroom-join-everyone-at-sign-in")
def _join_everyone_at_sign_in(
    sender: type,  # noqa: ARG001 - the signal's signature
    user: User,
    **kwargs: object,  # noqa: ARG001
) -> None:
    ensure_default_membership(user)


def groups_of(user: Viewer) -> models.QuerySet[TeamGroup]:
    """The groups `user` belongs to, "Everyone" first."""
    if not user.is_authenticated:
        return TeamGroup.objects.none()
    return TeamGroup.objects.filter(memberships__user=user).order_by("-is_default", "name")


def is_member(user: User, group: TeamGroup) -> bool:
    return Membership.objects.filter(group=group, user=user).exists()


def audience_name(group: TeamGroup | None) -> str:
    return ONLY_ME if group is None else group.name


def chosen_names(user: User) -> tuple[str, str]:
    """The display name and initials the person chose on their settings page ("" unset).
    Reads `user.profile` as loaded (`select_related("author__profile")` where many are
    listed) and never creates one: an account older than profiles simply has none."""
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        return "", ""
    return profile.display_name.strip(), profile.initials.strip()


def public_name(user: User) -> str:
    """The name shown beside an annotation: the display name, else the full name, else the
    username, and never an e-mail address (anything shaped like one loses its domain)."""
    chosen, _ = chosen_names(user)
    full = chosen or (user.get_full_name() if hasattr(user, "get_full_name") else "")
    name = _EMAIL_DOMAIN.sub("", full).strip() or _EMAIL_DOMAIN.sub("", user.get_username())
    return name.strip() or f"member {user.pk}"


def initials(who: User | str) -> str:
    """The letters on a card's avatar: the person's chosen initials, else made from their
    public name (or from `who` itself, a name)."""
    if not isinstance(who, str):
        _, chosen = chosen_names(who)
        if chosen:
            return chosen
        who = public_name(who)
    words = [w for w in re.split(r"[\s._-]+", who) if w]
    if len(words) >= 2:
        return (words[0][0] + words[1][0]).upper()
    return who[:2].upper()


# Where an annotation goes ----------------------------------------------------------------


def default_audience(user: User) -> TeamGroup | None:
    """What the person last chose; "Everyone" until they choose."""
    preference = Preference.objects.filter(user=user).select_related("default_group").first()
    if preference is None:
        return default_group()
    group = preference.default_group
    if group is not None and not is_member(user, group):
        return None  # removed from that group since: fall back to the narrowest audience
    return group


def audience_menu(user: User) -> tuple[list[TeamGroup], TeamGroup | None]:
    """The user's groups and their default among them (None: "Only me"), in two queries."""
    groups = list(groups_of(user))
    preference = Preference.objects.filter(user=user).values_list("default_group_id", flat=True)
    chosen = list(preference)
    if not chosen:
        return groups, next((g for g in groups if g.is_default), None)
    return groups, next((g for g in groups if g.pk == chosen[0]), None)


def remember_audience(user: User, group: TeamGroup | None) -> None:
    """Make `group` the person's default; nothing is written when it already is (every
    new annotation from the toolbar names its audience)."""
    kept = list(Preference.objects.filter(user=user).values_list("default_group_id", flat=True))
    wanted = None if group is None else group.pk
    if not kept:  # update_or_create: two first writes at once make one row
        Preference.objects.update_or_create(user=user, defaults={"default_group": group})
    elif kept[0] != wanted:
        Preference.objects.filter(user=user).update(default_group=group)


def parse_audience(user: User, raw: str) -> TeamGroup | None:
    """A form value ("private" or a group id) as a group the user belongs to, or None."""
    raw = raw.strip()
    if raw == PRIVATE:
        return None
    pk = parse_int(raw)
    group = None if pk is None else groups_of(user).filter(pk=pk).first()
    if group is None:
        raise SharingError("You can share only with a group you belong to.")
    return group


def audience_value(group: TeamGroup | None) -> str:
    return PRIVATE if group is None else str(group.pk)


def resolve(author: User, audience: Audience | Literal[Named.EVERYONE]) -> Audience:
    """The group an annotation by `author` goes to (None: "Only me"); EVERYONE is the
    default group. Raises SharingError for a group the author does not belong to."""
    if audience is EVERYONE:
        return default_group()
    if audience is not None and not is_member(author, audience):
        raise SharingError(f"You are not a member of {audience.name}.")
    return audience


def audience_for_new(user: User, data: QueryDict) -> tuple[Audience, bool]:
    """Where a new annotation from this form goes, and whether the person chose it here
    (then it becomes their default). `audience` is "private" or a group id; without it,
    the first release's `visibility=shared|private` is still understood, and otherwise the
    person's remembered choice applies."""
    raw = data.get("audience")
    if raw is not None:
        return parse_audience(user, raw), True
    legacy = data.get("visibility")
    if legacy == PRIVATE:
        return None, False
    if legacy == "shared":
        return default_group(), False
    return default_audience(user), False


def audience_for_edit(
    user: User, data: QueryDict, annotation: Annotation
) -> Audience | Literal[Named.KEEP]:
    """The audience an edit form asks for: KEEP unless it names one. The first release's
    `visibility=shared` shares a private annotation with Everyone and keeps a group."""
    raw = data.get("audience")
    if raw is not None:
        return parse_audience(user, raw)
    legacy = data.get("visibility")
    if legacy == PRIVATE:
        return None
    if legacy == "shared" and annotation.is_private:
        return default_group()
    return KEEP


def move(annotation: Annotation, group: TeamGroup | None, *, by: User) -> bool:
    """Give `annotation` a new audience and log it; False when nothing changed."""
    if group is not None and not is_member(annotation.author, group):
        raise SharingError(f"The author is not a member of {group.name}.")
    with transaction.atomic():
        locked = (
            Annotation.objects.select_for_update(of=("self",))
            .select_related("group")
            .get(pk=annotation.pk)
        )
        if locked.group_id == (group.pk if group else None):
            return False
        AudienceChange.objects.create(
            annotation=locked,
            annotation_ref=locked.pk,
            changed_by=by,
            from_audience=audience_name(locked.group),
            to_audience=audience_name(group),
        )
        Annotation.objects.filter(pk=locked.pk).update(group=group, updated_at=timezone.now())
    annotation.group = group
    return True


def restricted_in_mine(user: User, article: Article) -> list[tuple[str, int]]:
    """(group name, count) of the person's annotations on `article` shared with a group
    smaller than the whole team: a link to "my shared annotations" shows them to whoever
    opens it, which the share form says before the link is made."""
    rows = (
        Annotation.objects.filter(article=article, author=user, group__is_default=False)
        .values_list("group__name")
        .annotate(n=models.Count("pk"))
        .order_by("group__name")
    )
    return [(name, n) for name, n in rows]


GROUP_NAME_MAX = 80


def _group_name(name: str, *, keep: TeamGroup | None = None) -> str:
    """`name` tidied, or SharingError when it is empty, too long or taken (ignoring case:
    "politics desk" beside "Politics desk" would read as one group in every menu)."""
    name = " ".join(name.split())
    if not name:
        raise SharingError("Give the group a name.")
    if len(name) > GROUP_NAME_MAX:
        raise SharingError(f"A group's name has at most {GROUP_NAME_MAX} characters.")
    taken = TeamGroup.objects.filter(name__iexact=name)
    if keep is not None:
        taken = taken.exclude(pk=keep.pk)
    if taken.exists():
        raise SharingError(f"There is already a group called “{name}”; choose another name.")
    return name


def create_group(name: str) -> TeamGroup:
    """A new, empty team group. Raises SharingError for a name that is empty or taken."""
    name = _group_name(name)
    try:
        with transaction.atomic():
            return TeamGroup.objects.create(name=name)
    except IntegrityError:  # the same name created meanwhile
        raise SharingError(
            f"There is already a group called “{name}”; choose another name."
        ) from None


def rename_group(group: TeamGroup, name: str) -> str:
    """Rename `group` (the audit log keeps the names as they were); the old name."""
    old, name = group.name, _group_name(name, keep=group)
    try:
        with transaction.atomic():
            TeamGroup.objects.filter(pk=group.pk).update(name=name)
    except IntegrityError:
        raise SharingError(
            f"There is already a group called “{name}”; choose another name."
        ) from None
    group.name = name
    return old


def add_member(group: TeamGroup, user: User) -> bool:
    """Put `user` in `group`; False when they were in it already."""
    if not user.is_active:
        raise SharingError(f"{public_name(user)} is deactivated; reactivate them first.")
    _, created = Membership.objects.get_or_create(group=group, user=user)
    return created


def remove_member(group: TeamGroup, user: User) -> bool:
    """Take `user` out of `group` (never out of the default group); False when they were
    not in it. What they shared with it stays shared with it; they no longer see what the
    others share there, and their links to "everything shared with" it stop opening."""
    if group.is_default:
        raise SharingError(f"{group.name} is the whole team: nobody leaves it.")
    deleted, _ = Membership.objects.filter(group=group, user=user).delete()
    return deleted > 0


def delete_group(group: TeamGroup, *, by: User | None) -> int:
    """Delete `group`; its annotations fall back to "Only me", each change logged as if
    its author had made it private. Returns how many annotations changed audience."""
    if group.is_default:
        raise SharingError(f"{group.name} is the whole team and cannot be deleted.")
    with transaction.atomic():
        moved = list(
            Annotation.objects.select_for_update().filter(group=group).values_list("pk", flat=True)
        )
        AudienceChange.objects.bulk_create(
            AudienceChange(
                annotation_id=pk,
                annotation_ref=pk,
                changed_by=by,
                from_audience=group.name,
                to_audience=ONLY_ME,
            )
            for pk in moved
        )
        group.delete()  # the annotations' group is SET_NULL: private
    return len(moved)


# Share links ---------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(24)


def create_link(  # noqa: PLR0913 - one argument per choice on the Share form
    owner: User,
    article: Article,
    *,
    group: TeamGroup | None = None,
    audience: str = ShareLink.Audience.COLLEAGUES,
    expiry: str = "never",
    now: dt.datetime | None = None,
) -> ShareLink:
    """A link to `article` showing the owner's shared annotations, or (with `group`)
    everything shared with that group; the owner must belong to it."""
    if audience not in ShareLink.Audience.values:
        raise SharingError("Choose who can open the link.")
    if expiry not in EXPIRY_DAYS:
        raise SharingError("Choose when the link expires: never, 1, 7 or 30 days.")
    if group is not None and not is_member(owner, group):
        raise SharingError("You can share only what is shared with a group you belong to.")
    days = EXPIRY_DAYS[expiry]
    now = now or timezone.now()
    return ShareLink.objects.create(
        token=new_token(),
        article=article,
        owner=owner,
        scope=ShareLink.Scope.GROUP if group else ShareLink.Scope.MINE,
        group=group,
        audience=audience,
        created_at=now,
        expires_at=now + dt.timedelta(days=days) if days else None,
    )


def revoke(link: ShareLink) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])


def count_view(link: ShareLink) -> None:
    ShareLink.objects.filter(pk=link.pk).update(
        view_count=models.F("view_count") + 1, last_viewed_at=timezone.now()
    )


def links_of(user: User) -> models.QuerySet[ShareLink]:
    return (
        ShareLink.objects.filter(owner=user)
        .select_related("article", "group")
        .defer("article__body_html", "article__body_text")
    )


def active_links(user: User, article: Article) -> list[ShareLink]:
    now = timezone.now()
    return list(
        ShareLink.objects.filter(owner=user, article=article, revoked_at__isnull=True)
        .filter(models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now))
        .order_by("-created_at", "-id")
    )


# Activity ------------------------------------------------------------------------------


def recent_activity(user: Viewer, limit: int = ACTIVITY_SIZE) -> list[Annotation]:
    """Colleagues' highlights and notes shared with the user's groups, newest first.

    Entity mentions are left out: one "tag all" would fill the feed with bare names.
    """
    if not user.is_authenticated:
        return []
    annotations = list(
        visible_annotations(user)
        .filter(group__isnull=False, entity__isnull=True)
        .exclude(author=user)
        .select_related("author__profile", "article", "group")
        .defer("article__body_html", "article__body_text", "article__summary")
        .order_by("-created_at", "-id")[:limit]
    )
    for annotation in annotations:
        annotation.author_name = public_name(annotation.author)
    return annotations
