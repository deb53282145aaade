"""The import page in a real browser: upload, the preview, confirm, and the progress bar
that polls itself until the summary."""

from __future__ import annotations

import json

import pytest

from articles.models import Article, ImportJob
from tests.fetching import run_worker
from tests.imports.exports import BRIDGE_HTML, wallabag_annotation, wallabag_entry

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_import_from_upload_to_summary(signed_in, live_server, tmp_path):
    export = tmp_path / "wallabag-export.json"
    export.write_text(json.dumps([
        wallabag_entry("https://harbour.example/strike", tags=["Ports"],
                       annotations=[wallabag_annotation("an eighth day", "Count the days")]),
        wallabag_entry("https://harbour.example/bridge", content=BRIDGE_HTML, title="Bridge closes", is_archived=1),
        {"title": "An entry with nothing in it"},
    ]))  # fmt: skip
    page = signed_in
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Import from Pocket, Omnivore, Wallabag, bookmarks…").click()
    page.get_by_role("heading", name="Import", exact=True).wait_for()

    page.get_by_label("Export file").set_input_files(str(export))
    page.get_by_role("button", name="Read the file").click()
    job = page.locator("#import-job")
    job.get_by_role("heading", name="What the file holds").wait_for()
    assert "2 articles: 2 new" in job.inner_text()
    assert "entry 3: no URL and no text" in job.inner_text()
    assert not Article.objects.exists()

    job.get_by_role("button", name="Import").click()
    page.locator("#import-job[data-polling] progress").wait_for()
    assert ImportJob.objects.get().status == ImportJob.Status.QUEUED

    run_worker()  # the background worker does its part

    summary = page.locator("#import-job .import-summary")
    summary.wait_for(timeout=10_000)  # the fragment polls itself every second
    assert summary.inner_text() == "Imported 2 articles, 1 annotation, 0 feeds; skipped 1"
    job.get_by_text("Skipped: 1").click()
    assert job.get_by_text("entry 3: no URL and no text").is_visible()
    assert page.locator("#import-job[data-polling]").count() == 0  # and then stops
    assert page.locator("#import-job progress").get_attribute("value") == "1"
    page.get_by_role("link", name="Open the library").click()
    page.get_by_role("link", name="Harbour strike enters second week").wait_for()
    assert page.console.errors == []
