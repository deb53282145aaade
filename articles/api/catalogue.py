"""Entities, labels, feeds and search: the team's catalogue, with the pages' rules.

- **Entities** (the gazetteer): list (`kind`, `q` a prefix of the name or an alias), read
  (aliases, Wikidata id, and the mentions the caller may see), change (name, kind,
  description, Wikidata id, aliases added and removed, in one transaction), merge into
  another, delete. Every member sees and edits the team's entities (and their own private
  ones); merging and deleting are for the entity's creator and staff.
- **Labels** are the team's: list with article counts, read, rename, delete; put a label on
  an article (creating it when new) and take it off, at `/articles/{pk}/labels`.
- **Feeds** are the team's: list, subscribe, read, poll now; changing the interval and
  unsubscribing are for the person who added the feed, and staff.
- **Search** runs the search box's query language, qualifiers included, and finds what the
  search page would find for the caller.

Who may do what is only `articles.permissions`; the writes are the domain functions the
pages call (`articles.entities.curation`, `articles.library`, `articles.feeds`). Changes
check `If-Match` (when sent) against the current ETag on the locked row: 412 when someone
changed the object meanwhile.
"""

import datetime as dt
import hashlib
import re
from html import unescape
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.http import HttpResponse  # Ninja reads the hints at run time
from django.urls import reverse
from ninja import Field, Router, Schema, Status

from articles import feeds, fetch, library, search, sharing
from articles.api.auth import ApiRequest
from articles.api.http import (
    PER_PAGE,
    Page,
    etag,
    if_match,
    if_none_match,
    page_params,
    paged,
    paginate,
)
from articles.api.problems import Problem, invalid, not_found
from articles.entities import curation
from articles.errors import EntityError
from articles.forms import MAX_INTERVAL_MINUTES, FeedForm, IntervalForm
from articles.library import LabelError
from articles.models import Annotation, ArticleLabel, Entity, EntityAlias, Feed, FetchJob, Label
from articles.parsing import parse_int
from articles.permissions import (
    article_for,
    entity_for,
    feed_for,
    label_for,
    may_change_feed,
    may_merge_entity,
    visible_annotations,
    visible_entities,
)
from articles.search import limits
from articles.search.query import KINDS

router = Router()

MENTIONS_SHOWN = 100  # the newest mentions an entity's own answer embeds; the rest are paged


# Schemas -------------------------------------------------------------------------------


class Deleted(Schema):
    detail: str


class AliasOut(Schema):
    id: int
    name: str


class EntityOut(Schema):
    id: int
    name: str
    kind: str
    description: str
    wikidata_id: str
    wikidata_url: str
    aliases: list[AliasOut]
    mention_count: int = Field(description="The mentions of it you may see.")
    private: bool = Field(
        description="Made for a private mention of yours: nobody else sees it until one of "
        "its mentions is shared."
    )
    may_merge: bool = Field(description="Whether you may merge or delete it.")
    url: str = Field(description="The entity's page.")
    created_at: dt.datetime
    updated_at: dt.datetime


class MentionOut(Schema):
    id: int = Field(description="The mention's annotation id (`/annotations/{id}`).")
    article: int
    article_title: str
    exact: str = Field(description="The words of the article it stands on.")
    url: str = Field(description="The passage in the reader.")
    created_at: dt.datetime


class EntityDetail(EntityOut):
    mentions: list[MentionOut] = Field(
        description=f"The newest {MENTIONS_SHOWN} mentions you may see; all of them, paged, "
        "at `/entities/{id}/mentions`."
    )


class EntityChange(Schema):
    """What to change; anything left out stays as it is. Aliases are removed (by name,
    ignoring case) before the new ones are added."""

    name: str | None = None
    kind: str | None = Field(None, description=f"One of {', '.join(Entity.Kind.values)}.")
    description: str | None = None
    wikidata_id: str | None = Field(
        None, description='A Wikidata item, "Q42" or its URL; "" removes it.'
    )
    add_aliases: list[str] = Field(default_factory=list)
    remove_aliases: list[str] = Field(default_factory=list)


class MergeIn(Schema):
    into: int = Field(description="The id of the entity that takes in this one's mentions.")


class LabelOut(Schema):
    id: int
    name: str
    article_count: int = Field(description="Articles carrying it (not counting the trash).")
    url: str = Field(description="The library filtered by this label.")


class LabelName(Schema):
    name: str = Field(description="1-50 characters; an existing label's name (any case) reuses it.")


class FeedOut(Schema):
    id: int
    url: str
    title: str
    site_url: str
    interval_minutes: int
    last_polled_at: dt.datetime | None
    next_poll_at: dt.datetime
    last_status: str
    last_error: str
    last_new_items: int
    total_items: int
    failed_fetches: int = Field(description="Items of the feed whose fetch failed.")
    added_by: str | None
    created_at: dt.datetime
    may_change: bool = Field(description="Whether you may change the interval or unsubscribe.")


class FeedIn(Schema):
    url: str = Field(description="The RSS or Atom feed's address (https:// is assumed).")
    interval_minutes: int | None = Field(
        None, description=f"How often to check, 1 to {MAX_INTERVAL_MINUTES} minutes."
    )


class FeedChange(Schema):
    interval_minutes: int = Field(description=f"1 to {MAX_INTERVAL_MINUTES} minutes.")


class Polling(Schema):
    detail: str


class SearchHit(Schema):
    kind: str = Field(description="article, highlight, note (a page note) or entity.")
    id: int = Field(description="The article's, annotation's or entity's id.")
    article: int | None = Field(description="The article it is in (None for an entity).")
    title: str = Field(description="The article's title, or the entity's name.")
    exact: str = Field(description="An annotation's quoted words.")
    snippet: str = Field(description="The excerpt around the matched words, as plain text.")
    note_snippet: str = Field(description="An annotation's note around the matched words.")
    url: str = Field(description="Where the result is in the reader (or the entity's page).")
    rank: float


class SearchOut(Schema):
    q: str
    page: int
    pages: int
    has_next: bool
    total: int = Field(description="Every match, of every kind.")
    more: bool = Field(description="More than the search counts: `total` is a floor.")
    counts: dict[str, int] = Field(description="Matches by kind.")
    hints: list[str] = Field(description="What the search left out or advises, in words.")
    results: list[SearchHit]


# Helpers -------------------------------------------------------------------------------


def _absolute(request: ApiRequest, path: str) -> str:
    return request.build_absolute_uri(path)


def _digest(*parts: object) -> str:
    return hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:16]


def _not_modified(tag: str) -> HttpResponse:
    return HttpResponse(status=304, headers={"ETag": tag})


# Entities ------------------------------------------------------------------------------


def _mentions(request: ApiRequest, entity: Entity) -> QuerySet[Annotation]:
    """The entity's mentions the caller may see (the annotation rule), newest first."""
    return (
        visible_annotations(request.user)
        .filter(entity_id=entity.pk)
        .select_related("article")
        .only("pk", "exact", "created_at", "article__id", "article__title")
        .order_by("-created_at", "-id")
    )


def entity_etag(request: ApiRequest, entity: Entity) -> str:
    """Changes with the entity (its fields and aliases bump `updated_at`) and with the
    mentions the caller sees of it, which its answer lists."""
    seen = visible_annotations(request.user).filter(entity_id=entity.pk)
    stats = seen.aggregate(n=Count("pk"), last=Max("pk"), changed=Max("updated_at"))
    changed = stats["changed"].timestamp() if stats["changed"] else 0
    stamp = _digest(entity.updated_at.timestamp(), stats["n"], stats["last"], changed)
    return etag("entity", entity.pk, stamp)


def _entity_out(request: ApiRequest, entity: Entity, mention_count: int | None) -> dict[str, Any]:
    return {
        "id": entity.pk,
        "name": entity.name,
        "kind": entity.kind,
        "description": entity.description,
        "wikidata_id": entity.wikidata_id,
        "wikidata_url": entity.wikidata_url,
        "aliases": [{"id": a.pk, "name": a.name} for a in entity.aliases.all()],
        "mention_count": mention_count or 0,
        "private": entity.private_to_id is not None,
        "may_merge": may_merge_entity(request.user, entity),
        "url": _absolute(request, entity.get_absolute_url()),
        "created_at": entity.created_at,
        "updated_at": entity.updated_at,
    }


def _mention_out(request: ApiRequest, mention: Annotation) -> dict[str, Any]:
    return {
        "id": mention.pk,
        "article": mention.article.pk,
        "article_title": mention.article.title,
        "exact": mention.exact,
        "url": _absolute(request, mention.get_absolute_url()),
        "created_at": mention.created_at,
    }


def _entity_detail(request: ApiRequest, response: HttpResponse, pk: int) -> Any:
    """The entity's whole answer, with its ETag set (or a 304 when the client has it)."""
    entity = entity_for(request, pk)
    tag = entity_etag(request, entity)
    if request.method == "GET" and if_none_match(request, tag):
        return _not_modified(tag)
    response["ETag"] = tag
    entity = (
        visible_entities(request.user)
        .with_mention_counts(visible_annotations(request.user))
        .prefetch_related("aliases")
        .get(pk=entity.pk)
    )
    mentions = _mentions(request, entity)[:MENTIONS_SHOWN]
    return {
        **_entity_out(request, entity, entity.mention_count),
        "mentions": [_mention_out(request, m) for m in mentions],
    }


@router.get("/entities", response=list[EntityOut], summary="List entities")
def list_entities(  # noqa: PLR0913 - each filter is documented as a parameter
    request: ApiRequest,
    response: HttpResponse,
    *,
    kind: str = "",
    q: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
) -> list[dict[str, Any]]:
    """The team's entities and your own private ones, the most mentioned first (counting
    the mentions you may see), then by name. `kind`: person, organisation, place, event or
    other. `q`: the beginning of the name or of an alias, ignoring case. Paged (`page`,
    `per_page` up to 200) with `Link` and `X-Total-Count`."""
    del page, per_page  # read by `paginate`, which refuses anything but plain numbers
    if kind and kind not in Entity.Kind.values:
        raise invalid(f"kind is one of {', '.join(Entity.Kind.values)}, not {kind[:20]!r}.")
    prefix = " ".join(q.split())[: Entity.NAME_MAX_CHARS]
    found = visible_entities(request.user).with_mention_counts(visible_annotations(request.user))
    if kind:
        found = found.filter(kind=kind)
    if prefix:
        aliases = EntityAlias.objects.filter(entity=OuterRef("pk"), name__istartswith=prefix)
        found = found.filter(Q(name__istartswith=prefix) | Exists(aliases))
    found = found.prefetch_related("aliases").order_by(
        F("mention_count").desc(nulls_last=True), Lower("name"), "pk"
    )
    listed = paginate(request, found)
    paged(request, response, listed)
    return [_entity_out(request, e, e.mention_count) for e in listed.items]


@router.get("/entities/{pk}", response=EntityDetail, summary="Get an entity", url_name="get_entity")
def get_entity(request: ApiRequest, response: HttpResponse, pk: int) -> Any:
    """An entity with its aliases, Wikidata id, and the newest mentions of it you may see
    (a colleague's private mention is neither listed nor counted). The ETag changes with
    the entity and with those mentions; a private entity of someone else's is 404."""
    return _entity_detail(request, response, pk)


@router.get(
    "/entities/{pk}/mentions", response=list[MentionOut], summary="List an entity's mentions"
)
def list_mentions(
    request: ApiRequest,
    response: HttpResponse,
    pk: int,
    page: int = 1,
    per_page: int = PER_PAGE,
) -> list[dict[str, Any]]:
    """Every mention of the entity you may see, newest first, paged with `Link` headers.
    Each is an annotation (motivation identifying) at `/annotations/{id}`."""
    del page, per_page  # read by `paginate`
    entity = entity_for(request, pk)
    listed = paginate(request, _mentions(request, entity))
    paged(request, response, listed)
    return [_mention_out(request, m) for m in listed.items]


def _locked_entity(request: ApiRequest, pk: int, *, merge: bool = False) -> Entity:
    """The entity, locked, after the permission and If-Match checks: inside a transaction."""
    entity_for(request, pk, merge=merge)  # 404 hidden, 403 not theirs to merge or delete
    locked = Entity.objects.select_for_update().filter(pk=pk).first()
    if locked is None:  # merged or deleted meanwhile
        raise not_found()
    if_match(request, entity_etag(request, locked))
    return locked


def _alias_named(entity: Entity, name: str) -> EntityAlias:
    wanted = " ".join(name.split())
    alias = entity.aliases.filter(name__iexact=wanted).first()
    if alias is None:
        raise invalid(f"{entity.name} has no alias {wanted[:60]!r} to remove.")
    return alias


@router.patch("/entities/{pk}", response=EntityDetail, summary="Change an entity")
def change_entity(request: ApiRequest, response: HttpResponse, pk: int, data: EntityChange) -> Any:
    """Rename it, change its kind, description or Wikidata id, and remove and add aliases,
    as the entity's page does, all in one transaction: a refused part (a name another
    entity of the kind has, an alias it already has) changes nothing, 400 saying why.
    Every member may; send the ETag you read as `If-Match` (412 when it changed)."""
    fields = (data.name, data.kind, data.description, data.wikidata_id)
    if all(f is None for f in fields) and not data.add_aliases and not data.remove_aliases:
        raise invalid(
            "Send what to change: name, kind, description, wikidata_id, add_aliases or "
            "remove_aliases."
        )
    with transaction.atomic():
        entity = _locked_entity(request, pk)
        try:
            if any(f is not None for f in fields):
                curation.update_entity(
                    entity,
                    name=entity.name if data.name is None else data.name,
                    kind=entity.kind if data.kind is None else data.kind,
                    description=entity.description
                    if data.description is None
                    else data.description,
                    wikidata_id=entity.wikidata_id
                    if data.wikidata_id is None
                    else data.wikidata_id,
                )
            for name in data.remove_aliases:
                curation.remove_alias(_alias_named(entity, name))
            for name in data.add_aliases:
                curation.add_alias(entity, name)
        except EntityError as exc:
            raise invalid(str(exc)) from None  # raised inside the transaction: all undone
    return _entity_detail(request, response, pk)


@router.post("/entities/{pk}/merge", response=EntityDetail, summary="Merge an entity into another")
def merge_entity(request: ApiRequest, response: HttpResponse, pk: int, data: MergeIn) -> Any:
    """Fold this entity into `into`: every mention of it (everyone's, as on the page),
    its name and aliases move there, and it is gone. For its creator and staff (403
    otherwise); `If-Match` is checked against this entity's ETag when sent. Answers with
    the entity that took it in."""
    with transaction.atomic():
        loser = _locked_entity(request, pk, merge=True)
        survivor = entity_for(request, data.into)  # 404 when hidden or unknown
        try:
            survivor = curation.merge(loser, survivor)
        except EntityError as exc:
            raise invalid(str(exc)) from None
    return _entity_detail(request, response, survivor.pk)


@router.delete("/entities/{pk}", response={204: None}, summary="Delete an entity")
def delete_entity(request: ApiRequest, pk: int) -> Status[None]:
    """Delete the entity and its mentions. For its creator and staff (403 otherwise).
    Refused (409) while colleagues have private mentions of it you cannot see, which
    would go unseen with it, as on the page. `If-Match` is checked when sent."""
    with transaction.atomic():
        entity = _locked_entity(request, pk, merge=True)
        visible = visible_annotations(request.user).filter(entity_id=entity.pk).count()
        hidden = entity.mentions.count() - visible
        if hidden:
            raise Problem(
                409,
                "error",
                "Mentioned where you cannot see",
                f"{entity.name} has {hidden} private mention(s) by colleagues; deleting it "
                "would delete them too. Merge it into another entity instead.",
            )
        entity.delete()
    return Status(204, None)


# Labels --------------------------------------------------------------------------------

_LIVE = Q(article_links__article__deleted_at__isnull=True)  # as `library.labels_with_counts`


def _counted_label(pk: int) -> Label:
    found = Label.objects.annotate(article_count=Count("article_links", filter=_LIVE))
    label = found.filter(pk=pk).first()
    if label is None:  # deleted meanwhile
        raise not_found()
    return label


def _label_count(label: Label) -> int:
    return int(getattr(label, "article_count", 0))


def label_etag(label: Label) -> str:
    return etag("label", label.pk, _digest(label.name, _label_count(label)))


def _label_out(request: ApiRequest, label: Label) -> dict[str, Any]:
    return {
        "id": label.pk,
        "name": label.name,
        "article_count": _label_count(label),
        "url": _absolute(request, label.get_absolute_url()),
    }


def _label_answer(request: ApiRequest, response: HttpResponse, pk: int) -> dict[str, Any]:
    label = _counted_label(pk)
    response["ETag"] = label_etag(label)
    return _label_out(request, label)


def _page_of(request: ApiRequest, items: list[Any]) -> Page:
    number, size = page_params(request)
    start = (number - 1) * size
    return Page(items[start : start + size], number, size, len(items))


@router.get("/labels", response=list[LabelOut], summary="List labels")
def list_labels(
    request: ApiRequest, response: HttpResponse, page: int = 1, per_page: int = PER_PAGE
) -> list[dict[str, Any]]:
    """The team's labels by name, each with how many articles carry it. Paged with
    `Link` and `X-Total-Count`."""
    del page, per_page  # read by `page_params`
    listed = _page_of(request, library.labels_with_counts())
    paged(request, response, listed)
    return [_label_out(request, label) for label in listed.items]


@router.get("/labels/{pk}", response=LabelOut, summary="Get a label", url_name="get_label")
def get_label(request: ApiRequest, response: HttpResponse, pk: int) -> Any:
    """One label with its article count and ETag."""
    label_for(request, pk)
    label = _counted_label(pk)
    tag = label_etag(label)
    if if_none_match(request, tag):
        return _not_modified(tag)
    response["ETag"] = tag
    return _label_out(request, label)


@router.patch("/labels/{pk}", response=LabelOut, summary="Rename a label")
def rename_label(request: ApiRequest, response: HttpResponse, pk: int, data: LabelName) -> Any:
    """Rename the label on every article. A change of case alone is allowed; another
    label's name is refused (400). Every member may; `If-Match` is checked when sent."""
    label_for(request, pk)
    with transaction.atomic():
        Label.objects.select_for_update().filter(pk=pk).first()
        label = _counted_label(pk)
        if_match(request, label_etag(label))
        try:
            library.rename_label(label, data.name)
        except LabelError as exc:
            raise invalid(str(exc)) from None
    return _label_answer(request, response, pk)


@router.delete("/labels/{pk}", response={204: None}, summary="Delete a label")
def delete_label(request: ApiRequest, pk: int) -> Status[None]:
    """Delete the label and take it off every article (the articles stay). Every member
    may; `If-Match` is checked when sent."""
    label_for(request, pk)
    with transaction.atomic():
        Label.objects.select_for_update().filter(pk=pk).first()
        label = _counted_label(pk)
        if_match(request, label_etag(label))
        label.delete()
    return Status(204, None)


@router.post(
    "/articles/{pk}/labels",
    response={200: LabelOut, 201: LabelOut},
    summary="Put a label on an article",
)
def add_article_label(
    request: ApiRequest, response: HttpResponse, pk: int, data: LabelName
) -> Status[dict[str, Any]]:
    """Put the label `name` on the article, creating the label when the team has none of
    that name (any case): 201 when it was put on, 200 when the article already had it."""
    article = article_for(request, pk)
    had = ArticleLabel.objects.filter(
        article=article, label__in=Label.objects.filter(name__iexact=" ".join(data.name.split()))
    ).exists()
    try:
        label = library.add_label(article, data.name, request.user)
    except LabelError as exc:
        raise invalid(str(exc)) from None
    response["Location"] = _absolute(request, reverse("api:get_label", args=[label.pk]))
    return Status(200 if had else 201, _label_answer(request, response, label.pk))


@router.delete(
    "/articles/{pk}/labels/{label_pk}",
    response={204: None},
    summary="Take a label off an article",
)
def remove_article_label(request: ApiRequest, pk: int, label_pk: int) -> Status[None]:
    """Take the label off the article; the label itself stays. 404 when the article
    does not carry it."""
    article = article_for(request, pk)
    label = label_for(request, label_pk)
    if not library.remove_label(article, label):
        raise not_found(f"This article has no label “{label.name}”.")
    return Status(204, None)


# Feeds ---------------------------------------------------------------------------------


def _feed(pk: int) -> Feed:
    feed = _feeds().filter(pk=pk).first()
    if feed is None:  # unsubscribed meanwhile
        raise not_found()
    return feed


def _feeds() -> QuerySet[Feed]:
    failed = Q(fetch_jobs__status=FetchJob.Status.FAILED)
    return (
        Feed.objects.annotate(failed_fetches=Count("fetch_jobs", filter=failed))
        .select_related("added_by__profile")
        .order_by("url")
    )


def feed_etag(feed: Feed) -> str:
    stamp = _digest(
        feed.url, feed.title, feed.site_url, feed.interval_minutes, feed.last_polled_at,
        feed.next_poll_at, feed.last_status, feed.last_error, feed.total_items,
        getattr(feed, "failed_fetches", ""),
    )  # fmt: skip
    return etag("feed", feed.pk, stamp)


def _feed_out(request: ApiRequest, feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.pk,
        "url": feed.url,
        "title": feed.title,
        "site_url": feed.site_url,
        "interval_minutes": feed.interval_minutes,
        "last_polled_at": feed.last_polled_at,
        "next_poll_at": feed.next_poll_at,
        "last_status": feed.last_status,
        "last_error": feed.last_error,
        "last_new_items": feed.last_new_items,
        "total_items": feed.total_items,
        "failed_fetches": int(getattr(feed, "failed_fetches", 0)),
        "added_by": sharing.public_name(feed.added_by) if feed.added_by else None,
        "created_at": feed.created_at,
        "may_change": may_change_feed(request.user, feed),
    }


def _feed_answer(request: ApiRequest, response: HttpResponse, pk: int) -> dict[str, Any]:
    feed = _feed(pk)
    response["ETag"] = feed_etag(feed)
    return _feed_out(request, feed)


def _form_error(form: FeedForm | IntervalForm) -> Problem:
    errors = [
        {"where": name, "problem": str(message)}
        for name, messages in form.errors.items()
        for message in messages
    ]
    return invalid("; ".join(f"{e['where']}: {e['problem']}" for e in errors), errors=errors)


@router.get("/feeds", response=list[FeedOut], summary="List feeds")
def list_feeds(
    request: ApiRequest, response: HttpResponse, page: int = 1, per_page: int = PER_PAGE
) -> list[dict[str, Any]]:
    """The team's feeds, by address, with each one's last poll, new items and errors.
    Paged with `Link` and `X-Total-Count`."""
    del page, per_page  # read by `paginate`
    listed = paginate(request, _feeds())
    paged(request, response, listed)
    return [_feed_out(request, feed) for feed in listed.items]


@router.post("/feeds", response={200: FeedOut, 201: FeedOut}, summary="Subscribe to a feed")
def subscribe(request: ApiRequest, response: HttpResponse, data: FeedIn) -> Status[dict[str, Any]]:
    """Subscribe the team to an RSS or Atom feed, as the feeds page does: it is polled
    at once, then every `interval_minutes`. 201 when new, 200 when the team already
    follows that address. An address Newsroom may not fetch is 400."""
    interval = (
        settings.FEED_INTERVAL_MINUTES if data.interval_minutes is None else data.interval_minutes
    )
    form = FeedForm({"url": data.url, "interval_minutes": interval})
    if not form.is_valid():
        raise _form_error(form)
    url = form.cleaned_data["url"]
    try:
        fetch.check_url(url)
        existed = Feed.objects.filter(url=fetch.canonical_url(url)).exists()
        feed = feeds.subscribe(url, request.user, form.cleaned_data["interval_minutes"])
    except fetch.FetchError as exc:
        raise invalid(str(exc)) from None
    except ValueError:
        raise invalid("That is not a valid web address.") from None
    response["Location"] = _absolute(request, reverse("api:get_feed", args=[feed.pk]))
    return Status(200 if existed else 201, _feed_answer(request, response, feed.pk))


@router.get("/feeds/{pk}", response=FeedOut, summary="Get a feed", url_name="get_feed")
def get_feed(request: ApiRequest, response: HttpResponse, pk: int) -> Any:
    """One feed, with its polling state and ETag."""
    feed_for(request, pk)
    feed = _feed(pk)
    tag = feed_etag(feed)
    if if_none_match(request, tag):
        return _not_modified(tag)
    response["ETag"] = tag
    return _feed_out(request, feed)


@router.patch("/feeds/{pk}", response=FeedOut, summary="Change how often a feed is checked")
def change_feed(request: ApiRequest, response: HttpResponse, pk: int, data: FeedChange) -> Any:
    """For the person who added the feed, and staff (403 otherwise). `If-Match` is
    checked when sent."""
    feed_for(request, pk, change=True)
    form = IntervalForm({"interval_minutes": data.interval_minutes})
    if not form.is_valid():
        raise _form_error(form)
    with transaction.atomic():
        Feed.objects.select_for_update().filter(pk=pk).first()
        feed = _feed(pk)
        if_match(request, feed_etag(feed))
        feed.interval_minutes = form.cleaned_data["interval_minutes"]
        feed.schedule_next()
        feed.save(update_fields=["interval_minutes", "next_poll_at"])
    return _feed_answer(request, response, pk)


@router.post("/feeds/{pk}/poll", response={202: Polling}, summary="Check a feed now")
def poll_feed(request: ApiRequest, pk: int) -> Status[dict[str, str]]:
    """Every member may ask for a poll; it runs in the background (202)."""
    feed = feed_for(request, pk)
    feeds.schedule_now(feed)
    return Status(202, {"detail": f"Checking {feed} now."})


@router.delete("/feeds/{pk}", response={204: None}, summary="Unsubscribe from a feed")
def delete_feed(request: ApiRequest, pk: int) -> Status[None]:
    """For the person who added the feed, and staff (403 otherwise). Its articles stay in
    the library. `If-Match` is checked when sent."""
    feed_for(request, pk, change=True)
    with transaction.atomic():
        Feed.objects.select_for_update().filter(pk=pk).first()
        feed = _feed(pk)
        if_match(request, feed_etag(feed))
        feed.delete()
    return Status(204, None)


# Search --------------------------------------------------------------------------------

_MARK = re.compile(r"</?mark>")


def _plain(snippet: str) -> str:
    """A snippet (escaped text with <mark> around the matched words) as plain text."""
    return unescape(_MARK.sub("", snippet))


def _hit(request: ApiRequest, result: search.Result) -> dict[str, Any]:
    obj = result.obj
    if result.kind == "entity":
        article, title, exact = None, obj.name, ""
    elif result.kind == "article":
        article, title, exact = obj.pk, obj.title, ""
    else:
        article, title, exact = obj.article.pk, obj.article.title, obj.exact
    return {
        "kind": result.kind,
        "id": obj.pk,
        "article": article,
        "title": title,
        "exact": exact,
        "snippet": _plain(result.snippet),
        "note_snippet": _plain(result.note_snippet),
        "url": _absolute(request, result.url),
        "rank": float(result.rank),
    }


@router.get("/search", response=SearchOut, summary="Search")
def search_all(request: ApiRequest, response: HttpResponse, q: str = "", page: int = 1) -> Any:
    """One search across articles, highlights, notes and entities, in the search box's
    language: words, "phrases", -excluded, and the qualifiers `site:`, `entity:`, `label:`,
    `by:`, `color:`, `has:`, `before:`, `after:`, `type:` and `is:`. It finds what the
    search page finds for you (a colleague's private note never). Best first, 20 a page,
    with `Link` headers; `hints` say what was left out."""
    del page  # read below, as strictly as every other page number
    number = parse_int(request.GET.get("page", "1"), minimum=1, maximum=limits.MAX_PAGE)
    if number is None:
        raise invalid(f"page is a whole number from 1 to {limits.MAX_PAGE}.")
    found = search.run(request.user, q, number)
    listed = found.listed or found.total
    paged(request, response, Page(found.results, found.page, limits.PAGE_SIZE, listed))
    response["X-Total-Count"] = str(found.total)
    return {
        "q": found.query.raw,
        "page": found.page,
        "pages": found.pages,
        "has_next": found.has_next,
        "total": found.total,
        "more": found.more,
        "counts": {kind: found.counts.get(kind, 0) for kind in KINDS},
        "hints": list(found.query.hints),
        "results": [_hit(request, r) for r in found.results],
    }
