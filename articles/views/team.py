"""Team administration in the app: people, invitations, groups, team settings; and the
page where an invited colleague accepts.

Every /team/ page is for administrators (active staff users) alone: anyone else gets the
same 403 "Only administrators run the team" on every one of them, by GET or POST, whether
or not the object in the address exists. (The pages' existence is no secret, so a 403 that
says who may use them serves people better than a 404.) Each view is wrapped in
`administrators_only`, and fetches what it changes through one helper per model.

Every change goes through `articles.accounts` (roles, deactivation, invitations) or
`articles.sharing` (groups), whose refusals come back here as messages or form errors.

An invitation's link is shown once: it rides in the session from the POST that made it to
the page that shows it, which takes it out. `/invite/<token>/` is open without signing
in; failed token lookups are rate-limited per client address, like share links.
"""

from __future__ import annotations

import datetime as dt
from functools import wraps
from typing import TYPE_CHECKING, Concatenate

from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import accounts, ratelimit, sharing
from articles.forms import (
    AcceptInvitationForm,
    AddMemberForm,
    ClaimsPolicyForm,
    GroupNameForm,
    InvitationForm,
    RoleForm,
    TeamSettingsForm,
)
from articles.models import (
    Annotation,
    Invitation,
    Membership,
    Role,
    ShareLink,
    TeamGroup,
    TeamSettings,
)
from articles.models.accounts import ROLE_HELP

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import User
    from django.http import HttpResponse
    from django.urls import URLPattern

    from articles.views._shared import HtmxHttpRequest, VisitorRequest

NOT_AN_ADMINISTRATOR = (
    "Only administrators run the team: people, invitations, groups and settings. Ask one of them."
)
INVITATION_LOOKUPS_PER_MINUTE = 10  # failed /invite/<token>/ lookups per client address
NEW_INVITATION = "team-new-invitation"  # session key: the link made, until it is shown
PAST_INVITATIONS_SHOWN = dt.timedelta(days=30)


def administrators_only[**P](
    view: Callable[Concatenate[HtmxHttpRequest, P], HttpResponse],
) -> Callable[Concatenate[HtmxHttpRequest, P], HttpResponse]:
    @wraps(view)
    def wrapper(request: HtmxHttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not (request.user.is_active and request.user.is_staff):
            raise PermissionDenied(NOT_AN_ADMINISTRATOR)
        return view(request, *args, **kwargs)

    return wrapper


def name_of(user: User) -> str:
    """The name the team knows a person by: their display name, else their username."""
    return accounts.profile_of(user).display_name or user.get_username()


def _person(pk: int) -> User:
    return get_object_or_404(get_user_model().objects.select_related("profile"), pk=pk)


def _group(pk: int) -> TeamGroup:
    return get_object_or_404(TeamGroup, pk=pk)


def _invitation(pk: int) -> Invitation:
    return get_object_or_404(Invitation, pk=pk)


# People -------------------------------------------------------------------------------


def _people() -> list[User]:
    """Everyone with an account, active first, each with `name`, `role` and
    `two_factor`; in two queries, however many people there are."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    people: list[User] = list(
        get_user_model()
        .objects.select_related("profile")
        .annotate(two_factor=Exists(confirmed))
        .order_by("-is_active", "username")
    )
    for person in people:
        person.name = name_of(person)  # type: ignore[attr-defined]
        person.role = accounts.role_of(person)  # type: ignore[attr-defined]
    return people


def _row(request: HtmxHttpRequest, person: User, **extra: object) -> HttpResponse:
    person = _people_by_pk(person.pk)
    context = {"person": person, "roles": Role.choices, **extra}
    return render(request, "team/people.html#person-row", context)


def _people_by_pk(pk: int) -> User:
    return next(p for p in _people() if p.pk == pk)


@administrators_only
@require_http_methods(["GET"])
def team(request: HtmxHttpRequest) -> HttpResponse:
    people = _people()
    context = {
        "people": people,
        "active_count": sum(p.is_active for p in people),
        "roles": Role.choices,
        "role_help": [(Role(value).label, ROLE_HELP[Role(value)]) for value in Role.values],
    }
    return render(request, "team/people.html", context)


@administrators_only
@require_POST
def change_role(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    form = RoleForm(request.POST)
    error = told = ""
    if not form.is_valid():
        error = "Choose administrator, member or guest."
    else:
        role = Role(form.cleaned_data["role"])
        try:
            accounts.set_role(person, role, by=request.user)
        except accounts.AccountError as exc:
            error = str(exc)
        else:
            told = f"{name_of(person)} is now {_a(role)}."
    if request.htmx:
        return _row(request, person, error=error, told=told)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, told)
    return redirect(f"{reverse('team')}#person-{person.pk}")


def _a(role: Role) -> str:
    return {Role.ADMIN: "an administrator", Role.MEMBER: "a member", Role.GUEST: "a guest"}[role]


def _active_links(user: User) -> int:
    now = timezone.now()
    return (
        ShareLink.objects.filter(owner=user, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count()
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def deactivate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    name = name_of(person)
    if request.method == "POST":
        try:
            accounts.deactivate(person, by=request.user)
        except accounts.AccountError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"{name} is deactivated: signed out everywhere, and can no longer sign in.",
            )
        return redirect(f"{reverse('team')}#person-{person.pk}")
    context = {
        "person": person,
        "name": name,
        "is_self": person.pk == request.user.pk,
        "sessions": len(accounts.active_sessions(person)),
        "links": _active_links(person),
        "shared": Annotation.objects.filter(author=person, group__isnull=False).count(),
    }
    return render(request, "team/deactivate.html", context)


@administrators_only
@require_http_methods(["GET", "POST"])
def reset_two_factor(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A colleague lost their phone: after a confirmation, take their second factor away."""
    person = _person(pk)
    name = name_of(person)
    if request.method == "POST":
        try:
            accounts.reset_two_factor(person, by=request.user)
        except accounts.AccountError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                f"{name}'s two-factor sign-in is reset: they sign in with their password "
                "and set it up again.",
            )
        return redirect(f"{reverse('team')}#person-{person.pk}")
    context = {
        "person": person,
        "name": name,
        "is_self": person.pk == request.user.pk,
        "required": accounts.two_factor_required(),
    }
    return render(request, "team/reset_two_factor.html", context)


@administrators_only
@require_POST
def reactivate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    accounts.reactivate(person, by=request.user)
    messages.success(request, f"{name_of(person)} can sign in again; their share links open again.")
    return redirect(f"{reverse('team')}#person-{person.pk}")


# Invitations --------------------------------------------------------------------------


def _invitation_email(request: HtmxHttpRequest, invitation: Invitation, url: str) -> None:
    inviter = name_of(request.user)
    expires = timezone.localtime(invitation.expires_at)
    send_mail(
        f"{inviter} invites you to Newsroom",
        (
            f"{inviter} invites you to join the team on Newsroom ({request.get_host()}), "
            f"as {_a(Role(invitation.role))}.\n\n"
            f"Open this link to create your account. It works once, until "
            f"{expires:%d %B %Y, %H:%M}:\n\n{url}\n\n"
            "If you did not expect this invitation, ignore this message."
        ),
        None,
        [invitation.email],
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def invitations(request: HtmxHttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        invitation, token = accounts.invite(
            by=request.user,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            groups=form.cleaned_data["groups"],
        )
        url = request.build_absolute_uri(reverse("accept_invitation", args=[token]))
        request.session[NEW_INVITATION] = {"pk": invitation.pk, "url": url}
        if invitation.email:
            try:
                _invitation_email(request, invitation, url)
            except OSError:  # smtplib's errors are OSErrors too
                messages.error(
                    request,
                    f"The e-mail to {invitation.email} could not be sent. "
                    "Copy the link below and send it yourself.",
                )
            else:
                messages.success(request, f"Invitation sent to {invitation.email}.")
        else:
            messages.success(request, "Invitation link made.")
        return redirect(f"{reverse('team_invitations')}#new-invitation")
    new = request.session.pop(NEW_INVITATION, None) if request.method == "GET" else None
    now = timezone.now()
    rows = Invitation.objects.select_related("created_by__profile", "used_by__profile")
    rows = rows.prefetch_related(Prefetch("groups", queryset=TeamGroup.objects.order_by("name")))
    pending = rows.filter(used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
    since = now - PAST_INVITATIONS_SHOWN
    past = rows.exclude(pk__in=pending.values("pk")).filter(
        Q(used_at__gte=since) | Q(revoked_at__gte=since) | Q(expires_at__gte=since)
    )
    context = {
        "form": form,
        "new": new,
        "pending": list(pending),
        "past": list(past),
        "days": TeamSettings.current().invitation_days,
        "has_groups": TeamGroup.objects.filter(is_default=False).exists(),
        "role_help": {role.value: ROLE_HELP[role] for role in Role},
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "team/invitations.html", context, status=status)


@administrators_only
@require_http_methods(["GET", "POST"])
def revoke_invitation(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    invitation = _invitation(pk)
    if request.method == "POST":
        if invitation.used_at is not None:
            messages.error(request, "This invitation was already used; it cannot be revoked.")
        else:
            accounts.revoke(invitation)
            messages.success(
                request, f"The invitation for {invitation.email or 'the link'} no longer works."
            )
        if request.htmx:
            return HttpResponseClientRedirect(reverse("team_invitations"))
        return redirect("team_invitations")
    return render(request, "team/revoke_invitation.html", {"invitation": invitation})


def _private(response: HttpResponse) -> HttpResponse:
    """An invitation page: its token is in the address, so keep it out of caches, search
    engines and the Referer sent to other sites. (Not "no-referrer": with it a browser
    sends `Origin: null` on the form's POST, which CSRF protection refuses.)"""
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _unusable(request: VisitorRequest, invitation: Invitation | None) -> HttpResponse | None:
    """The page for a token that opens no invitation now (None: it does). Unknown tokens
    count towards the address's limit; past it, every unknown token answers 429."""
    if invitation is None:
        if not ratelimit.allow(request, "invitation", INVITATION_LOOKUPS_PER_MINUTE):
            response = render(request, "team/invitation_gone.html", {"busy": True}, status=429)
            response["Retry-After"] = "60"
            return response
        return render(request, "team/invitation_gone.html", status=410)
    if not invitation.is_pending:
        context = {"state": invitation.state}
        return render(request, "team/invitation_gone.html", context, status=410)
    return None


@login_not_required
@require_http_methods(["GET", "POST"])
def accept_invitation(request: VisitorRequest, token: str) -> HttpResponse:
    invitation = accounts.invitation_for(token)
    refusal = _unusable(request, invitation)
    if refusal is not None or invitation is None:
        return _private(refusal or render(request, "team/invitation_gone.html", status=410))
    inviter = invitation.created_by
    context: dict[str, object] = {
        "invitation": invitation,
        "inviter": name_of(inviter) if inviter else "An administrator",
        "team": request.get_host(),
        "role": _a(Role(invitation.role)),
        "role_help": ROLE_HELP[Role(invitation.role)],
        "groups": _and(
            ["Everyone", *invitation.groups.order_by("name").values_list("name", flat=True)]
        ),
    }
    if request.user.is_authenticated:
        status = 409 if request.method == "POST" else 200
        return _private(render(request, "team/invitation_signed_in.html", context, status=status))
    form = AcceptInvitationForm(request.POST or None, invited_email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = accounts.accept(
                invitation,
                username=data["username"],
                password=data["password1"],
                email=data["email"],
                display_name=data["display_name"],
            )
        except accounts.AccountError as exc:
            context = {"message": str(exc)}
            return _private(render(request, "team/invitation_gone.html", context, status=410))
        except IntegrityError:  # the same username taken a moment ago
            form.add_error("username", "This username is taken; choose another.")
        else:
            login(request, user)
            messages.success(request, _welcome(user))
            return redirect("library")
    context["form"] = form
    status = 400 if request.method == "POST" else 200
    return _private(render(request, "team/accept.html", context, status=status))


def _and(names: list[str]) -> str:
    """Names joined as people write them: "A", "A and B", "A, B and C"."""
    return " and ".join(filter(None, [", ".join(names[:-1]), names[-1]])) if names else ""


def _welcome(user: User) -> str:
    groups = _and([g.name for g in sharing.groups_of(user)])
    text = f"Welcome to Newsroom, {name_of(user)}! You are signed in, and in {groups}."
    if accounts.is_guest(user):
        text += " As a guest you read articles and what is shared with your groups."
    return text


# Groups -------------------------------------------------------------------------------


@administrators_only
@require_http_methods(["GET", "POST"])
def groups(request: HtmxHttpRequest) -> HttpResponse:
    form = GroupNameForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = sharing.create_group(form.cleaned_data["name"])
        except sharing.SharingError as exc:
            form.add_error("name", str(exc))
        else:
            messages.success(request, f"Group “{group.name}” created. Add its members here.")
            return redirect("team_group", pk=group.pk)
    rows = TeamGroup.objects.annotate(
        member_count=Count("memberships", distinct=True),
        annotation_count=Count("annotations", distinct=True),
    ).order_by("-is_default", "name")
    status = 400 if request.method == "POST" else 200
    return render(request, "team/groups.html", {"groups": rows, "form": form}, status=status)


def _group_page(
    request: HtmxHttpRequest,
    group: TeamGroup,
    *,
    rename: GroupNameForm | None = None,
    add: AddMemberForm | None = None,
    status: int = 200,
) -> HttpResponse:
    members = list(
        Membership.objects.filter(group=group)
        .select_related("user__profile")
        .order_by("-user__is_active", "user__username")
    )
    for membership in members:
        membership.name = name_of(membership.user)  # type: ignore[attr-defined]
    context = {
        "group": group,
        "members": members,
        "rename": rename or GroupNameForm(initial={"name": group.name}),
        "add": add or AddMemberForm(group=group),
        "annotation_count": Annotation.objects.filter(group=group).count(),
    }
    return render(request, "team/group.html", context, status=status)


@administrators_only
@require_http_methods(["GET"])
def group(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _group_page(request, _group(pk))


@administrators_only
@require_POST
def rename_group(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    group = _group(pk)
    form = GroupNameForm(request.POST)
    if group.is_default:
        messages.error(request, f"{group.name} is the whole team; its name stays.")
        return redirect("team_group", pk=group.pk)
    if form.is_valid():
        try:
            old = sharing.rename_group(group, form.cleaned_data["name"])
        except sharing.SharingError as exc:
            form.add_error("name", str(exc))
        else:
            if old != group.name:
                messages.success(request, f"“{old}” is now called “{group.name}”.")
            return redirect("team_group", pk=group.pk)
    group.refresh_from_db()
    return _group_page(request, group, rename=form, status=400)


@administrators_only
@require_POST
def add_member(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    group = _group(pk)
    form = AddMemberForm(request.POST, group=group)
    if form.is_valid():
        person = form.person()
        try:
            sharing.add_member(group, person)
        except sharing.SharingError as exc:
            form.add_error("user", str(exc))
        else:
            messages.success(request, f"{name_of(person)} is now in {group.name}.")
            return redirect("team_group", pk=group.pk)
    return _group_page(request, group, add=form, status=400)


@administrators_only
@require_http_methods(["GET", "POST"])
def remove_member(request: HtmxHttpRequest, pk: int, user_pk: int) -> HttpResponse:
    group = _group(pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user__profile"), group=group, user_id=user_pk
    )
    person = membership.user
    if request.method == "POST":
        try:
            sharing.remove_member(group, person)
        except sharing.SharingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, f"{name_of(person)} is no longer in {group.name}.")
        return redirect("team_group", pk=group.pk)
    context = {
        "group": group,
        "person": person,
        "name": name_of(person),
        "shared": Annotation.objects.filter(group=group, author=person).count(),
        "links": ShareLink.objects.filter(group=group, owner=person).count(),
    }
    return render(request, "team/remove_member.html", context)


@administrators_only
@require_http_methods(["GET", "POST"])
def delete_group(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    group = _group(pk)
    if group.is_default:
        messages.error(request, f"{group.name} is the whole team and cannot be deleted.")
        return redirect("team_group", pk=group.pk)
    if request.method == "POST":
        moved = sharing.delete_group(group, by=request.user)
        messages.success(
            request,
            f"Group “{group.name}” deleted; {moved} annotation{'s' if moved != 1 else ''} "
            "went back to their authors alone.",
        )
        return redirect("team_groups")
    annotations = Annotation.objects.filter(group=group)
    now = timezone.now()
    context = {
        "group": group,
        "annotations": annotations.count(),
        "authors": annotations.values("author").distinct().count(),
        "members": group.memberships.count(),
        "links": ShareLink.objects.filter(group=group, revoked_at__isnull=True)
        .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        .count(),
        "invitations": group.invitations.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).count(),
    }
    return render(request, "team/delete_group.html", context)


# Settings -----------------------------------------------------------------------------


@administrators_only
@require_http_methods(["GET", "POST"])
def team_settings(request: HtmxHttpRequest) -> HttpResponse:
    current = TeamSettings.current()
    was_required = current.require_two_factor
    initial = {"require_two_factor": was_required, "invitation_days": current.invitation_days}
    form = TeamSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save(current)
        messages.success(request, "Team settings saved.")
        if current.require_two_factor and not was_required:
            # This browser checks again at once; everyone else's within a minute.
            request.session.pop(accounts.ACCOUNT_CHECKED, None)
        return redirect("team_settings")
    active = get_user_model().objects.filter(is_active=True)
    with_two_factor = active.filter(
        Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True))
    )
    context = {
        "form": form,
        "active": active.count(),
        "with_two_factor": with_two_factor.count(),
        "me_without": not accounts.has_two_factor(request.user),
        # The fact-checking desk's policy: its own form, posted to claims_policy.
        "policy_form": ClaimsPolicyForm(initial=ClaimsPolicyForm.initial_for(current)),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "team/settings.html", context, status=status)


urlpatterns: list[URLPattern] = [
    path("team/", team, name="team"),
    path("team/people/<int:pk>/role/", change_role, name="team_change_role"),
    path("team/people/<int:pk>/deactivate/", deactivate, name="team_deactivate"),
    path("team/people/<int:pk>/reactivate/", reactivate, name="team_reactivate"),
    path("team/people/<int:pk>/two-factor/reset/", reset_two_factor, name="team_reset_two_factor"),
    path("team/invitations/", invitations, name="team_invitations"),
    path("team/invitations/<int:pk>/revoke/", revoke_invitation, name="team_revoke_invitation"),
    path("invite/<str:token>/", accept_invitation, name="accept_invitation"),
    path("team/groups/", groups, name="team_groups"),
    path("team/groups/<int:pk>/", group, name="team_group"),
    path("team/groups/<int:pk>/rename/", rename_group, name="team_rename_group"),
    path("team/groups/<int:pk>/members/", add_member, name="team_add_member"),
    path(
        "team/groups/<int:pk>/members/<int:user_pk>/remove/",
        remove_member,
        name="team_remove_member",
    ),
    path("team/groups/<int:pk>/delete/", delete_group, name="team_delete_group"),
    path("team/settings/", team_settings, name="team_settings"),
]
