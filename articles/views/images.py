"""Article images as Newsroom keeps them (`articles.images`), for the reader, the share
page and the versions page.

Open without signing in: the address is a signed capability, handed out only in pages
the visitor may read (a signed-out visitor's share page included). The bytes never
change under an address (it names their hash), so browsers may keep them for a year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_not_required
from django.http import FileResponse, Http404
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET

from articles import images
from articles.models.images import image_storage

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponseBase

CACHE_FOREVER = "public, max-age=31536000, immutable"


@login_not_required
@require_GET
def article_image(request: HttpRequest, signature: str, filename: str) -> HttpResponseBase:
    found = images.stored(signature, filename)
    if found is None:
        raise Http404("No such image.")
    sha256, content_type = found
    etag = f'"{sha256}"'
    response: HttpResponseBase | None = get_conditional_response(request, etag=etag)
    if response is None:
        try:
            stream = image_storage().open(filename, "rb")
        except FileNotFoundError:
            raise Http404("No such image.") from None
        response = FileResponse(stream, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_FOREVER
    response["X-Content-Type-Options"] = "nosniff"
    return response
