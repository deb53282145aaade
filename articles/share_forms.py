"""The Share form: which annotations a link shows, who can open it, when it expires."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms

from articles import sharing
from articles.models import ShareLink

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from articles.models import TeamGroup

EXPIRY_CHOICES = [("never", "Never"), ("1", "In 1 day"), ("7", "In 7 days"), ("30", "In 30 days")]


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

    def __init__(self, *args: Any, user: AbstractBaseUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(g.pk): g for g in sharing.groups_of(user)}
        self.fields["what"].choices = [("mine", "My shared annotations")] + [
            (pk, f"Everything shared with {g.name}") for pk, g in self.groups.items()
        ]
        self.fields["what"].initial = "mine"

    def group(self) -> TeamGroup | None:
        """The group the link shows (None: the person's own shared annotations)."""
        return self.groups.get(self.cleaned_data["what"])
