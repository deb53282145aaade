"""A PDF article in the reader: page numbers in the margin that are not text, and a
highlight made on page 2 whose card says so."""

from __future__ import annotations

import pytest

from articles.ingest import ingest
from articles.models import Annotation
from tests import pdfs
from tests.browser.test_annotate import _body_text, _drag_select, _open, _toolbar

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def report():
    return ingest(pdfs.report(), filename="harbour-budget.pdf").article


def test_the_reader_shows_page_numbers_that_are_not_part_of_the_text(
    signed_in, live_server, report
):
    page = signed_in
    _open(page, live_server, report)
    assert _body_text(page) == report.body_text
    marker = page.locator('#article-body .page-start[data-page="2"]')
    shown = marker.evaluate("(e) => getComputedStyle(e, '::before').content")
    assert shown == '"p. 2"'  # drawn by CSS, and not in the text
    # The marker sits on the line where page 2's text begins.
    start = report.page_starts[1]
    first_words = report.body_text[start : start + 20]
    line = page.locator("#article-body p", has_text=first_words)
    box, line_box = marker.bounding_box(), line.bounding_box()
    assert box is not None
    assert line_box is not None
    assert abs(box["y"] - line_box["y"]) < 30
    assert (
        page.get_by_role("link", name="Download PDF")
        .get_attribute("href")
        .endswith(f"/articles/{report.pk}/original/")
    )
    assert page.console.errors == []


def test_a_highlight_on_page_two_gets_a_card_saying_p_2(signed_in, live_server, report):
    page = signed_in
    _open(page, live_server, report)
    _drag_select(page, report, "story of the southern quay")
    _toolbar(page).get_by_role("button", name="Highlight in yellow").click()
    page.locator("#article-body mark.hl", has_text="southern quay").first.wait_for()
    annotation = Annotation.objects.get()
    card = page.locator(f"#card-{annotation.pk}")
    card.wait_for()
    assert card.locator(".card-page").inner_text() == "p. 2"
    assert _body_text(page) == report.body_text
    page.reload()
    assert page.locator(f"#card-{annotation.pk} .card-page").inner_text() == "p. 2"
    assert page.console.errors == []
