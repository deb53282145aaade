"""Downloads: an article, the library (a view, a label), a search, an entity's articles, as
Markdown, CSV or JSON-LD; and the full backup, for administrators.

- `GET /export/?format=markdown&article=5`: the scope is `article=`, `entity=`, `q=` (a
  search, as typed in the box) or else the library's own `view=` and `label=`; the
  format is `markdown` (one article: a .md file; several: a ZIP of them), `csv` or
  `jsonld`. Without a format (or with an unknown one, answered 400) it is a page that
  says what the export holds and offers the formats.
- `GET /export/backup/`: the full backup ZIP; 403 for anyone but an administrator.

What an export holds is decided by `articles.exports.selection` and
`articles.permissions`: exactly what the person sees. A missing article or entity
answers 404, like everywhere. Each download is written into a temporary file first and
then streamed from it (`FileResponse`, `Content-Disposition: attachment`), so a large
library costs disk, not memory. The JSON-LD views of one article or annotation
(`articles.views.export`) stay where they were.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from articles import permissions
from articles.exports import FORMATS, ZIP_TYPE, ExportError, backup, jsonld, markdown, selection
from articles.exports import csv as csv_export
from articles.library import Filters
from articles.parsing import parse_int
from articles.permissions import article_for, entity_for

if TYPE_CHECKING:
    from articles.exports.selection import Selection
    from articles.views._shared import HtmxHttpRequest


def _scope(request: HtmxHttpRequest) -> Selection:
    params = request.GET
    user = request.user
    if "article" in params:
        pk = parse_int(params["article"])
        if pk is None:
            raise Http404("No such article.")
        return selection.of_article(user, article_for(request, pk))
    if "entity" in params:
        pk = parse_int(params["entity"])
        if pk is None:
            raise Http404("No such entity.")
        return selection.of_entity(user, entity_for(request, pk))
    if "q" in params:
        return selection.of_search(user, params["q"])
    return selection.of_library(user, Filters.parse(params))


def _scope_query(request: HtmxHttpRequest) -> str:
    """The request's query without its format: the scope, for the page's links."""
    params = request.GET.copy()
    params.pop("format", None)
    return params.urlencode()


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")


def _page(request: HtmxHttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    context = {
        "formats": [(key, name) for key, (name, _ext, _type) in FORMATS.items()],
        "scope_query": _scope_query(request),
        "may_back_up": permissions.may_back_up(request.user),
        **context,
    }
    return render(request, "articles/export.html", context, status=status)


@require_GET
def export(request: HtmxHttpRequest) -> HttpResponseBase:
    try:
        chosen = _scope(request)
    except ExportError as exc:
        return _page(request, {"error": str(exc)}, status=400)
    fmt = request.GET.get("format", "")
    if fmt not in FORMATS:
        error = f"There is no export format “{fmt[:40]}”: choose one below." if fmt else ""
        return _page(request, {"selection": chosen, "error": error}, status=400 if fmt else 200)
    base_url = request.build_absolute_uri("/").rstrip("/")
    _name, ext, content_type = FORMATS[fmt]
    stem = f"{chosen.name}-annotations" if chosen.single else f"newsroom-{chosen.name}-{_stamp()}"
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    if fmt == "markdown":
        if chosen.single:
            item = next(selection.items(chosen), None)
            if item is None:  # deleted while the request ran
                raise Http404("No such article.")
            markdown.write_one(item, base_url, spool)
            stem = chosen.name
        else:
            markdown.write_zip(chosen, base_url, spool)
            ext, content_type = "zip", ZIP_TYPE
    elif fmt == "csv":
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="", write_through=True)
        csv_export.write(chosen, base_url, text)
        text.detach()
    else:
        # The collection is the address it was asked at, its query re-encoded from what
        # Django decoded (a browser's raw UTF-8 would otherwise be encoded twice).
        collection_id = f"{base_url}{request.path}?{request.GET.urlencode()}"
        jsonld.write(chosen, base_url, collection_id, spool)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"{stem}.{ext}", content_type=content_type
    )


@require_GET
def export_backup(request: HtmxHttpRequest) -> FileResponse:
    if not permissions.may_back_up(request.user):
        raise PermissionDenied("Only an administrator may download the full backup.")
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it when sent
    backup.write(spool)
    spool.seek(0)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return FileResponse(
        spool, as_attachment=True, filename=f"newsroom-backup-{stamp}.zip", content_type=ZIP_TYPE
    )


urlpatterns = [
    path("export/", export, name="export"),
    path("export/backup/", export_backup, name="export_backup"),
]
