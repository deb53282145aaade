"""Share links and what surrounds them: the Share form, "Shared links", the shared page.

The shared page (/s/<token>/) and its popover fragment are the only pages open without
signing in. They fetch the link through `permissions.link_for` (rate-limited, one query,
wrong = expired = revoked = the same 410) and the annotations through
`permissions.visible_annotations(link=...)` (`reader.build_shared`), and render no editing
control, no private annotation and no e-mail address.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from articles import permissions, reader, sharing
from articles.forms import ShareLinkForm
from articles.parsing import parse_ids

if TYPE_CHECKING:
    from collections.abc import Callable

    from articles.models import ShareLink
    from articles.views._shared import HtmxHttpRequest, VisitorRequest

NOINDEX = "noindex, nofollow, noarchive"


@require_http_methods(["GET", "POST"])
def share_article(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = permissions.article_for(request, pk)
    form = ShareLinkForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            link = sharing.create_link(
                request.user,
                article,
                group=form.group(),
                audience=form.cleaned_data["audience"],
                expiry=form.cleaned_data["expiry"],
            )
        except sharing.SharingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "Share link created. Copy it below.")
            return redirect(f"{reverse('shared_links')}?new={link.pk}#link-{link.pk}")
    status = 400 if request.method == "POST" else 200
    context = {
        "article": article,
        "form": form,
        "restricted": sharing.restricted_in_mine(request.user, article),
    }
    return render(request, "articles/share_form.html", context, status=status)


@require_GET
def shared_links(request: HtmxHttpRequest) -> HttpResponse:
    links = list(sharing.links_of(request.user))
    new = request.GET.get("new", "")
    return render(request, "articles/shared_links.html", {"links": links, "new": new})


@require_http_methods(["GET", "POST"])
def revoke_link(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    link = permissions.share_link_of_owner(request, pk)
    if request.method == "POST":
        sharing.revoke(link)
        messages.success(request, f"The link to “{link.article.title}” no longer opens.")
        if request.htmx:
            return HttpResponseClientRedirect(reverse("shared_links"))
        return redirect("shared_links")
    return render(request, "articles/revoke_link.html", {"link": link})


@require_POST
def remember_audience(request: HtmxHttpRequest) -> HttpResponse:
    """The reader's "Who can see it" choice, kept as the person's default."""
    try:
        group = sharing.parse_audience(request.user, request.POST.get("audience", ""))
    except sharing.SharingError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain")
    sharing.remember_audience(request.user, group)
    return HttpResponse(status=204)


def _with_link(
    view: Callable[[VisitorRequest, ShareLink], HttpResponse],
) -> Callable[[VisitorRequest, str], HttpResponse]:
    @login_not_required
    @require_GET
    @wraps(view)
    def wrapper(request: VisitorRequest, token: str) -> HttpResponse:
        try:
            link = permissions.link_for(request, token)
        except permissions.TooManyLookups:
            response = render(request, "articles/link_gone.html", {"busy": True}, status=429)
            response["Retry-After"] = "60"
        except permissions.LinkUnavailable:
            response = render(request, "articles/link_gone.html", status=410)
        except permissions.SignInRequired:
            return redirect_to_login(request.get_full_path())
        else:
            response = view(request, link)
        response["X-Robots-Tag"] = NOINDEX
        response["Cache-Control"] = "private, no-store"
        return response

    return wrapper


@_with_link
def share_page(request: VisitorRequest, link: ShareLink) -> HttpResponse:
    # ?a=<id> names one passage for link previews (the #fragment never reaches a server).
    shared = reader.build_shared(link, request.user, request.GET.get("a", ""))
    sharing.count_view(link)
    context = {
        "article": shared.article,
        "shared": shared,
        "page_url": request.build_absolute_uri(request.get_full_path()),
    }
    return render(request, "articles/share_page.html", context)


@_with_link
def share_cards(request: VisitorRequest, link: ShareLink) -> HttpResponse:
    """The popover's cards on a shared page, from the link's annotations only."""
    ids = parse_ids(request.GET.get("ids"), limit=20)
    annotations = list(
        permissions.visible_annotations(request.user, link=link)
        .filter(pk__in=ids)
        .select_related("author__profile", "group", "entity", "claim")
        .in_text_order()
    )
    reader.shared_cards(link, annotations)
    return render(request, "articles/annotation_cards.html", {"annotations": annotations})
