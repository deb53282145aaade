"""The "Save page" bookmarklet: its code, and saving what it sends.

The bookmarklet posts the page's address and its HTML as the browser has it (so pages
behind a sign-in or built by script are saved as the person sees them) to `/save/` in a
new tab, with the person's save token. The HTML goes through the same extraction and
sanitising as an upload; no request is made to the page's site.
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING
from urllib.parse import quote

from articles import fetch, ingest
from articles.errors import IngestError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

_TEMPLATE = (
    "(function(){var f=document.createElement('form');f.method='post';"
    "f.action=%(action)s;f.target='_blank';f.acceptCharset='utf-8';"
    "[['token',%(token)s],['url',location.href],"
    "['html',document.documentElement.outerHTML]].forEach(function(p){"
    "var i=document.createElement('input');i.type='hidden';i.name=p[0];i.value=p[1];"
    "f.appendChild(i);});document.body.appendChild(f);f.submit();f.remove();})();"
)


def script(origin: str, token: str) -> str:
    """The bookmarklet's JavaScript (without the javascript: scheme)."""
    return _TEMPLATE % {"action": json.dumps(f"{origin}/save/"), "token": json.dumps(token)}


def code(origin: str, token: str) -> str:
    """The href a person drags to their bookmarks bar."""
    return "javascript:" + quote(script(origin, token), safe="(){}[];,.='/:!*")


def save(url: str, html: str, user: User) -> ingest.IngestResult:
    fetch.check_url(url)
    if not html.strip():
        raise IngestError("The page sent no HTML.")
    doc = ingest.prepare(html, url=url)
    source = fetch.canonical_url(doc.source_url or url)
    return ingest.save(dataclasses.replace(doc, source_url=source), user)
