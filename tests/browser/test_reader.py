"""What only a browser can show: the reader's text coordinates, themes, the add form."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.conftest import shared_file
from tests.factories import make_article, make_sample

pytestmark = pytest.mark.django_db(transaction=True)

BODY_TEXT_JS = "document.getElementById('article-body').textContent"


def _open(page, live_server, article):
    page.goto(live_server.url + article.get_absolute_url())
    return page.evaluate(BODY_TEXT_JS)


def test_sample_text_content_equals_body_text(signed_in, live_server):
    article = make_sample()
    assert _open(signed_in, live_server, article) == article.body_text
    assert signed_in.console.errors == []


def test_html_extracted_page_text_content_equals_body_text(signed_in, live_server):
    pages = shared_file("conformance", "extraction", "html")
    truth = json.loads((pages.parent / "ground-truth.json").read_text())
    checked = 0
    for key in sorted(truth)[:12]:
        html = gzip.decompress((pages / f"{key}.html.gz").read_bytes())
        article = make_article(html, filename=f"{key}.html", url=truth[key].get("url", ""))
        assert _open(signed_in, live_server, article) == article.body_text, key
        checked += 1
    assert checked == 12
    assert signed_in.console.errors == []


def test_tricky_markup_keeps_text_content_equal_to_body_text(signed_in, live_server):
    html = (
        "<html lang=en><head><title>Tricky</title></head><body><article><h1>Tricky</h1>"
        "<p>Line one<br>line two &amp; <em>emphasis</em>   spaced\u00a0out.</p>"
        "<ul><li>First item</li><li><p>Second</p><p>item</p></li></ul>"
        "<blockquote><p>Quoted</p><p>twice</p></blockquote>"
        "<pre>\n  code  block\n</pre>"
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>"
        "<p>Café – “quotes” – 東京 – Ελλάδα – Київ.</p>"
        + "<p>Padding paragraph for extraction.</p>" * 5
        + "</article></body></html>"
    )
    article = make_article(html, filename="tricky.html")
    assert _open(signed_in, live_server, article) == article.body_text


def test_theme_toggle_switches_and_is_remembered(signed_in, live_server):
    article = make_article("Theme test\n\nA paragraph to read in the dark and in the light.")
    signed_in.emulate_media(color_scheme="light")
    signed_in.goto(live_server.url + article.get_absolute_url())
    background = "getComputedStyle(document.body).backgroundColor"
    light = signed_in.evaluate(background)
    signed_in.get_by_role("button", name="Switch theme").click()
    assert signed_in.evaluate("document.documentElement.dataset.theme") == "dark"
    dark = signed_in.evaluate(background)
    assert dark != light
    signed_in.reload()
    assert signed_in.evaluate("document.documentElement.dataset.theme") == "dark"
    assert signed_in.evaluate(background) == dark
    assert signed_in.console.errors == []


def test_text_size_control_changes_the_body_size_and_is_remembered(signed_in, live_server):
    article = make_article("Size test\n\nA paragraph whose letters grow and shrink on request.")
    signed_in.goto(live_server.url + article.get_absolute_url())
    size = "parseFloat(getComputedStyle(document.querySelector('#article-body p')).fontSize)"
    before = signed_in.evaluate(size)
    signed_in.get_by_role("button", name="Larger text").click()
    signed_in.get_by_role("button", name="Larger text").click()
    after = signed_in.evaluate(size)
    assert after > before
    signed_in.reload()
    assert signed_in.evaluate(size) == after


def test_the_reader_fits_a_phone_screen(signed_in, live_server):
    article = make_sample()
    signed_in.set_viewport_size({"width": 375, "height": 740})
    signed_in.goto(live_server.url + article.get_absolute_url())
    overflow = signed_in.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_adding_an_article_through_the_form_opens_it(signed_in, live_server):
    signed_in.goto(live_server.url + "/")
    signed_in.get_by_label("Paste text or HTML").fill(
        "Browser Story\n\nBy Jane Doe\n\nA story pasted into the form by a real browser."
    )
    signed_in.get_by_role("button", name="Add to library").click()
    signed_in.wait_for_url("**/articles/**")
    assert signed_in.locator("h1").inner_text() == "Browser Story"
    assert signed_in.console.errors == []


def test_an_error_in_the_form_shows_inline_without_reload(signed_in, live_server):
    signed_in.goto(live_server.url + "/")
    signed_in.get_by_label("Paste text or HTML").fill("   ")
    signed_in.get_by_role("button", name="Add to library").click()
    error = signed_in.locator(".field-error")
    error.wait_for()
    assert "empty" in error.inner_text()


def test_a_mention_inside_a_highlight_keeps_the_highlights_colour(signed_in, live_server, user):
    from tests.factories import highlight, tag

    article = make_article()
    highlight(article, user, "Dock workers in Rotterdam stayed off the job", color="green")
    tag(article, user, "Rotterdam", name="Rotterdam", kind="place")
    _open(signed_in, live_server, article)
    style = "(e) => getComputedStyle(e).backgroundColor"
    plain = signed_in.eval_on_selector("#article-body mark.hl[data-kind=highlight]", style)
    mention = signed_in.eval_on_selector("#article-body mark.hl[data-kind=mention]", style)
    assert mention == plain != "rgba(0, 0, 0, 0)"
    border = signed_in.eval_on_selector(
        "#article-body mark.hl[data-kind=mention]", "(e) => getComputedStyle(e).borderBottomStyle"
    )
    assert border == "dashed"  # still underlined as a place
