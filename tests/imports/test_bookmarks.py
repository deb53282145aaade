"""Netscape bookmark files (articles/imports/bookmarks.py), as browsers and Linkding
export them: ADD_DATE, TAGS, TOREAD and the <DD> description."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.imports import pending
from articles.models import Annotation, Article, ArticleState, PendingImport
from tests.imports.conftest import run_import
from tests.imports.exports import netscape

pytestmark = pytest.mark.django_db


def _linkding() -> bytes:
    return netscape([
        {"url": "https://harbour.example/strike", "title": "Harbour strike", "add_date": "1577836800",
         "tags": "ports,labour", "toread": "1", "note": "Follow up with the union on Thursday."},
        {"url": "https://harbour.example/bridge", "title": "Bridge closes", "add_date": "1577923200",
         "last_modified": "1578000000", "toread": "0"},
        {"url": "javascript:alert(1)", "title": "A bookmarklet"},
        {"url": "", "title": "Nowhere"},
    ]).encode()  # fmt: skip


def test_a_linkding_export_keeps_tags_times_unread_and_notes(user):
    outcome = run_import(_linkding(), user)
    assert outcome.queued == 2
    assert [str(p) for p in outcome.problems] == [
        "line 9: not a web address, left out",
        "line 10: no address, left out",
    ]
    strike = PendingImport.objects.get(url="https://harbour.example/strike")
    assert strike.labels == ["ports", "labour"]
    assert strike.saved_at == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert strike.read_at is None  # TOREAD="1"
    assert strike.annotations[0]["note"] == "Follow up with the union on Thursday."
    bridge = PendingImport.objects.get(url="https://harbour.example/bridge")
    assert bridge.read_at == dt.datetime.fromtimestamp(1578000000, tz=dt.UTC)


def test_a_browser_export_marks_nothing_read(user):
    data = netscape([{"url": "https://harbour.example/a", "title": "A", "add_date": "1577836800"}])
    run_import(data.encode(), user)
    assert PendingImport.objects.get().read_at is None


def test_the_note_becomes_a_page_note_when_the_article_arrives_and_only_once(user, article):
    # The article is already in the library under the bookmarked address.
    Article.objects.filter(pk=article.pk).update(source_url="https://harbour.example/strike")
    run_import(_linkding(), user)
    note = Annotation.objects.get(article=article)
    assert note.start is None
    assert note.note == "Follow up with the union on Thursday."
    assert note.created_at == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert sorted(article.labels.values_list("name", flat=True)) == ["labour", "ports"]
    assert not ArticleState.objects.filter(article=article).exists()
    run_import(_linkding(), user)
    assert Annotation.objects.filter(article=article).count() == 1
    pending.settle()
    assert Annotation.objects.filter(article=article).count() == 1
