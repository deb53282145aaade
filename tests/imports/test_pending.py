"""Imported entries without their text (articles/imports/pending.py): fetched through
the saving machinery a few at a time, and given their labels, state and time when the
article arrives, whatever address the page then calls itself by."""

from __future__ import annotations

import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from articles import maintenance
from articles.imports import pending
from articles.models import Article, ArticleState, FetchJob, PendingImport
from tests.fetching import page, run_worker
from tests.imports.conftest import run_import
from tests.imports.exports import pocket_csv

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_article_gets_its_gift_even_when_the_page_names_another_address(
    user, httpserver, allow_private
):
    httpserver.expect_request("/amp/story").respond_with_data(
        page(
            "Harbour strike enters second week",
            "Dock workers in Rotterdam stayed off the job for an eighth day on Monday.",
            "Container ships waited outside the port as talks with the authority stalled.",
            "The union said its members would vote on any offer put to them this week.",
            canonical="https://harbour.example/story",
        ),
        content_type="text/html",
    )
    run_import(pocket_csv([{"url": httpserver.url_for("/amp/story"), "time_added": "1500000000",
                            "tags": "Ports", "status": "archive"}]), user)  # fmt: skip
    pending.advance()
    run_worker()  # the fetch; saving the article settles its import at once
    assert FetchJob.objects.get().status == FetchJob.Status.DONE, FetchJob.objects.get().error
    article = Article.objects.get()
    assert article.source_url == "https://harbour.example/story"
    assert list(article.labels.values_list("name", flat=True)) == ["Ports"]
    assert ArticleState.objects.get(article=article, user=user).archived_at is not None
    assert article.created_at == dt.datetime.fromtimestamp(1_500_000_000, tz=dt.UTC)
    assert not PendingImport.objects.exists()


def test_entries_are_submitted_a_window_at_a_time(user, monkeypatch):
    monkeypatch.setattr(pending, "IN_FLIGHT", 3)
    run_import(pocket_csv([{"url": f"https://news.example.org/{n}"} for n in range(7)]), user)
    assert pending.advance()
    assert FetchJob.objects.count() == 3
    assert pending.advance()  # none finished: no room
    assert FetchJob.objects.count() == 3
    FetchJob.objects.update(status=FetchJob.Status.FAILED, reason="timeout")
    assert pending.advance()
    assert FetchJob.objects.count() == 6
    FetchJob.objects.update(status=FetchJob.Status.FAILED, reason="timeout")
    assert pending.advance()  # the last one, on its way
    assert FetchJob.objects.count() == 7
    FetchJob.objects.update(status=FetchJob.Status.FAILED, reason="timeout")
    assert not pending.advance()  # nothing waits (a failed fetch waits for a Retry)


def test_a_fetch_that_can_never_succeed_forgets_its_entry(user):
    run_import(pocket_csv([{"url": "https://news.example.org/x"}]), user)
    pending.advance()
    FetchJob.objects.update(status=FetchJob.Status.FAILED, reason="refused")
    pending.settle()
    assert not PendingImport.objects.exists()


def test_one_advancing_task_at_a_time(user):
    run_import(pocket_csv([{"url": "https://news.example.org/x"}]), user)
    pending.ensure_advancing()
    pending.ensure_advancing()
    assert DBTaskResult.objects.filter(task_path=pending.advance_imports.module_path).count() == 1


def test_an_entry_already_in_the_library_when_its_turn_comes_is_given_at_once(user, article):
    run_import(pocket_csv([{"url": "https://news.example.org/x", "tags": "Late"}]), user)
    Article.objects.filter(pk=article.pk).update(source_url="https://news.example.org/x")
    pending.advance()
    assert list(article.labels.values_list("name", flat=True)) == ["Late"]
    assert not PendingImport.objects.exists()


def test_the_heartbeat_starts_advancing_again_after_its_task_was_lost(user):
    run_import(pocket_csv([{"url": "https://news.example.org/x"}]), user)
    advancing = DBTaskResult.objects.filter(task_path=pending.advance_imports.module_path)
    advancing.delete()  # its worker was killed and the row cleared
    maintenance.maintain.call()
    assert advancing.filter(status="READY").count() == 1
