"""The people a query or a rule is about, as the type checker sees them.

`Viewer` is whoever makes a request: a signed-in member or, on the few pages open without
signing in, an anonymous visitor. Functions that only ever run for a member take `User`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    type Viewer = User | AnonymousUser
