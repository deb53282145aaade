"""Annotation cards for the panel and the popover, rendered in Python.

Why not a template: the panel lists every annotation of an article, and an article with
500 of them spent over 100 ms in the template engine alone (variable lookups and number
localisation per card), and still 60 ms with `format_html`. Plain f-strings with
`html.escape` do the same escaping for a fraction of that; `make bench` reports the reader
page's time with 500 annotations.

Invariants: every interpolated value is escaped with `html.escape` except `note_html`,
which comes out of `notes.render_note` (sanitised on write); the markup matches what
`annotate.js` and the CSS expect (`#card-<id>`, `data-goto`, `data-copy-link`,
`.card-edit-slot`).
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

if TYPE_CHECKING:
    from articles.models import Annotation

QUOTE_CHARS = 280
_PRIVATE = '<span class="badge">Only me</span>'


def _truncate(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _entity_block(annotation: Annotation, mention_count: int) -> str:
    entity = annotation.entity
    description = (
        f'<p class="entity-description">{escape(_truncate(entity.description), quote=False)}</p>'
        if entity.description
        else ""
    )
    plural = "" if mention_count == 1 else "s"
    return (
        f'<div class="card-entity"><a class="entity-name" href="/entities/{int(entity.pk)}/">'
        f"{escape(entity.name, quote=False)}</a> "
        f'<span class="kind-badge kind-{escape(entity.kind)}">'
        f"{escape(entity.get_kind_display(), quote=False)}</span>{description}"
        f'<p class="help">{mention_count:d} mention{plural} in the library</p></div>'
    )


def render_card(  # noqa: PLR0913 - keyword-only context for one card
    annotation: Annotation,
    *,
    viewer_id: int | None,
    article_url: str,
    annotations_url: str,
    id_prefix: str = "card-",
    mention_count: int = 0,
) -> SafeString:
    """One card; every interpolated value goes through html.escape except note_html."""
    pk = int(annotation.pk)
    orphaned = annotation.is_orphaned
    username = escape(annotation.author.get_username())
    color = escape(annotation.color)
    created = annotation.created_at
    swatch = ""
    if annotation.is_mention:
        kind = escape(annotation.entity.kind)
        swatch = f'<span class="kind-dot kind-{kind}" title="{kind}"></span>'
    elif not annotation.is_page_note:
        name = escape(annotation.get_color_display())
        swatch = f'<span class="swatch swatch-{color}" title="{name}"></span>'

    badge = _PRIVATE if annotation.visibility == annotation.Visibility.PRIVATE else ""
    head = (
        f'{swatch}<span class="author"><span class="initials" aria-hidden="true">'
        f"{escape(annotation.author.get_username()[:2].upper())}</span> {username}</span>"
        f'<time datetime="{created.isoformat()}">{created.day} {created:%b}</time>{badge}'
    )
    quote = ""
    if annotation.exact:
        text = escape(_truncate(annotation.exact), quote=False)
        inner = (
            text
            if orphaned or annotation.start is None
            else f'<a href="#annotation-{pk}" data-goto="{pk}">{text}</a>'
        )
        quote = f'<blockquote class="card-quote">{inner}</blockquote>'
    entity = _entity_block(annotation, mention_count) if annotation.is_mention else ""
    # note_html is the output of notes.render_note, sanitised when it was written.
    note = f'<div class="card-note">{annotation.note_html}</div>' if annotation.note_html else ""
    actions = ""
    if not orphaned and annotation.start is not None:
        actions += (
            f'<a href="{escape(article_url)}#annotation-{pk}" class="link-action" '
            "data-copy-link>Copy link</a>"
        )
    if viewer_id is not None and annotation.author_id == viewer_id:
        base = f"{escape(annotations_url)}{pk}/"
        actions += (
            f'<a href="{base}edit/" hx-get="{base}edit/" hx-target="next .card-edit-slot" '
            'class="link-action">Edit</a>'
            f'<form method="get" action="{base}delete/" hx-post="{base}delete/" '
            'hx-confirm="Delete this annotation? This cannot be undone." class="inline-form">'
            '<button type="submit" class="link-button danger-text">Delete</button></form>'
        )
    state = " is-orphaned" if orphaned else ""
    return mark_safe(  # noqa: S308 - built from escaped values and sanitised note_html
        f'<div class="annotation-card{state}" id="{id_prefix}{pk}" data-annotation="{pk}" '
        f'data-color="{color}"><div class="card-head">{head}</div>{entity}{quote}{note}'
        f'<div class="card-actions">{actions}</div><div class="card-edit-slot"></div></div>'
    )
