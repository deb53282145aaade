"""Annotations as W3C Web Annotations (JSON-LD), so they can leave Newsroom.

https://www.w3.org/TR/annotation-model/: one annotation becomes an `Annotation`, the
annotations of one article an `AnnotationPage`. Pure functions over model instances: no
queries of their own beyond the relations the caller did not load.

Modelling, where the standard leaves a choice:
- Motivation is the stored one; "highlighting", "commenting" and "identifying" (an
  entity mention, whose body is the entity) are W3C motivations.
- A note is one `TextualBody` (purpose "commenting", format text/html) whose value is
  `note_html`, never the Markdown source: other tools get exactly the HTML our templates
  mark safe. A highlight without a note has no body, as the model allows.
- The colour says how the passage is shown, so it is a style (model 4.4), not a body: the
  target carries the `styleClass` "newsroom-<colour>" and the annotation embeds the
  `CssStylesheet` that defines it. A tagging body would state "green" as content, and
  what a colour means lives in the team's legend, which changes without the annotation
  changing. Page notes have no passage and so no colour.
- A passage target is a SpecificResource on the article's reader URL with a
  TextPositionSelector and a TextQuoteSelector. Positions count code points of
  `article.body_text`, the text of the reader's article body (not of the whole page).
- An orphaned annotation (its words are gone from the current text) keeps its
  TextQuoteSelector, the words it was made on, and has no TextPositionSelector, whose
  offsets would now point at other words. In this export, a passage target with a quote
  and no position is an orphan.
- A page note's target is the article's IRI itself; a note posted through the protocol
  about another resource (`target_iri`) has that IRI as its target, and a `canonical`
  given then is written back unchanged.
- An annotation's `id` is its IRI in the article's annotation container, where the
  protocol reads, replaces and deletes it.
- Once the text changed under an annotation (it was written on a stored version, or it
  was detached from its words), the words it was written on are a second target (model
  4.3, States): a SpecificResource with a TextQuoteSelector of the original quote and
  context and a `TimeState` whose `sourceDate` is when those words were annotated (or
  last reviewed) and `cached` the stored version in Newsroom. The first target is always
  the current place, as above; an annotation whose text never changed has one target.
- The creator is a Person with the username as `nickname` and the display name the reader
  shows as `name`. There is no `id`: people have no pages here, and an IRI that answers
  404 would be worse than none.

Invariants:
- Nothing here applies the visibility rule: callers pass only annotations the requester
  may see (`permissions.visible_annotations`, `permissions.annotation_for`).
- No e-mail address of a user is ever written, not even a username shaped like one.
- Every IRI is absolute: `base_url` (scheme and host, no trailing slash) + a path from
  `reverse`.
- Times are xsd:dateTime in UTC, to the second, ending in "Z".
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from django.urls import reverse

from articles.models import Annotation, Article, Color, Entity

if TYPE_CHECKING:
    from collections.abc import Iterable

    from django.contrib.auth.models import User

CONTEXT = "http://www.w3.org/ns/anno.jsonld"

# The light theme's highlight colours (--hl-* in static/css/newsroom.css).
HIGHLIGHT_CSS: dict[str, str] = {
    Color.YELLOW: "#fde68a",
    Color.GREEN: "#bbf7d0",
    Color.BLUE: "#bfdbfe",
    Color.PINK: "#fbcfe8",
    Color.PURPLE: "#ddd6fe",
}

JsonLd = dict[str, Any]

_EMAIL_DOMAIN = re.compile(r"@[^\s@]+\.[^\s@]+")


def _datetime(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _public(name: str) -> str:
    """A name fit to publish: anything shaped like an e-mail address loses its domain."""
    return _EMAIL_DOMAIN.sub("", name).strip()


def _creator(user: User) -> JsonLd:
    username = _public(user.get_username()) or f"member {user.pk}"
    # AbstractBaseUser has no full name; the default User (and the reader's cards) do.
    full_name = _public(user.get_full_name()) if hasattr(user, "get_full_name") else ""
    return {"type": "Person", "nickname": username, "name": full_name or username}


def _style_class(annotation: Annotation) -> str | None:
    """The class that shows a passage in its colour; page notes show no passage."""
    if annotation.is_page_note or annotation.is_mention or annotation.color not in HIGHLIGHT_CSS:
        return None
    return f"newsroom-{annotation.color}"


def article_iri(article: Article, base_url: str) -> str:
    return base_url + article.get_absolute_url()


def container_iri(article: Article | int, base_url: str) -> str:
    """The article's annotation container (W3C Web Annotation Protocol)."""
    pk = article if isinstance(article, int) else article.pk
    return base_url + reverse("annotation_container", args=[pk])


def annotation_iri(annotation: Annotation, base_url: str) -> str:
    """Its IRI in its article's container, where the protocol reads and changes it (the
    first release's `/annotations/<id>.jsonld` still answers)."""
    return base_url + reverse("container_annotation", args=[annotation.article_id, annotation.pk])


def page_iri(article: Article, base_url: str) -> str:
    return base_url + reverse("article_annotations_jsonld", kwargs={"pk": article.pk})


def _target(annotation: Annotation, source: str, style_class: str | None) -> str | JsonLd:
    if annotation.target_iri:  # made elsewhere, about another resource
        return annotation.target_iri
    if annotation.start is None and not annotation.exact:
        return source
    if annotation.start is None:  # a mention by the title or related links: no selector
        return source
    quote = {
        "type": "TextQuoteSelector",
        "exact": annotation.exact,
        "prefix": annotation.prefix,
        "suffix": annotation.suffix,
    }
    selectors: list[JsonLd] = [quote]
    if not annotation.is_orphaned:
        position = {
            "type": "TextPositionSelector",
            "start": annotation.start,
            "end": annotation.end,
        }
        selectors.insert(0, position)
    target: JsonLd = {"type": "SpecificResource", "source": source}
    if style_class:
        target["styleClass"] = style_class
    target["selector"] = selectors
    return target


def _to_jsonld(annotation: Annotation, base_url: str, source: str) -> JsonLd:
    data: JsonLd = {
        "@context": CONTEXT,
        "id": annotation_iri(annotation, base_url),
        "type": "Annotation",
        "motivation": annotation.motivation,
        "created": _datetime(annotation.created_at),
        "modified": _datetime(annotation.updated_at or annotation.created_at),
        "creator": _creator(annotation.author),
    }
    if annotation.canonical:
        data["canonical"] = annotation.canonical
    style_class = _style_class(annotation)
    if style_class:
        # Model 4.4: a styleClass needs the annotation's stylesheet to define it.
        css = HIGHLIGHT_CSS[annotation.color]
        data["stylesheet"] = {
            "type": "CssStylesheet",
            "value": f".{style_class} {{ background-color: {css}; }}",
        }
    bodies: list[JsonLd] = []
    if annotation.entity is not None:  # a mention
        bodies.append(_entity_body(annotation.entity, base_url))
    if annotation.note_html:
        bodies.append({
            "type": "TextualBody",
            "value": annotation.note_html,
            "format": "text/html",
            "purpose": "commenting",
        })  # fmt: skip
    if bodies:
        data["body"] = bodies[0] if len(bodies) == 1 else bodies
    current = _target(annotation, source, style_class)
    original = _original(annotation, source, base_url)
    data["target"] = [current, original] if original else current
    return data


def _original(annotation: Annotation, source: str, base_url: str) -> JsonLd | None:
    """The words it was written on, as they read then (a TimeState); None for what was
    written on no passage of the text (a page note, a mention by the title)."""
    if not annotation.original_exact or annotation.original_start is None:
        return None
    if annotation.written_on_id is None and annotation.start == annotation.original_start:
        return None  # written on the current text, where it still is
    state: JsonLd = {"type": "TimeState", "sourceDate": _datetime(annotation.original_at)}
    if annotation.written_on_id is not None:
        state["cached"] = base_url + reverse(
            "article_version", args=[annotation.article_id, annotation.written_on_id]
        )
    return {
        "type": "SpecificResource",
        "source": source,
        "state": state,
        "selector": {
            "type": "TextQuoteSelector",
            "exact": annotation.original_exact,
            "prefix": annotation.original_prefix,
            "suffix": annotation.original_suffix,
        },
    }


def _entity_body(entity: Entity, base_url: str) -> JsonLd:
    """A mention's body is the entity it identifies (model 3.3.5, purpose identifying):
    its Wikidata item when it has one, else our entity page."""
    return {
        "type": "SpecificResource",
        "purpose": "identifying",
        "source": entity.wikidata_url or base_url + entity.get_absolute_url(),
    }


def annotation_to_jsonld(annotation: Annotation, base_url: str) -> JsonLd:
    """One annotation as a standalone Web Annotation document."""
    return _to_jsonld(annotation, base_url, article_iri(annotation.article, base_url))


def page_to_jsonld(article: Article, annotations: Iterable[Annotation], base_url: str) -> JsonLd:
    """The given annotations of `article`, in the order given, as one AnnotationPage.

    The page is the whole set (no paging), part of a collection that exists only as the
    page's `#collection`: it carries the article's title as label and the total. Items
    leave out `@context`: the page's applies to them.
    """
    source = article_iri(article, base_url)
    items = []
    for annotation in annotations:
        if annotation.article_id != article.pk:
            raise ValueError(f"Annotation {annotation.pk} is not on article {article.pk}.")
        item = _to_jsonld(annotation, base_url, source)
        del item["@context"]
        items.append(item)
    page_id = page_iri(article, base_url)
    return {
        "@context": CONTEXT,
        "id": page_id,
        "type": "AnnotationPage",
        "partOf": {
            "id": f"{page_id}#collection",
            "type": "AnnotationCollection",
            "label": f"Annotations on “{article.title}”",
            "total": len(items),
        },
        "startIndex": 0,
        "items": items,
    }
