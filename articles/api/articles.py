"""Articles: list (the library's views and labels, or a search), add (from a web address:
202 with the fetch job; from pasted text or HTML: the same ingest as the page), read
(metadata, `body_text`, stored versions), and move to the trash. A file (text, HTML or
PDF, as the library's upload takes) is sent to `/articles/file` as multipart form data.
Fetch jobs are polled at `/jobs/{id}`.
"""

import dataclasses
import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpResponse  # Ninja reads the hints at run time
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status, UploadedFile

from articles import fetch, ingest, jobs, search, sharing, trash
from articles.api.auth import ApiRequest
from articles.api.http import etag, if_match, if_none_match, page_params, paged, paginate
from articles.api.problems import Problem, forbidden, invalid, not_found
from articles.errors import IngestError
from articles.library import Filters
from articles.models import Article, ArticleVersion, FetchJob, LibraryView
from articles.permissions import (
    article_for,
    job_for,
    may_delete_article,
)

router = Router()
jobs_router = Router()


class ArticleOut(Schema):
    id: int
    url: str
    annotations: str
    title: str
    byline: str
    site_name: str
    source_url: str
    language: str
    kind: str
    summary: str
    published_at: dt.datetime | None
    added_at: dt.datetime
    added_by: str | None
    word_count: int
    reading_minutes: int
    labels: list[str]
    read: bool
    favourite: bool
    archived: bool


class VersionOut(Schema):
    id: int
    title: str
    replaced_at: dt.datetime
    url: str


class ArticleDetail(ArticleOut):
    body_text: str
    text_changed_at: dt.datetime | None
    versions: list[VersionOut]


class ArticleIn(Schema):
    """One of `url` (fetched in the background: 202 with the job), `text` (plain text or
    Markdown-ish prose, as pasted) or `html` (a page or a fragment)."""

    url: str = ""
    text: str = ""
    html: str = ""
    title: str = ""


class JobOut(Schema):
    id: int
    url: str
    status: str
    error: str
    attempts: int
    article: int | None
    created_at: dt.datetime


class Deleted(Schema):
    detail: str


def article_etag(article: Article) -> str:
    return etag("article", article.pk, article.updated_at)


def _absolute(request: ApiRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _out(request: ApiRequest, article: Article) -> dict[str, Any]:
    return {
        "id": article.pk,
        "url": _absolute(request, article.get_absolute_url()),
        "annotations": _absolute(request, reverse("annotation_container", args=[article.pk])),
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "source_url": article.source_url,
        "language": article.language,
        "kind": article.kind,
        "summary": article.summary,
        "published_at": article.published_at,
        "added_at": article.created_at,
        "added_by": sharing.public_name(article.added_by) if article.added_by else None,
        "word_count": article.word_count,
        "reading_minutes": article.reading_minutes,
        "labels": [label.name for label in article.labels.all()],
        "read": bool(getattr(article, "is_read", False)),
        "favourite": bool(getattr(article, "is_favourite", False)),
        "archived": bool(getattr(article, "is_archived", False)),
    }


def _service_link(request: ApiRequest, article: Article) -> str:
    container = _absolute(request, reverse("annotation_container", args=[article.pk]))
    return f'<{container}>; rel="http://www.w3.org/ns/oa#annotationService"'


@router.get("", response=list[ArticleOut], summary="List articles")
def list_articles(
    request: ApiRequest,
    response: HttpResponse,
    view: str = LibraryView.ALL,
    label: int | None = None,
    q: str = "",
) -> list[dict[str, Any]]:
    """The library as the caller sees it: `view` (all, unread, favourites, archived,
    review) and `label` (a label's id), newest first; or, with `q`, the articles a search
    finds (the search box's language, qualifiers included), best first."""
    user = request.user
    if view not in LibraryView.values:
        raise invalid(f"view must be one of {', '.join(LibraryView.values)}.")
    if q.strip():
        return _searched(request, response, q)
    params = {"view": view, "label": "" if label is None else str(label)}
    filters = Filters.parse(params)
    if filters.label_missing:
        raise not_found("There is no such label.")
    found = filters.articles(user).select_related("added_by__profile")
    page = paginate(request, found)
    paged(request, response, page)
    return [_out(request, article) for article in page.items]


def _searched(request: ApiRequest, response: HttpResponse, q: str) -> list[dict[str, Any]]:
    number, _ = page_params(request)
    result = search.run(request.user, q, number)
    ids = [r.obj.pk for r in result.results if r.kind == "article"]
    found = {
        a.pk: a
        for a in Article.objects.filter(pk__in=ids)
        .defer("body_html", "body_text")
        .with_state(request.user)
        .with_labels()
        .select_related("added_by__profile")
    }
    response["X-Total-Count"] = str(result.counts.get("article", 0))
    return [_out(request, found[pk]) for pk in ids if pk in found]


@router.post(
    "",
    response={201: ArticleOut, 200: ArticleOut, 202: JobOut},
    summary="Add an article",
)
def add_article(request: ApiRequest, response: HttpResponse, data: ArticleIn) -> Any:
    """From `url`: a fetch job (202, poll `/jobs/{id}`; 200 with the article when the
    address is already in the library). From `text` or `html`: the article at once (201;
    200 when the same text is already there)."""
    given = [name for name in ("url", "text", "html") if getattr(data, name).strip()]
    if len(given) != 1:
        raise invalid("Send exactly one of url, text or html.")
    if data.url.strip():
        try:
            job = jobs.submit(data.url.strip(), request.user)
        except fetch.FetchError as exc:
            raise invalid(str(exc)) from None
        if job.status == FetchJob.Status.DONE and job.article_id:
            article = _loaded(request, job.article_id)
            response["Location"] = _absolute(request, reverse("api:get_article", args=[article.pk]))
            return Status(200, _out(request, article))
        response["Location"] = _absolute(request, reverse("api:get_job", args=[job.pk]))
        return Status(202, _job_out(job))
    raw = data.html if data.html.strip() else data.text
    try:
        ingest.check_size(len(raw.encode("utf-8", "surrogatepass")))
    except IngestError as exc:
        raise Problem(413, "too-large", "Too large", str(exc)) from None
    try:
        doc = ingest.prepare(raw, filename="pasted.html" if data.html.strip() else "")
        if data.title.strip():
            doc = dataclasses.replace(doc, title=" ".join(data.title.split())[:500])
        result = ingest.save(doc, request.user)
    except IngestError as exc:
        raise Problem(400, "not-an-article", "Not an article", str(exc)) from None
    return _made(request, response, result)


@router.post(
    "/file",
    response={201: ArticleOut, 200: ArticleOut},
    summary="Add an article from a file",
)
def add_article_file(
    request: ApiRequest,
    response: HttpResponse,
    file: File[UploadedFile],
    title: Form[str] = "",
) -> Any:
    """A file sent as multipart form data (`file`, and optionally `title`): plain text,
    Markdown, HTML or a PDF, read as the library's upload reads it. 201 with the article;
    200 when the same text is already there. A PDF keeps its pages and the file itself
    (downloaded from the reader); a scanned, encrypted or damaged one is refused (400)
    and nothing is kept."""
    try:
        ingest.check_size(file.size or 0)
    except IngestError as exc:
        raise Problem(413, "too-large", "Too large", str(exc)) from None
    try:
        doc = ingest.prepare(file.read(), filename=file.name or "")
        if title.strip():
            doc = dataclasses.replace(doc, title=" ".join(title.split())[:500])
        result = ingest.save(doc, request.user)
    except IngestError as exc:
        raise Problem(400, "not-an-article", "Not an article", str(exc)) from None
    return _made(request, response, result)


def _made(request: ApiRequest, response: HttpResponse, result: ingest.IngestResult) -> Any:
    article = _loaded(request, result.article.pk)
    response["Location"] = _absolute(request, reverse("api:get_article", args=[article.pk]))
    response["ETag"] = article_etag(article)
    return Status((200 if result.duplicate else 201), _out(request, article))


def _loaded(request: ApiRequest, pk: int) -> Article:
    article = (
        Article.objects.with_state(request.user)
        .with_labels()
        .select_related("added_by__profile")
        .filter(pk=pk)
        .first()
    )
    if article is None:
        raise not_found()
    return article


@router.get("/{pk}", response=ArticleDetail, summary="Get an article", url_name="get_article")
def get_article(request: ApiRequest, response: HttpResponse, pk: int) -> Any:
    """The article's metadata, its current `body_text` (the text annotations' offsets
    count in), and its stored earlier versions."""
    article_for(request, pk)
    article = _loaded(request, pk)
    tag = article_etag(article)
    response["ETag"] = tag
    response["Link"] = _service_link(request, article)
    if if_none_match(request, tag):
        return HttpResponse(status=304, headers={"ETag": tag})
    versions = ArticleVersion.objects.filter(article=article).only("pk", "title", "replaced_at")
    return {
        **_out(request, article),
        "body_text": article.body_text,
        "text_changed_at": article.text_changed_at,
        "versions": [
            {
                "id": v.pk,
                "title": v.title,
                "replaced_at": v.replaced_at,
                "url": _absolute(request, reverse("article_version", args=[article.pk, v.pk])),
            }
            for v in versions
        ],
    }


@router.delete("/{pk}", response=Deleted, summary="Move an article to the trash")
def delete_article(request: ApiRequest, pk: int) -> dict[str, str]:
    """For the person who added it and administrators, as on the page. It stays in the
    trash for the usual days, with its annotations, and can be restored there."""
    with transaction.atomic():
        article = Article.objects.select_for_update().filter(pk=pk).first()
        if article is None:
            raise not_found()
        if not may_delete_article(request.user, article):
            raise forbidden(
                "Only the person who added this article, or an administrator, may delete it."
            )
        if_match(request, article_etag(article))
        trash.move_to_trash(article, request.user)
    return {"detail": f"Moved to the trash for {Article.TRASH_DAYS} days."}


def _job_out(job: FetchJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "url": job.url,
        "status": job.status,
        "error": job.error,
        "attempts": job.attempts,
        "article": job.article_id,
        "created_at": job.created_at,
    }


@jobs_router.get("/{pk}", response=JobOut, summary="Get a fetch job", url_name="get_job")
def get_job(request: ApiRequest, pk: int) -> dict[str, Any]:
    """A web address being fetched: `status` pending, running, done (then `article` is
    its id) or failed (`error` says why)."""
    return _job_out(job_for(request, pk))
