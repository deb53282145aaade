"""Accounts a team runs itself: roles, invitations, deactivation, sessions, two-factor.

Every change to a person's account goes through a function here, so the rules hold
whichever page (the team page, the settings page, the admin) asks:
- **Roles.** An administrator is a staff user (and a superuser, so the Django admin works
  for them); everyone else is a member or a guest (`Profile.role`). A guest reads articles
  and the annotations shared with their groups, and writes nothing the team sees.
- **Invitations** are single use, expire (`TeamSettings.invitation_days`, 7 by default) and
  can be revoked; accepting one creates the account, its profile, its groups and role in
  one transaction, under a lock on the invitation row, so a link used twice at once makes
  one account.
- **Deactivating** someone stops their sign-in at once (Django refuses inactive users),
  deletes their sessions, and so stops their share links and tokens, which stand for
  their person only while that person is active. Their shared annotations stay with the
  team, under their name. The last active administrator cannot be deactivated or demoted.
- **Two-factor sign-in** uses django-otp: a confirmed TOTP device, and a static device
  holding single-use recovery codes. The team can require it for everyone.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import ratelimit
from articles.models import (
    Invitation,
    Membership,
    Profile,
    Role,
    TeamGroup,
    TeamSettings,
    UserSession,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User
    from django.http import HttpRequest

    from articles.types import Viewer


class AccountError(Exception):
    """A change the rules refuse; the message says why, for the person who asked."""


# Signing in ---------------------------------------------------------------------------


class UsernameOrEmailBackend(ModelBackend):
    """Django's own backend, which also takes an e-mail address where the username goes.

    An address shared by two accounts signs in neither (the person uses their username).
    A deactivated account never signs in (`deactivated_match` lets the sign-in form say
    why, to someone who knows its password).
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username and "@" in username:
            users = get_user_model().objects
            if not users.filter(username=username).exists():
                matches = list(users.filter(email__iexact=username.strip())[:2])
                if len(matches) != 1:
                    users.model().set_password(password)  # same time as a real check
                    return None
                username = matches[0].get_username()
        return super().authenticate(request, username=username, password=password, **kwargs)

    def get_user(self, user_id: int) -> User | None:
        """The signed-in person, with their profile and preferences in the same query:
        every page's header shows their name and applies their theme and text size."""
        try:
            user = get_user_model().objects.select_related("profile", "preference").get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def deactivated_match(username: str, password: str) -> bool:
    """Whether `username` (or an e-mail address) and `password` are those of a deactivated
    account: the sign-in form then says the account is deactivated, a wrong password
    still learns nothing."""
    users = get_user_model().objects.filter(is_active=False)
    if "@" in username and not users.filter(username=username).exists():
        found = list(users.filter(email__iexact=username.strip())[:2])
    else:
        found = list(users.filter(username=username)[:1])
    return len(found) == 1 and found[0].check_password(password)


# Profiles and roles -------------------------------------------------------------------


def profile_of(user: User) -> Profile:
    """The person's profile, made on first use for accounts older than profiles."""
    try:
        return user.profile
    except Profile.DoesNotExist:
        profile, _ = Profile.objects.get_or_create(user=user)
        user.profile = profile
        return profile


@receiver(post_save, sender=get_user_model(), dispatch_uid="newsroom-profile")
def _make_profile(
    sender: type,  # noqa: ARG001 - the signal's signature
    instance: User,
    created: bool,
    **kwargs: object,
) -> None:
    if created and not kwargs.get("raw"):
        Profile.objects.get_or_create(user=instance)


def role_of(user: Viewer) -> Role:
    if not user.is_authenticated:
        return Role.GUEST
    if user.is_staff:
        return Role.ADMIN
    return Role(profile_of(user).role)


def is_guest(user: Viewer) -> bool:
    return user.is_authenticated and role_of(user) == Role.GUEST


def may_contribute(user: Viewer) -> bool:
    """Annotate, tag, share, save, label and curate: everyone signed in but guests."""
    return user.is_authenticated and user.is_active and role_of(user) != Role.GUEST


def _active_admins() -> int:
    return get_user_model().objects.filter(is_active=True, is_staff=True).count()


@transaction.atomic
def set_role(user: User, role: Role | str, *, by: User) -> None:
    """Make `user` an administrator, a member or a guest."""
    role = Role(role)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.is_staff and role != Role.ADMIN and user.is_active and _active_admins() <= 1:
        raise AccountError(
            "The team needs at least one administrator: make someone else one first."
        )
    if user.pk == by.pk and role != Role.ADMIN and user.is_staff:
        raise AccountError(
            "You cannot remove your own administrator role; ask another administrator."
        )
    user.is_staff = user.is_superuser = role == Role.ADMIN
    user.save(update_fields=["is_staff", "is_superuser"])
    profile = profile_of(user)
    profile.role = Role.MEMBER if role == Role.ADMIN else role
    profile.save(update_fields=["role"])


@transaction.atomic
def deactivate(user: User, *, by: User) -> None:
    """Stop `user` signing in, end their sessions; their shared work stays with the team."""
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if user.pk == by.pk:
        raise AccountError("You cannot deactivate your own account.")
    if user.is_staff and user.is_active and _active_admins() <= 1:
        raise AccountError("The team needs at least one active administrator.")
    user.is_active = False
    user.save(update_fields=["is_active"])
    profile = profile_of(user)
    profile.deactivated_at, profile.deactivated_by = timezone.now(), by
    profile.save(update_fields=["deactivated_at", "deactivated_by"])
    end_sessions(user)


@transaction.atomic
def reactivate(user: User, *, by: User) -> None:  # noqa: ARG001 - who asked, for symmetry
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    user.is_active = True
    user.save(update_fields=["is_active"])
    profile = profile_of(user)
    profile.deactivated_at = profile.deactivated_by = None
    profile.save(update_fields=["deactivated_at", "deactivated_by"])
    ratelimit.clear("sign-in-account", user.get_username().casefold())


# Sessions -----------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="newsroom-record-session")
def _record_session(
    sender: type,  # noqa: ARG001
    request: HttpRequest | None,
    user: User,
    **kwargs: object,  # noqa: ARG001
) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    key = request.session.session_key or ""
    note_account_checked(request, user)
    if not _listable(key):
        return
    UserSession.objects.update_or_create(
        session_key=key,
        defaults={
            "user": user,
            "created_at": timezone.now(),
            "last_seen_at": timezone.now(),
            "user_agent": request.headers.get("User-Agent", "")[:300],
            "address": ratelimit.client_address(request)[:64],
        },
    )


@receiver(user_logged_out, dispatch_uid="newsroom-forget-session")
def _forget_session(
    sender: type,  # noqa: ARG001
    request: HttpRequest | None,
    user: User | None,  # noqa: ARG001
    **kwargs: object,  # noqa: ARG001
) -> None:
    if request is not None and getattr(request, "session", None) is not None:
        key = request.session.session_key
        if key:
            UserSession.objects.filter(session_key=key).delete()


def _listable(key: str) -> bool:
    """Only sessions kept in the database (Django's default engine, 32-character keys)
    can be listed and ended; a signed-cookie session has no row to delete."""
    return 0 < len(key) <= UserSession.KEY_LENGTH


SEEN_EVERY = dt.timedelta(minutes=5)  # how often a request refreshes "last seen"
ACCOUNT_CHECKED = "account-checked-at"  # session keys of account_middleware's checks
TWO_FACTOR_MISSING = "two-factor-missing"


def note_account_checked(request: HttpRequest, user: User) -> None:
    """Remember in the session, for a minute, whether this person must still set up
    two-factor sign-in (the team requires it and they have none)."""
    request.session[ACCOUNT_CHECKED] = int(time.time())
    request.session[TWO_FACTOR_MISSING] = two_factor_required() and not has_two_factor(user)


def touch_session(request: HttpRequest) -> None:
    """Note that this browser was seen now (at most one write per SEEN_EVERY)."""
    key = request.session.session_key
    if not key or not _listable(key):
        return
    now = timezone.now()
    UserSession.objects.filter(session_key=key, last_seen_at__lt=now - SEEN_EVERY).update(
        last_seen_at=now
    )


def active_sessions(user: User) -> list[UserSession]:
    """The person's signed-in browsers whose session has not expired, newest first."""
    live = set(
        Session.objects.filter(
            session_key__in=UserSession.objects.filter(user=user).values("session_key"),
            expire_date__gt=timezone.now(),
        ).values_list("session_key", flat=True)
    )
    UserSession.objects.filter(user=user).exclude(session_key__in=live).delete()
    return list(UserSession.objects.filter(user=user, session_key__in=live))


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """Sign `user` out of every browser but the one whose session key is `keep`."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    keys = set(rows.values_list("session_key", flat=True))
    # Browsers signed in before this list was kept have no row: find them by decoding the
    # live sessions no row names (a rare, administrative walk).
    unlisted = Session.objects.filter(expire_date__gt=timezone.now()).exclude(
        session_key__in=UserSession.objects.values("session_key")
    )
    for session in unlisted.iterator():
        if session.session_key != keep and session.get_decoded().get("_auth_user_id") == str(
            user.pk
        ):
            keys.add(session.session_key)
    Session.objects.filter(session_key__in=keys).delete()
    rows.delete()
    return len(keys)


# Invitations --------------------------------------------------------------------------


@transaction.atomic
def invite(
    *, by: User, email: str = "", role: Role | str = Role.MEMBER, groups: Iterable[TeamGroup] = ()
) -> tuple[Invitation, str]:
    """A new invitation and its token (shown once: only its hash is kept)."""
    token = Invitation.new_token()
    days = TeamSettings.current().invitation_days
    invitation = Invitation.objects.create(
        token_hash=Invitation.hash_token(token),
        email=email.strip(),
        role=Role(role),
        created_by=by,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    invitation.groups.set(list(groups))
    return invitation, token


def invitation_for(token: str) -> Invitation | None:
    """The invitation behind `token`, whatever its state (None: no such token)."""
    if not token or len(token) > 100:
        return None
    return Invitation.objects.filter(token_hash=Invitation.hash_token(token)).first()


def revoke(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, used_at__isnull=True).update(
        revoked_at=timezone.now()
    )


@transaction.atomic
def accept(
    invitation: Invitation, *, username: str, password: str, email: str = "", display_name: str = ""
) -> User:
    """Create the invited person's account, with the invitation's groups and role."""
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not locked.is_pending:
        raise AccountError(
            {
                "used": "This invitation has already been used. Sign in, or ask for a new one.",
                "revoked": "This invitation was withdrawn. Ask an administrator for a new one.",
                "expired": "This invitation has expired. Ask an administrator for a new one.",
            }[locked.state]
        )
    users = get_user_model().objects
    user = users.create_user(username, email or locked.email, password)
    profile = profile_of(user)
    profile.display_name = display_name.strip()
    profile.save(update_fields=["display_name"])
    if locked.role == Role.ADMIN:
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    elif locked.role == Role.GUEST:
        profile.role = Role.GUEST
        profile.save(update_fields=["role"])
    for group in locked.groups.all():
        Membership.objects.get_or_create(group=group, user=user)
    locked.used_at, locked.used_by = timezone.now(), user
    locked.save(update_fields=["used_at", "used_by"])
    return user


# Two-factor ---------------------------------------------------------------------------


def two_factor_required() -> bool:
    return TeamSettings.current().require_two_factor


def totp_device(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator, if they set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_two_factor(user: User) -> bool:
    return bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())


@transaction.atomic
def reset_two_factor(user: User, *, by: User) -> None:
    """Take away a person's authenticator and recovery codes (a lost phone): they sign in
    with their password alone, and set two-factor up again (at once, if the team requires
    it). Only another administrator may do it for them."""
    if user.pk == by.pk:
        raise AccountError("Turn your own two-factor sign-in off on your settings page.")
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()
