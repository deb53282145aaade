"""What one export holds: which articles, in which order, and the annotations on them.

A selection is made by one of the `of_*` functions, each reusing the query of the page it
exports from: the library's `Filters.articles`, search's own `Plan`, the entity page's
visible mentions. Its annotations are always `permissions.visible_annotations(user)`,
narrowed (a search keeps the highlights and notes it found) but never widened.

`items` reads the articles in batches: one query for the articles, one for their labels
and one for their annotations per batch, whatever the number of annotations.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.text import slugify

from articles import search
from articles.exports import ExportError
from articles.library import Filters, label_named
from articles.models import Annotation, Article, ArticleLabel, LibraryView
from articles.permissions import visible_annotations
from articles.search import limits
from articles.search.plan import Plan

if TYPE_CHECKING:
    from collections.abc import Iterator

    from django.contrib.auth.models import User
    from django.db.models import QuerySet

    from articles.models import AnnotationQuerySet, Entity

BATCH = 100


@dataclass(frozen=True)
class Selection:
    """The articles of one export, in order, and the annotations it may hold on them."""

    user: User
    name: str  # the file name's stem: "harbour-strike", "label-ukraine", "library"
    title: str  # what it is, for people: "Articles labelled “Ukraine”"
    article_ids: list[int]
    annotations: AnnotationQuerySet[Annotation]
    single: bool = False  # one article, asked for as such

    @property
    def is_empty(self) -> bool:
        return not self.article_ids


@dataclass
class Item:
    """One article of an export, with its labels and the annotations exported with it
    (in text order: page notes and mentions by the title first)."""

    article: Article
    labels: list[str] = field(default_factory=list)
    annotations: list[Annotation] = field(default_factory=list)

    @property
    def entities(self) -> list[str]:
        """The names of the entities its exported mentions name, in text order, once."""
        names: dict[str, None] = {}
        for annotation in self.annotations:
            if annotation.entity is not None:
                names.setdefault(annotation.entity.name, None)
        return list(names)


def items(selection: Selection, batch: int = BATCH) -> Iterator[Item]:
    """Every article of `selection` (those deleted meanwhile left out), in order."""
    ids = iter(selection.article_ids)
    while chunk := list(itertools.islice(ids, batch)):
        articles = Article.objects.defer("body_html", "body_text").in_bulk(chunk)
        found: dict[int, Item] = {pk: Item(articles[pk]) for pk in chunk if pk in articles}
        links = (
            ArticleLabel.objects.filter(article_id__in=found)
            .order_by(Lower("label__name"), "label_id")
            .values_list("article_id", "label__name")
        )
        for article_id, name in links:
            found[article_id].labels.append(name)
        annotations = (
            selection.annotations.filter(article_id__in=found)
            .select_related("author__profile", "group", "entity")
            .in_text_order()
        )
        for annotation in annotations:
            item = found[annotation.article_id]
            annotation.article = item.article  # one article object, not one per annotation
            item.annotations.append(annotation)
        yield from found.values()


def _ids(articles: QuerySet[Article]) -> list[int]:
    # The library's query prefetches labels, which a list of ids has no use for.
    return list(articles.prefetch_related(None).values_list("pk", flat=True))


def of_article(user: User, article: Article) -> Selection:
    return Selection(
        user=user,
        name=article.slug,
        title=article.title,
        article_ids=[article.pk],
        annotations=visible_annotations(user),
        single=True,
    )


def of_everything(user: User) -> Selection:
    """Every article of the library, archived ones too, newest first."""
    return Selection(
        user=user,
        name="library",
        title="The whole library",
        article_ids=_ids(Article.objects.order_by("-created_at", "-id")),
        annotations=visible_annotations(user),
    )


def of_library(user: User, filters: Filters) -> Selection:
    """What the library page lists with these filters (every page of it)."""
    view = dict(LibraryView.choices)[filters.view]
    title = "The library" if filters.view == LibraryView.ALL else f"The library: {view}"
    name = "library" if filters.view == LibraryView.ALL else f"library-{filters.view}"
    if filters.label is not None:
        title += f", labelled “{filters.label.name}”"
        name += f"-{_stem(filters.label.name)}"
    return Selection(
        user=user,
        name=name,
        title=title,
        article_ids=_ids(filters.articles(user)),
        annotations=visible_annotations(user),
    )


def of_label(user: User, name: str) -> Selection:
    """Every article carrying the label called `name` (ignoring case), archived or not."""
    label = label_named(" ".join(name.split()))
    if label is None:
        raise ExportError(f"There is no label called “{name}”.")
    return Selection(
        user=user,
        name=f"label-{_stem(label.name)}",
        title=f"Articles labelled “{label.name}”",
        article_ids=_ids(Article.objects.labelled(label).order_by("-created_at", "-id")),
        annotations=visible_annotations(user),
    )


def of_entity(user: User, entity: Entity) -> Selection:
    """The articles in which `user` sees a mention of `entity`, newest first, with every
    annotation they see on them."""
    visible = visible_annotations(user)
    mentioned = visible.filter(entity=entity).values("article_id")
    articles = Article.objects.filter(pk__in=mentioned).order_by("-created_at", "-id")
    return Selection(
        user=user,
        name=f"entity-{_stem(entity.name)}",
        title=f"Articles mentioning {entity.name}",
        article_ids=_ids(articles),
        annotations=visible,
    )


def of_search(user: User, raw: str) -> Selection:
    """What searching for `raw` lists (up to search's own caps), in its order: each
    article it found with every annotation `user` sees on it, and the articles of the
    highlights and notes it found with those only."""
    query = search.parse(raw)
    if query.is_empty:
        raise ExportError("Type what to search for: an empty search finds nothing to export.")
    visible = visible_annotations(user)
    plan = Plan(query, user)
    hits: list[tuple[str, int]] = []
    if not plan.nothing:
        for page in range(limits.MAX_PAGE):
            found = plan.execute(page * limits.PAGE_SIZE)["page"] or []
            hits.extend((hit["kind"], hit["id"]) for hit in found[: limits.PAGE_SIZE])
            if len(found) <= limits.PAGE_SIZE:
                break
    found_articles = {pk for kind, pk in hits if kind == "article"}
    found_annotations = [pk for kind, pk in hits if kind in {"highlight", "note"}]
    article_of = dict(visible.filter(pk__in=found_annotations).values_list("pk", "article_id"))
    order: dict[int, None] = {}
    for kind, pk in hits:
        if kind == "article":
            order.setdefault(pk, None)
        elif pk in article_of:
            order.setdefault(article_of[pk], None)
    live = set(Article.objects.filter(pk__in=order).values_list("pk", flat=True))
    return Selection(
        user=user,
        name="search",
        title=f"Search: {query.raw}",
        article_ids=[pk for pk in order if pk in live],
        annotations=visible.filter(Q(article_id__in=found_articles) | Q(pk__in=list(article_of))),
    )


def _stem(name: str) -> str:
    return slugify(name, allow_unicode=True)[:60] or "export"
