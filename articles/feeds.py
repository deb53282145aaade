"""RSS and Atom feeds: subscribe, poll on a schedule, ingest each new item once.

Parsing: feedparser (well kept, reads every RSS/Atom dialect and the broken ones), given
bytes only, so it never opens a URL or file itself. It runs after two guards:
- a feed that declares XML entities (`<!ENTITY`, the "billion laughs" and external
  entity attacks) is refused outright, and defusedxml parses the document first with
  entities forbidden, so no expansion can happen anywhere;
- the body was already capped at `NEWSROOM_MAX_FEED_BYTES` while it downloaded.

Invariants:
- Polling sends If-None-Match / If-Modified-Since from the last answer; a 304 ingests
  nothing.
- Each entry (by id, else link) is ingested once per feed: an entry carrying the full
  text goes through the same sanitising as a paste, one carrying only a summary is
  fetched in full by a fetch job. An entry already in the library (same canonical URL or
  text) is linked, not copied.
- An entry seen before whose content changed updates its article through the one text
  writer (`versions.replace_text`: the old text kept, annotations re-anchored), or, when
  the feed carries only a summary, by a refresh job that fetches the page again.
- Whatever a feed does wrong is recorded on that feed (`last_error`); other feeds and
  other entries go on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING, Any
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import task
from django.utils import timezone

from articles import fetch, ingest, jobs, sanitize, versions
from articles.errors import IngestError
from articles.models import Article, Feed, FeedEntry, FetchJob

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.types import Viewer

# An entry whose own content has this many words is the article; fewer is a teaser.
FULL_TEXT_WORDS = 120
MAX_ENTRIES_PER_POLL = 1000
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)


class FeedError(IngestError):
    """The feed cannot be read; recorded on the feed, shown on the feeds page."""


@dataclass(frozen=True)
class PollResult:
    status: str  # "new", "not modified", "error"
    new_items: int = 0
    error: str = ""
    updated_items: int = 0  # entries seen before whose article got their new text


def subscribe(url: str, user: Viewer, interval_minutes: int | None = None) -> Feed:
    fetch.check_url(url)
    canonical = fetch.canonical_url(url)
    feed, _created = Feed.objects.get_or_create(
        url=canonical,
        defaults={
            "added_by": user if user.is_authenticated else None,
            "interval_minutes": interval_minutes or settings.FEED_INTERVAL_MINUTES,
            "next_poll_at": timezone.now(),
        },
    )
    schedule_now(feed)
    return feed


def schedule_now(feed: Feed) -> None:
    transaction.on_commit(lambda: poll_feed.enqueue(feed.pk))


def parse(data: bytes, content_type: str = "") -> Any:
    """Parsed feed (feedparser's dict), or FeedError."""
    if _ENTITY_DECL.search(data):
        raise FeedError("The feed declares XML entities, which Newsroom refuses for safety.")
    try:
        SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FeedError("The feed uses XML entities, which Newsroom refuses for safety.") from None
    except ParseError:
        # Not well-formed; feedparser's lenient reader may still make sense of it (it
        # expands no declared entities). If it cannot, the check below says so.
        pass
    headers = {"content-type": content_type} if content_type else {}
    parsed = feedparser.parse(io.BytesIO(data), response_headers=headers)
    if not parsed.entries and (parsed.bozo or not parsed.feed):
        reason = parsed.get("bozo_exception")
        detail = f" ({str(reason).splitlines()[0][:200]})" if reason else ""
        raise FeedError(f"It is not a readable RSS or Atom feed{detail}.")
    return parsed


def _guid(entry: Any) -> str:
    guid = entry.get("id") or entry.get("link") or ""
    if not guid:
        raw = (entry.get("title", "") + entry.get("summary", "")).encode("utf-8")
        guid = "sha256:" + hashlib.sha256(raw).hexdigest()
    return guid[:2000]


def _published(entry: Any) -> dt.date | None:
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    try:
        return dt.date(when.tm_year, when.tm_mon, when.tm_mday) if when else None
    except ValueError:
        return None


def _entry_html(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    return best or entry.get("summary", "")


def _link(entry: Any) -> str:
    link = entry.get("link", "")
    try:
        fetch.check_url(link)
    except fetch.FetchError:
        return ""
    return fetch.canonical_url(link)


def _fingerprint(entry: Any) -> str:
    """Changes when the entry's title or content does: what a re-poll compares."""
    raw = " ".join(entry.get("title", "").split()) + "\n" + _entry_html(entry)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _full_text(html: str) -> bool:
    words = len(sanitize.text_content(sanitize.clean_article_html(html)).split()) if html else 0
    return words >= FULL_TEXT_WORDS


def _document(feed: Feed, entry: Any, link: str) -> ingest.Document:
    # Titles are text: escaped here, whatever markup a hostile feed put in them.
    title = " ".join(entry.get("title", "").split())
    doc = ingest.prepare(f"<h1>{escape(title)}</h1>\n{_entry_html(entry)}")
    return dataclasses.replace(
        doc,
        source_url=link,
        byline=" ".join(entry.get("author", "").split())[:300],
        site_name=feed.title[:200],
        published=_published(entry),
    )


def _ingest_entry(feed: Feed, entry: Any, user: User | None) -> Article | None:
    """The entry's article (new or existing), or None when a fetch job will make it."""
    link = _link(entry)
    if link and (found := Article.objects.filter(source_url=link).first()):
        return found
    if link and not _full_text(_entry_html(entry)):
        jobs.submit(link, user, feed=feed)
        return None
    return ingest.save(_document(feed, entry, link), user, by_hand=False).article


def _update_entry(feed: Feed, entry: Any, article: Article, user: User | None) -> bool:
    """An entry seen before changed: its article gets the new text (through the one text
    writer), or a refresh job fetches the page when the feed has only a summary. True
    when the text was replaced now."""
    link = _link(entry)
    if _full_text(_entry_html(entry)):
        return versions.replace_text(article, _document(feed, entry, link)).changed
    if link:
        jobs.submit(link, user, purpose=FetchJob.Purpose.REFRESH, article=article, feed=feed)
    return False


def poll(feed: Feed) -> PollResult:
    """Fetch the feed (conditionally) and ingest its new entries."""
    headers = {}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    now = timezone.now()
    try:
        response = fetch.fetch(
            feed.url, accept=fetch.FEED_TYPES, headers=headers, max_bytes=settings.MAX_FEED_BYTES
        )
        if response.status == 304:
            result = PollResult("not modified")
        else:
            parsed = parse(response.content, response.headers.get("Content-Type", ""))
            feed.title = feed.title or " ".join(parsed.feed.get("title", "").split())[:300]
            new, updated = _ingest_entries(feed, parsed.entries[:MAX_ENTRIES_PER_POLL])
            feed.site_url = feed.site_url or _link(parsed.feed)
            feed.etag = response.headers.get("ETag", "")[:500]
            feed.last_modified = response.headers.get("Last-Modified", "")[:100]
            result = PollResult("new", new_items=new, updated_items=updated)
    except IngestError as exc:
        result = PollResult("error", error=str(exc))
    feed.last_polled_at = now
    feed.schedule_next(polled_at=now)
    feed.last_status = result.status
    feed.last_error = result.error
    feed.last_new_items = result.new_items
    feed.total_items += result.new_items
    feed.save()
    return result


def _ingest_entries(feed: Feed, entries: list[Any]) -> tuple[int, int]:
    """Ingest the new entries and update the changed ones: (new, updated)."""
    known_entries = FeedEntry.objects.filter(feed=feed).only("guid", "content_hash", "article_id")
    seen = {e.guid: e for e in known_entries}
    user = feed.added_by
    new = updated = 0
    for entry in entries:
        guid = _guid(entry)
        fingerprint = _fingerprint(entry)
        if (known := seen.get(guid)) is not None:
            updated += _follow(feed, entry, known, fingerprint, user)
            continue
        seen[guid] = FeedEntry(feed=feed, guid=guid, content_hash=fingerprint)
        try:
            with transaction.atomic():
                article = _ingest_entry(feed, entry, user)
                FeedEntry.objects.create(
                    feed=feed, guid=guid, article=article, content_hash=fingerprint
                )
        except IntegrityError:
            continue  # a poll running at the same time took this entry
        except IngestError as exc:
            FeedEntry.objects.create(
                feed=feed, guid=guid, error=str(exc)[:1000], content_hash=fingerprint
            )
        new += 1
    return new, updated


def _follow(feed: Feed, entry: Any, known: FeedEntry, fingerprint: str, user: User | None) -> bool:
    """A seen entry again: when its content changed, update its article. An entry seen
    before fingerprints were kept only records its fingerprint."""
    if known.pk is None or known.content_hash == fingerprint:
        return False
    changed = False
    if known.content_hash and known.article_id is not None and known.article is not None:
        try:
            with transaction.atomic():
                changed = _update_entry(feed, entry, known.article, user)
        except IngestError as exc:
            FeedEntry.objects.filter(pk=known.pk).update(error=str(exc)[:1000])
            return False
    FeedEntry.objects.filter(pk=known.pk).update(content_hash=fingerprint)
    known.content_hash = fingerprint
    return changed


def due(now: dt.datetime | None = None) -> list[int]:
    """Claim the feeds whose poll is due (moving their next poll on) and return their ids."""
    now = now or timezone.now()
    ids = []
    with transaction.atomic():
        for feed in Feed.objects.select_for_update(skip_locked=True).filter(next_poll_at__lte=now):
            feed.schedule_next(polled_at=now)
            feed.save(update_fields=["next_poll_at"])
            ids.append(feed.pk)
    return ids


@task
def poll_feed(feed_id: int) -> dict[str, str | int]:
    """The background task: poll one feed now (a feed deleted meanwhile is skipped)."""
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return {"status": "gone"}
    result = poll(feed)
    return {
        "status": result.status,
        "new_items": result.new_items,
        "updated_items": result.updated_items,
        "error": result.error,
    }
