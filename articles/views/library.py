"""The library: the list of articles (filtered by view and label, in the order asked for),
adding one from pasted text, a file or a web address, deleting one, acting on several at
once (a plain form: it works without JavaScript, bulk.js only counts and selects), and
the reader's reports of where the person is in an article."""

from __future__ import annotations

import dataclasses
import re

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from articles import bulk, fetch, ingest, jobs, library, sharing, trash, watchlists
from articles.errors import IngestError
from articles.forms import AddArticleForm
from articles.middleware import answers_oversized_body, declared_length
from articles.models import Article, FetchJob, LibraryView
from articles.parsing import parse_int
from articles.permissions import article_for, trashed_article_for, visible_trash
from articles.views._shared import HtmxHttpRequest, page_links, render_filters, render_jobs

PAGE_SIZE = 25


@vary_on_headers("HX-Request")  # the filters push URLs whose htmx answer is only the list
def library_page(request: HtmxHttpRequest) -> HttpResponse:
    return _render_library(request, AddArticleForm())


def _render_library(
    request: HtmxHttpRequest, form: AddArticleForm, status: int = 200
) -> HttpResponse:
    if request.htmx and request.method == "POST":
        return render(request, "articles/library.html#add-article", {"form": form}, status=status)
    labels = library.labels_with_counts()
    filters = library.Filters.parse(request.GET, labels)
    page = Paginator(filters.articles(request.user), PAGE_SIZE).get_page(filters.page)
    # The rows' forms come back to the page actually shown.
    filters = dataclasses.replace(filters, page=page.number)
    context = {"form": form, "page": page, "articles": page.object_list}
    if filters.label is not None:  # the "Watch this label" toggle above the list
        context["label_watch"] = watchlists.watching(request.user, label=filters.label)
    context.update(library.filter_bar(request.user, filters, labels))
    context.update(page_links(page, lambda number: filters.url(page=number)))
    if not page.paginator.count and filters.view == LibraryView.ALL and filters.label is None:
        context["library_empty"] = not Article.objects.exists()
    if request.htmx and request.htmx.target == "article-list":
        html = render_to_string("articles/library.html#article-list", context, request)
        return HttpResponse(html + render_filters(request, context), status=status)
    context["jobs"] = jobs.recent_for(request.user)
    context["activity"] = sharing.recent_activity(request.user)
    context["to_review"] = library.review_feed(request.user) if context["review_count"] else []
    return render(request, "articles/library.html", context, status=status)


def _opened(request: HtmxHttpRequest, article: Article) -> HttpResponse:
    url = article.get_absolute_url()
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _save_url(request: HtmxHttpRequest, form: AddArticleForm) -> HttpResponse:
    """The "Add article" box was given a web address (the form is valid): a fetch job."""
    try:
        job = jobs.submit(form.cleaned_data["url"], request.user)
    except fetch.FetchError as exc:
        form.add_error("url", str(exc))
        return _render_library(request, form, status=400)
    if job.status == FetchJob.Status.DONE and job.article:
        messages.info(request, "That article is already in the library; here it is.")
        return _opened(request, job.article)
    if request.htmx:
        html = render(request, "articles/library.html#add-article", {"form": AddArticleForm()})
        html.content += render_jobs(request, oob=True).encode()
        return html
    messages.success(request, "Fetching the page; it appears below when it is ready.")
    return redirect("library")


def _too_large(request: HtmxHttpRequest, declared: int) -> HttpResponse:
    """A 413 with the form saying the limit (for htmx, the form alone: base.html's
    htmx-config swaps a 413), from the declared length: the body is never read."""
    try:
        ingest.check_size(declared)
    except IngestError as exc:
        message = str(exc)
    else:  # only where the form's limit is set below the article's
        message = "The form is too large for Newsroom to read."
    return _render_library(request, AddArticleForm.refusing(message), status=413)


@answers_oversized_body(_too_large)  # this page's form, not the middleware's page, says so
@require_POST
def add_article(request: HtmxHttpRequest) -> HttpResponse:
    # A body too large for any article (a file too) is refused before Django reads it.
    declared = declared_length(request)
    if declared > settings.MAX_ARTICLE_BYTES + 64 * 1024:
        return _too_large(request, declared)
    form = AddArticleForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_library(request, form, status=400)
    if form.cleaned_data.get("url"):
        return _save_url(request, form)
    upload = form.cleaned_data.get("file")
    try:
        if upload:
            ingest.check_size(upload.size or 0)
            result = ingest.ingest(upload.read(), filename=upload.name or "", user=request.user)
        else:
            result = ingest.ingest(form.cleaned_data["text"], user=request.user)
    except IngestError as exc:
        field = "file" if upload else "text"
        prefix = f"{upload.name}: " if upload else ""
        form.add_error(field, f"{prefix}{exc}")
        return _render_library(request, form, status=400)
    if result.duplicate:
        messages.info(request, "That article is already in the library; here it is.")
    else:
        messages.success(request, "Article added.")
    return _opened(request, result.article)


@require_http_methods(["GET", "POST"])
def delete_article(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Ask (saying what goes with it), then move the article to the trash."""
    article = article_for(request, pk, delete=True)
    if request.method == "POST":
        trash.move_to_trash(article, request.user)
        messages.success(
            request,
            f"Moved “{article.title}” to the trash; restore it from there within "
            f"{Article.TRASH_DAYS} days.",
        )
        return redirect("library")
    context = {
        "article": article,
        "impact": trash.impact(article, request.user),
        "trash_days": Article.TRASH_DAYS,
    }
    return render(request, "articles/confirm_delete.html", context)


@require_GET
def trash_page(request: HtmxHttpRequest) -> HttpResponse:
    articles = trash.trashed(visible_trash(request.user))
    context = {
        "articles": [
            {
                "article": a,
                "expires": trash.expires_at(a),
                "deleted_by": sharing.public_name(a.deleted_by) if a.deleted_by else "",
            }
            for a in articles
        ],
        "trash_days": Article.TRASH_DAYS,
    }
    return render(request, "articles/trash.html", context)


@require_POST
def restore_article(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = trash.restore(trashed_article_for(request, pk))
    messages.success(request, f"Restored “{article.title}” to the library.")
    return redirect(article.get_absolute_url())


@require_http_methods(["GET", "POST"])
def purge_article(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    article = trashed_article_for(request, pk)
    if request.method == "POST":
        trash.delete_for_good(article)
        messages.success(request, f"Deleted “{article.title}” for good.")
        return redirect("trash")
    count = article.annotations.count()
    return render(
        request, "articles/confirm_purge.html", {"article": article, "annotation_count": count}
    )


def _refused(request: HtmxHttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "articles/refused.html", {"message": message}, status=status)


@require_POST
def bulk_action(request: HtmxHttpRequest) -> HttpResponse:
    """Label, archive, mark read or delete the ticked articles (`ids`), then back to the
    library as it was. Delete asks first: the same POST without `confirm` is answered
    with a page listing what would go. A forged selection or action changes nothing."""
    filters = library.Filters.parse(request.POST)
    action = request.POST.get("action", "")
    if action not in bulk.ACTIONS:
        choices = ", ".join(bulk.ACTIONS)
        return _refused(request, f"Choose what to do with the selection: one of {choices}.", 400)
    try:
        articles = bulk.selected(request.POST.getlist("ids"))
    except bulk.BulkError as exc:
        return _refused(request, f"{exc} Nothing was changed.", exc.status)
    if not articles:
        messages.info(request, "Tick the articles to act on first, then choose what to do.")
        return redirect(filters.url())
    if action == "delete" and request.POST.get("confirm") != "yes":
        return _confirm_bulk_delete(request, articles, filters)
    try:
        if action == "delete":
            done = bulk.delete(request.user, articles)
        elif action == "label":
            done = bulk.label(request.user, articles, request.POST.get("label", ""))
        else:
            done = bulk.mark(request.user, articles, "read" if action == "read" else "archived")
    except (bulk.BulkError, library.LabelError) as exc:
        status = exc.status if isinstance(exc, bulk.BulkError) else 400
        return _refused(request, f"{exc} Nothing was changed.", status)
    messages.success(request, done.message)
    return redirect(filters.url())


def _confirm_bulk_delete(
    request: HtmxHttpRequest, articles: list[Article], filters: library.Filters
) -> HttpResponse:
    mine, others = bulk.deletable(request.user, articles)
    context = {
        "articles": mine,
        "others": others,
        "filters": filters,
        "trash_days": Article.TRASH_DAYS,
    }
    return render(request, "articles/confirm_bulk_delete.html", context)


# A fraction as a form sends it: "0.4375", "1", ".5"; never a sign, an exponent or NaN.
_FRACTION = re.compile(r"[0-9]{1,2}(?:\.[0-9]{0,12})?|\.[0-9]{1,12}")


@require_POST
def save_progress(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The reader's report of the person's place: `progress` (0-1, the share of the body
    scrolled past) and `position` (the offset in body_text of the first paragraph on
    screen). Clamped, written to the requester's own state only; 204, or 400."""
    article = article_for(request, pk)
    raw = request.POST.get("progress", "")
    position = parse_int(request.POST.get("position"))
    if not _FRACTION.fullmatch(raw) or position is None:
        return HttpResponse(
            "Send progress (a fraction from 0 to 1) and position (a whole number).",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    library.save_progress(request.user, article, progress=float(raw), position=position)
    return HttpResponse(status=204)
