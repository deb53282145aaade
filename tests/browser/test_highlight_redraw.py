"""Thirty highlights in a row on a long article: each is drawn where it was made, the
body's text stays body_text, and after the first (which draws everything: the panel gains
its author) no answer carries the whole body: the same #article-body element stays."""

from __future__ import annotations

import pytest
from django.urls import reverse

from articles.models import Annotation
from tests.browser.test_annotate import _body_text, _drag_select, _open, _toolbar
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)

LONG = "The long harbour story\n\n" + "\n\n".join(
    f"At dawn berth {i} ready for the tankers, the harbour master said, while the council "
    f"argued over cranes, ferries, pay and the storms that closed the northern approach "
    f"for days at a time in the winter of year {i}, and nobody on the quay expected "
    f"the strike to end before the spring tides came in again."
    for i in range(40)
)


def test_thirty_highlights_in_a_row_redraw_only_their_paragraphs(signed_in, live_server):
    page = signed_in
    article = make_article(LONG)
    _open(page, live_server, article)
    answers: list[tuple[str, int, str]] = []
    url = reverse("annotate", args=[article.pk])

    def record(response):
        if response.url.endswith(url) and response.request.method == "POST":
            body = response.text()
            answers.append((response.headers.get("hx-reswap", ""), len(body), body))

    page.on("response", record)
    phrases = [f"berth {i} ready" for i in range(29)]
    # The last one runs from one paragraph into the next.
    phrases.append("the spring tides came in again.\n\nAt dawn berth 30")
    for n, phrase in enumerate(phrases):
        if "\n" in phrase:
            _drag_across(page, article, phrase)
        else:
            _drag_select(page, article, phrase)
        _toolbar(page)
        page.keyboard.press("h")
        page.wait_for_function("n => document.querySelectorAll('#annotation-panel .annotation-card')"
                               ".length === n", arg=n + 1)  # fmt: skip
        if n == 0:
            page.evaluate("window.firstBody = document.getElementById('article-body')")
    for _ in range(50):  # the last answer's event may still be on its way
        if len(answers) == 30:
            break
        page.wait_for_timeout(100)
    assert len(answers) == 30
    assert Annotation.objects.filter(article=article).count() == 30
    for annotation in Annotation.objects.filter(article=article):
        marks = page.locator(f'#article-body mark[data-ids~="{annotation.pk}"]')
        drawn = "".join(marks.all_inner_texts())
        assert drawn.replace("\n", "") == annotation.exact.replace("\n", "")
    assert _body_text(page) == article.body_text
    # The first answer is the whole body; every later one only its paragraph(s).
    assert 'id="article-body"' in answers[0][2]
    for reswap, size, body in answers[1:]:
        assert reswap == "none"
        assert 'id="article-body"' not in body
        assert size < 12_000
    assert page.evaluate("window.firstBody === document.getElementById('article-body')")
    assert page.locator("#panel-heading .count").inner_text() == "30"
    assert page.console.errors == []


def _drag_across(page, article, phrase):
    """Select `phrase` (across paragraphs) as the reader's own selectText does."""
    start = article.body_text.index(phrase)
    page.evaluate(
        """([start, end]) => {
          const body = document.getElementById('article-body');
          const walker = document.createTreeWalker(body, NodeFilter.SHOW_TEXT);
          const range = document.createRange();
          let node, seen = 0;
          while ((node = walker.nextNode())) {
            const n = node.data.length;
            if (start >= seen && start < seen + n) range.setStart(node, start - seen);
            if (end > seen && end <= seen + n) { range.setEnd(node, end - seen); break; }
            seen += n;
          }
          range.startContainer.parentElement.scrollIntoView({block: 'center'});
          const selection = window.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        }""",
        [start, start + len(phrase)],
    )
