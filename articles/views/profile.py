"""Each person's own settings page: profile, reading preferences, bookmarklet, API tokens,
sessions.

One page (`/settings/`), one section per concern, each with an anchor (`#profile`,
`#reading`, `#security`, `#bookmarklet`, `#api-tokens`, `#sessions`); each form posts to
its own URL and comes back to its section, with what changed said there. The profile form
answers htmx with its section alone (`#profile`); the reading form reloads the page, so
the new theme and size are drawn by the server from the first paint. The header's A-/A+
and theme buttons post one field to the same reading endpoint (`prefs.js`, asking for
JSON), which answers 204. The bookmarklet's regeneration stays at `saving.save_settings`.

A new API token (`articles.apitokens`) is shown once: it rides in the session from the
POST that made it to the next GET of the page, which takes it out (never in a message,
never in the address). Revoking one asks first: its own page, or htmx's confirm.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from articles import accounts, apitokens, bookmarklet, sharing
from articles.forms import ProfileForm, ReadingForm
from articles.models import ApiToken, SaveToken
from articles.useragents import browser_name

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User
    from django.urls import URLPattern

    from articles.views._shared import HtmxHttpRequest

TEMPLATE = "accounts/settings.html"
# Session key: the token made, until the page shows it.
NEW_API_TOKEN = "settings-new-api-token"  # noqa: S105 - a key's name, not a secret


class ApiTokenForm(forms.Form):
    """A new personal API token: what it is for, and whether it may write. The name's
    rules are `apitokens.create`'s, whose refusal the view puts on the name."""

    name = forms.CharField(
        label="Name",
        required=False,
        strip=False,
        help_text="What will use it, such as “Backup script”: so you can tell your tokens apart.",
        widget=forms.TextInput(attrs={"maxlength": ApiToken.NAME_MAX_CHARS, "autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label="Access",
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what the token may do: read, or read and write.",
            "invalid_choice": "Choose what the token may do: read, or read and write.",
        },
    )


@dataclass(frozen=True)
class Browser:
    """One signed-in browser, as the sessions section lists it."""

    name: str
    address: str
    signed_in: dt.datetime
    last_seen: dt.datetime
    is_this: bool
    seen_lately: bool  # within accounts.SEEN_EVERY, as closely as "last seen" is kept


def _back(section: str) -> HttpResponse:
    return redirect(f"{reverse('settings')}#{section}")


def _browsers(request: HtmxHttpRequest) -> list[Browser]:
    here, lately = request.session.session_key, timezone.now() - accounts.SEEN_EVERY
    found = [
        Browser(
            name=browser_name(s.user_agent),
            address=s.address,
            signed_in=s.created_at,
            last_seen=s.last_seen_at,
            is_this=s.session_key == here,
            seen_lately=s.last_seen_at >= lately,
        )
        for s in accounts.active_sessions(request.user)
    ]
    return sorted(found, key=lambda b: not b.is_this)  # this browser first, then newest


def _profile(user: User, form: ProfileForm | None = None) -> dict[str, Any]:
    """The profile section's context: its form, and how the person's cards are signed."""
    if form is None:
        profile = accounts.profile_of(user)
        initial = {
            "display_name": profile.display_name,
            "initials": profile.initials,
            "email": user.email,
        }
        form = ProfileForm(initial=initial, user=user)
    # An empty box shows the initials made from the name, which the cards then carry.
    form.fields["initials"].widget.attrs["placeholder"] = sharing.initials(
        sharing.public_name(user)
    )
    return {
        "profile_form": form,
        "author_name": sharing.public_name(user),
        "author_initials": sharing.initials(user),
    }


def _page(
    request: HtmxHttpRequest,
    *,
    profile_form: ProfileForm | None = None,
    reading_form: ReadingForm | None = None,
    token_form: ApiTokenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    contributes = accounts.may_contribute(user)
    browsers = _browsers(request)
    api_tokens = apitokens.tokens_of(user)
    context: dict[str, Any] = {
        **_profile(user, profile_form),
        "reading_form": reading_form or ReadingForm(user=user),
        "two_factor": accounts.has_two_factor(user),
        "token_form": token_form or ApiTokenForm(),
        "api_tokens": api_tokens,
        "new_api_token": _new_api_token(request, api_tokens),
        "browsers": browsers,
        "other_browsers": sum(not b.is_this for b in browsers),
        "contributes": contributes,
    }
    if contributes:
        token = SaveToken.objects.filter(user=user).first() or SaveToken.regenerate(user)
        origin = request.build_absolute_uri("/").rstrip("/")
        context |= {"bookmarklet": bookmarklet.code(origin, token.token), "token": token}
    return render(request, TEMPLATE, context, status=status)


def _new_api_token(request: HtmxHttpRequest, working: list[ApiToken]) -> dict[str, Any] | None:
    """The token made by the last POST, once: the page's GET takes it out of the session.
    (None if it was revoked meanwhile.)"""
    if request.method != "GET":
        return None
    new = request.session.pop(NEW_API_TOKEN, None)
    if not isinstance(new, dict):
        return None
    made = next((t for t in working if t.pk == new.get("pk")), None)
    return None if made is None else {"token": made, "raw": new.get("raw", "")}


@require_GET
def settings_page(request: HtmxHttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
def settings_profile(request: HtmxHttpRequest) -> HttpResponse:
    """The display name, initials and e-mail address."""
    form = ProfileForm(request.POST, user=request.user)
    valid = form.is_valid()
    if valid:
        form.save()
    if request.htmx:
        context = _profile(request.user, None if valid else form)
        return render(
            request, f"{TEMPLATE}#profile", context | {"saved": valid}, status=200 if valid else 400
        )
    if not valid:
        return _page(request, profile_form=form, status=400)
    messages.success(request, "Profile saved.", extra_tags="profile")
    return _back("profile")


def _wants_html(request: HtmxHttpRequest) -> bool:
    """A form sent by the browser (a page back); prefs.js asks for JSON (204)."""
    return request.accepts("text/html")


@require_POST
def settings_reading(request: HtmxHttpRequest) -> HttpResponse:
    """Theme, text size and default audience: from the settings page's form, or one field
    at a time from the header's buttons (the others keep their saved values)."""
    form = ReadingForm(request.POST, user=request.user, partial=True)
    if not form.is_valid():
        if _wants_html(request):
            return _page(request, reading_form=form, status=400)
        errors = [str(e) for field in form.errors.values() for e in field]
        return JsonResponse({"errors": errors}, status=400)
    form.save()
    if not _wants_html(request):
        return HttpResponse(status=204)
    messages.success(request, "Reading preferences saved.", extra_tags="reading")
    return _back("reading")


@require_POST
def settings_sessions_end_others(request: HtmxHttpRequest) -> HttpResponse:
    """Sign out of every browser but this one (after the page's confirmation)."""
    if request.session.session_key is None:  # cannot happen signed in; never end them all
        request.session.save()
    ended = accounts.end_sessions(request.user, keep=request.session.session_key)
    if ended:
        other = "browser" if ended == 1 else "browsers"
        messages.success(request, f"Signed out of {ended} other {other}.", extra_tags="sessions")
    else:
        messages.info(request, "No other browser was signed in.", extra_tags="sessions")
    return _back("sessions")


@require_POST
def settings_tokens(request: HtmxHttpRequest) -> HttpResponse:
    """Make a personal API token; the page shows its secret once."""
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = apitokens.create(
                request.user, form.cleaned_data["name"], form.cleaned_data["scope"]
            )
        except apitokens.TokenError as exc:  # the scope is checked by the form: the name
            form.add_error("name", str(exc))
        else:
            request.session[NEW_API_TOKEN] = {"pk": token.pk, "raw": raw}
            messages.success(request, f"Token “{token.name}” made.", extra_tags="api-tokens")
            return _back("api-tokens")
    return _page(request, token_form=form, status=400)


@require_http_methods(["GET", "POST"])
def settings_token_revoke(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's tokens, after asking (GET: the question). Someone else's
    token, or none, is 404 alike."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if request.method == "POST":
        if apitokens.revoke(request.user, token.pk):
            messages.success(
                request,
                f"Token “{token.name}” revoked: whatever uses it is refused from now on.",
                extra_tags="api-tokens",
            )
        else:
            messages.info(
                request, f"Token “{token.name}” was already revoked.", extra_tags="api-tokens"
            )
        if request.htmx:
            return HttpResponseClientRedirect(f"{reverse('settings')}#api-tokens")
        return _back("api-tokens")
    if token.revoked_at is not None:
        messages.info(
            request, f"Token “{token.name}” was already revoked.", extra_tags="api-tokens"
        )
        return _back("api-tokens")
    return render(request, "accounts/confirm_revoke_token.html", {"api_token": token})


urlpatterns: list[URLPattern] = [
    path("settings/", settings_page, name="settings"),
    path("settings/profile/", settings_profile, name="settings_profile"),
    path("settings/reading/", settings_reading, name="settings_reading"),
    path("settings/tokens/", settings_tokens, name="settings_tokens"),
    path(
        "settings/tokens/<int:pk>/revoke/",
        settings_token_revoke,
        name="settings_token_revoke",
    ),
    path(
        "settings/sessions/end-others/",
        settings_sessions_end_others,
        name="settings_sessions_end_others",
    ),
]
