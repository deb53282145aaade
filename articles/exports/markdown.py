"""Markdown for Obsidian and the like: one file per article, several in a ZIP.

A file reads:

    ---
    title: "Harbour Strike Enters Second Week"
    author: "Jane Doe"
    ...                                  the front matter (below)
    ---
    # Harbour Strike Enters Second Week

    ## Page notes                        notes on the whole article
    ## Highlights                        each annotation on a passage, in text order:
    > the quoted words                     the quote,
    ^annotation-12                         its block id (Obsidian links to it),
    The note, in Markdown.                 the note,
    #verified-claim · Alice · ...          colour label as a tag, author, audience, link
    ## No longer in the text             orphans, with the words they were written on

Invariants:
- The front matter is YAML in which every value is a JSON string, `null`, or a list of
  JSON strings (`yaml_string`): YAML reads each as exactly the text, whatever the text
  holds (quotes, colons, `---`, line breaks, a leading `@` or `!`).
- Nothing a person wrote changes the file's structure. Quotes, titles and names are
  escaped as plain text; notes stay Markdown but cannot open a block that would swallow
  what follows (an unclosed code fence is closed; a line opening raw HTML, an Obsidian
  comment `%%` or a math block `$$` is escaped) nor claim a block id.
- Block ids are `^annotation-<id>`: unique in a file and the same in every export, so a
  link made in a vault to one survives the next export.
- Bare mentions of entities are listed in the front matter (`entities`), not as quotes;
  a mention that carries a note is listed like a highlight.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from typing import TYPE_CHECKING

from django.utils.text import slugify

from articles import sharing
from articles.exports.selection import items
from articles.models import Annotation, ColorLabel

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import BinaryIO

    from articles.exports.selection import Item, Selection

# YAML double-quoted scalars take JSON's escapes; these characters must be escaped in
# them (YAML's non-printable characters, and the line separators it would fold).
_YAML_ESCAPES: dict[int, str] = {ord('"'): '\\"', ord("\\"): "\\\\", ord("\n"): "\\n",
                                 ord("\t"): "\\t", ord("\r"): "\\r"}  # fmt: skip
for _code in [*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF]:
    _YAML_ESCAPES.setdefault(_code, f"\\u{_code:04x}")

# Plain text in Markdown: CommonMark's and Obsidian's markup characters, each escaped
# with a backslash (`\#` shows "#"); `$` always (Obsidian's inline math), `=` and `%`
# only doubled (a highlight, a comment), `&` only before an entity's name.
_INLINE = re.compile(r"[\\`*_\[\]<>#|~$^]|==|%%|&(?=#?\w+;)")
# What would start a list at the start of a line: "- ", "+ ", "1. ", "1) ".
_LINE_START = re.compile(r"^(?:([-+])|(\d{1,9})([.)]))")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_HTML_LINE = re.compile(r"^( {0,3})<")
# Obsidian's block id: a caret and letters, digits or dashes ending a line.
_BLOCK_ID = re.compile(r"(^|\s)\^([\w-]+)\s*$")
_UNSAFE_NAME = re.compile(r'[\\/:*?"<>|#^\[\]\x00-\x1f\x7f]+')


def yaml_string(value: str) -> str:
    """`value` as a YAML double-quoted scalar that is also a JSON string."""
    return '"' + value.translate(_YAML_ESCAPES) + '"'


def _yaml_value(value: str | list[str] | None) -> str:
    if value is None:
        return " null"
    if isinstance(value, str):
        return " " + yaml_string(value)
    if not value:
        return " []"
    return "".join(f"\n  - {yaml_string(v)}" for v in value)


def escape_text(text: str) -> str:
    """Plain text (no line breaks) that Markdown shows as itself."""
    return _INLINE.sub(lambda m: "".join("\\" + c for c in m.group()), text)


def _escape_line(line: str) -> str:
    line = escape_text(line.strip())
    return _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line)


def quote_block(text: str) -> str:
    """`text` (the article's words, perhaps over several paragraphs) as a blockquote."""
    lines = [_escape_line(line) for line in text.replace("\r", "").split("\n")]
    return "\n".join(f"> {line}" if line else ">" for line in lines)


def guard_note(note: str) -> str:
    """A note's Markdown, with what could break the file out of it: an unclosed code
    fence is closed, and outside code, a line opening raw HTML, `%%`, `$$`, `<!--` and a
    trailing block id are escaped."""
    out: list[str] = []
    fence: tuple[str, int] | None = None
    for raw in note.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        found = _FENCE.match(raw)
        if fence is not None:
            marker = found.group(1) if found and not found.group(2).strip() else ""
            if marker[:1] == fence[0] and len(marker) >= fence[1]:
                fence = None  # the closing fence: the same character, at least as long
            out.append(raw)
        elif found and not (found.group(1)[0] == "`" and "`" in found.group(2)):
            fence = (found.group(1)[0], len(found.group(1)))
            out.append(raw)
        else:
            out.append(_guard_line(raw))
    if fence is not None:
        while out and not out[-1].strip():
            out.pop()
        out.append(fence[0] * fence[1])
    return "\n".join(out).strip("\n")


def _guard_line(line: str) -> str:
    escaped = line
    for raw, safe in (("<!--", r"\<!--"), ("%%", r"\%\%"), ("$$", r"\$\$")):
        escaped = escaped.replace(raw, safe)
    escaped = _HTML_LINE.sub(r"\1\\<", escaped)  # after: `\<!--` no longer starts with <
    return _BLOCK_ID.sub(r"\1\\^\2", escaped)


def _date(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def tag_for(annotation: Annotation, legend: dict[str, str]) -> str:
    """The colour label as an Obsidian tag: `#verified-claim`, or `#green` unnamed."""
    stem = slugify(legend.get(annotation.color) or annotation.color, allow_unicode=True)
    if not stem or stem.replace("-", "").isdigit():  # a tag needs a letter
        stem = f"colour-{annotation.color}"
    return f"#{stem}"


def _meta(annotation: Annotation, base_url: str, legend: dict[str, str], *, tag: bool) -> str:
    parts = [tag_for(annotation, legend)] if tag else []
    if annotation.entity is not None:
        parts.append(f"Mentions {escape_text(annotation.entity.name)}")
    parts.append(escape_text(sharing.public_name(annotation.author)))
    parts.append(escape_text(sharing.audience_name(annotation.group)))
    parts.append(f"[Open in Newsroom](<{base_url}{annotation.get_absolute_url()}>)")
    return " · ".join(parts)


def _block_id(annotation: Annotation) -> str:
    return f"^annotation-{annotation.pk}"


def _passage(annotation: Annotation, base_url: str, legend: dict[str, str]) -> str:
    words = annotation.original_exact if annotation.is_orphaned else annotation.exact
    blocks = [quote_block(words or annotation.original_exact), _block_id(annotation)]
    if annotation.is_changed and annotation.original_exact:
        was = escape_text(" ".join(annotation.original_exact.split()))
        blocks.append(f"*The text changed since this was written. It was:* “{was}”")
    if annotation.is_orphaned:
        blocks.append("*These words are no longer in the article: its text changed.*")
    if annotation.note.strip():
        blocks.append(guard_note(annotation.note))
    blocks.append(_meta(annotation, base_url, legend, tag=not annotation.is_mention))
    return "\n\n".join(blocks)


def _page_note(annotation: Annotation, base_url: str, legend: dict[str, str]) -> str:
    blocks = []
    if annotation.exact:  # detached from its passage: it keeps the words
        blocks.append(quote_block(annotation.exact))
    if annotation.note.strip():
        blocks.append(guard_note(annotation.note))
    blocks.append(f"{_meta(annotation, base_url, legend, tag=False)} {_block_id(annotation)}")
    return "\n\n".join(blocks)


def _listed(annotation: Annotation) -> bool:
    return not annotation.is_mention or bool(annotation.note.strip())


def render(item: Item, base_url: str, legend: dict[str, str]) -> str:
    """One article's Markdown file."""
    article = item.article
    url = base_url + article.get_absolute_url()
    front: list[tuple[str, str | list[str] | None]] = [
        ("title", article.title),
        ("author", article.byline),
        ("site", article.site_name),
        ("source", article.source_url or None),
        ("newsroom", url),
        ("published", article.published_at.date().isoformat() if article.published_at else None),
        ("saved", _date(article.created_at)),
        ("labels", item.labels),
        ("entities", item.entities),
    ]
    lines = ["---", *(f"{key}:{_yaml_value(value)}" for key, value in front), "---", ""]
    links = [f"[Open in Newsroom](<{url}>)"]
    if article.source_url:
        links.append(f"[Source](<{article.source_url}>)")
    parts = ["\n".join(lines) + f"# {escape_text(article.title)}", " · ".join(links)]
    listed = [a for a in item.annotations if _listed(a)]
    page_notes = [a for a in listed if a.start is None]
    passages = [a for a in listed if a.start is not None and not a.is_orphaned]
    orphans = [a for a in listed if a.start is not None and a.is_orphaned]
    sections = (
        ("Page notes", page_notes, _page_note),
        ("Highlights", passages, _passage),
        ("No longer in the text", orphans, _passage),
    )
    for heading, listed_here, write in sections:
        if listed_here:
            parts.append(f"## {heading}")
            parts.extend(write(a, base_url, legend) for a in listed_here)
    if not listed:
        parts.append("*No annotations.*")
    return "\n\n".join(parts) + "\n"


def legend() -> dict[str, str]:
    """Colour -> its team label (or its name)."""
    return {color: label or name for color, name, label in ColorLabel.legend()}


def file_name(item: Item, taken: set[str]) -> str:
    """A file name from the article's title, safe on every system, unique in `taken`."""
    stem = " ".join(_UNSAFE_NAME.sub(" ", item.article.title).split()).strip(". ")[:100]
    stem = stem or f"Article {item.article.pk}"
    name = f"{stem}.md"
    if name.casefold() in taken:
        name = f"{stem} ({item.article.pk}).md"
    taken.add(name.casefold())
    return name


def write_one(item: Item, base_url: str, out: BinaryIO) -> None:
    out.write(render(item, base_url, legend()).encode())


def write_zip(selection: Selection, base_url: str, out: BinaryIO) -> tuple[int, int]:
    """Every article of `selection` as a .md file in a ZIP written to `out`; returns how
    many articles and annotations it holds."""
    colours = legend()
    taken: set[str] = set()
    articles = annotations = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for item in items(selection):
            archive.writestr(file_name(item, taken), render(item, base_url, colours))
            articles += 1
            annotations += len(item.annotations)
    return articles, annotations


def render_all(selection: Selection, base_url: str) -> Iterable[tuple[str, str]]:
    """(file name, Markdown) for every article of `selection`: for a folder of files."""
    colours = legend()
    taken: set[str] = set()
    for item in items(selection):
        yield file_name(item, taken), render(item, base_url, colours)
