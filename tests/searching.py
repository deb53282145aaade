"""Helpers for the search tests: articles to find, and the results read back as titles."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from articles.models import Article


def article_row(title: str, body: str, **fields: Any) -> Article:
    """An article saved as it is, straight to its table (no ingest: the text is exactly
    `body`), in English unless `language=` says otherwise."""
    fields.setdefault("language", "en")
    return Article.objects.create(
        title=title,
        body_text=body,
        body_html="".join(f"<p>{p}</p>" for p in body.split("\n\n")),
        content_hash=hashlib.sha256(f"{title}\n{body}".encode()).hexdigest(),
        word_count=len(body.split()),
        **fields,
    )


def war_story() -> Article:
    return article_row(
        "Troops gather at the border",
        "North Korean troops were seen near Kursk on Monday, officials said.\n\n"
        "Zelensky presented his victory plan to parliament; Putin dismissed it.",
        site_name="The Moscow Times",
        source_url="https://www.themoscowtimes.com/2024/10/17/troops",
        published_at=dt.datetime(2024, 10, 17, tzinfo=dt.UTC),
    )


def trade_story() -> Article:
    return article_row(
        "Harbour strike enters second week",
        "Dock workers in Rotterdam stayed off the job. Putin was not mentioned, nor was "
        "Pyongyang. A plan for victory in the talks was drafted.",
        site_name="Port News",
        source_url="https://news.example.org/strike",
        published_at=dt.datetime(2023, 3, 1, tzinfo=dt.UTC),
    )


def titles(found) -> list[str]:
    """The results in order: an article by its title, an entity by its name, an
    annotation as `kind:quote` (or `kind:note` for a page note)."""
    out = []
    for r in found.results:
        if r.kind == "article":
            out.append(r.obj.title)
        elif r.kind == "entity":
            out.append(r.obj.name)
        else:
            out.append(f"{r.kind}:{r.obj.exact or r.obj.note}")
    return out
