"""Writing annotations (articles/annotations.py): re-anchored when the article's text is
replaced, orphaned (keeping the quote) when their words are gone."""

from __future__ import annotations

import pytest

from articles import versions
from articles.ingest import prepare
from tests.factories import STORY, highlight, make_article

pytestmark = pytest.mark.django_db


def test_reingesting_an_edited_text_reanchors_and_orphans(user):
    source = "Original url: https://news.example.org/2025/03/03/harbour-strike\n\n"
    first = make_article(source + STORY)
    kept = highlight(first, user, "container ships waiting")
    gone = highlight(first, user, "resume on Thursday")
    edited = STORY.replace("Dock workers", "Striking dock workers").replace(
        "The union said talks with the port authority would resume on Thursday.",
        "No date has been set for new negotiations.",
    )
    result = versions.save_or_update(prepare(source + edited))
    assert result.duplicate
    assert result.updated.orphaned == 1
    kept.refresh_from_db()
    gone.refresh_from_db()
    body = result.article.body_text
    assert body[kept.start : kept.end] == "container ships waiting"
    assert kept.status == "anchored"
    assert gone.status == "orphaned"
    assert gone.exact == "resume on Thursday"
