"""A search's answer: the page of results, the counts, and loading the page's rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch
from django.db.models.expressions import RawSQL

from articles.models import Annotation, Article
from articles.permissions import visible_annotations, visible_entities
from articles.search import limits, snippets
from articles.sharing import public_name

if TYPE_CHECKING:
    from articles.search.query import Query
    from articles.types import Viewer


@dataclass
class Result:
    kind: str  # article, highlight, note, entity
    rank: float
    obj: Any
    snippet: str = ""  # safe HTML: escaped text with <mark> around matched words
    note_snippet: str = ""
    url: str = ""
    color_label: str = ""


@dataclass
class SearchResult:
    query: Query
    page: int = 1
    results: list[Result] = field(default_factory=list)
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    facets: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    has_next: bool = False
    listed: int = 0  # matches that can be paged through: at most limits.HIT_CAP of each kind
    more: bool = False  # qualifiers only, and more than limits.HIT_CAP matches: total is a floor

    @property
    def pages(self) -> int:
        return max(1, -(-(self.listed or self.total) // limits.PAGE_SIZE))


def load(hits: list[dict[str, Any]], user: Viewer, query: Query) -> list[Result]:
    """The page's rows in rank order, each with its snippet and the link to its place."""
    ids: dict[str, list[int]] = {"article": [], "annotation": [], "entity": []}
    for hit in hits:
        ids["annotation" if hit["kind"] in {"highlight", "note"} else hit["kind"]].append(hit["id"])
    articles = (
        Article.objects.defer("body_html")
        .with_state(user)
        .with_labels()
        .annotate(
            search_config=RawSQL(
                "(SELECT search_config::text FROM articles_articlesearch "
                "WHERE article_id = articles_article.id)",
                (),
            )
        )
        .in_bulk(ids["article"])
        if ids["article"]
        else {}
    )
    annotations = (
        Annotation.objects.select_related("article", "author__profile", "group")
        .only(
            "id", "start", "end", "exact", "note", "note_html", "color", "group", "status",
            "created_at",
            "article__id", "article__title", "article__site_name", "article__language",
            "author__id", "author__username", "author__first_name", "author__last_name",
            "author__profile__id", "author__profile__display_name", "author__profile__initials",
            "group__name", "group__id",
        )
        .annotate(search_config=RawSQL("articles_annotation.search_config::text", ()))
        .in_bulk(ids["annotation"])
        if ids["annotation"]
        else {}
    )  # fmt: skip
    entities = (
        visible_entities(user)
        .with_mention_counts(visible_annotations(user))
        .prefetch_related(Prefetch("aliases"))
        .in_bulk(ids["entity"])
        if ids["entity"]
        else {}
    )
    for annotation in annotations.values():
        annotation.author_name = public_name(annotation.author)
    results = []
    for hit in hits:
        kind, pk = hit["kind"], hit["id"]
        obj = (
            articles.get(pk)
            if kind == "article"
            else entities.get(pk)
            if kind == "entity"
            else annotations.get(pk)
        )
        if obj is not None:  # deleted since the search ran
            results.append(Result(kind=kind, rank=hit["rank"], obj=obj))
    snippets.fill(results, query)
    return results
