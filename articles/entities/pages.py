"""What the entity page shows: mentions grouped by article with their sentences, counts,
first and last seen, and the entities that appear in the same articles.

Every query goes through `permissions.visible_annotations(user)`: a private mention of
someone else is neither listed nor counted. The sentence around a mention is cut from a
window of the article's text fetched by the database (`Substr`), so the page never loads
whole articles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import models
from django.db.models.functions import Coalesce, Greatest, Lower, Substr

from articles.models import Annotation, Article, Entity
from articles.permissions import visible_annotations, visible_entities
from articles.sharing import public_name

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User
    from django.core.paginator import Page

    from articles.models import AnnotationQuerySet

WINDOW = 320  # characters of context fetched on each side of a mention
_BOUNDARY = re.compile(r"(?:[.!?…][\"”’)\]]*\s+)|\n")


@dataclass(frozen=True, slots=True)
class Sentence:
    before: str
    mention: str
    after: str


@dataclass
class ArticleMentions:
    article: Article
    mentions: list[tuple[Annotation, Sentence]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Stats:
    mentions: int
    articles: int
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None


def sentence_around(window: str, start: int, end: int) -> Sentence:
    """The sentence of `window` holding window[start:end], ellipsised when cut short."""
    before = window[:start]
    cut = 0
    for match in _BOUNDARY.finditer(before):
        cut = match.end()
    head = before[cut:]
    if cut == 0 and len(before) >= WINDOW:
        head = "…" + head.lstrip()
    after = window[end:]
    stop = _BOUNDARY.search(after)
    tail = after[: stop.start() + 1].rstrip() if stop else after
    if not stop and len(after) >= WINDOW:
        tail = tail.rstrip() + "…"
    return Sentence(head.lstrip(), window[start:end], tail.rstrip("\n"))


def visible_mentions(entity: Entity, user: User) -> AnnotationQuerySet[Annotation]:
    return visible_annotations(user).filter(entity=entity)


def _article_date() -> Coalesce:
    return Coalesce("published_at", "created_at")


def articles_page(entity: Entity, user: User) -> models.QuerySet[Article]:
    """The articles that mention the entity (for this viewer), newest first."""
    return (
        Article.objects.filter(
            models.Exists(visible_mentions(entity, user).filter(article=models.OuterRef("pk")))
        )
        .only("pk", "title", "site_name", "published_at", "created_at")
        .annotate(date=_article_date())
        .order_by("-date", "-pk")
    )


def mentions_by_article(entity: Entity, user: User, page: Page[Article]) -> list[ArticleMentions]:
    """The page's articles with each mention and its sentence, in text order (1 query)."""
    groups = {article.pk: ArticleMentions(article) for article in page.object_list}
    mentions = (
        visible_mentions(entity, user)
        .filter(article__in=list(groups))
        .select_related("author__profile")
        .annotate(
            window_from=Greatest(models.F("start") - WINDOW, 0),
            window=Substr(
                "article__body_text",
                Greatest(models.F("start") - WINDOW, 0) + 1,
                models.F("end") - Greatest(models.F("start") - WINDOW, 0) + WINDOW,
            ),
        )
        .in_text_order()
    )
    for mention in mentions:
        if mention.start is None or mention.end is None or mention.is_orphaned:
            # Outside the body, or its passage is gone: the words it was made on.
            sentence = Sentence("", mention.exact, "")
        else:
            offset = mention.start - mention.window_from
            length = mention.end - mention.start
            sentence = sentence_around(mention.window, offset, offset + length)
        group = groups[mention.article_id]
        mention.article = group.article  # for its URL, without a query per mention
        mention.author_name = public_name(mention.author)
        group.mentions.append((mention, sentence))
    return list(groups.values())


def stats(entity: Entity, user: User) -> Stats:
    found = visible_mentions(entity, user).aggregate(
        mentions=models.Count("pk"),
        articles=models.Count("article", distinct=True),
        first=models.Min(Coalesce("article__published_at", "article__created_at")),
        last=models.Max(Coalesce("article__published_at", "article__created_at")),
    )
    return Stats(found["mentions"], found["articles"], found["first"], found["last"])


def co_occurring(entity: Entity, user: User, limit: int = 10) -> list[Entity]:
    """Entities mentioned in the most articles that also mention this one (`shared`)."""
    articles = visible_mentions(entity, user).values("article")
    nearby = visible_annotations(user).filter(article__in=articles)
    return list(
        visible_entities(user)
        .exclude(pk=entity.pk)
        .filter(mentions__in=nearby)
        .annotate(shared=models.Count("mentions__article", distinct=True))
        .order_by("-shared", Lower("name"))[:limit]
    )
