"""The articles endpoints: list (views, labels, search), add, read, trash; fetch jobs."""

from __future__ import annotations

import pytest

from articles import library
from articles.models import Article, FetchJob
from tests.factories import STORY, make_article

pytestmark = pytest.mark.django_db


def test_the_list_is_the_library_with_paging_links(alice_api, user):
    for n in range(3):
        make_article(f"Story number {n}\n\nBody of story {n} with enough words to keep.")
    first = alice_api.get("/api/v1/articles?per_page=2")
    assert first.status_code == 200
    assert [a["title"] for a in first.json()] == ["Story number 2", "Story number 1"]
    assert first.headers["X-Total-Count"] == "3"
    assert 'rel="next"' in first.headers["Link"]
    assert "page=2" in first.headers["Link"]
    second = alice_api.get("/api/v1/articles?per_page=2&page=2")
    assert [a["title"] for a in second.json()] == ["Story number 0"]
    assert 'rel="prev"' in second.headers["Link"]
    assert 'rel="next"' not in second.headers["Link"]


def test_views_and_labels_filter_the_list(alice_api, user):
    read, unread = make_article(STORY), make_article("Another story\n\nIts body, unread.")
    library.set_state(user, read, "read", on=True)
    label = library.add_label(unread, "Investigation", user)
    assert [a["id"] for a in alice_api.get("/api/v1/articles?view=unread").json()] == [unread.pk]
    labelled = alice_api.get(f"/api/v1/articles?label={label.pk}").json()
    assert [(a["id"], a["labels"]) for a in labelled] == [(unread.pk, ["Investigation"])]
    assert alice_api.get("/api/v1/articles?label=999999").status_code == 404
    refused = alice_api.get("/api/v1/articles?view=everything")
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"


def test_a_search_lists_the_articles_it_finds(alice_api):
    make_article(STORY)
    make_article("Budget vote\n\nParliament votes on the budget today.")
    found = alice_api.get("/api/v1/articles", {"q": "Rotterdam"}).json()
    assert [a["title"] for a in found] == ["Harbour Strike Enters Second Week"]


def test_pasted_text_becomes_an_article_at_once(alice_api, user):
    made = alice_api.post(
        "/api/v1/articles",
        {"text": STORY, "title": "  Strike,   week two "},
        content_type="application/json",
    )
    assert made.status_code == 201
    body = made.json()
    assert body["title"] == "Strike, week two"
    assert body["added_by"] == "alice"
    assert made["Location"].endswith(f"/api/v1/articles/{body['id']}")
    again = alice_api.post("/api/v1/articles", {"text": STORY}, content_type="application/json")
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]
    assert Article.objects.count() == 1


def test_html_is_sanitised_as_on_the_page(alice_api):
    html = "<h1>Title here</h1><p>A paragraph of text.</p><script>alert(1)</script>"
    made = alice_api.post("/api/v1/articles", {"html": html}, content_type="application/json")
    assert made.status_code == 201
    article = Article.objects.get(pk=made.json()["id"])
    assert "script" not in article.body_html
    assert "alert" not in article.body_text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({}, 400),
        ({"text": "one", "url": "https://example.org/"}, 400),
        ({"text": "   "}, 400),
        ({"url": "ftp://example.org/file"}, 400),
        ({"text": "\x00\x01\x02"}, 400),
    ],
)
def test_bad_input_is_refused_and_nothing_is_kept(alice_api, body, status):
    refused = alice_api.post("/api/v1/articles", body, content_type="application/json")
    assert refused.status_code == status
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"]
    assert Article.objects.count() == 0


def test_text_over_the_limit_answers_413(alice_api, settings):
    settings.MAX_ARTICLE_BYTES = 2048
    refused = alice_api.post(
        "/api/v1/articles", {"text": "word " * 1000}, content_type="application/json"
    )
    assert refused.status_code == 413
    assert Article.objects.count() == 0


def test_a_web_address_answers_202_with_a_job_to_poll(alice_api):
    made = alice_api.post(
        "/api/v1/articles", {"url": "https://example.org/story"}, content_type="application/json"
    )
    assert made.status_code == 202
    job = FetchJob.objects.get()
    assert made.json()["status"] == job.status
    assert made["Location"].endswith(f"/api/v1/jobs/{job.pk}")
    polled = alice_api.get(f"/api/v1/jobs/{job.pk}")
    assert polled.status_code == 200
    assert polled.json()["url"] == job.url


def test_someone_elses_job_is_not_found(alice_api, bob_api):
    made = alice_api.post(
        "/api/v1/articles", {"url": "https://example.org/story"}, content_type="application/json"
    )
    assert bob_api.get(f"/api/v1/jobs/{made.json()['id']}").status_code == 404


def test_an_article_has_its_text_versions_etag_and_annotation_service(alice_api):
    article = make_article(STORY)
    got = alice_api.get(f"/api/v1/articles/{article.pk}")
    assert got.status_code == 200
    assert got.json()["body_text"] == article.body_text
    assert got.json()["versions"] == []
    assert got["Link"] == (
        f"<http://testserver/annotations/articles/{article.pk}/>; "
        'rel="http://www.w3.org/ns/oa#annotationService"'
    )
    unchanged = alice_api.get(f"/api/v1/articles/{article.pk}", HTTP_IF_NONE_MATCH=got["ETag"])
    assert unchanged.status_code == 304
    assert alice_api.get("/api/v1/articles/999999").status_code == 404


def test_only_the_person_who_added_it_moves_it_to_the_trash(alice_api, bob_api, user):
    made = alice_api.post("/api/v1/articles", {"text": STORY}, content_type="application/json")
    pk = made.json()["id"]
    refused = bob_api.delete(f"/api/v1/articles/{pk}")
    assert refused.status_code == 403
    stale = alice_api.delete(f"/api/v1/articles/{pk}", HTTP_IF_MATCH='"article-1-0"')
    assert stale.status_code == 412
    assert Article.objects.filter(pk=pk).exists()
    assert alice_api.delete(f"/api/v1/articles/{pk}").status_code == 200
    assert not Article.objects.filter(pk=pk).exists()
    assert Article.with_trash.get(pk=pk).deleted_by == user
    assert alice_api.get(f"/api/v1/articles/{pk}").status_code == 404


def test_a_pdf_sent_as_a_file_becomes_an_article_with_its_pages(alice_api, user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from articles.models import SourceFile
    from tests import pdfs

    made = alice_api.post(
        "/api/v1/articles/file",
        {"file": SimpleUploadedFile("budget.pdf", pdfs.report(), "application/pdf")},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["kind"] == "pdf"
    assert body["title"] == "Harbour budget 2024"
    article = Article.objects.get(pk=body["id"])
    assert len(article.page_starts) == 3
    assert bytes(SourceFile.objects.get(article=article).data) == pdfs.report()
    again = alice_api.post(
        "/api/v1/articles/file",
        {"file": SimpleUploadedFile("again.pdf", pdfs.report(), "application/pdf"),
         "title": "ignored for a duplicate"},
    )  # fmt: skip
    assert again.status_code == 200
    assert again.json()["id"] == body["id"]


def test_a_text_file_takes_the_title_given(alice_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    made = alice_api.post(
        "/api/v1/articles/file",
        {"file": SimpleUploadedFile("story.txt", STORY.encode(), "text/plain"),
         "title": "  Strike  "},
    )  # fmt: skip
    assert made.status_code == 201
    assert made.json()["title"] == "Strike"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("scan.pdf", "scan"),
        ("broken.pdf", "truncated"),
        ("empty.txt", b""),
        ("binary.bin", b"\x00\x01\x02\x03" * 100),
    ],
)
def test_a_file_that_is_no_article_is_refused_and_nothing_kept(alice_api, name, data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests import pdfs

    if data == "scan":
        data = pdfs.build([pdfs.Page([])])
    elif data == "truncated":
        data = pdfs.report()[:400]
    refused = alice_api.post("/api/v1/articles/file", {"file": SimpleUploadedFile(name, data)})
    assert refused.status_code == 400, refused.content
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["detail"]
    assert Article.objects.count() == 0


def test_a_file_over_the_limit_answers_413(alice_api, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_ARTICLE_BYTES = 2048
    refused = alice_api.post(
        "/api/v1/articles/file",
        {"file": SimpleUploadedFile("long.txt", b"word " * 1000, "text/plain")},
    )
    assert refused.status_code == 413
    assert Article.objects.count() == 0


def test_a_read_token_may_not_send_a_file(user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.api.conftest import token_client

    refused = token_client(user, "read").post(
        "/api/v1/articles/file", {"file": SimpleUploadedFile("story.txt", STORY.encode())}
    )
    assert refused.status_code == 403
    assert Article.objects.count() == 0
