"""The reader page: the article with its marks, the annotation panel and the shelf."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from articles import library, reader, webannotation
from articles.permissions import article_for

if TYPE_CHECKING:
    from django.http import HttpResponse

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
