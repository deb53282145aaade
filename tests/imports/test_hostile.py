"""Exports that try to hurt: scripts in titles and notes, a 10,000-row CSV, markup in
what the preview reports. (ZIP bombs, `../` names and truncated archives are in
test_omnivore.py, encodings and binary files in test_detect.py.)"""

from __future__ import annotations

import json
import time

import pytest
from django.urls import reverse

from articles.imports import detect, pending, runs, save
from articles.models import Annotation, Article, FetchJob, PendingImport
from tests.imports.conftest import run_import
from tests.imports.exports import (
    omnivore_item,
    omnivore_zip,
    pocket_csv,
    wallabag_annotation,
    wallabag_entry,
)

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


def test_scripts_in_titles_and_notes_reach_the_page_as_text(user, alice_client):
    data = omnivore_zip(
        [
            omnivore_item(
                "s",
                "https://harbour.example/s",
                title=f"{SCRIPT}Harbour <img src=x onerror=alert(1)>",
            )
        ],
        content={"s": "<p>Dock workers stayed off the job for an eighth day.</p>"},
        highlights={"s": f"> an eighth day\n\n{SCRIPT} **bold** note"},
    )
    run_import(data, user)
    article = Article.objects.get()
    assert article.title.startswith(SCRIPT)  # kept as the text it is
    library = alice_client.get(reverse("library")).text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;Harbour &lt;img" in library
    assert SCRIPT not in library
    assert "<img src=x" not in library
    note = Annotation.objects.get()
    assert "<script" not in note.note_html
    reader = alice_client.get(article.get_absolute_url()).text
    assert SCRIPT not in reader
    assert "<strong>bold</strong>" in reader


def test_markup_in_what_is_skipped_is_shown_as_text(user, alice_client):
    data = json.dumps([
        wallabag_entry(f"https://harbour.example/{n}", annotations=[wallabag_annotation(SCRIPT)])
        for n in range(2)
    ]).encode()  # fmt: skip
    response = alice_client.post(reverse("import_page"), {"file": _file(data, "wallabag.json")})
    page = alice_client.get(response.url).text
    assert SCRIPT not in page
    assert "<strong>2</strong> annotations" in page


def test_ten_thousand_rows_import_fast_and_fetch_a_few_at_a_time(user):
    rows = [
        {"title": f"Story {n}", "url": f"https://news.example.org/2024/{n}", "time_added": str(1_600_000_000 + n),
         "tags": "bulk|" + ("odd" if n % 2 else "even"), "status": "archive" if n % 3 == 0 else "unread"}
        for n in range(10_000)
    ]  # fmt: skip
    data = pocket_csv(rows)
    started = time.perf_counter()
    parsed = detect.read(data, "pocket.csv")
    assert runs.preview(parsed, user)["new"] == 10_000
    seen: list[int] = []
    outcome = save.save(parsed, user, progress=seen.append)
    elapsed = time.perf_counter() - started
    assert outcome.queued == 10_000
    assert PendingImport.objects.count() == 10_000
    assert sum(seen) == 10_000
    assert len(seen) >= 50  # progress as it goes, not only at the end
    assert elapsed < 60, elapsed  # a few seconds on a quiet machine
    # The fetching is paced: the first round submits a window, not ten thousand jobs.
    assert pending.advance()
    assert FetchJob.objects.count() == pending.IN_FLIGHT
    # A second import of the same file finds every row waiting already.
    again = save.save(detect.read(data), user)
    assert again.queued == 0
    assert again.existing_articles == 10_000


def _file(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
