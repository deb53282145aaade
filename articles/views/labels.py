"""Labels and reading state from the library and the reader, and the labels page.

Every write is a POST. Without JavaScript it redirects back where the form was: the
library with its filters (`view`, `label`, `page` ride along as hidden fields) or the
reader. With htmx it answers with only what changed: the article's row in the library
(and the filter bar out of band, for the counts), or the reader's shelf. A row that no
longer belongs in the view it is shown in (archived from "All", read in "Unread") is
replaced by a line saying so, with an Undo button carrying the same id as the button that
was pressed, so keyboard focus lands on it.

A forged request changes nothing: an unknown article or label is a 404, a malformed state
or a bad label name a 400.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from articles import library
from articles.library import Filters, LabelError
from articles.models import Article, Label
from articles.permissions import article_for, label_for
from articles.views._shared import HtmxHttpRequest, render_filters

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from articles.models.library import ArticleCount


def _answer(
    request: HtmxHttpRequest,
    article: Article,
    *,
    undo: dict[str, str] | None = None,
    label_error: str = "",
    labelling: bool = False,
) -> HttpResponse:
    """After a write (or a refused one): back where the form was, or the changed part."""
    in_reader = request.POST.get("from") == "reader"
    filters = Filters.parse(request.POST)
    status = 400 if label_error else 200
    if not request.htmx:
        if label_error:
            return render(request, "articles/refused.html", {"message": label_error}, status=400)
        return redirect(article.get_absolute_url() if in_reader else filters.url())
    context = {"label_error": label_error, "labelling": labelling or bool(label_error)}
    if in_reader:
        context.update(library.shelf(article, request.user))
        return render(request, "articles/reader.html#reader-shelf", context, status=status)
    row = filters.articles(request.user).filter(pk=article.pk).first()
    gone = row is None
    if gone:
        row = (
            Article.objects.for_library().with_state(request.user).with_labels().get(pk=article.pk)
        )
    context.update({"article": row, "filters": filters, "gone": gone, "undo": undo})
    html = render_to_string("articles/library.html#article-item", context, request)
    filter_bar = render_filters(request, library.filter_bar(request.user, filters))
    return HttpResponse(html + filter_bar, status=status)


# What the line replacing a row says, by (state, on).
_GONE = {
    ("archived", True): ("Archived “{}”.", "Undo"),
    ("archived", False): ("Moved “{}” back to the library.", "Undo"),
    ("read", True): ("Marked “{}” as read.", "Mark as unread"),
    ("read", False): ("Marked “{}” as unread.", "Mark as read"),
    ("favourite", True): ("Starred “{}”.", "Undo"),
    ("favourite", False): ("Removed “{}” from your favourites.", "Star it again"),
}
_BUTTON_IDS = {"archived": "archive", "read": "read", "favourite": "fav"}


@require_POST
def set_state(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Mark the article read/unread, archived/not or favourite/not, for the requester only.

    The form names exactly one state with the value it should take: `favourite=1`.
    """
    article = article_for(request, pk)
    asked = [(name, request.POST[name]) for name in library.STATES if name in request.POST]
    if len(asked) != 1 or asked[0][1] not in {"0", "1"}:
        return HttpResponse(
            "Say which state to change: one of read, archived or favourite, set to 1 or 0.",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    state, on = asked[0][0], asked[0][1] == "1"
    library.set_state(request.user, article, state, on)
    message, undo_text = _GONE[state, on]
    undo = {
        "url": reverse("article_state", args=[article.pk]),
        "name": state,
        "value": "0" if on else "1",
        "text": undo_text,
        "id": f"{_BUTTON_IDS[state]}-{article.pk}",
        "message": message.format(article.title),
    }
    return _answer(request, article, undo=undo)


@require_POST
def add_label(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = article_for(request, pk)
    try:
        library.add_label(article, request.POST.get("name", ""), request.user)
    except LabelError as exc:
        return _answer(request, article, label_error=str(exc))
    return _answer(request, article, labelling=True)


@require_POST
def remove_label(request: HtmxHttpRequest, pk: int, label_pk: int) -> HttpResponse:
    article = article_for(request, pk)
    label = label_for(request, label_pk)
    library.remove_label(article, label)
    undo = {
        "url": reverse("add_label", args=[article.pk]),
        "name": "name",
        "value": label.name,
        "text": "Undo",
        "id": f"unlabel-{article.pk}-{label.pk}",
        "message": f"Removed the label “{label.name}” from “{article.title}”.",
    }
    return _answer(request, article, undo=undo)


# ---------- The labels page: rename and delete, for everyone ----------


def _labels_page(request: HtmxHttpRequest, **extra: object) -> HttpResponse:
    context = {"labels": library.labels_with_counts(), **extra}
    if request.method == "POST":
        context["typed"] = request.POST.get("name", "")
    status = 400 if extra.get("error") else 200
    return render(request, "articles/labels.html", context, status=status)


@require_GET
def labels(request: HtmxHttpRequest) -> HttpResponse:
    return _labels_page(request)


@require_POST
def rename_label(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    label = label_for(request, pk)
    old = label.name
    try:
        library.rename_label(label, request.POST.get("name", ""))
    except LabelError as exc:
        label.name = old
        if request.htmx:
            context = {
                "label": _counted(label),
                "error": str(exc),
                "error_label": label.pk,
                "typed": request.POST.get("name", ""),
            }
            return render(request, "articles/labels.html#label-row", context, status=400)
        return _labels_page(request, error=str(exc), error_label=label.pk)
    if request.htmx:
        context = {"label": _counted(label), "renamed_from": old if old != label.name else ""}
        return render(request, "articles/labels.html#label-row", context)
    if old != label.name:
        messages.success(request, f"Renamed “{old}” to “{label.name}” on every article.")
    return redirect("labels")


def _counted(label: Label) -> WithAnnotations[Label, ArticleCount]:
    # The same object, from here on typed with the count set on it.
    counted = cast("WithAnnotations[Label, ArticleCount]", label)
    counted.article_count = label.article_links.count()
    return counted


@require_http_methods(["GET", "POST"])
def delete_label(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    label = label_for(request, pk)
    count = label.article_links.count()
    if request.method == "POST":
        label.delete()
        messages.success(
            request, f"Deleted the label “{label.name}” from {count} article{'s' * (count != 1)}."
        )
        return redirect("labels")
    return render(request, "articles/confirm_delete_label.html", {"label": label, "count": count})
