"""Accounts a team runs itself: profiles and roles, invitations, sessions, team settings.

Behaviour lives in `articles.accounts`; who may do what in `articles.permissions`.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models.sharing import TeamGroup


class Role(models.TextChoices):
    """What a person may do. Administrators are `is_staff` (and `is_superuser`) users; the
    role column holds member or guest, and says administrator only on an invitation."""

    ADMIN = "admin", "Administrator"
    MEMBER = "member", "Member"
    GUEST = "guest", "Guest"


ROLE_HELP = {
    Role.ADMIN: "Everything a member does, and runs the team: people, invitations, groups.",
    Role.MEMBER: "Reads, saves, annotates, tags and shares.",
    Role.GUEST: (
        "Reads articles and the annotations shared with their groups; "
        "cannot annotate, tag or share."
    ),
}


class Profile(models.Model):
    """A person's name as the team sees it, and their role. Made with the account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=80, blank=True, help_text="Shown on your annotations instead of your username."
    )
    initials = models.CharField(
        max_length=3, blank=True, help_text="Up to three letters; made from your name if empty."
    )
    role = models.CharField(
        max_length=8,
        choices=[(Role.MEMBER, Role.MEMBER.label), (Role.GUEST, Role.GUEST.label)],
        default=Role.MEMBER,
    )
    deactivated_at = models.DateTimeField(null=True, blank=True)
    deactivated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"profile of {self.user}"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use link that lets one colleague create an account, with the groups and
    role chosen by the administrator who made it. Only the token's hash is stored: the link
    is shown (or e-mailed) once."""

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(blank=True, help_text="Leave empty to make a link to hand over.")
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)
    groups = models.ManyToManyField(TeamGroup, blank=True, related_name="invitations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="invitation",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"invitation for {self.email or 'a link'}"

    @staticmethod
    def hash_token(token: str) -> str:
        return _hash(token)

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)

    @property
    def is_pending(self) -> bool:
        return self.used_at is None and self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def state(self) -> str:
        if self.used_at is not None:
            return "used"
        if self.revoked_at is not None:
            return "revoked"
        if self.is_expired:
            return "expired"
        return "pending"


class UserSession(models.Model):
    """One signed-in browser, so a person can see where they are signed in and sign out
    everywhere else; the session itself is Django's (deleting it signs that browser out)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="browser_sessions"
    )
    KEY_LENGTH = 40  # Django's database sessions (their keys are 32 characters)

    session_key = models.CharField(max_length=KEY_LENGTH, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=300, blank=True)
    address = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-last_seen_at", "-id"]

    def __str__(self) -> str:
        return f"session of {self.user} from {self.created_at:%Y-%m-%d %H:%M}"


# The default verdict scale, best first: a label and its rating (None: not on the scale,
# as "Unproven" is neither true nor false). An administrator may set another.
DEFAULT_VERDICTS: list[list[str | int | None]] = [
    ["True", 5],
    ["Mostly true", 4],
    ["Mixed", 3],
    ["Mostly false", 2],
    ["False", 1],
    ["Unproven", None],
]


def default_verdicts() -> list[list[str | int | None]]:
    return [list(v) for v in DEFAULT_VERDICTS]


class TeamSettings(models.Model):
    """The team's own switches, set by an administrator in the app. One row (pk 1)."""

    require_two_factor = models.BooleanField(
        default=False,
        help_text="Everyone must set up two-factor sign-in before using Newsroom.",
    )
    invitation_days = models.PositiveSmallIntegerField(
        default=7, help_text="How long a new invitation stays valid."
    )
    # The fact-checking desk (articles.claims).
    verdict_scale = models.JSONField(
        default=default_verdicts,
        help_text="The verdicts a claim may get, best first: [label, rating or null].",
    )
    two_person_rule = models.BooleanField(
        default=False,
        help_text="A verdict is published only after a second person signs it off.",
    )
    organisation = models.CharField(
        max_length=200, blank=True, help_text="The name the team publishes fact-checks under."
    )
    organisation_url = models.URLField(max_length=500, blank=True)

    class Meta:
        verbose_name = "team settings"
        verbose_name_plural = "team settings"

    def __str__(self) -> str:
        return "team settings"

    @classmethod
    def current(cls) -> TeamSettings:
        found, _ = cls.objects.get_or_create(pk=1)
        return found
