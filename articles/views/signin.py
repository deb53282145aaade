"""Signing in and out, two-factor sign-in, password change and reset.

Signing in takes one step, or two for someone with two-factor sign-in. The password step
(SignInForm, throttled per account and per address) signs the person in, or, when they
have an authenticator, keeps a *pending* sign-in in the session instead: their id, their
session hash (so a password changed meanwhile ends it), the backend, the time and where
to go next. Nobody is signed in until the code step accepts a code: `auth.login` and
`django_otp.login` happen only there. A pending sign-in lasts PENDING_SECONDS.

Codes are checked by django-otp on the person's own devices, inside its transaction and
row lock (so a recovery code works once, even sent twice at once), with its exponential
back-off kept on the device row; and wrong ones also count per account in
articles.ratelimit: past CODE_FAILURES_PER_ACCOUNT in the sign-in window no code is
taken, the right one included. The same count guards turning two-factor sign-in off,
which asks for the password or a code.

Recovery codes are shown once, in the answer to the request that made them; only
django-otp's StaticToken rows keep them, and each is deleted when used.
"""

from __future__ import annotations

import base64
import math
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import django_otp
import segno
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import path, reverse, reverse_lazy
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from articles import accounts, ratelimit
from articles.forms import (
    NewPasswordForm,
    OneTimeCodeForm,
    PasswordResetRequestForm,
    ResetPasswordForm,
    SignInForm,
    TwoFactorOffForm,
    is_app_code,
    is_recovery_code,
    one_time_code,
)
from articles.models import UserSession

if TYPE_CHECKING:
    from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
    from django.contrib.auth.models import User
    from django.forms import Form
    from django_otp.models import Device

    from articles.views._shared import HtmxHttpRequest, VisitorRequest

PENDING = "sign-in-pending"  # the session key of a sign-in waiting for its code
PENDING_SECONDS = 5 * 60
CODE_SCOPE = "sign-in-code"  # ratelimit scope: wrong codes (and proofs), per account
CODE_FAILURES_PER_ACCOUNT = 5
RECOVERY_CODES = 10
RESET_PER_EMAIL = 3  # reset e-mails asked for one address in RESET_WINDOW
RESET_PER_ADDRESS = 10  # reset requests from one client address in RESET_WINDOW
RESET_WINDOW = 15 * 60

WRONG_APP_CODE = (
    "That code is not right, or it was used already. Enter the code your app shows now; "
    "if codes keep failing, check that your phone's clock is set automatically."
)
WRONG_RECOVERY_CODE = "That recovery code is not one of yours, or it was used already."
NO_RECOVERY_CODES = (
    "You have no recovery codes left. Use your authenticator app, or ask an administrator."
)


def _too_many() -> str:
    return (
        "Too many wrong codes. For your account's safety, codes are refused for now; "
        f"try again in up to {settings.SIGN_IN_WINDOW_MINUTES} minutes."
    )


# Signing in ---------------------------------------------------------------------------


def _next_url(request: VisitorRequest) -> str:
    """`next`, when it leads to a page of this site other than signing in; else ""."""
    wanted = request.POST.get("next", request.GET.get("next", ""))
    safe = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if not safe or wanted.split("?", 1)[0] in {reverse("login"), reverse("login_code")}:
        return ""
    return wanted


def _after_sign_in(next_url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


@login_not_required
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in(request: VisitorRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return _after_sign_in(next_url)
    form = SignInForm(request, data=request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = form.get_user()
        if accounts.has_two_factor(user):
            request.session.cycle_key()  # a session planted before the password is not it
            request.session[PENDING] = {
                "user": user.pk,
                "hash": user.get_session_auth_hash(),
                "backend": user.backend,
                "at": int(time.time()),
                "next": next_url,
            }
            return redirect("login_code")
        auth.login(request, user)
        return _after_sign_in(next_url)
    # Django's answer to a refused sign-in is the form again, with a 200.
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@dataclass(frozen=True)
class Pending:
    user: User
    backend: str
    next: str


def _pending(request: VisitorRequest) -> Pending | str:
    """The sign-in waiting for its code, or why there is none (for the sign-in page)."""
    state = request.session.get(PENDING)
    gone = "Sign in with your username or e-mail address and password first."
    if not isinstance(state, dict):
        return gone
    try:
        pk, at = int(state["user"]), int(state["at"])
        backend, session_hash, next_url = str(state["backend"]), str(state["hash"]), state["next"]
    except (KeyError, TypeError, ValueError):
        return gone
    if not 0 <= time.time() - at <= PENDING_SECONDS:
        return "That took more than 5 minutes. Enter your password again, then the code."
    user = auth.get_user_model().objects.filter(pk=pk, is_active=True).first()
    if (
        user is None
        or backend not in settings.AUTHENTICATION_BACKENDS
        or not isinstance(next_url, str)
        or not constant_time_compare(user.get_session_auth_hash(), session_hash)
    ):
        return gone
    return Pending(user=user, backend=backend, next=next_url)


def _check_code(user: User, code: str) -> tuple[Device | None, str]:
    """The device that accepts `code` (an app code or a recovery code), or why none does."""
    seconds = settings.SIGN_IN_WINDOW_MINUTES * 60
    subject = str(user.pk)
    if ratelimit.count(CODE_SCOPE, subject, seconds) >= CODE_FAILURES_PER_ACCOUNT:
        return None, _too_many()
    recovery = is_recovery_code(code)
    device: Device | None = (
        accounts.recovery_device(user) if recovery else accounts.totp_device(user)
    )
    if device is None or (recovery and not device.token_set.exists()):
        ratelimit.hit(CODE_SCOPE, subject, seconds)
        return None, NO_RECOVERY_CODES if recovery else WRONG_APP_CODE
    allowed, why = device.verify_is_allowed()
    if not allowed:
        wait = (why or {}).get("locked_until")
        left = math.ceil((wait - timezone.now()).total_seconds()) if wait else 1
        return None, (
            f"Too many wrong codes in a row: wait {max(left, 1)} second{'s' * (left > 1)}, "
            "then try again."
        )
    verified = django_otp.verify_token(user, device.persistent_id, code)
    if verified is None:
        ratelimit.hit(CODE_SCOPE, subject, seconds)
        return None, WRONG_RECOVERY_CODE if recovery else WRONG_APP_CODE
    ratelimit.clear(CODE_SCOPE, subject)
    return verified, ""


def _empty_code_field(form: OneTimeCodeForm) -> None:
    """A wrong code is not worth correcting: the field comes back empty for the next one."""
    form.data = {**form.data, "code": ""}


@login_not_required
@sensitive_post_parameters()
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def sign_in_code(request: VisitorRequest) -> HttpResponse:
    pending = _pending(request)
    if isinstance(pending, str):
        request.session.pop(PENDING, None)
        if request.user.is_authenticated:
            return _after_sign_in("")
        messages.error(request, pending)
        return redirect("login")
    recovery = request.GET.get("with") == "recovery"
    form = OneTimeCodeForm(
        request.POST if request.method == "POST" else None, recovery_allowed=True
    )
    if recovery:
        form.as_recovery()
    if form.is_valid():
        user = pending.user
        device, error = _check_code(user, form.cleaned_data["code"])
        if device is not None:
            del request.session[PENDING]
            auth.login(request, user, backend=pending.backend)
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Each works once: "
                    "make new ones under Two-factor sign-in when you run low.",
                )
            return _after_sign_in(pending.next)
        form.add_error("code", error)
        _empty_code_field(form)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "registration/login_code.html",
        {"form": form, "recovery": recovery, "minutes": PENDING_SECONDS // 60},
        status=status,
    )


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def admin_sign_in(request: VisitorRequest) -> HttpResponse:
    """The admin signs in through the app's own page, so its code step is never skipped."""
    next_url = _next_url(request) or reverse("admin:index")
    if not request.user.is_authenticated:
        return auth_views.redirect_to_login(next_url, reverse("login"))
    if not request.user.is_staff:
        raise PermissionDenied(
            f"You are signed in as {request.user.get_username()}, who is not an "
            "administrator: the admin is for the team's administrators."
        )
    return HttpResponseRedirect(next_url)


# Two-factor settings ------------------------------------------------------------------


def _qr_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// address as an inline SVG QR code: no request leaves."""
    svg: str = segno.make(device.config_url, error="m").svg_inline(
        scale=1,
        border=4,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr-code",
        title="QR code for your authenticator app",
    )
    # segno writes the markup from our own address alone: there is no user text in it.
    return mark_safe(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S308


def _grouped_secret(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the person's recovery codes with RECOVERY_CODES new ones (as shown)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    tokens = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=t) for t in tokens)
    return [f"{t[:4]}-{t[4:]}" for t in tokens]


def _codes_page(request: HtmxHttpRequest, codes: list[str], *, first: bool) -> HttpResponse:
    return render(request, "accounts/two_factor_codes.html", {"codes": codes, "first": first})


def _status_page(
    request: HtmxHttpRequest, form: Form | None = None, *, error: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    recovery = accounts.recovery_device(user)
    context: dict[str, Any] = {
        "device": accounts.totp_device(user),
        "codes_left": recovery.token_set.count() if recovery else 0,
        "required": accounts.two_factor_required(),
        "form": form or TwoFactorOffForm(),
        "error": error,
    }
    return render(request, "accounts/two_factor.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def two_factor_setup(request: HtmxHttpRequest) -> HttpResponse:
    """Turn two-factor sign-in on (a QR code and its key, then a code to confirm), or,
    once it is on, its state and the ways to renew the recovery codes or turn it off."""
    user = request.user
    if accounts.has_two_factor(user):
        if request.method == "POST":  # confirmed already, in another tab or a resent form
            return redirect("two_factor_setup")
        return _status_page(request)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by(
        "pk"
    ).first() or TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = OneTimeCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        allowed, _why = device.verify_is_allowed()
        if allowed and django_otp.verify_token(
            user, device.persistent_id, form.cleaned_data["code"]
        ):
            with transaction.atomic():
                device.refresh_from_db()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                TOTPDevice.objects.filter(user=user, confirmed=False).delete()
                codes = _new_recovery_codes(user)
            accounts.note_account_checked(request, user)
            django_otp.login(request, device)
            return _codes_page(request, codes, first=True)
        form.add_error(
            "code",
            WRONG_APP_CODE if allowed else "Too many wrong codes in a row: wait a moment.",
        )
        _empty_code_field(form)
    context = {
        "form": form,
        "qr": _qr_svg(device),
        "secret": _grouped_secret(device),
        "required": accounts.two_factor_required(),
        "issuer": settings.OTP_TOTP_ISSUER,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/two_factor_setup.html", context, status=status)


@require_POST
def two_factor_recovery(request: HtmxHttpRequest) -> HttpResponse:
    if not accounts.has_two_factor(request.user):
        messages.error(request, "Turn on two-factor sign-in first; recovery codes come with it.")
        return redirect("two_factor_setup")
    with transaction.atomic():
        codes = _new_recovery_codes(request.user)
    return _codes_page(request, codes, first=False)


def _proves_it_is_them(user: User, proof: str) -> tuple[bool, str]:
    """Whether `proof` is the person's password or one of their codes (counted per account
    with the sign-in codes, so this is no way round their limit)."""
    seconds = settings.SIGN_IN_WINDOW_MINUTES * 60
    subject = str(user.pk)
    if ratelimit.count(CODE_SCOPE, subject, seconds) >= CODE_FAILURES_PER_ACCOUNT:
        return False, _too_many()
    code = one_time_code(proof)
    if is_app_code(code) or is_recovery_code(code):
        device, error = _check_code(user, code)
        # A password may look like a code: a code that fails is tried as one.
        return (True, "") if device or user.check_password(proof) else (False, error)
    if user.check_password(proof):
        return True, ""
    ratelimit.hit(CODE_SCOPE, subject, seconds)
    return False, "That is not your password, nor a code from your app."


@require_POST
def two_factor_disable(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    if not accounts.has_two_factor(user):
        return redirect("two_factor_setup")
    form = TwoFactorOffForm(request.POST)
    if accounts.two_factor_required():
        return _status_page(
            request,
            form,
            error="Your team requires two-factor sign-in, so it cannot be turned off. "
            "Changing phones? An administrator can reset it.",
            status=403,
        )
    if form.is_valid():
        ok, error = _proves_it_is_them(user, form.cleaned_data["proof"])
        if ok:
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            accounts.note_account_checked(request, user)
            messages.success(
                request, "Two-factor sign-in is off: your password alone signs you in."
            )
            return redirect("two_factor_setup")
        form.add_error("proof", error)
    return _status_page(request, form, status=400)


# Passwords ----------------------------------------------------------------------------


def _this_browser_only(request: HttpRequest, user: User, old_key: str) -> None:
    """After a new password: sign every other browser out (Django's session hash already
    refuses them; this also takes them off the list of signed-in browsers), and keep this
    one's row, whose session Django gave a new key."""
    new_key = request.session.session_key
    if old_key and new_key and new_key != old_key:
        UserSession.objects.filter(session_key=old_key).update(session_key=new_key)
    accounts.end_sessions(user, keep=new_key or None)


class PasswordChange(SuccessMessageMixin, auth_views.PasswordChangeView):  # type: ignore[type-arg]
    form_class = NewPasswordForm
    template_name = "registration/password_change.html"
    success_url = reverse_lazy("settings")
    success_message = "Your password is changed. Any other browser signed in as you is signed out."

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        old_key = self.request.session.session_key or ""
        response = super().form_valid(form)  # saves; update_session_auth_hash keeps us in
        _this_browser_only(self.request, form.user, old_key)
        return response


def _reset_valid_for() -> str:
    """How long a reset link works, in words ("1 day", "2 hours")."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if (seconds >= size and seconds % size == 0) or unit == "minute":
            count = max(seconds // size, 1)
            return f"{count} {unit}{'s' * (count != 1)}"
    return ""  # not reached: minutes always answer


class PasswordReset(auth_views.PasswordResetView):
    """Django's reset by e-mail, the same answer whether or not the address has an
    account, throttled per typed address and per client address."""

    form_class = PasswordResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"
    extra_email_context = {"valid_for": _reset_valid_for()}

    def form_valid(self, form: PasswordResetForm) -> HttpResponse:
        email = form.cleaned_data["email"].casefold()
        if (
            ratelimit.hit("password-reset-email", email, RESET_WINDOW) > RESET_PER_EMAIL
            or ratelimit.hit(
                "password-reset-address", ratelimit.client_address(self.request), RESET_WINDOW
            )
            > RESET_PER_ADDRESS
        ):
            form.add_error(
                None,
                "Too many reset requests: wait a quarter of an hour, then ask again. "
                "A link sent earlier works for a day.",
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    form_class = ResetPasswordForm
    template_name = "registration/password_reset_confirm.html"
    extra_context = {"valid_for": _reset_valid_for()}

    def form_valid(self, form: SetPasswordForm[User]) -> HttpResponse:
        response = super().form_valid(form)
        accounts.end_sessions(form.user)
        # Whoever reads the person's e-mail may sign in again at once.
        ratelimit.clear(SignInForm.ACCOUNT, form.user.get_username().casefold())
        return response


urlpatterns = [
    path("login/", sign_in, name="login"),
    path("login/code/", sign_in_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/login/", admin_sign_in, name="admin_login"),
    path("settings/two-factor/", two_factor_setup, name="two_factor_setup"),
    path("settings/two-factor/recovery-codes/", two_factor_recovery, name="two_factor_recovery"),
    path("settings/two-factor/off/", two_factor_disable, name="two_factor_disable"),
    path("settings/password/", PasswordChange.as_view(), name="password_change"),
    path("password-reset/", PasswordReset.as_view(), name="password_reset"),
    path(
        "password-reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html",
            extra_context={"valid_for": _reset_valid_for()},
        ),
        name="password_reset_done",
    ),
    path(
        "password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
]
