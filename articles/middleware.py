"""First-run redirect: while no account exists, every page leads to the setup page.

Once an account exists the answer is remembered for the life of the process, so normal
requests pay no query for it.
"""

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

_state = {"has_users": False}


def reset_first_run_cache() -> None:
    """Tests that delete every user call this to see the setup page again."""
    _state["has_users"] = False


def first_run_middleware(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if not _state["has_users"]:
            if get_user_model().objects.exists():
                _state["has_users"] = True
            else:
                setup_url = reverse("setup")
                if request.path != setup_url and not request.path.startswith("/static/"):
                    return redirect(setup_url)
        return get_response(request)

    return middleware
