"""The import page (articles/views/imports.py): upload -> preview -> confirm -> the
background run -> the summary; and the refusals (empty, binary, huge, guests, another
person's import)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from articles import accounts
from articles.imports import runs
from articles.models import Annotation, Article, ImportJob, Role
from tests.factories import make_user, signed_in
from tests.fetching import run_worker
from tests.imports.exports import wallabag_annotation, wallabag_entry

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/import/"


def _wallabag() -> bytes:
    return json.dumps([
        wallabag_entry("https://harbour.example/strike", tags=["Ports"],
                       annotations=[wallabag_annotation("an eighth day", "Count")]),
        {"title": "No address and no text"},
    ]).encode()  # fmt: skip


def _upload(client, data: bytes, name: str = "wallabag-export.json"):
    return client.post(reverse("import_page"), {"file": SimpleUploadedFile(name, data)})


def test_the_page_is_where_the_library_links(alice_client):
    assert reverse("import_page") == PAGE
    library = alice_client.get(reverse("library")).text
    assert f'href="{PAGE}"' in library
    page = alice_client.get(PAGE)
    assert page.status_code == 200
    assert 'type="file"' in page.text
    assert "Read the file" in page.text


def test_upload_preview_confirm_run_and_summary(alice_client, user):
    response = _upload(alice_client, _wallabag())
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response.url == f"{PAGE}?job={job.pk}"
    assert job.status == ImportJob.Status.PREVIEW
    assert job.format == ImportJob.Format.WALLABAG
    assert bytes(job.data) == _wallabag()  # kept server-side until the run
    assert not Article.objects.exists()  # nothing imported before the confirmation

    preview = alice_client.get(response.url).text
    assert "What the file holds" in preview
    assert "<strong>1</strong> article: 1 new" in preview
    assert "<strong>1</strong> annotation" in preview
    assert "Will be skipped: 1" in preview
    assert "entry 2</span>: no URL and no text" in preview
    assert f'name="job" value="{job.pk}"' in preview

    confirmed = alice_client.post(
        reverse("import_confirm"), {"job": job.pk}, HTTP_HX_REQUEST="true"
    )
    assert confirmed.status_code == 200
    assert confirmed.text.lstrip().startswith('<section id="import-job"')
    assert 'hx-trigger="every 1s"' in confirmed.text
    assert "Waiting for a background worker" in confirmed.text
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    assert job.task_id

    run_worker()

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    # The page lists what was skipped below the line: the line only counts it.
    assert job.summary == "Imported 1 article, 1 annotation, 0 feeds; skipped 1"
    assert job.counts["articles"] == 1
    assert job.errors == [{"where": "entry 2", "reason": "no URL and no text"}]
    assert bytes(job.data) == b""  # the file is dropped once imported
    assert job.done == job.total == 1  # the entry left out is not work to do
    assert job.finished_at is not None
    article = Article.objects.get()
    assert list(article.labels.values_list("name", flat=True)) == ["Ports"]
    assert Annotation.objects.get().author == user

    progress = alice_client.get(reverse("import_progress"), {"job": job.pk}, HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in progress.text  # polling stops at the summary
    assert job.summary in progress.text
    assert "entry 2</span>: no URL and no text" in progress.text
    assert "Open the library" in progress.text
    page = alice_client.get(PAGE).text  # the form again, and the import in the list
    assert "Your recent imports" in page
    assert f"{PAGE}?job={job.pk}" in page
    assert job.summary in page


def test_confirming_without_javascript_comes_back_to_the_page(alice_client):
    _upload(alice_client, _wallabag())
    job = ImportJob.objects.get()
    response = alice_client.post(reverse("import_confirm"), {"job": job.pk})
    assert response.status_code == 302
    assert response.url == f"{PAGE}?job={job.pk}"
    assert "Importing" in alice_client.get(response.url).text
    assert alice_client.get(reverse("import_progress"), {"job": job.pk}).status_code == 302


def test_a_job_is_run_once_however_often_it_is_confirmed(alice_client):
    _upload(alice_client, _wallabag())
    job = ImportJob.objects.get()
    for _ in range(3):
        alice_client.post(reverse("import_confirm"), {"job": job.pk})
    assert DBTaskResult.objects.filter(task_path=runs.run_import.module_path).count() == 1
    run_worker()
    assert runs.run(job.pk) == "skipped"
    assert Article.objects.count() == 1


def test_cancelling_a_preview_forgets_the_file(alice_client):
    _upload(alice_client, _wallabag())
    job = ImportJob.objects.get()
    response = alice_client.post(reverse("import_discard"), {"job": job.pk})
    assert response.status_code == 302
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "empty.csv", "The file is empty."),
        (
            b"%PDF-1.4 binary",
            "report.pdf",
            "It is a PDF document, not an export Newsroom can import.",
        ),
        (b"\x00\x01\x02\x03" * 100, "x.bin", "It is a binary file"),
        (b'[{"url": oops]', "w.json", "line 1, column 10: it is not valid JSON"),
    ],
)
def test_a_file_no_importer_reads_is_refused_beside_the_field(alice_client, data, name, message):
    response = _upload(alice_client, data, name)
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert not ImportJob.objects.exists()


def test_a_file_over_the_size_cap_is_refused(alice_client, monkeypatch):
    from articles.views import imports as views

    monkeypatch.setattr(views, "MAX_IMPORT_BYTES", 1024 * 1024)
    response = _upload(alice_client, b"title,url,time_added\n" + b"x" * (2 * 1024 * 1024))
    assert response.status_code == 400
    assert "It is 2.0 MB; Newsroom imports files up to 1 MB." in response.text


def test_no_file_at_all_is_refused(alice_client):
    response = alice_client.post(reverse("import_page"), {})
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_guests_may_not_import(client, admin_user):
    guest = make_user("gail")
    accounts.set_role(guest, Role.GUEST, by=admin_user)
    client.force_login(guest)
    assert client.get(PAGE).status_code == 403
    assert _upload(client, _wallabag()).status_code == 403
    assert f'href="{PAGE}"' not in client.get(reverse("library")).text
    assert not ImportJob.objects.exists()


def test_a_person_made_a_guest_after_confirming_finds_the_run_refused(
    alice_client, user, admin_user
):
    _upload(alice_client, _wallabag())
    job = ImportJob.objects.get()
    alice_client.post(reverse("import_confirm"), {"job": job.pk})
    accounts.set_role(user, Role.GUEST, by=admin_user)
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "Guests cannot import" in job.summary
    assert not Article.objects.exists()


def test_another_persons_import_is_not_found(alice_client, bob):
    _upload(alice_client, _wallabag())
    job = ImportJob.objects.get()
    other = signed_in(bob)
    assert other.get(PAGE, {"job": job.pk}).status_code == 404
    assert (
        other.get(reverse("import_progress"), {"job": job.pk}, HTTP_HX_REQUEST="true").status_code
        == 404
    )
    assert other.post(reverse("import_confirm"), {"job": job.pk}).status_code == 404
    assert other.post(reverse("import_discard"), {"job": job.pk}).status_code == 404
    assert other.get(PAGE, {"job": "nonsense"}).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PREVIEW


def test_a_run_whose_worker_died_can_be_started_again(alice_client):
    _upload(alice_client, _wallabag())
    job = ImportJob.objects.get()
    alice_client.post(reverse("import_confirm"), {"job": job.pk})
    job.refresh_from_db()
    # The worker claimed the job and died: its task was closed as failed, the job not.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED")
    page = alice_client.get(
        reverse("import_progress"), {"job": job.pk}, HTTP_HX_REQUEST="true"
    ).text
    assert "stopped before the end" in page
    assert "Start again" in page
    alice_client.post(reverse("import_confirm"), {"job": job.pk})
    run_worker()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Article.objects.count() == 1
