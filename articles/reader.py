"""What the reader page shows one person: the article with its marks, and the panel.

`build` gathers it, in a fixed number of queries whatever the number of annotations, into
a `ReaderPage` that `templates/articles/reader.html` reads; the views only choose which
part of the page to send. The shared page (`/s/<token>/`) is drawn from the same parts.

Invariants:
- Everything listed comes through `permissions.visible_annotations` for the viewer.
- The marked body is `highlights.render_marks` over the sanitised `body_html`: the
  offsets are those of `body_text`, the text the browser's `textContent` gives.
- A PDF's page starts are drawn as empty `<span class="page-start" data-page="N">`
  (the number shows through CSS `::before`), so `textContent` stays `body_text`.
- Images come from Newsroom (`images.localize`, one query when the body has any): a
  stored one from its local address, any other as an empty placeholder, text unchanged.
- The body's top-level elements carry `id="block-N"` (`highlights.layout`); a block from
  `marked_blocks` goes through the same `_finish` as `marked_body` and is byte for byte
  that block of it, so a write may send only the blocks it touched (`articles.redraw`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.urls import reverse

from articles import accounts, images, sharing, versions
from articles.cards import render_card
from articles.entities.suggestions import Suggestion, suggest
from articles.highlights import Span, layout, render_block, render_marks
from articles.models import (
    Annotation,
    AnnotationReview,
    Article,
    Color,
    ColorLabel,
    Entity,
    ShareLink,
)
from articles.parsing import parse_int
from articles.permissions import link_showing, may_delete_article, visible_annotations

if TYPE_CHECKING:
    from collections.abc import Mapping

    from django.contrib.auth.models import User

    from articles.models import TeamGroup
    from articles.types import Viewer


@dataclass(frozen=True)
class PanelFilters:
    """The panel's filters, from the query string: colour, author id, group ("private" or
    a group id). Anything unknown is dropped, never an error."""

    color: str = ""
    author: int | None = None
    group: str = ""

    @classmethod
    def parse(cls, params: Mapping[str, str]) -> PanelFilters:
        color = params.get("color", "")
        group = params.get("group", "")
        if group != sharing.PRIVATE:
            group_id = parse_int(group)
            group = "" if group_id is None else str(group_id)
        return cls(
            color=color if color in Color.values else "",
            author=parse_int(params.get("author")),
            group=group,
        )

    @property
    def active(self) -> bool:
        return bool(self.color or self.author or self.group)

    @property
    def query(self) -> str:
        """The author and group filters as a query string, for the colour links."""
        kept = (("author", self.author or ""), ("group", self.group))
        return urlencode({k: v for k, v in kept if v})

    def shows(self, annotation: Annotation) -> bool:
        if self.author is not None and annotation.author_id != self.author:
            return False
        if self.group == sharing.PRIVATE:
            return annotation.group_id is None
        return not self.group or str(annotation.group_id) == self.group


@dataclass(frozen=True)
class AudienceMenu:
    """ "Only me" and the viewer's groups, as (value, name), and the one selected."""

    choices: list[tuple[str, str]]
    current: str

    @classmethod
    def for_viewer(cls, viewer: User) -> AudienceMenu:
        """For a new annotation: the viewer's remembered choice selected."""
        groups, default = sharing.audience_menu(viewer)
        return cls(cls._choices(groups), sharing.audience_value(default))

    @classmethod
    def for_annotation(cls, viewer: User, annotation: Annotation) -> AudienceMenu:
        """For an edit: the annotation's own audience selected."""
        groups, _default = sharing.audience_menu(viewer)
        return cls(cls._choices(groups), sharing.audience_value(annotation.group))

    @staticmethod
    def _choices(groups: list[TeamGroup]) -> list[tuple[str, str]]:
        return [(sharing.PRIVATE, sharing.ONLY_ME)] + [(str(g.pk), g.name) for g in groups]


@dataclass
class EntityGroup:
    """One entity tagged in the article, with its mentions (anchored ones to go to)."""

    entity: Entity
    mentions: list[Annotation] = field(default_factory=list)
    anchored: list[Annotation] = field(default_factory=list)


@dataclass
class SuggestionGroup:
    """One suggested text (or known entity), with how often and in which forms it occurs."""

    suggestion: Suggestion
    count: int = 0
    forms: list[str] = field(default_factory=list)
    entity: Entity | None = None
    tag_all_url: str = ""


@dataclass(frozen=True)
class ReaderPage:
    article: Article
    body_html: str  # the sanitised body with its marks: safe HTML
    passages: list[Annotation]  # highlights and passage notes the filters show
    page_notes: list[Annotation]
    review: list[Annotation]  # changed and orphaned: "Needs review"
    annotation_count: int
    entity_groups: list[EntityGroup]
    suggestion_groups: list[SuggestionGroup]
    suggestion_spans_json: str
    filters: PanelFilters
    author_choices: list[tuple[int, str]]
    group_choices: list[tuple[str, str]]
    legend: list[tuple[str, str, str]]
    audience_menu: AudienceMenu
    can_delete: bool
    updated_since_annotated: bool
    # Reversed once for the page, not once per suggestion row.
    accept_url: str
    reject_url: str
    entity_kinds: list[tuple[str, str]] = field(default_factory=lambda: Entity.Kind.choices)


def _state(annotation: Annotation, assertive: frozenset[str]) -> str:
    """How a mark shows its review state: "recheck" for a changed annotation whose colour
    asserts something (the assertion is withheld), "changed", or "" (unchanged)."""
    if not annotation.is_changed:
        return ""
    return (
        "recheck" if annotation.entity_id is None and annotation.color in assertive else "changed"
    )


# A claim is drawn apart from a plain highlight.
_KINDS: dict[str, str] = {Annotation.Motivation.ASSESSING: "claim"}


def _spans(anchored: list[Annotation], assertive: frozenset[str]) -> list[Span]:
    return [
        Span(a.pk, a.start, a.end, a.entity.kind, "mention", _state(a, assertive))
        if a.entity is not None
        else Span(a.pk, a.start, a.end, a.color, _KINDS.get(a.motivation, "highlight"),
                  _state(a, assertive))
        for a in anchored
        if a.start is not None and a.end is not None
    ]  # fmt: skip


def _finish(article: Article, marked: list[str], starts: list[int]) -> list[str]:
    """What every piece of a marked body goes through after its marks, the whole body
    and a block alike: page starts, then images served by Newsroom. `starts`: where
    each piece's text begins in body_text."""
    pieces = [
        page_marks(html, article.page_starts, at) for html, at in zip(marked, starts, strict=True)
    ]
    # One localize (one query) for all: NUL never occurs in canonical HTML.
    return images.localize("\0".join(pieces), article.pk).split("\0")


def marked_body(
    article: Article, anchored: list[Annotation], assertive: frozenset[str] = frozenset()
) -> str:
    """The article's body with its anchored annotations drawn: highlights (and claims) in
    their colour, mentions in their entity's kind, changed ones marked so; its images
    served by Newsroom; its top-level elements numbered (`id="block-N"`)."""
    marked = render_marks(layout(article.body_html).html, _spans(anchored, assertive))
    return _finish(article, [marked], [0])[0]


def marked_blocks(
    article: Article,
    blocks: range,
    anchored: list[Annotation],
    assertive: frozenset[str] = frozenset(),
) -> list[str]:
    """Blocks of `marked_body`, drawn alone: `anchored` must hold every annotation
    those blocks want (`highlights.Block.wants`); any other is left out."""
    laid = layout(article.body_html)
    spans = _spans(anchored, assertive)
    marked = [render_block(laid, i, spans) for i in blocks]
    return _finish(article, marked, [laid.blocks[i].start for i in blocks])


# The marked body is canonical HTML plus marks: every "<" starts a tag (see highlights),
# and a character of text is a character or one character reference.
_TAG = re.compile(r"(<[^>]*>)")
_CHAR = re.compile(r"&#?[A-Za-z0-9]+;|.", re.DOTALL)


def page_marks(html: str, page_starts: list[int], at: int = 0) -> str:
    """`html` with an empty marker before the character where each page starts (the last
    of several pages starting at the same place: pages without text have no marker).
    `at`: where the text of `html` begins in body_text (a block's start)."""
    # A later page overwrites an earlier one at the same offset.
    starts = {offset: number for number, offset in enumerate(page_starts, start=1)}
    if not starts:
        return html
    out: list[str] = []
    position = at
    for piece in _TAG.split(html):
        if not piece or piece.startswith("<"):
            out.append(piece)
            continue
        for char in _CHAR.findall(piece):
            if (page := starts.get(position)) is not None:
                out.append(
                    f'<span class="page-start" data-page="{page}" aria-hidden="true"></span>'
                )
            out.append(char)
            position += 1
    return "".join(out)


def _histories(annotations: list[Annotation]) -> dict[int, list[AnnotationReview]]:
    """Each annotation's reviews, oldest first: one query."""
    found: dict[int, list[AnnotationReview]] = {}
    ids = [a.pk for a in annotations]
    if ids:
        reviews = AnnotationReview.objects.filter(annotation__in=ids).select_related("by__profile")
        for review in reviews:
            found.setdefault(review.annotation_id, []).append(review)
    return found


def version_url(annotation: Annotation) -> str | None:
    """The stored text a changed or orphaned annotation was written on, if any."""
    if annotation.written_on_id is None or not annotation.needs_review:
        return None
    return reverse("article_version", args=[annotation.article_id, annotation.written_on_id])


def anchored(annotations: list[Annotation]) -> list[Annotation]:
    """The annotations drawn in the text: on a passage and not orphaned."""
    return [a for a in annotations if a.start is not None and not a.is_orphaned]


def with_cards(
    viewer: Viewer,
    annotations: list[Annotation],
    *,
    id_prefix: str = "card-",
    links: list[ShareLink] | None = None,
    assertive: frozenset[str] | None = None,
) -> None:
    """Give each annotation its rendered `card`; mentions carry their entity's counts.
    `assertive`: the assertive colours, when the caller has them (else one query)."""
    entity_ids = {a.entity_id for a in annotations if a.entity_id}
    # By entity id; an annotation that is not a mention looks up None and finds nothing.
    counts: dict[int | None, int | None] = dict(
        Entity.objects.filter(pk__in=entity_ids)
        .with_mention_counts(visible_annotations(viewer))
        .values_list("pk", "mention_count")
    ) if entity_ids else {}  # fmt: skip
    annotations_url = reverse("annotation_cards")
    # Computed once per article and per link: 500 cards must not build 500 URLs each.
    article_urls: dict[int, str] = {}
    link_urls = {link.pk: link.get_absolute_url() for link in links or []}
    if assertive is None:
        assertive = ColorLabel.assertive() if annotations else frozenset()
    histories = _histories(annotations)
    # A guest (even one demoted from member) is offered no Edit, Delete or review actions.
    editor_id = viewer.pk if accounts.may_contribute(viewer) else None
    for annotation in annotations:
        link = link_showing(links, annotation) if links else None
        article_url = article_urls.get(annotation.article_id)
        if article_url is None:
            article_url = article_urls[annotation.article_id] = (
                annotation.article.get_absolute_url()
            )
        annotation.card = render_card(
            annotation,
            viewer_id=editor_id,
            article_url=article_url,
            annotations_url=annotations_url,
            id_prefix=id_prefix,
            share_url=link_urls[link.pk] if link else None,
            mention_count=counts.get(annotation.entity_id) or 0,
            assertive=assertive,
            version_url=version_url(annotation),
            reviews=histories.get(annotation.pk, ()),
        )


def shared_cards(
    link: ShareLink, annotations: list[Annotation], assertive: frozenset[str] | None = None
) -> None:
    """Cards for a share-link page: no Edit or Delete, no group names, whoever looks."""
    url = link.get_absolute_url()
    article = link.article
    for annotation in annotations:  # all of the link's article: its citation reads it
        if annotation.article_id == article.pk:
            annotation.article = article
    if assertive is None:
        assertive = ColorLabel.assertive() if annotations else frozenset()
    for annotation in annotations:
        if annotation.article_id == link.article_id:
            annotation.article = link.article  # one article for all: its page numbers
        annotation.card = render_card(
            annotation,
            viewer_id=None,
            article_url=url,
            annotations_url="",
            share_url=url,
            public=True,
            assertive=assertive,
        )


def _entity_groups(mentions: list[Annotation]) -> list[EntityGroup]:
    groups: dict[int, EntityGroup] = {}
    for mention in mentions:
        if mention.entity is None:
            continue
        group = groups.setdefault(mention.entity.pk, EntityGroup(mention.entity))
        group.mentions.append(mention)
        if mention.start is not None and not mention.is_orphaned:
            group.anchored.append(mention)
    return sorted(groups.values(), key=lambda g: (-len(g.mentions), g.entity.name.lower()))


def _suggestion_groups(article: Article, suggestions: list[Suggestion]) -> list[SuggestionGroup]:
    """One row per suggested text (or known entity), with how often it occurs."""
    groups: dict[tuple[str, object], SuggestionGroup] = {}
    for s in suggestions:
        key = ("known", s.entity_id) if s.kind == "known" else ("candidate", s.text.casefold())
        group = groups.setdefault(key, SuggestionGroup(s))
        group.count += 1
        if s.text not in group.forms:
            group.forms.append(s.text)
    known = Entity.objects.in_bulk([k[1] for k in groups if k[0] == "known"])
    for (kind, entity_id), group in groups.items():
        entity = known.get(entity_id) if kind == "known" else None
        group.entity = entity
        if entity is not None:
            group.tag_all_url = reverse("tag_all", args=[article.pk, entity.pk])
    return list(groups.values())


def build(viewer: User, article: Article, params: Mapping[str, str]) -> ReaderPage:
    """The reader page of `article` for `viewer`, with the panel filtered by `params`."""
    filters = PanelFilters.parse(params)
    annotations = list(
        visible_annotations(viewer)
        .filter(article=article)
        .select_related("author__profile", "group", "entity", "claim")
        .in_text_order()
    )
    for annotation in annotations:
        annotation.article = article
    legend, assertive = ColorLabel.palette()
    links = sharing.active_links(viewer, article)
    with_cards(viewer, annotations, links=links, assertive=assertive)
    drawn = anchored(annotations)
    suggestions = suggest(article, viewer, annotations)
    shown = [a for a in annotations if filters.shows(a)]
    authors = {a.author_id: sharing.public_name(a.author) for a in annotations}
    groups: dict[int | str, str] = {
        a.group.pk: a.group.name for a in annotations if a.group is not None
    }
    if any(a.group_id is None for a in annotations):
        groups[sharing.PRIVATE] = sharing.ONLY_ME
    return ReaderPage(
        article=article,
        body_html=marked_body(article, drawn, assertive),
        passages=[
            a
            for a in anchored(shown)
            if not a.is_mention and not a.needs_review and a.color == (filters.color or a.color)
        ],
        page_notes=[a for a in shown if a.is_page_note],
        review=[a for a in shown if a.needs_review],
        annotation_count=sum(1 for a in drawn if not a.is_mention),
        entity_groups=_entity_groups([a for a in annotations if a.is_mention]),
        suggestion_groups=_suggestion_groups(article, suggestions),
        suggestion_spans_json=json.dumps(
            [[s.start, s.end] for s in suggestions if s.start is not None]
        ),
        filters=filters,
        author_choices=sorted(authors.items(), key=lambda item: item[1].casefold()),
        group_choices=[(str(k), v) for k, v in groups.items()],
        legend=legend,
        audience_menu=AudienceMenu.for_viewer(viewer),
        can_delete=may_delete_article(viewer, article),
        updated_since_annotated=versions.updated_since_annotated(article, viewer, annotations),
        accept_url=reverse("accept_suggestion", args=[article.pk]),
        reject_url=reverse("reject_suggestion", args=[article.pk]),
    )


@dataclass(frozen=True)
class SharedPage:
    """What a share link shows: the article, the link's annotations, the one it points at."""

    link: ShareLink
    banner: str  # what the page shows, in the words of whoever reads it
    article: Article
    body_html: str
    passages: list[Annotation]
    page_notes: list[Annotation]
    orphans: list[Annotation]
    pointed: Annotation | None


def build_shared(link: ShareLink, viewer: Viewer, pointed_id: str = "") -> SharedPage:
    """The shared page of `link`; `pointed_id` names one passage (for link previews)."""
    article = link.article
    annotations = list(
        visible_annotations(viewer, link=link)
        .select_related("author__profile", "group", "entity", "claim")
        .in_text_order()
    )
    assertive = ColorLabel.assertive()
    shared_cards(link, annotations, assertive)
    drawn = anchored(annotations)
    return SharedPage(
        link=link,
        banner=_shared_banner(link, viewer),
        article=article,
        body_html=marked_body(article, drawn, assertive),
        passages=[a for a in drawn if not a.is_mention],
        page_notes=[a for a in annotations if a.is_page_note],
        orphans=[a for a in annotations if a.is_orphaned],
        pointed=next((a for a in annotations if str(a.pk) == pointed_id), None),
    )


def _shared_banner(link: ShareLink, viewer: Viewer) -> str:
    """Whose annotations a shared page shows, said to its reader: the link's own
    `description` ("My annotations") is in its owner's words."""
    owner_name = sharing.public_name(link.owner)
    own = viewer.is_authenticated and viewer.pk == link.owner_id
    group = link.group.name if link.scope == ShareLink.Scope.GROUP and link.group else ""
    if group:
        shown = f"Annotations shared with {group}"
    else:
        shown = "Your annotations" if own else f"{owner_name}’s annotations"
    if own:
        return f"{shown}, as people with your link see them"
    if group:
        return f"{shown}, in a read-only link from {owner_name}"
    return f"{shown}, shared read-only"
