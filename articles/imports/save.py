"""Writing what a reader parsed: articles, labels, reading state, annotations, feeds.

Invariants:
- Importing the same file twice adds nothing. Articles are found by canonical URL (and,
  for those that bring their text, by the text too: `ingest.save`); an entry already
  waiting for its fetch is not queued again; labels are put on once; a state already
  set keeps its time; an annotation is the same when its article, author, quote and
  position are (for a note on the whole article: its text); a feed is found by URL.
- An entry's text goes through the same sanitiser as any article (`ingest`); an entry
  without it is recorded as a PendingImport and fetched through the saving machinery
  (`articles.imports.pending`), which gives it the entry's labels, state and times when
  the article arrives.
- An import never takes anything away: it sets states, never clears them.
- Reading state and annotations are the importing person's (annotations "Only me": they
  share them afterwards); labels are the team's. Without a person (the command line with
  no --user), only articles, labels and feeds go in, and the summary says so.
- Entries are written in chunks, each in one transaction, with bulk queries for what a
  chunk shares (the articles already there, labels, states, pending rows); an entry that
  fails is a Problem and its chunk goes on.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import py3langid
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve

from articles import annotations as annotating
from articles import feeds, fetch, ingest, library, watchlists
from articles.errors import IngestError
from articles.imports.core import (
    Addressed,
    Entry,
    Highlight,
    Parsed,
    Problem,
    Subscription,
    importing,
)
from articles.imports.placing import place
from articles.models import (
    Annotation,
    Article,
    ArticleLabel,
    ArticleState,
    Color,
    ColorLabel,
    Feed,
    Label,
    PendingImport,
)

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable, Iterable, Iterator

    from django.contrib.auth.models import User

    from articles.models import ImportJob

CHUNK = 200
_PAGE = re.compile(r"<!doctype\s+html|<html[\s>]|<body[\s>]", re.IGNORECASE)
STATES = ("read_at", "archived_at", "favourite_at")


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass
class Outcome:
    """What an import did, for the summary line, the page and the command."""

    articles: int = 0  # new: saved with their text, or queued for fetching
    queued: int = 0
    annotations: int = 0
    feeds: int = 0
    existing_articles: int = 0
    existing_annotations: int = 0
    existing_feeds: int = 0
    problems: list[Problem] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            name: value
            for name, value in dataclasses.asdict(self).items()
            if isinstance(value, int)
        }

    def line(self, *, reasons: bool = True) -> str:
        """ "Imported 12 articles (3 queued for fetching), 40 annotations, 2 feeds;
        skipped 1 (line 7: no URL)"; without `reasons`, "...; skipped 1" (the page
        lists them below it)."""
        queued = f" ({self.queued:,} queued for fetching)" if self.queued else ""
        text = (
            f"Imported {_plural(self.articles, 'article')}{queued}, "
            f"{_plural(self.annotations, 'annotation')}, {_plural(self.feeds, 'feed')}"
        )
        already = [
            _plural(n, word)
            for n, word in (
                (self.existing_articles, "article"),
                (self.existing_annotations, "annotation"),
                (self.existing_feeds, "feed"),
            )
            if n
        ]
        if already:
            text += f"; already there: {', '.join(already)}"
        if self.problems and not reasons:
            text += f"; skipped {len(self.problems):,}"
        elif self.problems:
            shown = "; ".join(str(p) for p in self.problems[:3])
            more = f"; and {len(self.problems) - 3:,} more" if len(self.problems) > 3 else ""
            text += f"; skipped {len(self.problems):,} ({shown}{more})"
        return text


def save(
    parsed: Parsed,
    user: User | None,
    *,
    job: ImportJob | None = None,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Write everything `parsed` holds for `user`; `progress(n)` after each n done."""
    writer = _Writer(user, job)
    outcome = writer.outcome
    outcome.problems.extend(parsed.problems)
    step = progress or (lambda _n: None)
    token = importing.set(True)
    try:
        writer.write(parsed, step)
    finally:
        importing.reset(token)
    if user is None and writer.unowned:
        outcome.problems.append(
            Problem(
                "",
                f"reading states and annotations need a person ({writer.unowned:,} left "
                "out): import again with --user",
            )
        )
    return outcome


def _chunks[T](items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _language(text: str) -> str:
    if len(text.strip()) < 20:
        return ""
    lang: str = py3langid.classify(text[:5000])[0]
    return lang


def _title(entry: Entry, body_text: str) -> str:
    if entry.title:
        return entry.title
    first = body_text.strip().split("\n", 1)[0]
    return (first[:120].rsplit(" ", 1)[0] + "…") if len(first) > 120 else first or entry.url


def document(entry: Entry) -> ingest.Document:
    """The entry's article, sanitised like any other: a whole page goes through
    extraction (as a saved page does), a body (what read-later tools keep) as it is."""
    html = entry.text()
    if not html.strip():
        raise IngestError("no text")
    ingest.check_size(len(html.encode("utf-8", "surrogatepass")))
    if _PAGE.search(html[:4096]):
        doc = ingest.prepare(html, url=entry.url)
    else:
        doc = ingest.body_document(html, title=entry.title)
    return dataclasses.replace(
        doc,
        title=_title(entry, doc.body_text) if not entry.title else entry.title,
        source_url=entry.url,
        byline=entry.byline or doc.byline,
        site_name=entry.site_name or doc.site_name,
        published=entry.published or doc.published,
        language=entry.language or doc.language or _language(doc.body_text),
    )


@dataclass
class Gift:
    """What an import gives an article: labels, one person's states, a time, annotations."""

    labels: tuple[str, ...] = ()
    states: dict[str, dt.datetime | None] = field(default_factory=dict)
    saved_at: dt.datetime | None = None
    highlights: tuple[Highlight, ...] = ()

    @classmethod
    def of(cls, entry: Entry) -> Gift:
        return cls(
            labels=entry.labels,
            states={name: getattr(entry, name) for name in STATES},
            saved_at=entry.saved_at,
            highlights=entry.highlights,
        )


class _Writer:
    def __init__(self, user: User | None, job: ImportJob | None) -> None:
        self.user = user
        self.job = job
        self.outcome = Outcome()
        self.label_ids: dict[str, int] = {}
        self.seen: set[str] = set()
        self.unowned = 0  # states and annotations left out for want of a person
        self.legend: dict[str, str] | None = None

    def write(self, parsed: Parsed, step: Callable[[int], None]) -> None:
        for entries in _chunks(parsed.entries):
            self.entries(entries)
            step(len(entries))
        for addressed in _chunks(parsed.addressed):
            self.addressed(addressed)
            step(len(addressed))
        for subscriptions in _chunks(parsed.feeds):
            self.feeds(subscriptions)
            step(len(subscriptions))

    # Entries ---------------------------------------------------------------------------

    def entries(self, chunk: list[Entry]) -> None:
        outcome = self.outcome
        with transaction.atomic():
            urls = {entry.url for entry in chunk if entry.url}
            there = Article.objects.filter(source_url__in=urls).defer("body_html")
            found = {a.source_url: a for a in there}
            gifts: list[tuple[Article, Gift, bool]] = []
            waiting: list[Entry] = []
            for entry in chunk:
                if entry.url and entry.url in self.seen:
                    outcome.existing_articles += 1  # twice in the file
                    continue
                if entry.url:
                    self.seen.add(entry.url)
                if article := found.get(entry.url):
                    outcome.existing_articles += 1
                    gifts.append((article, Gift.of(entry), False))
                elif entry.has_text:
                    saved = self._ingest(entry)
                    if saved is not None:
                        gifts.append((saved[0], Gift.of(entry), saved[1]))
                    elif entry.url:
                        waiting.append(entry)
                elif entry.url:
                    waiting.append(entry)
                else:
                    outcome.problems.append(Problem(entry.where, "no URL and no text"))
            self.give_all(gifts)
            self._wait(waiting)

    def _ingest(self, entry: Entry) -> tuple[Article, bool] | None:
        """The entry saved with its text: (article, new), or None (and, when it has no
        address to fetch instead, a problem)."""
        try:
            doc = document(entry)
            with transaction.atomic():
                result = ingest.save(doc, self.user, by_hand=False)
        except IngestError as exc:
            if not entry.url:
                self.outcome.problems.append(Problem(entry.where, f"its text: {exc}"))
            return None
        if result.duplicate:
            self.outcome.existing_articles += 1
        else:
            self.outcome.articles += 1
        return result.article, not result.duplicate

    def _wait(self, entries: list[Entry]) -> None:
        """Entries to fetch: one PendingImport each, unless one is already waiting."""
        if not entries:
            return
        owner_id = self.user.pk if self.user else None
        known = set(
            PendingImport.objects.filter(
                owner_id=owner_id, url__in=[e.url for e in entries]
            ).values_list("url", flat=True)
        )
        rows = []
        for entry in entries:
            if entry.url in known:
                self.outcome.existing_articles += 1
                continue
            gift = Gift.of(entry)
            if self.user is None:
                self.unowned += len(gift.highlights) + any(gift.states.values())
            rows.append(
                PendingImport(
                    owner_id=owner_id,
                    job=self.job,
                    url=entry.url,
                    saved_at=entry.saved_at,
                    labels=list(entry.labels),
                    annotations=[h.as_json() for h in entry.highlights],
                    **gift.states,
                )
            )
        # A second import of the same file at the same moment: one row each still.
        PendingImport.objects.bulk_create(rows, ignore_conflicts=True)
        self.outcome.articles += len(rows)
        self.outcome.queued += len(rows)

    # What an article is given ------------------------------------------------------------

    def give_all(self, gifts: list[tuple[Article, Gift, bool]]) -> None:
        self._labels([(article, gift.labels) for article, gift, _ in gifts])
        self._states([(article, gift.states) for article, gift, _ in gifts])
        for article, gift, new in gifts:
            if new and gift.saved_at and gift.saved_at < article.created_at:
                Article.objects.filter(pk=article.pk).update(created_at=gift.saved_at)
            if gift.highlights:
                self.annotate(article, gift.highlights)

    def _label_id(self, raw: str) -> int | None:
        try:
            name = library.clean_label_name(raw)
        except library.LabelError:
            return None
        key = name.lower()
        if key not in self.label_ids:
            label = library.label_named(name)
            if label is None:
                try:
                    with transaction.atomic():
                        label = Label.objects.create(name=name, created_by=self.user)
                except IntegrityError:  # a colleague made it meanwhile
                    label = library.label_named(name)
            if label is None:  # pragma: no cover - deleted in between as well
                return None
            self.label_ids[key] = label.pk
        return self.label_ids[key]

    def _labels(self, pairs: Iterable[tuple[Article, tuple[str, ...]]]) -> None:
        links = [
            ArticleLabel(article=article, label_id=label_id, added_by=self.user)
            for article, names in pairs
            for name in names
            if (label_id := self._label_id(name)) is not None
        ]
        had = set(
            ArticleLabel.objects.filter(
                article_id__in={link.article_id for link in links}
            ).values_list("article_id", "label_id")
        )
        ArticleLabel.objects.bulk_create(links, ignore_conflicts=True)
        put = {(link.article_id, link.label_id) for link in links} - had
        watchlists.labels_put(put, by=self.user)

    def _states(self, pairs: list[tuple[Article, dict[str, dt.datetime | None]]]) -> None:
        wanted = [(article, states) for article, states in pairs if any(states.values())]
        if not wanted:
            return
        if self.user is None:
            self.unowned += len(wanted)
            return
        rows = {
            row.article_id: row
            for row in ArticleState.objects.filter(
                user=self.user, article__in=[article for article, _ in wanted]
            )
        }
        new, changed = [], {}
        for article, states in wanted:
            row = rows.get(article.pk)
            if row is None:
                row = rows[article.pk] = ArticleState(user=self.user, article=article, **states)
                new.append(row)
                continue
            for name, value in states.items():
                if value is not None and getattr(row, name) is None:
                    setattr(row, name, value)
                    changed[row.pk] = row
        ArticleState.objects.bulk_create(new, ignore_conflicts=True)
        ArticleState.objects.bulk_update(list(changed.values()), list(STATES))

    def annotate(self, article: Article, highlights: Iterable[Highlight]) -> None:
        """Place each highlight on the article's text (or make it a note on the whole
        article), unless the same one is there already."""
        user = self.user
        if user is None:
            self.unowned += sum(1 for _ in highlights)
            return
        if "body_text" in article.get_deferred_fields():
            article.refresh_from_db(fields=["body_text"])
        there = set(
            Annotation.objects.filter(article=article, author=user).values_list(
                "exact", "start", "note"
            )
        )
        known = {(exact, start) for exact, start, _ in there if start is not None}
        notes = {note.strip() for exact, start, note in there if start is None and not exact}
        for highlight in highlights:
            self._annotation(article, user, highlight, known, notes)

    def _annotation(
        self,
        article: Article,
        user: User,
        highlight: Highlight,
        known: set[tuple[str, int]],
        notes: set[str],
    ) -> None:
        outcome = self.outcome
        try:
            with transaction.atomic():
                if not highlight.exact:
                    if highlight.note.strip() in notes:
                        outcome.existing_annotations += 1
                        return
                    made = annotating.create_page_note(
                        article, user, note=highlight.note, audience=None
                    )
                    notes.add(highlight.note.strip())
                else:
                    selector = place(
                        article.body_text,
                        highlight.exact,
                        highlight.prefix,
                        highlight.suffix,
                        highlight.start,
                    )
                    if selector is None:
                        outcome.problems.append(
                            Problem(highlight.where, "its words were not found in the article")
                        )
                        return
                    if (selector.exact, selector.start) in known:
                        outcome.existing_annotations += 1
                        return
                    made = annotating.create(
                        article,
                        user,
                        start=selector.start,
                        end=selector.end,
                        quote=selector.exact,
                        color=self.colour(highlight.color),
                        note=highlight.note,
                        audience=None,
                    )
                    known.add((selector.exact, selector.start))
                if highlight.created_at:
                    Annotation.objects.filter(pk=made.pk).update(
                        created_at=highlight.created_at, original_at=highlight.created_at
                    )
        except annotating.AnnotationError as exc:
            outcome.problems.append(Problem(highlight.where, str(exc)))
            return
        outcome.annotations += 1

    def colour(self, raw: str) -> str:
        """A palette colour, or the one the team's legend names `raw` ("Verified claim",
        as Newsroom's CSV export writes it); yellow for anything else."""
        if raw in Color.values:
            return raw
        if self.legend is None:
            self.legend = {
                name.lower(): color
                for color, plain_name, label in ColorLabel.legend()
                for name in (plain_name, label)
                if name
            }
        return self.legend.get(raw.strip().lower(), Color.YELLOW)

    # Annotations addressed by URL --------------------------------------------------------

    def addressed(self, chunk: list[Addressed]) -> None:
        with transaction.atomic():
            urls = {url for item in chunk for url in item.urls}
            by_url = {a.source_url: a for a in Article.objects.filter(source_url__in=urls)}
            by_pk = reader_articles(urls)
            groups: dict[int, tuple[Article, list[Addressed]]] = {}
            for item in chunk:
                article = next(
                    (a for url in item.urls if (a := by_url.get(url) or by_pk.get(url))), None
                )
                if article is None:
                    self.outcome.problems.append(
                        Problem(
                            item.highlight.where,
                            f"no article in the library has the address {item.urls[0][:200]}",
                        )
                    )
                    continue
                groups.setdefault(article.pk, (article, []))[1].append(item)
            self._labels(
                [(article, item.labels) for article, items in groups.values() for item in items]
            )
            for article, items in groups.values():
                self.annotate(article, [item.highlight for item in items])

    # Feeds -----------------------------------------------------------------------------

    def feeds(self, chunk: list[Subscription]) -> None:
        known = set(
            Feed.objects.filter(url__in=[f.url for f in chunk]).values_list("url", flat=True)
        )
        subscriber = self.user if self.user is not None else AnonymousUser()
        for subscription in chunk:
            if subscription.url in known:
                self.outcome.existing_feeds += 1
                continue
            known.add(subscription.url)
            try:
                with transaction.atomic():
                    feed = feeds.subscribe(subscription.url, subscriber)
                    if subscription.title and not feed.title:
                        Feed.objects.filter(pk=feed.pk).update(title=subscription.title)
            except fetch.FetchError as exc:
                self.outcome.problems.append(Problem(subscription.where, str(exc)))
                continue
            self.outcome.feeds += 1


def reader_articles(urls: Iterable[str]) -> dict[str, Article]:
    """Articles named by Newsroom reader addresses (`/articles/<id>/<slug>/`, as this
    project's Web Annotation export names them), when the slug is the article's: an
    export from another Newsroom names another article by the same id."""
    wanted: dict[str, tuple[int, str]] = {}
    for url in urls:
        try:
            match = resolve(urlsplit(url).path)
        except Resolver404:
            continue
        if match.url_name == "reader":
            wanted[url] = (int(match.kwargs["pk"]), str(match.kwargs.get("slug", "")))
    if not wanted:
        return {}
    articles = Article.objects.in_bulk([pk for pk, _ in wanted.values()])
    found = {}
    for url, (pk, slug) in wanted.items():
        article = articles.get(pk)
        if article is not None and (not slug or slug == article.slug):
            found[url] = article
    return found


def give(pending: PendingImport, article: Article, *, new: bool) -> Outcome:
    """Give an arrived article what its pending import carried (`pending.settle`)."""
    writer = _Writer(pending.owner, pending.job)
    gift = Gift(
        labels=tuple(pending.labels),
        states={name: getattr(pending, name) for name in STATES},
        saved_at=pending.saved_at,
        highlights=tuple(Highlight.from_json(h) for h in pending.annotations),
    )
    writer.give_all([(article, gift, new)])
    return writer.outcome
