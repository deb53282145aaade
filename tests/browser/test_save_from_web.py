"""Saving from the web in a real browser: the bookmarklet's POST from a page on another
origin, and the library's fetch job that updates itself while the worker fetches."""

from __future__ import annotations

import pytest

from articles import bookmarklet
from articles.models import Article, SaveToken
from tests.fetching import STORY, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

# What the browser shows, not what the server sent: the bookmarklet must send the former.
SCRIPT_BUILT = STORY.replace(
    "</article>",
    "<p id=late></p></article><script>document.getElementById('late').textContent = "
    "'Added by script after the page loaded, as on many news sites today.';</script>",
)


def test_the_bookmarklet_saves_the_page_the_person_is_reading(
    page, context, live_server, httpserver, user
):
    token = SaveToken.regenerate(user).token
    httpserver.expect_request("/harbour").respond_with_data(SCRIPT_BUILT, content_type="text/html")
    page.goto(httpserver.url_for("/harbour"))
    page.wait_for_selector("#late:not(:empty)")

    with context.expect_page() as popup_info:
        page.evaluate(bookmarklet.script(live_server.url, token))
    popup = popup_info.value
    popup.wait_for_load_state()
    assert popup.url == f"{live_server.url}/save/"
    assert popup.get_by_role("heading", name="Saved to Newsroom").is_visible()

    article = Article.objects.get()
    assert article.title == "Harbour reopens after repairs"
    assert article.source_url == httpserver.url_for("/harbour")
    assert "Added by script after the page loaded" in article.body_text
    assert article.added_by == user
    popup.get_by_role("link", name="Read it in Newsroom").click()
    popup.wait_for_url(f"**{article.get_absolute_url()}")
    # Newsroom itself fetched nothing: only the browser asked for the page (and its icon).
    assert [r.path for r, _ in httpserver.log if r.path != "/favicon.ico"] == ["/harbour"]


def test_a_saved_address_shows_fetching_then_the_article(
    signed_in, live_server, httpserver, settings
):
    settings.FETCH_ALLOW_PRIVATE = True
    httpserver.expect_request("/story").respond_with_data(STORY, content_type="text/html")
    page = signed_in
    page.goto(live_server.url + "/")
    page.get_by_label("Save a web address").fill(httpserver.url_for("/story"))
    page.get_by_role("button", name="Add to library").click()
    jobs = page.locator("#fetch-jobs")
    jobs.get_by_text("Waiting…").wait_for()
    assert page.get_by_label("Save a web address").input_value() == ""

    run_worker()  # the background worker does its part

    link = jobs.get_by_role("link", name="Harbour reopens after repairs")
    link.wait_for(timeout=10_000)  # the list polls itself every 2 seconds
    assert page.locator("#fetch-jobs[data-polling]").count() == 0  # and then stops
    # The library list beside it shows the new article without a reload.
    page.locator("#article-list").get_by_role(
        "link", name="Harbour reopens after repairs"
    ).wait_for(timeout=5_000)
    link.click()
    page.get_by_role("heading", name="Harbour reopens after repairs").wait_for()
    assert page.console.errors == []
