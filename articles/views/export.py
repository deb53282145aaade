"""Export views: an article's annotations, or one annotation, as W3C Web Annotation JSON-LD.

Read-only GETs; sign-in is required by LoginRequiredMiddleware. Objects come through
`articles.permissions`, so an export shows exactly what the reader page shows this user:
their own annotations and those shared with their groups. A hidden
annotation answers 404, like a missing one. The serialising is `articles.webannotation`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from articles import webannotation
from articles.permissions import annotation_for, article_for, visible_annotations

if TYPE_CHECKING:
    from django.http import HttpRequest

# The media type the Web Annotation Protocol asks for (section 4).
JSONLD_CONTENT_TYPE = f'application/ld+json; profile="{webannotation.CONTEXT}"'


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _jsonld(data: webannotation.JsonLd) -> JsonResponse:
    return JsonResponse(data, content_type=JSONLD_CONTENT_TYPE)


@require_GET
def article_annotations_jsonld(request: HttpRequest, pk: int) -> JsonResponse:
    article = article_for(request, pk)
    # page_to_jsonld names the article once, so only the authors are joined.
    annotations = (
        visible_annotations(request.user)
        .filter(article=article)
        .select_related("author__profile", "entity")
        .in_text_order()
    )
    return _jsonld(webannotation.page_to_jsonld(article, annotations, _base_url(request)))


@require_GET
def annotation_jsonld(request: HttpRequest, pk: int) -> JsonResponse:
    annotation = annotation_for(request, pk)
    return _jsonld(webannotation.annotation_to_jsonld(annotation, _base_url(request)))
