"""The reader page: the article with its marks, the annotation panel and the shelf; and
the original file an article was made from (a PDF), as a download."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from articles import library, reader, webannotation
from articles.models import SourceFile
from articles.permissions import article_for

if TYPE_CHECKING:
    from articles.views._shared import HtmxHttpRequest


@vary_on_headers("HX-Request")  # the panel's filters push URLs answered with the panel only
def reader_page(request: HtmxHttpRequest, pk: int, slug: str = "") -> HttpResponse:  # noqa: ARG001 - slug is decoration
    article = article_for(request, pk)
    context = {"article": article, "reader": reader.build(request.user, article, request.GET)}
    if request.htmx and request.htmx.target == "annotation-panel":
        return render(request, "articles/reader.html#annotation-panel", context)
    context.update(library.shelf(article, request.user))
    page = render(request, "articles/reader.html", context)
    # Discovery (Web Annotation Protocol §4.1): the article's annotation container.
    container = webannotation.container_iri(article, request.build_absolute_uri("/").rstrip("/"))
    page["Link"] = f'<{container}>; rel="http://www.w3.org/ns/oa#annotationService"'
    return page


@require_GET
def original(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The file the article was made from, byte for byte, as an attachment (never shown
    inline: a PDF can hold scripts and forms)."""
    article = article_for(request, pk)
    source = SourceFile.objects.filter(article=article).first()
    if source is None:
        raise Http404("This article was not made from a file.")
    response = HttpResponse(bytes(source.data), content_type=source.content_type)
    name = source.filename or f"{article.slug}.pdf"
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=name
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
