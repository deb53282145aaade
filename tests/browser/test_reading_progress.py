"""Reading progress in a real browser: scroll halfway through a long article, the library
shows how far, and "Continue reading" opens the article at the same paragraph."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from articles.models import ArticleState
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def long_story():
    paragraphs = "\n\n".join(
        f"Paragraph {n}. The harbour master counted the ships waiting outside the breakwater "
        f"again, and again the number was higher than the day before; the pilots were tired."
        for n in range(80)
    )
    return make_article(f"The Long Wait at the Harbour\n\n{paragraphs}")


def _first_paragraph_on_screen(page) -> str:
    return page.evaluate(
        """() => {
          for (const p of document.querySelectorAll('#article-body > *')) {
            if (p.getBoundingClientRect().bottom > 0) return p.textContent.slice(0, 13);
          }
        }"""
    )


def _settle(page) -> None:
    """Until the scroll position holds still for a few frames."""
    page.wait_for_function(
        """() => new Promise((done) => {
          let last = -1, still = 0;
          const look = () => {
            still = window.scrollY === last ? still + 1 : 0;
            last = window.scrollY;
            still >= 10 ? done(true) : requestAnimationFrame(look);
          };
          look();
        })"""
    )


def _saved_place(user, article, place: str) -> ArticleState:
    """The person's saved place, once the reports have caught up with `place`."""
    deadline = time.monotonic() + 10
    while True:
        row = ArticleState.objects.filter(user=user, article=article).first()
        if row and article.body_text[row.position :].startswith(place):
            return row
        assert time.monotonic() < deadline, (place, row and row.position)
        time.sleep(0.2)


def test_scrolling_halfway_is_remembered_and_continue_reading_goes_back_there(
    signed_in, live_server, long_story, user
):
    page = signed_in
    page.goto(live_server.url + long_story.get_absolute_url())
    page.mouse.move(600, 450)
    half = page.evaluate("document.documentElement.scrollHeight / 2 - window.innerHeight / 2")
    with page.expect_response(lambda r: r.url.endswith("/progress/")) as reported:
        page.mouse.wheel(0, half)
    assert reported.value.status == 204
    _settle(page)
    place = _first_paragraph_on_screen(page)
    assert place.startswith(("Paragraph 3", "Paragraph 4")), place
    row = _saved_place(user, long_story, place)
    assert 0.3 < row.progress < 0.8

    page.goto(live_server.url + "/")
    item = page.locator(f"#article-{long_story.pk}")
    bar = item.locator("progress.read-progress")
    expect(bar).to_be_visible()
    assert 30 <= int(bar.get_attribute("value")) <= 80
    assert bar.bounding_box()["height"] <= 8  # thin
    item.get_by_role("link", name="Continue reading").click()
    expect(page.locator("#article-body")).to_be_visible()
    page.wait_for_function("() => window.scrollY > 500")
    assert _first_paragraph_on_screen(page) == place
    assert "#continue" not in page.url  # the address stays the article's own
    assert page.console.errors == []


def test_opening_or_jumping_without_scrolling_remembers_nothing(signed_in, live_server, long_story):
    page = signed_in
    page.goto(live_server.url + long_story.get_absolute_url())
    # A script's jump (a deep link's, a search match's) is not the person reading on.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    page.wait_for_timeout(2500)  # longer than progress.js waits before reporting
    page.goto(live_server.url + "/")
    expect(page.locator(f"#article-{long_story.pk}")).to_be_visible()
    assert not ArticleState.objects.filter(progress__isnull=False).exists()
    expect(page.locator("progress.read-progress")).to_have_count(0)
