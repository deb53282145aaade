"""Each person's reading preferences: the theme, the text size and the reader's
typography (font, line width, line height), kept on the server so they follow the person
to every browser they sign in on.

Invariants:
- They live in `Preference` beside the default audience. A person without a row shares
  with "Everyone" (`sharing.default_audience`), so the row made here for a theme starts
  with that group, never with "Only me": choosing a theme changes nobody's audience.
- The text size is one of `SCALES`, the steps the header's A-/A+ buttons move in (0.1
  from 80 % to 160 %); the stylesheet has a rule for each, so the server's choice applies
  before the first paint, with or without JavaScript. None means the default, 100 %.
- Font, line width and line height are each one of a few named choices (`FONTS`,
  `WIDTHS`, `LEADINGS`), "" for the default; the stylesheet has a rule for each name.
- The base template writes them on `<html>` (`data-theme`, `data-scale`, `data-font`,
  `data-measure`, `data-leading`); the request's
  user comes with their preference row already (`accounts.UsernameOrEmailBackend.get_user`),
  so no page pays a query for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from articles.models import Preference
from articles.sharing import default_group

if TYPE_CHECKING:
    from django.contrib.auth.models import User

THEMES = {"": "Follow the system", "light": "Light", "dark": "Dark"}
SCALES = tuple(Decimal(n) / 10 for n in range(8, 17))  # 0.8, 0.9, ..., 1.6
DEFAULT_SCALE = Decimal("1.0")
FONTS = {"": "Serif (default)", "sans": "Sans-serif", "mono": "Monospace"}
WIDTHS = {"narrow": "Narrow (about 55 characters)", "": "Medium (about 65, default)",
          "wide": "Wide (about 80)"}  # fmt: skip
LEADINGS = {"tight": "Tight (1.5)", "": "Comfortable (1.7, default)", "loose": "Loose (2.0)"}


@dataclass(frozen=True)
class Reading:
    theme: str = ""  # "" follows the system
    text_scale: Decimal | None = None  # None: the default size
    font: str = ""
    line_width: str = ""
    line_height: str = ""

    @property
    def scale_value(self) -> str:
        """The size as the form and `data-scale` write it: "0.8" … "1.6"."""
        return scale_text(self.text_scale or DEFAULT_SCALE)


def scale_text(scale: Decimal) -> str:
    return f"{scale:.1f}"


def reading_of(user: User) -> Reading:
    """The person's theme and text size (the defaults when they never chose)."""
    try:
        preference = user.preference
    except ObjectDoesNotExist:
        return Reading()
    return Reading(
        theme=preference.theme,
        text_scale=preference.text_scale,
        font=preference.font,
        line_width=preference.line_width,
        line_height=preference.line_height,
    )


def parse_scale(raw: str) -> Decimal | None:
    """A text size from a form ("1.1") as one of SCALES, or None when it is not one."""
    for scale in SCALES:
        if raw.strip() == scale_text(scale):
            return scale
    return None


TYPOGRAPHY = {"font": FONTS, "line_width": WIDTHS, "line_height": LEADINGS}


@transaction.atomic
def set_reading(
    user: User,
    *,
    theme: str | None = None,
    text_scale: Decimal | None = None,
    **typography: str | None,
) -> None:
    """Change the theme, the text size and/or the typography (`font`, `line_width`,
    `line_height`: a name of FONTS, WIDTHS, LEADINGS); an argument left None keeps its
    value."""
    if theme is not None and theme not in THEMES:
        msg = f"unknown theme {theme!r}"
        raise ValueError(msg)
    for name, value in typography.items():
        if name not in TYPOGRAPHY or (value is not None and value not in TYPOGRAPHY[name]):
            msg = f"unknown {name} {value!r}"
            raise ValueError(msg)
    if text_scale is not None and text_scale not in SCALES:
        msg = f"text size {text_scale} is not one of the steps"
        raise ValueError(msg)
    preference, _ = Preference.objects.select_for_update().get_or_create(
        user=user, defaults={"default_group": default_group()}
    )
    if theme is not None:
        preference.theme = theme
    if text_scale is not None:
        preference.text_scale = None if text_scale == DEFAULT_SCALE else text_scale
    for name, value in typography.items():
        if value is not None:
            setattr(preference, name, value)
    preference.save(update_fields=["theme", "text_scale", *TYPOGRAPHY])
    user.preference = preference
