"""Every form of the app: adding articles, feeds, share links, and the first-run account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)

from articles import accounts, fetch, preferences, ratelimit, sharing
from articles.claims import ClaimError, parse_scale
from articles.ingest import SUPPORTED_SUFFIXES
from articles.models import Role, SetupCode, ShareLink, TeamGroup, TeamSettings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

MAX_INTERVAL_MINUTES = 7 * 24 * 60
EXPIRY_CHOICES = [("never", "Never"), ("1", "In 1 day"), ("7", "In 7 days"), ("30", "In 30 days")]


class AddArticleForm(forms.Form):
    url = forms.URLField(
        label="Save a web address",
        required=False,
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://…", "inputmode": "url"}),
    )
    text = forms.CharField(
        label="Paste text or HTML",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "Paste an article here…"}),
    )
    file = forms.FileField(
        label="…or upload a file",
        required=False,
        help_text="A text (.txt), HTML or PDF file.",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(sorted(SUPPORTED_SUFFIXES))}),
    )

    def clean_url(self) -> str:
        url: str = self.cleaned_data.get("url", "")
        if url:
            try:
                fetch.check_url(url)
            except fetch.FetchError as exc:
                raise forms.ValidationError(str(exc)) from None
        return url

    @classmethod
    def refusing(cls, message: str) -> AddArticleForm:
        """An empty form showing `message`, for requests refused before the body is read."""
        form = cls()
        form.cleaned_data = {}
        form.add_error(None, message)
        return form

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # the dict Form.clean returns (typed as optional)
        has_text = bool((data.get("text") or "").strip())
        upload: UploadedFile[bytes] | None = data.get("file")
        if data.get("url"):
            if has_text or upload:
                raise forms.ValidationError("Give a web address, text or a file: one at a time.")
            return data
        if "url" in self.errors:
            return data
        if has_text and upload:
            raise forms.ValidationError("Paste text or upload a file, not both.")
        if not has_text and not upload:
            if data.get("text"):
                self.add_error("text", "The pasted text is empty.")
            elif "text" not in self.errors and "file" not in self.errors:
                raise forms.ValidationError(
                    "Paste an article or choose a file to upload, or give a web address."
                )
        return data


class SetupForm(forms.Form):
    """Creates the first, administrator, account; guarded by the console's setup code.

    The code is checked with the other fields, so every error shows at once (the code's
    first); the view checks it again under a lock before it creates the account."""

    WRONG_CODE = (
        "That setup code is not right. Check it against the console, or run the command "
        "above for a new one."
    )

    setup_code = forms.CharField(
        label="Setup code",
        help_text="Three groups of four letters and digits (XXXX-XXXX-XXXX).",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )
    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    email = forms.EmailField(required=False)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_setup_code(self) -> str:
        code: str = self.cleaned_data["setup_code"]
        if not SetupCode.verify(code):
            raise forms.ValidationError(self.WRONG_CODE)
        return code

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        get_user_model().username_validator(username)
        return username

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # the dict Form.clean returns (typed as optional)
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class FeedForm(forms.Form):
    url = forms.URLField(
        label="Feed address",
        max_length=2000,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://example.org/feed.xml"}),
    )
    interval_minutes = forms.IntegerField(
        label="Check every (minutes)",
        min_value=1,
        max_value=MAX_INTERVAL_MINUTES,
        initial=settings.FEED_INTERVAL_MINUTES,
    )


class IntervalForm(forms.Form):
    interval_minutes = forms.IntegerField(min_value=1, max_value=MAX_INTERVAL_MINUTES)


class ShareLinkForm(forms.Form):
    what = forms.ChoiceField(label="Show", widget=forms.RadioSelect)
    audience = forms.ChoiceField(
        label="Who can open it",
        choices=ShareLink.Audience.choices,
        initial=ShareLink.Audience.COLLEAGUES,
        widget=forms.RadioSelect,
    )
    expiry = forms.ChoiceField(
        label="Expires", choices=EXPIRY_CHOICES, initial="7", widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(g.pk): g for g in sharing.groups_of(user)}
        # `fields` holds every kind of field; this one is the ChoiceField declared above.
        what = cast("forms.ChoiceField", self.fields["what"])
        what.choices = [("mine", "My shared annotations")] + [
            (pk, f"Everything shared with {g.name}") for pk, g in self.groups.items()
        ]
        self.fields["what"].initial = "mine"

    def group(self) -> TeamGroup | None:
        """The group the link shows (None: the person's own shared annotations)."""
        return self.groups.get(self.cleaned_data["what"])


class SignInForm(AuthenticationForm):
    """Django's sign-in, throttled: failures count per account and per client address in
    counters every process shares (articles.ratelimit). Past either limit, signing in is
    refused for the rest of the window, the right password included."""

    ACCOUNT, ADDRESS = "sign-in-account", "sign-in-address"

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": (
            "That username or e-mail address and password do not match an account. "
            "Check them and try again; the password is case-sensitive."
        ),
        "inactive": "This account is deactivated. Ask an administrator of your team.",
    }
    # An address two accounts share signs in neither (UsernameOrEmailBackend): say how out.
    SHARED_ADDRESS_HINT = (
        "If more than one account uses this e-mail address, sign in with your username instead."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username = cast("forms.CharField", self.fields["username"])
        username.label = "Username or e-mail address"
        username.max_length = 254  # an e-mail address may be this long
        username.widget.attrs["maxlength"] = 254

    def clean(self) -> dict[str, Any]:
        account = (self.cleaned_data.get("username") or "").strip().casefold()
        address = ratelimit.client_address(self.request) if self.request else "unknown"
        seconds = settings.SIGN_IN_WINDOW_MINUTES * 60
        if (
            ratelimit.count(self.ACCOUNT, account, seconds) >= settings.SIGN_IN_FAILURES_PER_ACCOUNT
            or ratelimit.count(self.ADDRESS, address, seconds)
            >= settings.SIGN_IN_FAILURES_PER_ADDRESS
        ):
            raise forms.ValidationError(
                "Too many failed sign-ins. For your account's safety, signing in is paused; "
                f"try again in up to {settings.SIGN_IN_WINDOW_MINUTES} minutes, or ask an "
                "administrator.",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError as error:
            ratelimit.hit(self.ACCOUNT, account, seconds)
            ratelimit.hit(self.ADDRESS, address, seconds)
            if getattr(error, "code", None) == "invalid_login" and accounts.deactivated_match(
                (self.cleaned_data.get("username") or "").strip(),
                self.cleaned_data.get("password") or "",
            ):
                raise forms.ValidationError(
                    self.error_messages["inactive"], code="inactive"
                ) from None
            if "@" in account and getattr(error, "code", None) == "invalid_login":
                hint = forms.ValidationError(self.SHARED_ADDRESS_HINT, code="shared_address")
                raise forms.ValidationError([error, hint]) from None
            raise
        ratelimit.clear(self.ACCOUNT, account)
        return cleaned


# Team administration (articles/views/team.py) -------------------------------------------

INVITATION_DAYS = (1, 90)  # how long an administrator may make invitations last


def _active_email_taken(email: str) -> bool:
    return (
        bool(email)
        and get_user_model().objects.filter(email__iexact=email, is_active=True).exists()
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role", choices=Role.choices)


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="Optional. Leave it empty to make a link you hand over yourself.",
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="Role", choices=Role.choices, initial=Role.MEMBER, widget=forms.RadioSelect
    )
    groups = forms.ModelMultipleChoiceField(
        label="Groups",
        queryset=TeamGroup.objects.filter(is_default=False).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone joins “Everyone”; tick the other groups they should be in.",
    )

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        if _active_email_taken(email):
            raise forms.ValidationError(
                "Someone on the team already signs in with this address: no invitation needed."
            )
        return email


class AcceptInvitationForm(forms.Form):
    """The invited person's account. An invitation made for an address keeps it: the
    field shows it, locked (a disabled field takes its initial value, whatever is posted)."""

    username = forms.CharField(
        max_length=150,
        help_text="Letters, digits and @ . + - _ only; you sign in with it.",
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    display_name = forms.CharField(
        label="Your name",
        max_length=80,
        required=False,
        help_text="Shown to colleagues on your annotations, instead of your username.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        help_text="For resetting a forgotten password.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=(
            "At least 8 characters; not a common password, not only digits, and not like "
            "your name or address."
        ),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, invited_email: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if invited_email:
            email = self.fields["email"]
            email.initial, email.disabled = invited_email, True
            email.help_text = "The address this invitation was made for."

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"].strip()
        get_user_model().username_validator(username)
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("This username is taken; choose another.")
        return username

    def clean_email(self) -> str:
        email: str = (self.cleaned_data.get("email") or "").strip()
        if _active_email_taken(email):
            raise forms.ValidationError(
                "An account with this address already exists: sign in with it, or use "
                "another address."
            )
        return email

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # the dict Form.clean returns (typed as optional)
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The two passwords differ.")
        elif p1:
            user = get_user_model()(
                username=data.get("username", ""),
                email=data.get("email", ""),
                first_name=data.get("display_name", ""),
            )
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class GroupNameForm(forms.Form):
    name = forms.CharField(label="Name", max_length=sharing.GROUP_NAME_MAX)


class AddMemberForm(forms.Form):
    """Someone active who is not in `group` yet (`person()` once valid)."""

    user = forms.TypedChoiceField(label="Add a person", coerce=int)

    def __init__(self, *args: Any, group: TeamGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (
            get_user_model()
            .objects.filter(is_active=True)
            .exclude(memberships__group=group)
            .select_related("profile")
            .order_by("username")
        )
        self.people = {person.pk: person for person in people}
        field = cast("forms.TypedChoiceField", self.fields["user"])
        field.choices = [("", "Choose someone…")] + [
            (pk, _person_label(person)) for pk, person in self.people.items()
        ]

    def person(self) -> User:
        return self.people[self.cleaned_data["user"]]


def _person_label(user: User) -> str:
    name = getattr(getattr(user, "profile", None), "display_name", "")
    return f"{name} ({user.get_username()})" if name else user.get_username()


class TeamSettingsForm(forms.Form):
    """The fields of `TeamSettings` an administrator sets; `save` writes them."""

    require_two_factor = forms.BooleanField(
        label="Require two-factor sign-in for everyone",
        required=False,
        help_text=(
            "Anyone without it is sent to set it up at the next page they open, "
            "and can use nothing else until they have."
        ),
    )
    invitation_days = forms.IntegerField(
        label="Invitations stay valid for (days)",
        min_value=INVITATION_DAYS[0],
        max_value=INVITATION_DAYS[1],
        help_text=f"From {INVITATION_DAYS[0]} to {INVITATION_DAYS[1]} days; "
        "invitations already made keep their date.",
    )

    def save(self, team: TeamSettings) -> None:
        team.require_two_factor = self.cleaned_data["require_two_factor"]
        team.invitation_days = self.cleaned_data["invitation_days"]
        team.save(update_fields=["require_two_factor", "invitation_days"])


class ClaimsPolicyForm(forms.Form):
    """The fact-checking desk's policy (`TeamSettings`): the verdict scale, the
    two-person rule, and the organisation fact-checks are published under."""

    verdict_scale = forms.CharField(
        label="Verdict scale",
        widget=forms.Textarea(attrs={"rows": 7, "spellcheck": "false"}),
        help_text=(
            "One verdict a line, best first. Give a rating after “=” (a whole number, higher "
            "is truer) for verdicts on the scale; leave it out for one off it, such as "
            "“Unproven”. Claims keep the verdict they were given."
        ),
    )
    two_person_rule = forms.BooleanField(
        label="A second person signs off every verdict before it is published",
        required=False,
        help_text="Whoever gave the verdict cannot sign it off themselves.",
    )
    organisation = forms.CharField(
        label="Organisation", max_length=200, required=False,
        help_text="The name your team publishes fact-checks under.",
    )  # fmt: skip
    organisation_url = forms.URLField(
        label="Organisation’s web address", max_length=500, required=False, assume_scheme="https"
    )

    @staticmethod
    def initial_for(team: TeamSettings) -> dict[str, object]:
        lines = [
            label if rating is None else f"{label} = {rating}"
            for label, rating in team.verdict_scale or []
        ]
        return {
            "verdict_scale": "\n".join(lines),
            "two_person_rule": team.two_person_rule,
            "organisation": team.organisation,
            "organisation_url": team.organisation_url,
        }

    def clean_verdict_scale(self) -> list[list[str | int | None]]:
        try:
            return parse_scale(self.cleaned_data["verdict_scale"])
        except ClaimError as exc:
            raise forms.ValidationError(str(exc)) from None

    def save(self, team: TeamSettings) -> None:
        team.verdict_scale = self.cleaned_data["verdict_scale"]
        team.two_person_rule = self.cleaned_data["two_person_rule"]
        team.organisation = self.cleaned_data["organisation"].strip()
        team.organisation_url = self.cleaned_data["organisation_url"]
        team.save(
            update_fields=["verdict_scale", "two_person_rule", "organisation", "organisation_url"]
        )


# Two-factor sign-in and passwords -----------------------------------------------------

_RECOVERY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz234567")  # StaticToken.random_token's


def one_time_code(text: str) -> str:
    """A typed code as the devices compare it: no spaces or dashes, lower case."""
    return "".join(text.split()).replace("-", "").lower()


def is_app_code(code: str) -> bool:
    return len(code) == 6 and code.isascii() and code.isdigit()


def is_recovery_code(code: str) -> bool:
    return len(code) == 8 and set(code) <= _RECOVERY_CHARS


class OneTimeCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows; with `recovery_allowed`, or one of
    the person's recovery codes (8 letters and digits, shown as two groups of four)."""

    code = forms.CharField(
        label="6-digit code from your app",
        max_length=40,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
    )

    def __init__(self, *args: Any, recovery_allowed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recovery_allowed = recovery_allowed

    def as_recovery(self) -> OneTimeCodeForm:
        """Ask for a recovery code: letters too, so a phone shows its whole keyboard."""
        field = self.fields["code"]
        field.label = "Recovery code"
        field.widget.attrs.update(inputmode="text", autocomplete="off")
        return self

    def clean_code(self) -> str:
        code = one_time_code(self.cleaned_data["code"])
        if is_app_code(code) or (self.recovery_allowed and is_recovery_code(code)):
            return code
        if self.recovery_allowed:
            raise forms.ValidationError(
                "Enter the 6 digits your authenticator app shows, or one recovery code "
                "(8 letters and digits, like abcd-2345)."
            )
        raise forms.ValidationError("Enter the 6 digits your authenticator app shows.")


class TwoFactorOffForm(forms.Form):
    proof = forms.CharField(
        label="Your password, or a code from your app",
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class NewPasswordForm(PasswordChangeForm):
    """Django's password change, in the words of the rest of the app."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "That is not your current password. Enter it again.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "Current password"
        self.fields["new_password2"].label = "New password again"


class ResetPasswordForm(SetPasswordForm):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].widget.attrs["autofocus"] = True
        self.fields["new_password2"].label = "New password again"


class PasswordResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label="E-mail address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )


# Each person's settings page (articles/views/profile.py) --------------------------------


class ProfileForm(forms.Form):
    """The name colleagues see on the person's annotations, and their e-mail address."""

    display_name = forms.CharField(
        label="Display name",
        max_length=80,
        required=False,
        help_text="Shown on your annotations instead of your username.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    initials = forms.CharField(
        label="Initials",
        max_length=3,
        required=False,
        help_text="Up to three letters, on your annotations; made from your name if empty.",
        error_messages={"max_length": "Initials are at most three letters."},
        widget=forms.TextInput(attrs={"size": 4, "autocomplete": "off"}),
    )
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,  # the user table's column
        help_text="For resetting a forgotten password, and for signing in. Never shown "
        "on annotations.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_display_name(self) -> str:
        name = " ".join(self.cleaned_data["display_name"].split())
        if "@" in name:
            raise forms.ValidationError(
                "A display name cannot hold an e-mail address: the whole team sees it."
            )
        return name

    def clean_initials(self) -> str:
        letters = "".join(self.cleaned_data["initials"].split())
        if not all(c.isalpha() for c in letters):
            raise forms.ValidationError("Initials are letters only, up to three.")
        return letters

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"].strip()
        taken = get_user_model().objects.filter(email__iexact=email).exclude(pk=self.user.pk)
        if email and taken.exists():
            raise forms.ValidationError(
                "Another account already uses this address; choose another one."
            )
        return email

    def save(self) -> None:
        data = self.cleaned_data
        profile = accounts.profile_of(self.user)
        profile.display_name, profile.initials = data["display_name"], data["initials"]
        profile.save(update_fields=["display_name", "initials"])
        if self.user.email != data["email"]:
            self.user.email = data["email"]
            self.user.save(update_fields=["email"])


class ReadingForm(forms.Form):
    """Theme, text size, the reader's typography and where new annotations go. The
    header's A-/A+ and theme buttons send one field at a time: with `partial`, a field
    left out keeps its value."""

    theme = forms.ChoiceField(
        label="Theme",
        choices=list(preferences.THEMES.items()),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a theme: the system's, light or dark."},
    )
    text_scale = forms.ChoiceField(
        label="Text size",
        choices=[
            (preferences.scale_text(s), f"{s * 100:.0f} %"
             + (" (default)" if s == preferences.DEFAULT_SCALE else ""))
            for s in preferences.SCALES
        ],
        error_messages={"invalid_choice": "Choose one of the text sizes, from 80 to 160 per cent."},
    )  # fmt: skip
    font = forms.ChoiceField(
        label="Font",
        choices=list(preferences.FONTS.items()),
        required=False,
        error_messages={"invalid_choice": "Choose one of the fonts."},
    )
    line_width = forms.ChoiceField(
        label="Line width",
        choices=list(preferences.WIDTHS.items()),
        required=False,
        error_messages={"invalid_choice": "Choose one of the line widths."},
    )
    line_height = forms.ChoiceField(
        label="Line height",
        choices=list(preferences.LEADINGS.items()),
        required=False,
        error_messages={"invalid_choice": "Choose one of the line heights."},
    )
    default_audience = forms.ChoiceField(
        label="Who sees your new annotations",
        help_text="What the reader offers first; you can still choose for each annotation.",
        error_messages={"invalid_choice": "You can share only with a group you belong to."},
    )

    def __init__(
        self,
        data: Mapping[str, str] | None = None,
        *,
        user: User,
        partial: bool = False,
        **kwargs: Any,
    ) -> None:
        self.user = user
        groups, chosen = sharing.audience_menu(user)
        reading = preferences.reading_of(user)
        self.saved = {
            "theme": reading.theme,
            "text_scale": reading.scale_value,
            "font": reading.font,
            "line_width": reading.line_width,
            "line_height": reading.line_height,
        }
        if accounts.may_contribute(user):  # a guest writes no annotations
            self.saved["default_audience"] = sharing.audience_value(chosen)
        if data is not None and partial:
            data = {**self.saved, **{k: data[k] for k in self.saved if k in data}}
        super().__init__(data, initial=self.saved, **kwargs)
        if "default_audience" not in self.saved:
            del self.fields["default_audience"]
            return
        audience = cast("forms.ChoiceField", self.fields["default_audience"])
        audience.choices = [(str(g.pk), g.name) for g in groups] + [
            (sharing.PRIVATE, sharing.ONLY_ME)
        ]

    def save(self) -> None:
        data = self.cleaned_data
        preferences.set_reading(
            self.user,
            theme=data["theme"],
            text_scale=preferences.parse_scale(data["text_scale"]),
            font=data["font"],
            line_width=data["line_width"],
            line_height=data["line_height"],
        )
        if data.get("default_audience", "") not in {"", self.saved.get("default_audience")}:
            sharing.remember_audience(
                self.user, sharing.parse_audience(self.user, data["default_audience"])
            )
