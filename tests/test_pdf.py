"""PDFs become articles (articles/pdf.py, through articles/ingest.py): paragraphs, page
starts, title and author, the errors, the original kept and downloadable, a fetched PDF."""

from __future__ import annotations

import hashlib

import pytest
from django.urls import reverse

from articles import captures, jobs, pdf, sanitize, versions
from articles.errors import IngestError
from articles.ingest import ingest, prepare
from articles.models import Article, FetchJob, PageCapture, SourceFile
from articles.reader import page_marks
from tests import pdfs
from tests.factories import highlight, signed_in
from tests.fetching import run_worker
from tests.pdfs import Line, Page, lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def report():
    return ingest(pdfs.report(), filename="harbour-budget.pdf").article


def _paragraphs(article: Article) -> list[str]:
    return article.body_text.split("\n\n")


def test_a_pdf_becomes_a_pdf_article_with_its_title_and_author(report):
    assert report.kind == Article.Kind.PDF
    assert report.title == "Harbour budget 2024"
    assert report.byline == "Ann Lee"
    assert report.body_text == sanitize.text_content(report.body_html)


def test_lines_are_joined_into_paragraphs_and_a_hyphenated_break_is_one_word(report):
    first = _paragraphs(report)[0]
    assert first.startswith("The harbour authority met on Tuesday to agree the budget for the")
    assert "the information given to the council" in first
    assert "infor-" not in report.body_text
    assert _paragraphs(report)[1].startswith("A well-known engineer")


def test_a_hyphen_the_document_writes_elsewhere_is_kept_across_a_line_break(report):
    # "well-" at a line end + "known": "well-known" appears on page 1, "wellknown" nowhere.
    assert "asked for a well-known remedy" in report.body_text
    assert "wellknown" not in report.body_text


def test_running_headers_and_page_numbers_are_dropped(report):
    assert pdfs.HEADER not in report.body_text
    assert "Page 2 of 3" not in report.body_text
    assert "of 3" not in report.body_text


def test_two_columns_are_read_one_after_the_other(report):
    text = report.body_text
    left_end = text.index("until the money could be found.")
    assert left_end < text.index("The right column is read after the left one.")
    assert "whose repairs were put off" in text  # the left column's lines stay together


def test_greek_and_cyrillic_text_is_kept(report):
    assert pdfs.GREEK in _paragraphs(report)
    assert pdfs.CYRILLIC in _paragraphs(report)


def test_each_page_starts_where_its_first_line_went(report):
    assert len(report.page_starts) == 3
    texts = [report.body_text[start:] for start in report.page_starts]
    assert texts[0].startswith("The harbour authority")
    assert texts[1].startswith("The left column begins the second page")
    assert texts[2].startswith(pdfs.GREEK)
    assert report.page_at(report.body_text.index("southern quay")) == 2
    assert report.page_at(0) == 1


def test_a_paragraph_running_on_to_the_next_page_is_one_paragraph_with_the_page_inside():
    data = pdfs.build(
        [
            Page(pdfs.lines(["The story begins on the first page and it", "goes on without"])),
            Page(pdfs.lines(["a break on the second page, where it ends.", "Short one."])),
        ]
    )
    article = ingest(data, filename="run-on.pdf").article
    assert article.body_text.startswith(
        "The story begins on the first page and it goes on without a break on the second page"
    )
    assert article.body_text[article.page_starts[1] :].startswith("a break on the second page")


def test_without_metadata_the_first_line_is_the_title_and_leaves_the_body():
    data = pdfs.build(
        [
            Page(
                [
                    Line("Quay repairs: the engineer's report", 72, 740, 18),
                    *pdfs.lines(["The northern quay has settled by four centimetres."]),
                ]
            )
        ]
    )
    article = ingest(data, filename="quay.pdf").article
    assert article.title == "Quay repairs: the engineer's report"
    assert article.body_text == "The northern quay has settled by four centimetres."
    assert article.byline == ""
    assert article.page_starts == [0]


def test_a_file_name_as_metadata_title_is_not_the_title():
    data = pdfs.build(
        [Page(pdfs.lines(["The northern quay has settled by four centimetres."]))],
        title="Microsoft Word - quay-final.docx",
    )
    assert (
        prepare(data, filename="q.pdf").title == "The northern quay has settled by four centimetres"
    )


def test_the_original_is_kept_with_the_article(report):
    source = SourceFile.objects.get(article=report)
    data = pdfs.report()
    assert bytes(source.data) == data
    assert source.sha256 == hashlib.sha256(data).hexdigest()
    assert source.size == len(data)
    assert source.content_type == "application/pdf"
    assert source.filename == "harbour-budget.pdf"


def test_the_original_downloads_byte_for_byte_as_an_attachment(report, user):
    response = signed_in(user).get(reverse("article_original", args=[report.pk]))
    assert response.status_code == 200
    assert response.content == pdfs.report()
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="harbour-budget.pdf"'


def test_the_reader_offers_the_download_and_marks_each_page(report, user):
    page = signed_in(user).get(report.get_absolute_url()).text
    assert f'href="{reverse("article_original", args=[report.pk])}" download' in page
    for number in (1, 2, 3):
        assert f'<span class="page-start" data-page="{number}" aria-hidden="true"></span>' in page


def test_an_article_not_made_from_a_file_has_nothing_to_download(article, user):
    response = signed_in(user).get(reverse("article_original", args=[article.pk]))
    assert response.status_code == 404


def test_signed_out_nobody_downloads(report, client):
    response = client.get(reverse("article_original", args=[report.pk]))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"] or "login" in response["Location"]


def test_a_card_says_on_which_page_its_passage_starts(report, user):
    note = highlight(report, user, "southern quay")
    page = signed_in(user).get(report.get_absolute_url()).text
    card = page[page.index(f'id="card-{note.pk}"') :]
    assert '<span class="card-page" title="Page 2">p. 2</span>' in card[: card.index("</div>")]


def test_a_card_of_a_web_page_names_no_page(article, user):
    note = highlight(article, user, article.body_text.split()[0])
    page = signed_in(user).get(article.get_absolute_url()).text
    assert "card-page" not in page
    assert f'id="card-{note.pk}"' in page


def test_page_marks_keep_the_text_and_skip_pages_without_text():
    html = "<p>One &amp; two</p>\n\n<p><mark>Three</mark> four</p>"
    marked = page_marks(html, [0, 11, 11])
    assert sanitize.text_content(marked) == sanitize.text_content(html)
    assert marked.count("page-start") == 2
    assert '<mark><span class="page-start" data-page="3"' in marked
    assert 'data-page="2"' not in marked


def _refused(data: bytes, message: str) -> None:
    before = Article.objects.count()
    with pytest.raises(IngestError) as refused:
        ingest(data, filename="x.pdf")
    assert str(refused.value) == message
    assert "\n" not in str(refused.value)
    assert Article.objects.count() == before
    assert SourceFile.objects.count() == 0


def test_a_scan_without_a_text_layer_is_refused():
    _refused(pdfs.build([Page(image=True), Page(image=True)]), pdf.NO_TEXT)
    assert "no text layer" in pdf.NO_TEXT


def test_an_encrypted_pdf_is_refused():
    _refused(pdfs.encrypted(pdfs.report(), password="secret"), pdf.ENCRYPTED)


def test_a_pdf_encrypted_with_an_empty_password_is_read():
    article = ingest(pdfs.encrypted(pdfs.report(), password=""), filename="open.pdf").article
    assert "the information given to the council" in article.body_text


def test_a_truncated_pdf_is_refused():
    data = pdfs.report()
    _refused(data[: len(data) // 2], pdf.TRUNCATED)


def test_a_damaged_pdf_is_refused():
    data = pdfs.report()
    # Every object but the header and the end is noise: nothing to parse.
    damaged = data[:15] + bytes(range(256)) * 8 + b"\nstartxref\n12\n%%EOF\n"
    _refused(damaged, pdf.DAMAGED)


def test_a_file_named_pdf_that_is_not_one_is_refused():
    _refused(b"Just some text", "It ends in .pdf but is not a PDF document.")


def test_a_pdf_over_the_size_limit_is_refused(settings):
    settings.MAX_ARTICLE_BYTES = 1024
    with pytest.raises(IngestError, match="up to 1 KB"):
        ingest(pdfs.report(), filename="big.pdf")
    assert Article.objects.count() == 0


def test_too_many_pages_are_refused(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    _refused(pdfs.report(), "This PDF has 3 pages; Newsroom reads up to 2.")


def test_the_same_pdf_twice_is_one_article(report):
    again = ingest(pdfs.report(), filename="copy.pdf")
    assert again.duplicate
    assert again.article.pk == report.pk
    assert SourceFile.objects.count() == 1


def test_unnamed_bytes_starting_like_a_pdf_are_read_as_one():
    assert prepare(pdfs.report()).kind == Article.Kind.PDF


@pytest.mark.django_db(transaction=True)  # the worker runs and closes its own connection
def test_a_fetched_address_answering_a_pdf_becomes_a_pdf_article(httpserver, allow_private, user):
    httpserver.expect_request("/reports/budget").respond_with_data(
        pdfs.report(), content_type="application/pdf"
    )
    job = jobs.submit(httpserver.url_for("/reports/budget"), user)
    run_worker()
    job.refresh_from_db()
    assert job.status == FetchJob.Status.DONE, job.error
    article = Article.objects.get(pk=job.article_id)
    assert article.kind == Article.Kind.PDF
    assert article.title == "Harbour budget 2024"
    assert len(article.page_starts) == 3
    assert article.source_url == httpserver.url_for("/reports/budget")
    source = SourceFile.objects.get(article=article)
    assert bytes(source.data) == pdfs.report()
    assert source.filename == "budget.pdf"


@pytest.mark.django_db(transaction=True)
def test_a_fetched_pdf_larger_than_the_cap_is_refused_while_it_streams(
    httpserver, allow_private, settings, user
):
    settings.MAX_ARTICLE_BYTES = 1024
    httpserver.expect_request("/big.pdf").respond_with_data(
        pdfs.report(), content_type="application/pdf"
    )
    job = jobs.submit(httpserver.url_for("/big.pdf"), user)
    run_worker()
    job.refresh_from_db()
    assert job.status == FetchJob.Status.FAILED
    assert "too large" in job.error
    assert Article.objects.count() == 0


def _shorter_report() -> bytes:
    """The report as republished: two pages, the figures changed."""
    return pdfs.build(
        [
            Page(lines(["The harbour budget for 2024 was revised to 5.1 million euros."])),
            Page(lines(["The council will vote on the revised budget in March."])),
        ],
        title="Harbour budget 2024 (revised)",
        author="Ann Lee",
    )


def test_a_new_pdf_for_the_article_moves_its_pages_and_keeps_both_files(report, user):
    first = bytes(SourceFile.objects.get(article=report).data)
    versions.replace_text(report, prepare(_shorter_report(), filename="harbour-budget.pdf"))
    report.refresh_from_db()
    assert len(report.page_starts) == 2
    assert report.body_text[report.page_starts[1] :].startswith("The council will vote")
    assert bytes(SourceFile.objects.get(article=report).data) == _shorter_report()
    earlier = PageCapture.objects.get(article=report)
    assert earlier.content_type == "application/pdf"
    assert captures.original_bytes(earlier) == first
    assert earlier.sha256 == hashlib.sha256(first).hexdigest()
    # The reader marks the new pages, and offers the new file.
    page = signed_in(user).get(report.get_absolute_url()).text
    assert page.count('class="page-start"') == 2
    download = signed_in(user).get(reverse("article_original", args=[report.pk]))
    assert b"".join(download.streaming_content if download.streaming else [download.content]) == (
        _shorter_report()
    )


def test_the_same_pdf_again_keeps_one_file(report):
    again = prepare(pdfs.report(), filename="harbour-budget.pdf")
    assert versions.replace_text(report, again).changed is False
    captures.replace_original(report, again.original)
    assert SourceFile.objects.filter(article=report).count() == 1
    assert not PageCapture.objects.filter(article=report).exists()


def test_a_pdf_article_whose_text_now_comes_from_a_page_drops_its_pages():
    article = ingest(pdfs.report(), filename="harbour-budget.pdf").article
    versions.replace_text(article, prepare("Harbour budget\n\nNow a plain page, revised."))
    article.refresh_from_db()
    assert article.page_starts == []
    assert not SourceFile.objects.filter(article=article).exists()
    assert PageCapture.objects.get(article=article).content_type == "application/pdf"
