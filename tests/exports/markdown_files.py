"""Reading an exported Markdown file back, as a vault would: its front matter (each value
a JSON string, a list of them, or null: what YAML reads them as) and its body, parsed by
a CommonMark parser (markdown-it, which the notes already use)."""

from __future__ import annotations

import json
import re
from typing import Any

from markdown_it import MarkdownIt

_PARSER = MarkdownIt("commonmark")


def split(text: str) -> tuple[dict[str, Any], str]:
    """(front matter, body) of one exported file."""
    assert text.startswith("---\n"), text[:80]
    head, body = text[4:].split("\n---\n", 1)
    front: dict[str, Any] = {}
    key = ""
    for line in head.split("\n"):
        if line.startswith("  - "):
            front[key].append(json.loads(line[4:]))
            continue
        key, _, value = line.partition(":")
        assert re.fullmatch(r"[a-z]+", key), line
        front[key] = json.loads(value) if value.strip() else []
    return front, body


def blocks(body: str) -> list[tuple[str, str]]:
    """The top-level blocks of `body`: (kind, text) with kind "quote", "paragraph",
    "heading", "code" or "rule", and the text as the reader would see it."""
    tokens = _PARSER.parse(body)
    found: list[tuple[str, str]] = []
    depth = 0
    for i, token in enumerate(tokens):
        if token.type == "blockquote_open":
            if depth == 0:
                found.append(("quote", ""))
            depth += 1
        elif token.type == "blockquote_close":
            depth -= 1
        elif token.type == "inline" and depth > 0:
            kind, text = found[-1]
            found[-1] = (kind, (text + "\n" + _text(token)).strip("\n"))
        elif token.type == "inline" and depth == 0:
            kind = "heading" if tokens[i - 1].type == "heading_open" else "paragraph"
            found.append((kind, _text(token)))
        elif token.type in {"fence", "code_block"} and depth == 0:
            found.append(("code", token.content))
        elif token.type == "hr" and depth == 0:
            found.append(("rule", ""))
    return found


def _text(token: Any) -> str:
    parts = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append("\n")
        elif child.type == "html_inline":
            parts.append(f"<html:{child.content}>")
    return "".join(parts)
