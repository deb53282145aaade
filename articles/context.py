"""What every page's template may read, worked out only if it does.

`notifications.unread`: how many of the signed-in person's notifications are unread, for
the header's badge. It is lazy: the query runs the first time a template reads it
(base.html does, for a signed-in person only) and not again in that render, so a
fragment, a page signed out or an e-mail costs nothing. A page refused before the
person is known (`articles.middleware`'s early refusals) reads no one's: none.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.functional import cached_property

from articles.watchlists import unread_count

if TYPE_CHECKING:
    from django.http import HttpRequest


class Notifications:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @cached_property
    def unread(self) -> int:
        user = getattr(self.request, "user", None)
        return unread_count(user) if user is not None else 0


def notifications(request: HttpRequest) -> dict[str, object]:
    return {"notifications": Notifications(request)}
