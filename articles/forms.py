"""Every form of the app: adding articles, feeds, share links, and the first-run account."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm

from articles import fetch, ratelimit, sharing
from articles.ingest import SUPPORTED_SUFFIXES
from articles.models import SetupCode, ShareLink

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

    from articles.models import TeamGroup

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
        help_text="A .txt or .html file.",
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
        except forms.ValidationError:
            ratelimit.hit(self.ACCOUNT, account, seconds)
            ratelimit.hit(self.ADDRESS, address, seconds)
            raise
        ratelimit.clear(self.ACCOUNT, account)
        return cleaned
