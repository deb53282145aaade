"""W3C Web Annotations coming in, through the API and the annotation containers: a
JSON-LD annotation becomes an annotation on one article, or replaces what one says.

What an incoming annotation may say, and what it becomes:
- **Target.** The first target that is not a `state` (Newsroom's own second target keeps
  the words as first written, and is ignored on the way in).
  - This article (its reader URL, with or without host, its container, or the address it
    was saved from) as an IRI: a note on the whole article, which needs a note.
  - A SpecificResource on this article with a TextQuoteSelector and perhaps a
    TextPositionSelector: a passage. Offsets that hold exactly those words are used as
    they are; otherwise the words are placed by quote and context, exactly as an import
    places them (`imports.placing.place`). Words that are not in the text: refused.
  - Any other IRI: a note about that resource, kept as a page note of this article with
    its `target_iri` (an annotation made elsewhere and posted here; the protocol lets a
    container hold annotations on anything). A passage of another page has no text here
    to anchor it: refused, rather than kept without its passage.
- **Body.** TextualBodies are the note (HTML bodies read as text, through the sanitiser);
  a bare string body too. Tags (purpose "tagging") are refused, not dropped: labels are
  the article's (`/api/v1/articles/{id}/labels`).
- **Colour.** The target's `styleClass` "newsroom-<colour>", else yellow.
- **Motivation.** Derived, as in the reader: commenting with a note, else highlighting.
  Entity mentions ("identifying") and replies are refused: they are made in the reader.
- **canonical** (model 3.3.6) is kept unchanged, and may not change once set.
- `id`, `created`, `creator` and the rest are the server's: ignored.

Every refusal is an `InputError` whose message says what to change; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.db import transaction
from django.urls import reverse

from articles import anchoring, fetch
from articles import annotations as annotating
from articles.imports import placing
from articles.imports.webannotations import bodies, motivations, passage, selectors, source
from articles.models import Annotation, Article, Color

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from articles.sharing import Audience

MAX_IRI_CHARS = 2000
REFUSED_MOTIVATIONS = {
    "identifying": "Entity mentions are tagged in the reader; send a highlight or a note.",
    "replying": "Replies are not kept; send a note on the article or on a passage.",
}


class InputError(ValueError):
    """The annotation cannot be stored as sent; the message says why."""


@dataclass(frozen=True)
class Wanted:
    """What an incoming annotation asks for, checked against the article's text."""

    note: str
    color: str
    passage: anchoring.Selector | None  # None: the whole article, or `target_iri`
    target_iri: str  # "" unless the annotation is about another resource
    canonical: str


def _types(item: object) -> set[str]:
    raw = item.get("type", []) if isinstance(item, dict) else []
    return {t for t in (raw if isinstance(raw, list) else [raw]) if isinstance(t, str)}


def _is_article(iri: str, article: Article, base_url: str) -> bool:
    parts, ours = urlsplit(iri), urlsplit(base_url)
    if parts.netloc and parts.netloc.lower() != ours.netloc.lower():
        return bool(article.source_url) and fetch.canonical_url(iri) == article.source_url
    path = parts.path
    reader = f"/articles/{article.pk}/"
    container = reverse("annotation_container", args=[article.pk])
    return path.startswith(reader) or path == container


def _target(data: dict[str, Any]) -> object:
    raw = data.get("target")
    targets = raw if isinstance(raw, list) else [raw]
    current = [t for t in targets if not (isinstance(t, dict) and "state" in t)]
    if not current or current[0] is None:
        raise InputError("An annotation needs a target: this article, or a passage of it.")
    return current[0]


def _placed(article: Article, target: dict[str, Any]) -> anchoring.Selector:
    found = passage(selectors(target))
    if found is None:
        raise InputError("A passage needs a TextQuoteSelector with the exact words.")
    exact, prefix, suffix, hint = found
    text = article.body_text
    if hint is not None:
        position = next((s for s in selectors(target) if "TextPositionSelector" in _types(s)), {})
        end = position.get("end")
        if isinstance(end, int) and text[hint:end] == exact:
            return anchoring.select(text, hint, end, exact)
    placed = placing.place(text, exact, prefix, suffix, hint)
    if placed is None:
        raise InputError(f"The words {exact[:60]!r} are not in this article's text.")
    return placed


def _color(target: object) -> str:
    style = target.get("styleClass") if isinstance(target, dict) else None
    if not isinstance(style, str):
        return Color.YELLOW
    wanted = style.removeprefix("newsroom-")
    if wanted not in Color.values:
        raise InputError(
            f"Unknown styleClass {style[:40]!r}: use newsroom-<colour>, one of "
            f"{', '.join(Color.values)}."
        )
    return wanted


def _checked(data: object) -> tuple[dict[str, Any], str, str]:
    """The annotation object, its note and its canonical IRI; refuses what is never kept."""
    if not isinstance(data, dict):
        raise InputError("Send one annotation, a JSON object.")
    if "Annotation" not in _types(data):
        raise InputError('An annotation has "type": "Annotation".')
    for motivation in motivations(data):
        if motivation in REFUSED_MOTIVATIONS:
            raise InputError(REFUSED_MOTIVATIONS[motivation])
    note, tags = bodies(data)
    if tags:
        raise InputError(
            "Tags (bodies with purpose tagging) are not kept on annotations; label the "
            "article instead."
        )
    canonical = data.get("canonical", "")
    if not isinstance(canonical, str) or len(canonical) > MAX_IRI_CHARS:
        raise InputError(f"canonical is an IRI of at most {MAX_IRI_CHARS} characters.")
    return data, note, canonical


def read(article: Article, data: object, base_url: str) -> Wanted:
    """What `data` (parsed JSON) asks for on `article`; InputError if it cannot be kept."""
    item, note, canonical = _checked(data)
    target = _target(item)
    on_passage = isinstance(target, dict) and bool(selectors(target))
    iri = target if isinstance(target, str) else source(target)
    if not iri and on_passage:
        iri = base_url + article.get_absolute_url()  # a passage with no source: this one
    if not iri or len(iri) > MAX_IRI_CHARS:
        raise InputError("The target needs an IRI (its source) of at most 2000 characters.")
    if not _is_article(iri, article, base_url):
        if on_passage:
            raise InputError(
                "This container holds this article's annotations: a passage of another "
                "page has no text here to anchor it."
            )
        if not note.strip():
            raise InputError("A note about another page needs a note (a TextualBody).")
        return Wanted(note, Color.YELLOW, None, iri, canonical)
    if on_passage and isinstance(target, dict):
        try:
            return Wanted(note, _color(target), _placed(article, target), "", canonical)
        except anchoring.AnchorError as exc:
            raise InputError(str(exc)) from None
    if not note.strip():
        raise InputError("A note on the whole article needs a note (a TextualBody).")
    return Wanted(note, Color.YELLOW, None, "", canonical)


def create(
    article: Article, author: User, data: object, *, base_url: str, audience: Audience
) -> Annotation:
    """A new annotation by `author` from `data`, for `audience` (a group, None for "Only
    me"). Raises InputError (or AnnotationError, for a note too long or the like)."""
    wanted = read(article, data, base_url)
    with transaction.atomic():
        if wanted.passage is not None:
            made = annotating.create(
                article,
                author,
                start=wanted.passage.start,
                end=wanted.passage.end,
                quote=wanted.passage.exact,
                color=wanted.color,
                note=wanted.note,
                audience=audience,
            )
        else:
            made = annotating.create_page_note(article, author, note=wanted.note, audience=audience)
        if wanted.canonical or wanted.target_iri:
            made.canonical, made.target_iri = wanted.canonical, wanted.target_iri
            made.save(update_fields=["canonical", "target_iri"])
    return made


def replace(annotation: Annotation, data: object, *, by: User, base_url: str) -> Annotation:
    """What `annotation` says, replaced by `data` (an HTTP PUT): its note, colour, passage
    (moved to other words of the current text) or the resource it is about. The caller
    holds the row locked and has checked If-Match."""
    if annotation.is_mention:
        raise InputError("An entity mention is changed in the reader.")
    wanted = read(annotation.article, data, base_url)
    if annotation.canonical and wanted.canonical != annotation.canonical:
        raise InputError("canonical never changes once given; send it unchanged.")
    on_passage = annotation.start is not None or bool(annotation.original_exact)
    if on_passage != (wanted.passage is not None):
        raise InputError(
            "A passage annotation stays on a passage and a note on the whole article stays "
            "one: delete it and make a new one instead."
        )
    with transaction.atomic():
        moved = wanted.passage is not None and (
            (annotation.start, annotation.end) != (wanted.passage.start, wanted.passage.end)
        )
        if moved and wanted.passage is not None:
            annotation = annotating.move(
                annotation,
                by,
                start=wanted.passage.start,
                end=wanted.passage.end,
                quote=wanted.passage.exact,
            )
        annotation = annotating.update(
            annotation,
            note=wanted.note,
            color=wanted.color if wanted.passage is not None else None,
            by=by,
        )
        fields = []
        if wanted.canonical != annotation.canonical:
            annotation.canonical = wanted.canonical
            fields.append("canonical")
        if wanted.target_iri != annotation.target_iri:
            annotation.target_iri = wanted.target_iri
            fields.append("target_iri")
        if fields:
            annotation.save(update_fields=[*fields, "updated_at"])
    return annotation
