"""Hypothesis-shaped search over the team's annotations, at `/api/hypothesis/search`.

A tool written for Hypothesis' API (v1 `GET /api/search`) can read Newsroom's annotations
here: the same parameters and the same JSON shape, `{"total": N, "rows": [...]}`. It
authenticates exactly like `/api/v1/` (`articles.api.auth.caller`: a personal token as
`Authorization: Bearer`, or the browser's session), answers errors as the API's problem
details, and finds only what `permissions.visible_annotations` lets the caller see.

Parameters (each filter may be repeated; all must hold):
- `uri` (or `url`): the article, by its reader URL (`/articles/<id>/...`, with or without
  this site's scheme and host) or its `source_url`. Several `uri` values mean any of them.
- `user`: the author, as a username or Hypothesis' `acct:username@host`.
- `group`: a group's id or name; `private` for the caller's own "Only me" annotations.
- `tag`: the name of the entity a mention identifies, or of a label on the annotation's
  article (ignoring case).
- `text`: words in the note (its Markdown source); `quote`: words in the quoted passage;
  `any`: in either.
- `limit` (0-200, default 20), `offset` (0-9800), `sort` (`created` or `updated`, the
  default) and `order` (`asc` or `desc`, the default). Anything else is a 400 problem.

Each row: `id`, `created`, `updated`, `user` (`acct:<username>@<host>`), `uri` (the
article's `source_url`, else its reader URL), `text` (the note's Markdown), `tags` (the
entity a mention names, then the article's labels), `group` (the group's id, or
`private`), `permissions`, `target` (a TextPositionSelector and a TextQuoteSelector on the
article's text; only the quote once the text changed under it; none for a page note),
`document.title`, `links` (`html`: the passage in the reader; `json`: the annotation in
`/api/v1/`). The page takes a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.contrib.auth.decorators import login_not_required
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import get_script_prefix, reverse
from django.views.decorators.http import require_GET

from articles import fetch
from articles.api import problems
from articles.api.auth import caller
from articles.api.problems import Problem, invalid
from articles.models import Annotation, Article, ArticleLabel, Label
from articles.parsing import parse_int
from articles.permissions import visible_annotations
from articles.sharing import public_name

if TYPE_CHECKING:
    from collections.abc import Callable

    from django.contrib.auth.models import User

    from articles.models import AnnotationQuerySet

DEFAULT_LIMIT = 20
MAX_LIMIT = 200
MAX_OFFSET = 9800  # Hypothesis' own bound: deeper pages are for `search_after`
MAX_URIS = 20
SORTS = {"created": "created_at", "updated": "updated_at"}
ORDERS = ("asc", "desc")
_PORT = re.compile(r":\d+$")


@login_not_required  # the API's own authentication runs in the view (`caller`)
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """Hypothesis' `/api/search`, over the annotations the caller may see."""
    try:
        user = caller(request)
        return JsonResponse(_search(request, user), json_dumps_params={"ensure_ascii": False})
    except Problem as exc:
        return problems.response(request, exc)


def _number(request: HttpRequest, name: str, default: int, maximum: int) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    value = parse_int(raw, minimum=0, maximum=maximum)
    if value is None:
        raise invalid(f"{name} is a whole number from 0 to {maximum}, not {raw[:20]!r}.")
    return value


def _choice(request: HttpRequest, name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = request.GET.get(name, default)
    if value not in allowed:
        raise invalid(f"{name} is one of {', '.join(allowed)}, not {value[:20]!r}.")
    return value


def _search(request: HttpRequest, user: User) -> dict[str, Any]:
    limit = _number(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    offset = _number(request, "offset", 0, MAX_OFFSET)
    sort = SORTS[_choice(request, "sort", "updated", tuple(SORTS))]
    order = _choice(request, "order", "desc", ORDERS)
    found = visible_annotations(user).filter(_conditions(request))
    total = found.count()
    rows: list[Annotation] = []
    if limit:
        direction = "" if order == "asc" else "-"
        rows = list(
            _loaded(found).order_by(f"{direction}{sort}", f"{direction}id")[offset : offset + limit]
        )
    host = _PORT.sub("", request.get_host())
    return {"total": total, "rows": [_row(request, a, host) for a in rows]}


def _loaded(found: AnnotationQuerySet[Annotation]) -> AnnotationQuerySet[Annotation]:
    """Everything a row shows, in a fixed number of queries."""
    return (
        found.select_related("article", "author__profile", "group", "entity")
        .defer("article__body_html", "article__body_text", "note_html")
        .prefetch_related(
            Prefetch("article__labels", queryset=Label.objects.order_by("name", "pk"))
        )
    )


def _given(request: HttpRequest, *names: str) -> list[str]:
    """The non-blank values of the parameters `names`, stripped."""
    values = (v.strip() for name in names for v in request.GET.getlist(name))
    return [v for v in values if v]


def _author(value: str) -> Q:
    name = value.removeprefix("acct:").rsplit("@", 1)[0] if value.startswith("acct:") else value
    # A username shaped like an address is shown by its part before the "@".
    return Q(author__username__iexact=name) | Q(author__username__istartswith=name + "@")


def _group(value: str) -> Q:
    if value == "private":
        return Q(group__isnull=True)
    pk = parse_int(value)
    return Q(group_id=pk) if pk is not None else Q(group__name__iexact=value)


def _tag(value: str) -> Q:
    tag = " ".join(value.split())
    labelled = ArticleLabel.objects.filter(
        article_id=OuterRef("article_id"), label__name__iexact=tag
    )
    return Q(entity__name__iexact=tag) | Q(Exists(labelled))


FILTERS: dict[str, Callable[[str], Q]] = {
    "user": _author,
    "group": _group,
    "tag": _tag,
    "text": lambda words: Q(note__icontains=words),
    "quote": lambda words: Q(exact__icontains=words),
    "any": lambda words: Q(note__icontains=words) | Q(exact__icontains=words),
}


def _conditions(request: HttpRequest) -> Q:
    """Every filter sent, each repetition too: all must hold."""
    wanted = Q()
    if uris := _given(request, "uri", "url"):
        wanted &= Q(article_id__in=_articles(request, uris))
    for name, condition in FILTERS.items():
        for value in _given(request, name):
            wanted &= condition(value)
    return wanted


def _articles(request: HttpRequest, uris: list[str]) -> set[int]:
    """The articles the `uri` values name: by reader URL, or by source URL."""
    if len(uris) > MAX_URIS:
        raise invalid(f"Send at most {MAX_URIS} uri values.")
    reader = re.compile(rf"^{re.escape(get_script_prefix())}articles/([0-9]{{1,18}})(?:/|$)")
    ids: set[int] = set()
    sources: set[str] = set()
    for uri in (" ".join(u.split()) for u in uris):
        sources.add(uri)
        try:
            sources.add(fetch.canonical_url(uri))
            parts = urlsplit(uri)
        except ValueError:
            continue
        ours = not parts.netloc or parts.netloc == request.get_host()
        if ours and (match := reader.match(parts.path)):
            ids.add(int(match.group(1)))
    ids.update(Article.objects.filter(source_url__in=sources).values_list("pk", flat=True))
    return ids


def _time(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _acct(who: User, host: str) -> str:
    username = who.get_username().split("@", 1)[0] or f"member-{who.pk}"
    return f"acct:{username}@{host}"


def _selectors(annotation: Annotation) -> list[dict[str, Any]]:
    if not annotation.exact:
        return []  # a page note: about the whole article
    quote = {
        "type": "TextQuoteSelector",
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
    }
    if annotation.start is None or annotation.is_orphaned:
        return [quote]
    position = {"type": "TextPositionSelector", "start": annotation.start, "end": annotation.end}
    return [position, quote]


def _row(request: HttpRequest, annotation: Annotation, host: str) -> dict[str, Any]:
    article = annotation.article
    reader = request.build_absolute_uri(article.get_absolute_url())
    uri = article.source_url or reader
    author = _acct(annotation.author, host)
    tags = [annotation.entity.name] if annotation.entity is not None else []
    tags += [label.name for label in article.labels.all() if label.name not in tags]
    audience = f"group:{annotation.group_id}" if annotation.group_id is not None else author
    target: dict[str, Any] = {"source": uri}
    if selectors := _selectors(annotation):
        target["selector"] = selectors
    return {
        "id": str(annotation.pk),
        "created": _time(annotation.created_at),
        "updated": _time(annotation.updated_at or annotation.created_at),
        "user": author,
        "user_info": {"display_name": public_name(annotation.author)},
        "uri": uri,
        "text": annotation.note,
        "tags": tags,
        "group": "private" if annotation.group_id is None else str(annotation.group_id),
        "permissions": {
            "read": [audience],
            "update": [author],
            "delete": [author],
            "admin": [author],
        },
        "target": [target],
        "document": {"title": [article.title]},
        "links": {
            "html": f"{reader}#annotation-{annotation.pk}",
            "incontext": f"{reader}#annotation-{annotation.pk}",
            "json": request.build_absolute_uri(reverse("api:get_annotation", args=[annotation.pk])),
        },
        "references": [],
        "hidden": False,
        "flagged": False,
    }
