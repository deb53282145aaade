"""Wallabag's JSON export (articles/imports/wallabag.py): articles with their text,
sanitised like any other; archived and starred become reading state and favourite;
annotations are placed by their quote."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from articles.models import Annotation, Article, ArticleState, FetchJob, PendingImport
from tests.imports.conftest import run_import
from tests.imports.exports import BRIDGE_HTML, wallabag_annotation, wallabag_entry

pytestmark = pytest.mark.django_db


def _export(*entries) -> bytes:
    return json.dumps(list(entries), indent=4).encode()


def test_a_wallabag_export_brings_articles_states_labels_and_annotations(user):
    data = _export(
        wallabag_entry(
            "https://harbour.example/strike",
            tags=["Ports", "labour"],
            is_starred=1,
            annotations=[
                wallabag_annotation("stayed off the job for an eighth day", "Check the union's count."),
                # Wallabag's quote breaks the line where our text has a space.
                wallabag_annotation("talks with the port\nauthority would resume"),
            ],
        ),
        wallabag_entry(
            "https://harbour.example/bridge", content=BRIDGE_HTML, title="Bridge closes",
            is_archived=1, archived_at="2023-06-01T10:00:00+02:00",
        ),
    )  # fmt: skip
    outcome = run_import(data, user)
    assert outcome.line() == "Imported 2 articles, 2 annotations, 0 feeds"
    strike = Article.objects.get(source_url="https://harbour.example/strike")
    assert strike.title == "Harbour strike enters second week"
    assert strike.byline == "Anna de Vries"
    assert strike.site_name == "harbour.example"
    assert strike.language == "en"
    assert strike.published_at.date() == dt.date(2023, 5, 3)
    assert strike.created_at == dt.datetime(2023, 5, 4, 6, 15, tzinfo=dt.UTC)
    assert sorted(strike.labels.values_list("name", flat=True), key=str.lower) == [
        "labour",
        "Ports",
    ]
    state = ArticleState.objects.get(article=strike, user=user)
    assert state.favourite_at is not None
    assert state.archived_at is None
    first, second = Annotation.objects.filter(article=strike).order_by("start")
    assert first.exact == "stayed off the job for an eighth day"
    assert strike.body_text[first.start : first.end] == first.exact
    assert first.note == "Check the union's count."
    assert first.group is None  # "Only me"
    assert first.author == user
    assert first.created_at == dt.datetime(2023, 5, 5, 10, 0, tzinfo=dt.UTC)
    assert second.exact == "talks with the port authority would resume"
    bridge = Article.objects.get(source_url="https://harbour.example/bridge")
    bridge_state = ArticleState.objects.get(article=bridge, user=user)
    assert bridge_state.archived_at == dt.datetime(2023, 6, 1, 8, 0, tzinfo=dt.UTC)
    assert bridge_state.read_at == bridge_state.archived_at
    assert not FetchJob.objects.exists()


def test_importing_it_twice_adds_nothing(user):
    data = _export(
        wallabag_entry(
            "https://harbour.example/strike",
            tags=["Ports"],
            annotations=[wallabag_annotation("an eighth day", "Day count")],
        )
    )
    run_import(data, user)
    again = run_import(data, user)
    assert again.line() == (
        "Imported 0 articles, 0 annotations, 0 feeds; already there: 1 article, 1 annotation"
    )
    assert Article.objects.count() == 1
    assert Annotation.objects.count() == 1


def test_scripts_in_the_content_are_sanitised_and_a_title_is_text(user):
    data = _export(
        wallabag_entry(
            "https://harbour.example/x",
            title='<script>alert("title")</script>Harbour <b>news</b>',
            content='<p onclick="steal()">Dock workers stayed out.<script>alert(1)</script></p>'
            '<iframe src="https://evil.example/"></iframe><p>Talks resume on Thursday.</p>',
        )
    )
    run_import(data, user)
    article = Article.objects.get()
    assert article.title == '<script>alert("title")</script>Harbour <b>news</b>'
    assert "<script" not in article.body_html
    assert "onclick" not in article.body_html
    assert "iframe" not in article.body_html
    assert "Dock workers stayed out." in article.body_text


def test_an_entry_without_text_is_fetched_and_its_annotations_wait_for_it(user):
    data = _export(
        wallabag_entry(
            "https://harbour.example/later", content="",
            annotations=[wallabag_annotation("an eighth day")],
        )
    )  # fmt: skip
    outcome = run_import(data, user)
    assert outcome.queued == 1
    pending = PendingImport.objects.get()
    assert pending.annotations[0]["exact"] == "an eighth day"


def test_a_quote_not_in_the_text_is_reported_and_the_others_go_in(user):
    data = _export(
        wallabag_entry(
            "https://harbour.example/strike",
            annotations=[
                wallabag_annotation("words that are nowhere"),
                wallabag_annotation("an eighth day"),
            ],
        )
    )
    outcome = run_import(data, user)
    assert outcome.annotations == 1
    assert [str(p) for p in outcome.problems] == [
        "entry 1, annotation 1: its words were not found in the article"
    ]


def test_malformed_json_is_reported_with_its_line(user):
    data = b'[\n  {"url": "https://harbour.example/a", "content": "<p>x</p>"},\n  {"url": oops}\n]'
    from articles.imports.core import ImportFileError

    with pytest.raises(ImportFileError, match=r"^line 3, column 11: it is not valid JSON"):
        run_import(data, user)


def test_a_bad_entry_is_reported_and_the_rest_go_in(user):
    data = _export(
        "not an entry",
        {"title": "no address, no text"},
        wallabag_entry("https://harbour.example/ok"),
    )
    # The first item is not an object: the list still reads as Wallabag by its entries.
    outcome = run_import(data, user)
    assert [str(p) for p in outcome.problems] == [
        "entry 1: not an entry",
        "entry 2: no URL and no text",
    ]
    assert outcome.articles == 1
