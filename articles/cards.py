"""Annotation cards for the panel and the popover, rendered in Python.

Why not a template: the panel lists every annotation of an article, and an article with
500 of them spent over 100 ms in the template engine alone (variable lookups and number
localisation per card), and still 60 ms with `format_html`. Plain f-strings with
`html.escape` do the same escaping for a fraction of that; `make bench` reports the reader
page's time with 500 annotations.

Invariants: every interpolated value is escaped with `html.escape` except `note_html`,
which comes out of `notes.render_note` (sanitised on write); the markup matches what
`annotate.js` and the CSS expect (`#card-<id>`, `data-goto`, `data-copy-link`,
`.card-edit-slot`, `data-move`).

A changed or orphaned annotation's card says so: what it was written on and what the text
says now (a word diff), and, for whoever may edit it, the review actions. In a colour
that asserts something, a changed annotation shows "needs re-check" instead.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString, mark_safe

from articles import citations
from articles.models import Annotation, AnnotationReview, Color
from articles.sharing import chosen_names, initials, public_name
from articles.versions import diff

if TYPE_CHECKING:
    from collections.abc import Sequence

    from django.contrib.auth.models import User

    from articles.models import Claim, Entity

QUOTE_CHARS = 280
_PRIVATE = '<span class="badge">Only me</span>'


def _truncate(text: str) -> str:
    return text if len(text) <= QUOTE_CHARS else text[: QUOTE_CHARS - 1].rstrip() + "…"


def _entity_block(entity: Entity, mention_count: int, *, public: bool) -> str:
    """Name, kind and description; the entity page and library counts only for the team
    (a share-link visitor cannot open them)."""
    description = (
        f'<p class="entity-description">{escape(_truncate(entity.description), quote=False)}</p>'
        if entity.description
        else ""
    )
    plural = "" if mention_count == 1 else "s"
    if public:
        return (
            f'<div class="card-entity"><span class="entity-name">'
            f"{escape(entity.name, quote=False)}</span> "
            f'<span class="kind-badge kind-{escape(entity.kind)}">'
            f"{escape(entity.get_kind_display(), quote=False)}</span>{description}</div>"
        )
    url = escape(entity.get_absolute_url())
    return (
        f'<div class="card-entity"><a class="entity-name" href="{url}">'
        f"{escape(entity.name, quote=False)}</a> "
        f'<span class="kind-badge kind-{escape(entity.kind)}">'
        f"{escape(entity.get_kind_display(), quote=False)}</span>{description}"
        f'<p class="help">{mention_count:d} mention{plural} in the library</p></div>'
    )


# Per card these were most of the cost of a 500-annotation panel: get_color_display()
# rebuilds its choices dict on every call, and names are the same few authors again.
_COLOR_NAMES = {value: escape(label) for value, label in Color.choices}
_AUTHORS: dict[tuple[int, str, str, str, str], tuple[str, str]] = {}


def _author(user: User) -> tuple[str, str]:
    """The author's public name and initials, escaped; remembered per name, so a changed
    display name or initials shows on the next page."""
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    key = (user.pk, user.get_username(), full, *chosen_names(user))
    found = _AUTHORS.get(key)
    if found is None:
        if len(_AUTHORS) > 4096:
            _AUTHORS.clear()
        found = _AUTHORS[key] = (escape(public_name(user)), escape(initials(user)))
    return found


def _was_now(annotation: Annotation) -> str:
    """The words it was written on and the words it is on now, as a word diff."""
    change = diff(annotation.original_exact, annotation.exact)
    was = "".join(
        f"<del>{escape(seg.text, quote=False)}</del>" if seg.kind == "del"
        else escape(seg.text, quote=False)
        for seg in change.before
    )  # fmt: skip
    now = "".join(
        f"<ins>{escape(seg.text, quote=False)}</ins>" if seg.kind == "ins"
        else escape(seg.text, quote=False)
        for seg in change.after
    )  # fmt: skip
    return (
        '<dl class="was-now"><dt>Was</dt>'
        f'<dd class="was">{was}</dd><dt>Now</dt><dd class="now">{now}</dd></dl>'
    )


_REVIEW_WHY = {
    "changed": "The text changed since this was written.",
    "orphaned": "Its words are no longer in the text.",
}


def _review(annotation: Annotation, *, base: str | None, version_url: str | None) -> str:
    """What changed under a changed or orphaned annotation, and the review actions for
    someone who may edit it (`base`: its URL prefix, None for anyone else)."""
    why = _REVIEW_WHY.get(annotation.status, "")
    body = f'<p class="review-why">{why}</p>'
    if annotation.is_changed:
        body += _was_now(annotation)
    links = ""
    if version_url:
        links += (
            f'<a class="link-action" href="{escape(version_url)}?a={int(annotation.pk):d}'
            f'#annotation-{int(annotation.pk):d}">Read it as it was</a>'
        )
    if base is not None:
        form = (
            f'<form method="post" action="{base}{{0}}/" hx-post="{base}{{0}}/" class="inline-form">'
            '<button type="submit" class="button small">{1}</button></form>'
        )
        if annotation.is_changed:
            links += form.format("still-stands", "Still stands")
        links += (
            f'<button type="button" class="button small" data-move="{int(annotation.pk):d}" '
            f'data-move-url="{base}move/">Move…</button>'
        )
        links += form.format("detach", "Detach")
    actions = f'<div class="review-actions">{links}</div>' if links else ""
    return f'<div class="card-review">{body}{actions}</div>'


def _history(reviews: Sequence[AnnotationReview]) -> str:
    if not reviews:
        return ""
    rows = "".join(
        f"<li>{escape(r.get_action_display())} by "
        f"{_author(r.by)[0] if r.by else 'a former member'}, "
        f'<time datetime="{r.at.isoformat()}">{r.at.day} {r.at:%b %Y}</time>'
        + (
            f"; was “{escape(_truncate(r.was_exact), quote=False)}”"
            if r.was_exact and r.was_exact != r.now_exact
            else ""
        )
        + "</li>"
        for r in reviews
    )
    return f'<details class="card-history"><summary>History</summary><ol>{rows}</ol></details>'


def _claim_parts(annotation: Annotation, *, public: bool) -> tuple[str, str]:
    """For a claim (the desk's; loaded with the annotation where cards are many): its
    badge, and the link to its page. The desk's status is for the team: a share link's
    visitor sees only that it is a claim."""
    claim: Claim | None = None
    if annotation.motivation == Annotation.Motivation.ASSESSING:
        claim = getattr(annotation, "claim", None)
    if claim is None:
        return "", ""
    if public:
        return '<span class="badge badge-claim">Claim</span>', ""
    status = escape(claim.get_status_display())
    url = escape(claim.get_absolute_url())
    return (
        f'<span class="badge badge-claim">Claim · {status}</span>',
        f'<a href="{url}" class="link-action">Open on the desk</a>',
    )


def _badges(annotation: Annotation, *, public: bool, recheck: bool) -> str:
    """Needs re-check, then the audience: "Only me", or a group other than the default
    one (never named on a share-link page)."""
    badge = '<span class="badge badge-recheck">Needs re-check</span>' if recheck else ""
    if annotation.group_id is None:
        badge += _PRIVATE
    elif not public and (group := annotation.group) is not None and not group.is_default:
        badge += f'<span class="badge badge-group">{escape(group.name)}</span>'
    return badge


def _page(annotation: Annotation) -> str:
    """ "p. 12" for a passage of a PDF starting on page 12. Only from an article already
    loaded with the annotation: a card never queries for it."""
    if annotation.start is None or not Annotation.article.is_cached(annotation):
        return ""
    page = annotation.article.page_at(annotation.start)
    return f'<span class="card-page" title="Page {page}">p. {page}</span>' if page else ""


def render_card(  # noqa: PLR0913 - keyword options of one renderer
    annotation: Annotation,
    *,
    viewer_id: int | None,
    article_url: str,
    annotations_url: str,
    id_prefix: str = "card-",
    share_url: str | None = None,
    public: bool = False,
    mention_count: int = 0,
    assertive: frozenset[str] = frozenset(),
    version_url: str | None = None,
    reviews: Sequence[AnnotationReview] = (),
) -> SafeString:
    """One card; every interpolated value goes through html.escape except note_html.

    `share_url`: a share link that shows this annotation, offered as "Copy share link".
    `public`: for a share-link page, which names no groups.
    `assertive`: the colours that assert something (ColorLabel.asserts).
    `version_url`: the stored version it was written on, for "Read it as it was".
    `reviews`: its history of reviews, oldest first.
    """
    pk = int(annotation.pk)
    orphaned = annotation.is_orphaned
    recheck = annotation.is_changed and annotation.color in assertive and not annotation.entity_id
    username, author_initials = _author(annotation.author)
    color = escape(annotation.color)
    created = annotation.created_at
    swatch = ""
    mentioned = annotation.entity  # None (and no query) unless it is a mention
    if mentioned is not None:
        kind = escape(mentioned.kind)
        swatch = f'<span class="kind-dot kind-{kind}" title="{kind}"></span>'
    elif not annotation.is_page_note:
        name = _COLOR_NAMES.get(annotation.color, color)
        swatch = f'<span class="swatch swatch-{color}" title="{name}"></span>'

    badge = _badges(annotation, public=public, recheck=recheck)
    claim_badge, desk_link = _claim_parts(annotation, public=public)
    badge = claim_badge + badge
    head = (
        f'{swatch}<span class="author" title="{username}"><span class="initials">'
        f'{author_initials}</span> <span class="author-name">{username}</span></span>'
        f'<time datetime="{created.isoformat()}">{created.day} {created:%b}</time>'
        f"{_page(annotation)}{badge}"
    )
    quote = ""
    # An orphan shows the words it was written on; anything else, where it is now.
    words = annotation.original_exact if orphaned else annotation.exact
    if words:
        text = escape(_truncate(words), quote=False)
        inner = (
            text
            if orphaned or annotation.start is None
            else f'<a href="#annotation-{pk}" data-goto="{pk}">{text}</a>'
        )
        quote = f'<blockquote class="card-quote">{inner}</blockquote>'
    entity = _entity_block(mentioned, mention_count, public=public) if mentioned is not None else ""
    # note_html is the output of notes.render_note, sanitised when it was written.
    note = f'<div class="card-note">{annotation.note_html}</div>' if annotation.note_html else ""
    mine = viewer_id is not None and annotation.author_id == viewer_id
    base = f"{escape(annotations_url)}{pk}/"
    review = ""
    if annotation.needs_review:
        review = _review(
            annotation, base=base if mine and not public else None, version_url=version_url
        )
    actions = ""
    if not orphaned and not public and annotation.start is not None:
        actions += (
            f'<a href="{escape(article_url)}#annotation-{pk}" class="link-action" '
            "data-copy-link>Copy link</a>"
        )
    if share_url and not orphaned:
        # ?a= lets the server name the passage in the link's preview (Open Graph); the
        # fragment is what scrolls to it.
        label = "Copy link" if public else "Copy share link"
        actions += (
            f'<a href="{escape(share_url)}?a={pk}#annotation-{pk}" class="link-action" '
            f'data-copy-link="share">{label}</a>'
        )
    if mine:
        actions += (
            f'<a href="{base}edit/" hx-get="{base}edit/" hx-target="next .card-edit-slot" '
            'class="link-action">Edit</a>'
            f'<form method="get" action="{base}delete/" hx-post="{base}delete/" '
            'hx-confirm="Delete this annotation? This cannot be undone." class="inline-form">'
            '<button type="submit" class="link-button danger-text">Delete</button></form>'
        )
    actions += desk_link
    # A share page cites a pasted article by the link to this passage, the one address
    # of it its visitor can open. Escaped by citations.control, like everything here.
    cited = f"{share_url}?a={pk}#annotation-{pk}" if public and share_url else article_url
    actions += citations.control(annotation, id_prefix=id_prefix, article_url=cited)
    state = f" is-{escape(annotation.status)}" if annotation.needs_review else ""
    state += " needs-recheck" if recheck else ""
    return mark_safe(  # noqa: S308 - built from escaped values and sanitised note_html
        f'<div class="annotation-card{state}" id="{id_prefix}{pk}" data-annotation="{pk}" '
        f'data-color="{color}"><div class="card-head">{head}</div>{entity}{quote}{note}'
        f"{review}{_history(reviews)}"
        f'<div class="card-actions">{actions}</div><div class="card-edit-slot"></div></div>'
    )
