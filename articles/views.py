"""Library and reader views.

Every view fetches articles through `article_for`, the one place that applies the
permission rule, so no view can forget it. For now every signed-in member of the team
may read every article; deleting is for the person who added it and for staff.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from articles import ingest
from articles.errors import IngestError
from articles.forms import AddArticleForm
from articles.models import Article

if TYPE_CHECKING:
    from django_htmx.middleware import HtmxDetails

PAGE_SIZE = 25


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def article_for(request: HttpRequest, pk: int, *, delete: bool = False) -> Article:
    """The article `pk` as the requesting user may see it, or 404 / 403."""
    article = get_object_or_404(Article, pk=pk)
    if delete and not article.can_delete(request.user):
        raise PermissionDenied(
            "Only the person who added this article, or an administrator, may delete it."
        )
    return article


def library(request: HtmxHttpRequest) -> HttpResponse:
    return _render_library(request, AddArticleForm())


def _render_library(
    request: HtmxHttpRequest, form: AddArticleForm, status: int = 200
) -> HttpResponse:
    if request.htmx and request.method == "POST":
        return render(request, "articles/library.html#add-article", {"form": form}, status=status)
    page = Paginator(Article.objects.for_library(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "articles": page.object_list}
    template = "articles/library.html"
    if request.htmx and request.htmx.target == "article-list":
        template += "#article-list"
    return render(request, template, context, status=status)


@require_POST
def add_article(request: HtmxHttpRequest) -> HttpResponse:
    # Refuse an oversized body from its declared length, before Django reads it.
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared > settings.MAX_ARTICLE_BYTES + 64 * 1024:
        try:
            ingest.check_size(declared)
        except IngestError as exc:
            return _render_library(request, AddArticleForm.refusing(str(exc)), status=413)
    form = AddArticleForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_library(request, form, status=400)
    upload = form.cleaned_data.get("file")
    try:
        if upload:
            ingest.check_size(upload.size)
            result = ingest.ingest(upload.read(), filename=upload.name, user=request.user)
        else:
            result = ingest.ingest(form.cleaned_data["text"], user=request.user)
    except IngestError as exc:
        field = "file" if upload else "text"
        prefix = f"{upload.name}: " if upload else ""
        form.add_error(field, f"{prefix}{exc}")
        return _render_library(request, form, status=400)
    article = result.article
    if result.duplicate:
        messages.info(request, "That article is already in the library; here it is.")
    else:
        messages.success(request, "Article added.")
    url = article.get_absolute_url()
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


def reader(request: HtmxHttpRequest, pk: int, slug: str = "") -> HttpResponse:  # noqa: ARG001 - slug is decoration
    article = article_for(request, pk)
    return render(
        request,
        "articles/reader.html",
        {"article": article, "can_delete": article.can_delete(request.user)},
    )


@require_http_methods(["GET", "POST"])
def delete_article(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk, delete=True)
    if request.method == "POST":
        title = article.title
        article.delete()
        messages.success(request, f"Deleted “{title}”.")
        return redirect("library")
    return render(request, "articles/confirm_delete.html", {"article": article})
