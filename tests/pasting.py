"""Helpers for the pasted-text tests: a text given line by line, as it was pasted."""

from __future__ import annotations

from articles.plaintext import ParsedText, parse_plaintext


def parse(*lines: str) -> ParsedText:
    return parse_plaintext("\n".join(lines))
