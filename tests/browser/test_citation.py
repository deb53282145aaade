"""Copy citation in Chromium: the citation's address opens the original page scrolled to
the passage (a text fragment, served from a local copy of the page), and the reader's
Copy buttons put the citation on the clipboard, with the mouse or the keyboard.

`CITATION_SHOTS=/some/dir` also saves the reader with a citation open, desktop and phone,
light and dark, for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from articles.citations import cite
from articles.models import Article
from tests.factories import highlight, make_article

pytestmark = pytest.mark.django_db(transaction=True)

FILLER = "The harbour board met again and the port stayed quiet through the week."
# The quote occurs three times; only its context tells the third one apart.
TARGET = "Inspectors said the port stayed quiet until the last ship left on Friday."


def _paragraphs() -> list[str]:
    return [
        *(f"{FILLER} Bulletin {i}." for i in range(40)),
        TARGET,
        *(f"{FILLER} Later bulletin {i}." for i in range(40)),
    ]


def _original_page(httpserver) -> str:
    """The source page on a local server: long enough that the passage is far below the
    top, with the quoted words in other paragraphs too."""
    body = "".join(
        f'<p id="p{i}">{text}</p>' if text != TARGET else f'<p id="target">{text}</p>'
        for i, text in enumerate(_paragraphs())
    )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Story</title>'
        "</head><body><h1>Harbour bulletins</h1>" + body + "</body></html>"
    )
    httpserver.expect_request("/story").respond_with_data(html, content_type="text/html")
    return httpserver.url_for("/story")


def _saved_copy(url: str) -> Article:
    article = make_article("Harbour bulletins\n\n" + "\n\n".join(_paragraphs()))
    Article.objects.filter(pk=article.pk).update(source_url=url, site_name="Harbour News")
    article.refresh_from_db()
    return article


def _in_view(page, selector: str) -> bool:
    return page.evaluate(
        "s => { const r = document.querySelector(s).getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }",
        selector,
    )


@pytest.mark.parametrize(
    "quote",
    ["the port stayed quiet", "Inspectors said the port stayed quiet until the last ship left"],
    ids=["short-with-context", "long-start-end"],
)
def test_the_citation_address_opens_the_original_scrolled_to_the_passage(
    page, httpserver, user, quote
):
    article = _saved_copy(_original_page(httpserver))
    nth = 40 if quote.startswith("the port") else 0  # the occurrence in TARGET
    annotation = highlight(article, user, quote, nth=nth)
    assert annotation.exact == quote
    url = cite(annotation, newsroom_url="http://unused/").url
    assert url.startswith(article.source_url + "#:~:text=")
    page.set_viewport_size({"width": 1000, "height": 600})
    page.goto(article.source_url)  # the top of the page, for comparison
    assert page.evaluate("document.documentElement.scrollHeight") > 4 * 600
    assert not _in_view(page, "#target")
    # Words the page does not have move nothing: the scroll below is the fragment's.
    page.goto("about:blank")
    page.goto(article.source_url + "#:~:text=no%20such%20words%20here")
    page.wait_for_timeout(500)
    assert page.evaluate("scrollY") == 0
    page.goto("about:blank")
    page.goto(url)
    page.wait_for_function(
        "() => { const r = document.querySelector('#target').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }",
        timeout=5000,
    )
    assert page.evaluate("scrollY") > 1000
    # Not the first paragraph with the same words: the context chose the passage.
    assert not _in_view(page, "#p0")


def _open_citation(page, live_server, article, annotation):
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_selector("#article-body")
    card = page.locator(f"#card-{annotation.pk}")
    card.get_by_text("Copy citation").click()
    return card


def test_copy_citation_puts_plain_text_and_markdown_on_the_clipboard(
    signed_in, context, live_server, user
):
    article = make_article()
    annotation = highlight(article, user, "stayed off the job", note="Check the dates")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = signed_in
    card = _open_citation(page, live_server, article, annotation)
    newsroom = live_server.url + article.get_absolute_url()
    expected = cite(annotation, newsroom_url=newsroom)
    card.get_by_role("button", name="Copy plain text").click()
    card.get_by_role("status").filter(has_text="Copied").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == expected.plain
    assert newsroom in expected.plain  # a pasted text: its page in Newsroom, absolute
    card.get_by_role("button", name="Copy Markdown").click()
    card.get_by_role("status").filter(has_text="Markdown").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == expected.markdown
    # The boxes show what was copied.
    assert card.get_by_role("textbox", name="Plain text").text_content() == expected.plain
    assert page.console.errors == []


def test_copy_citation_works_from_the_keyboard(signed_in, context, live_server, user):
    article = make_article()
    annotation = highlight(article, user, "eighth day")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = signed_in
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_selector("#article-body")
    summary = page.locator(f"#card-{annotation.pk} .card-citation summary")
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # the plain-text box, which scrolls when it is long
    page.keyboard.press("Tab")  # its Copy button
    assert page.evaluate("document.activeElement.textContent") == "Copy plain text"
    page.keyboard.press("Enter")
    status = page.locator(f"#card-{annotation.pk} .citation-status")
    status.filter(has_text="Copied").wait_for()
    assert status.is_visible()
    newsroom = live_server.url + article.get_absolute_url()
    assert (
        page.evaluate("navigator.clipboard.readText()")
        == cite(annotation, newsroom_url=newsroom).plain
    )


SHOTS = os.environ.get("CITATION_SHOTS", "")


@pytest.fixture
def cited(live_server, client, user, httpserver):
    """A web page's copy with a note on its passage: (reader URL, session cookie, card id)."""
    from django.conf import settings

    article = _saved_copy(_original_page(httpserver))
    Article.objects.filter(pk=article.pk).update(
        title="Harbour bulletins: the port stays quiet", byline="Jo Smith"
    )
    annotation = highlight(article, user, TARGET, note="Check with the harbour board")
    highlight(article, user, "Bulletin 3.", color="green")
    client.force_login(user)
    cookie = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }
    return (
        live_server.url + Article.objects.get(pk=article.pk).get_absolute_url(),
        cookie,
        (f"#card-{annotation.pk}"),
    )


@pytest.mark.skipif(not SHOTS, reason="CITATION_SHOTS names where to save the screenshots")
@pytest.mark.parametrize(
    ("width", "height", "scheme"),
    [(w, h, scheme) for w, h in ((1366, 900), (390, 844)) for scheme in ("light", "dark")],
)
def test_screenshots_of_an_open_citation(browser, cited, width, height, scheme):
    url, cookie, card_id = cited
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    context.add_cookies([cookie])
    page = context.new_page()
    try:
        page.goto(url)
        card = page.locator(card_id)
        card.get_by_text("Copy citation").click()
        card.get_by_role("button", name="Copy plain text").click()
        card.scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
        out = Path(SHOTS)
        out.mkdir(parents=True, exist_ok=True)
        name = f"citation-{'desktop' if width > 1000 else 'phone'}-{scheme}.png"
        card.screenshot(path=str(out / ("card-" + name)))
        page.screenshot(path=str(out / name))
    finally:
        context.close()
