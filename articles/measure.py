"""How long a text is, and when two texts are the same story.

Pure functions of `body_text`; ingest and the text writer (`versions.replace_text`) store
their results on the article.
"""

from __future__ import annotations

import hashlib
import re

WORDS_PER_MINUTE = 230
# Scripts written without spaces are counted per character; ~500 characters a minute.
CJK_CHARS_PER_MINUTE = 500
_WORD = re.compile(r"\w+(?:[’'.-]\w+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def count_words(text: str) -> int:
    """Words as a reader counts them: CJK characters count one each."""
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk


def reading_minutes(text: str) -> int:
    cjk = len(_CJK.findall(text))
    words = len(_WORD.findall(_CJK.sub(" ", text)))
    minutes = words / WORDS_PER_MINUTE + cjk / CJK_CHARS_PER_MINUTE
    return max(1, round(minutes))


def content_hash(body_text: str) -> str:
    """Same story, same hash: case and spacing differences do not make a new article."""
    normal = " ".join(body_text.casefold().split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()
