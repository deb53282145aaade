"""Pocket's exports (articles/imports/pocket.py): the CSV and the HTML page. Pocket keeps
no text, so every article is fetched; tags become labels, the archive reading state, and
the time it was saved is kept once the article arrives."""

from __future__ import annotations

import datetime as dt

import pytest

from articles.models import Article, ArticleState, FetchJob, Label, PendingImport
from tests.fetching import page
from tests.imports.conftest import fetch_everything, run_import
from tests.imports.exports import pocket_csv, pocket_html

pytestmark = pytest.mark.django_db(transaction=True)

SAVED = 1_600_000_000  # 2020-09-13 12:26:40 UTC


def _rows(httpserver):
    return [
        {"title": "Harbour strike", "url": httpserver.url_for("/harbour?utm_source=pocket"),
         "time_added": str(SAVED), "tags": "ports|Labour", "status": "unread"},
        {"title": "Bridge closes", "url": httpserver.url_for("/bridge"),
         "time_added": str(SAVED + 60), "tags": "", "status": "archive"},
    ]  # fmt: skip


def _serve(httpserver):
    httpserver.expect_request("/harbour").respond_with_data(
        page(
            "Harbour strike enters second week",
            "Dock workers stayed off the job for an eighth day.",
        ),
        content_type="text/html",
    )
    httpserver.expect_request("/bridge").respond_with_data(
        page(
            "Bridge closes for repairs",
            "The old swing bridge over the canal will close for repairs in March.",
            "Cyclists will be sent along the river path for six weeks while it is mended.",
        ),
        content_type="text/html",
    )


def test_a_pocket_csv_queues_every_article_and_the_fetch_gives_them_labels_state_and_time(
    user, httpserver, allow_private
):
    _serve(httpserver)
    outcome = run_import(pocket_csv(_rows(httpserver)), user)
    assert outcome.line() == "Imported 2 articles (2 queued for fetching), 0 annotations, 0 feeds"
    assert not Article.objects.exists()
    assert PendingImport.objects.count() == 2

    fetch_everything()

    harbour = Article.objects.get(title="Harbour strike enters second week")
    bridge = Article.objects.get(title="Bridge closes for repairs")
    assert harbour.source_url == httpserver.url_for("/harbour")  # tracking parameters gone
    assert harbour.added_by == user
    assert harbour.created_at == dt.datetime.fromtimestamp(SAVED, tz=dt.UTC)
    assert sorted(harbour.labels.values_list("name", flat=True)) == ["Labour", "ports"]
    assert not ArticleState.objects.filter(article=harbour).exists()  # unread
    state = ArticleState.objects.get(article=bridge, user=user)
    assert state.read_at is not None
    assert state.archived_at is not None
    assert not PendingImport.objects.exists()
    assert FetchJob.objects.filter(status=FetchJob.Status.DONE).count() == 2


def test_importing_the_same_csv_twice_adds_nothing(user, httpserver, allow_private):
    _serve(httpserver)
    data = pocket_csv(_rows(httpserver))
    run_import(data, user)
    again = run_import(data, user)  # still waiting for their fetch
    assert again.line() == (
        "Imported 0 articles, 0 annotations, 0 feeds; already there: 2 articles"
    )
    assert PendingImport.objects.count() == 2
    fetch_everything()
    counts = (Article.objects.count(), Label.objects.count(), ArticleState.objects.count())
    third = run_import(data, user)  # now in the library
    assert third.articles == 0
    assert third.existing_articles == 2
    assert (Article.objects.count(), Label.objects.count(), ArticleState.objects.count()) == counts
    assert FetchJob.objects.count() == 2
    assert not PendingImport.objects.exists()


def test_a_row_without_an_address_is_reported_by_its_line_and_the_rest_go_in(user):
    data = pocket_csv([
        {"title": "Fine", "url": "https://news.example.org/fine", "time_added": "1600000000"},
        {"title": "No address", "url": "", "time_added": "1600000000"},
        {"title": "A mailto", "url": "mailto:desk@example.org"},
        {"title": "Also fine", "url": "https://news.example.org/also"},
    ])  # fmt: skip
    outcome = run_import(data, user)
    assert [str(p) for p in outcome.problems] == [
        "line 3: no URL",
        "line 4: not a web address: mailto:desk@example.org",
    ]
    assert outcome.articles == 2
    assert outcome.line().endswith(
        "skipped 2 (line 3: no URL; line 4: not a web address: mailto:desk@example.org)"
    )


def test_a_multi_line_title_does_not_shift_the_reported_lines(user):
    data = (
        b"title,url,time_added,tags,status\n"
        b'"Two\nlines",https://news.example.org/a,1600000000,,unread\n'
        b"No url,,1600000000,,unread\n"
    )
    outcome = run_import(data, user)
    assert [str(p) for p in outcome.problems] == ["line 4: no URL"]


def test_a_pocket_html_export_reads_both_lists(user):
    data = pocket_html(
        unread=[
            {
                "url": "https://news.example.org/one",
                "title": "One",
                "time_added": "1500000000",
                "tags": "a,b",
            }
        ],
        archived=[
            {"url": "https://news.example.org/two", "title": "Two", "time_added": "1500000100"}
        ],
    )
    outcome = run_import(data, user)
    assert outcome.queued == 2
    one = PendingImport.objects.get(url="https://news.example.org/one")
    two = PendingImport.objects.get(url="https://news.example.org/two")
    assert one.labels == ["a", "b"]
    assert one.archived_at is None
    assert one.saved_at == dt.datetime.fromtimestamp(1_500_000_000, tz=dt.UTC)
    assert two.archived_at is not None
    assert two.read_at is not None


def test_an_article_already_in_the_library_gets_the_labels_and_state_at_once(user, article):
    Article.objects.filter(pk=article.pk).update(source_url="https://news.example.org/harbour")
    data = pocket_csv([
        {"title": "x", "url": "https://news.example.org/harbour", "time_added": "1600000000", "tags": "Strikes", "status": "archive"},
    ])  # fmt: skip
    outcome = run_import(data, user)
    assert outcome.existing_articles == 1
    assert outcome.queued == 0
    assert list(article.labels.values_list("name", flat=True)) == ["Strikes"]
    assert ArticleState.objects.get(article=article, user=user).archived_at is not None
    assert not FetchJob.objects.exists()
