"""Annotations made elsewhere: any W3C Web Annotation JSON-LD (Newsroom's own export
among them) and Hypothesis' JSON export. Each is addressed by the page it was made on;
`articles.imports.save` places it on the library's article with that address.

- W3C (https://www.w3.org/TR/annotation-model/): an `Annotation`, an `AnnotationPage`
  (`items`), an `AnnotationCollection` (its embedded `first` page, or `items`), or a list
  of them (Newsroom's export: the collection, then its pages). The passage is the
  TextQuoteSelector of the first target that is not a `state` (Newsroom's second target
  keeps the words as they were written on); a TextPositionSelector is a hint. A target
  that is an IRI is a note on the whole page. Notes are the `TextualBody`s (HTML read as
  its text), tags (purpose "tagging") become labels, a `styleClass` "newsroom-<colour>"
  its colour.
- Hypothesis (`{export_date, export_userid, annotations: [...]}`): `uri`, `text`
  (Markdown), `tags`, `created`, and `target[{source, selector[...]}]`; replies
  (`references`) are conversations, not annotations of the text, and are left out.
- Entity mentions (motivation "identifying") and replies are reported and left out.
"""

from __future__ import annotations

from typing import Any

from articles import sanitize
from articles.imports.core import (
    Addressed,
    Format,
    Highlight,
    ImportFileError,
    Parsed,
    Problem,
    color_of,
    labels_of,
    load_json,
    text_of,
    time_of,
    url_of,
)

NOTE_MAX_CHARS = 20_000
_TYPES = {"Annotation", "AnnotationPage", "AnnotationCollection"}


def _types(item: object) -> set[str]:
    raw = item.get("type", item.get("@type")) if isinstance(item, dict) else None
    names = raw if isinstance(raw, list) else [raw]
    return {name.rsplit(":", 1)[-1] for name in names if isinstance(name, str)}


def looks_like_hypothesis(data: object) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("annotations"), list)
        and bool({"export_date", "export_userid"} & set(data))
    )


def looks_like_w3c(data: object) -> bool:
    if isinstance(data, list):
        return any(_types(item) & _TYPES for item in data[:20])
    return isinstance(data, dict) and (bool(_types(data) & _TYPES) or "@context" in data)


# W3C -----------------------------------------------------------------------------------


def _annotations(data: object, depth: int = 0) -> list[object]:
    """Every annotation of a document, pages and collections opened (not followed)."""
    if isinstance(data, list) and depth <= 4:
        return [found for item in data for found in _annotations(item, depth + 1)]
    if not isinstance(data, dict) or depth > 4 or "Annotation" in _types(data):
        return [data]
    collection = "AnnotationCollection" in _types(data)
    inner = data.get("first") if collection else None
    if not isinstance(inner, dict):
        inner = data.get("items")
    if isinstance(inner, dict | list):
        return _annotations(inner, depth + 1)
    # A collection naming its pages by IRI: they are in the same document (Newsroom's
    # export lists them after it), or elsewhere, never fetched.
    return [] if collection else [data]


def read_w3c(text: str, data: object = None) -> Parsed:
    data = load_json(text) if data is None else data
    parsed = Parsed(Format.WEB_ANNOTATION)
    for number, item in enumerate(_annotations(data), start=1):
        where = f"annotation {number}"
        if not isinstance(item, dict) or "Annotation" not in _types(item):
            parsed.problems.append(Problem(where, "not a Web Annotation"))
            continue
        if found := _w3c(item, where, parsed):
            parsed.addressed.append(found)
    if not parsed.addressed and not parsed.problems:
        raise ImportFileError("It holds no Web Annotations.")
    return parsed


def motivations(item: dict[str, Any]) -> set[str]:
    raw = item.get("motivation")
    names = raw if isinstance(raw, list) else [raw]
    return {name.rsplit(":", 1)[-1] for name in names if isinstance(name, str)}


def bodies(item: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    """The note (textual bodies, as text) and the tags of an annotation."""
    raw = item.get("body", item.get("bodyValue"))
    bodies = raw if isinstance(raw, list) else [raw]
    notes, tags = [], []
    for body in bodies:
        if isinstance(body, str):
            if not body.startswith(("http://", "https://")):
                notes.append(body)
            continue
        if not isinstance(body, dict) or not isinstance(body.get("value"), str):
            continue
        value = body["value"]
        purpose = body.get("purpose")
        if purpose == "tagging":
            tags.append(value)
            continue
        if "html" in str(body.get("format", "")).lower():
            # Through the article sanitiser: it drops scripts and styles with their text.
            value = sanitize.text_content(sanitize.clean_article_html(value))
        notes.append(value.strip())
    return "\n\n".join(n for n in notes if n)[:NOTE_MAX_CHARS], labels_of(tags)


def selectors(target: dict[str, Any]) -> list[dict[str, Any]]:
    raw = target.get("selector")
    selectors = raw if isinstance(raw, list) else [raw]
    return [s for s in selectors if isinstance(s, dict)]


def passage(selectors: list[dict[str, Any]]) -> tuple[str, str, str, int | None] | None:
    """(exact, prefix, suffix, position hint) from a target's selectors; None without a
    TextQuoteSelector."""
    quote = next((s for s in selectors if _types(s) & {"TextQuoteSelector"}), None)
    if quote is None or not isinstance(quote.get("exact"), str) or not quote["exact"].strip():
        return None
    position = next((s for s in selectors if _types(s) & {"TextPositionSelector"}), None)
    start = position.get("start") if position else None
    hint = start if isinstance(start, int) and not isinstance(start, bool) and start >= 0 else None

    def text(name: str) -> str:
        value = quote.get(name)
        return value if isinstance(value, str) else ""

    return text("exact"), text("prefix"), text("suffix"), hint


def source(target: object) -> str:
    if isinstance(target, str):
        return target
    if isinstance(target, dict):
        source = target.get("source", target.get("id"))
        if isinstance(source, dict):
            source = source.get("id")
        return source if isinstance(source, str) else ""
    return ""


def _w3c(item: dict[str, Any], where: str, parsed: Parsed) -> Addressed | None:
    kinds = motivations(item)
    if "identifying" in kinds:
        parsed.problems.append(Problem(where, "an entity mention; entities are not imported"))
        return None
    if "replying" in kinds:
        parsed.problems.append(Problem(where, "a reply, left out"))
        return None
    raw = item.get("target")
    targets = raw if isinstance(raw, list) else [raw]
    current = [t for t in targets if not (isinstance(t, dict) and "state" in t)] or targets
    target = current[0] if current else None
    urls = canonical_urls(tuple(source(t) for t in targets))
    if not urls:
        parsed.problems.append(Problem(where, "no web address for its page"))
        return None
    note, tags = bodies(item)
    created = time_of(item.get("created"))
    if isinstance(target, dict) and selectors(target):
        found = passage(selectors(target))
        if found is None:
            parsed.problems.append(Problem(where, "no TextQuoteSelector to place it by"))
            return None
        exact, prefix, suffix, hint = found
        style = target.get("styleClass")
        color = style.removeprefix("newsroom-") if isinstance(style, str) else ""
        highlight = Highlight(exact, prefix, suffix, hint, note, color_of(color), created, where)
    elif note:
        highlight = Highlight(note=note, created_at=created, where=where)
    else:
        parsed.problems.append(Problem(where, "neither a passage nor a note"))
        return None
    return Addressed(urls, highlight, tags)


# Hypothesis ----------------------------------------------------------------------------


def read_hypothesis(text: str, data: object = None) -> Parsed:
    data = load_json(text) if data is None else data
    if not looks_like_hypothesis(data):
        raise ImportFileError("It is not a Hypothesis export.")
    assert isinstance(data, dict)  # noqa: S101 - looks_like_hypothesis checked it
    parsed = Parsed(Format.HYPOTHESIS)
    for number, item in enumerate(data["annotations"], start=1):
        where = f"annotation {number}"
        if not isinstance(item, dict):
            parsed.problems.append(Problem(where, "not an annotation"))
            continue
        if item.get("references"):
            parsed.problems.append(Problem(where, "a reply, left out"))
            continue
        if found := _hypothesis(item, where, parsed):
            parsed.addressed.append(found)
    return parsed


def _hypothesis(item: dict[str, Any], where: str, parsed: Parsed) -> Addressed | None:
    raw = item.get("target")
    targets: list[object] = raw if isinstance(raw, list) else []
    target: dict[str, Any] = next((t for t in targets if isinstance(t, dict)), {})
    urls = canonical_urls((text_of(item, "uri"), source(target)))
    if not urls:
        parsed.problems.append(Problem(where, "no web address for its page"))
        return None
    note = text_of(item, "text")
    created = time_of(item.get("created"))
    tags = labels_of(item.get("tags"))
    chosen = selectors(target)
    if chosen:
        found = passage(chosen)
        if found is None:
            parsed.problems.append(Problem(where, "no TextQuoteSelector to place it by"))
            return None
        exact, prefix, suffix, hint = found
        note = note[:NOTE_MAX_CHARS]
        return Addressed(
            urls,
            Highlight(exact, prefix, suffix, hint, note, created_at=created, where=where),
            tags,
        )
    if not note.strip():
        parsed.problems.append(Problem(where, "neither a passage nor a note"))
        return None
    return Addressed(
        urls, Highlight(note=note[:NOTE_MAX_CHARS], created_at=created, where=where), tags
    )


def canonical_urls(urls: tuple[str, ...]) -> tuple[str, ...]:
    """The addresses as the library stores them (http(s) only)."""
    return tuple(dict.fromkeys(found for url in urls if (found := url_of(url))))
