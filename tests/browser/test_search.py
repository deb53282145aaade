"""Search in a real browser: the box on every page, a result that opens the reader scrolled
to its first match and highlighted there, a highlight result that opens its passage."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest

from articles.ingest import ingest
from tests.factories import highlight, make_article

pytestmark = pytest.mark.django_db(transaction=True)

FILLER = (
    "The committee met again on Tuesday to review the budget, and members asked for more "
    "time to read the figures before any vote was taken."
)


@pytest.fixture
def long_article():
    paragraphs = [f"{FILLER} Paragraph {i}." for i in range(60)]
    paragraphs.insert(45, "The convoy reached Kherson at dawn, a week after it set out.")
    text = "Budget talks drag on\n\n" + "\n\n".join(paragraphs)
    return make_article(text)


def _match_in_view(page) -> dict:
    return page.evaluate(
        """() => {
            const found = CSS.highlights.get("search-match");
            if (!found) return {text: null};
            const range = [...found][0];
            const rect = range.getBoundingClientRect();
            return {text: range.toString(), top: rect.top, bottom: rect.bottom,
                    height: window.innerHeight, scrolled: window.scrollY};
        }"""
    )


def test_search_from_any_page_and_open_the_first_match(signed_in, live_server, long_article):
    page = signed_in
    page.goto(live_server.url + "/")
    page.keyboard.press("/")
    box = page.locator("#site-search")
    assert page.evaluate("document.activeElement.id") == "site-search"
    box.fill("kherson")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q=kherson"))
    result = page.locator(".result-article").first
    assert result.locator(".snippet mark").first.inner_text() == "Kherson"
    assert page.locator(".kind-tabs").inner_text().startswith("Articles 1")

    result.locator("a.result-title").click()
    page.wait_for_url(re.compile(r"#match-\d+-\d+"))
    page.wait_for_function("CSS.highlights.has('search-match')")
    seen = _match_in_view(page)
    assert seen["text"] == "Kherson"
    assert seen["scrolled"] > 0
    assert seen["top"] >= 0
    assert seen["bottom"] <= seen["height"]
    # The highlight is drawn over the text: the article's text is untouched.
    body = page.locator("#article-body").text_content()
    assert re.sub(r"\s+", "", body) == re.sub(r"\s+", "", long_article.body_text)
    assert page.console.errors == []


def test_a_highlight_result_opens_its_passage_and_kinds_narrow(
    signed_in, live_server, long_article, user
):
    quote = "The convoy reached Kherson at dawn"
    hl = highlight(
        long_article, user, quote, note="Confirm the **date** with the agency", color="green"
    )
    page = signed_in
    page.goto(live_server.url + "/search/?q=agency")
    page.get_by_role("link", name=re.compile(r"^Highlights")).click()
    page.wait_for_url(re.compile(r"type%3Ahighlight|type:highlight"))
    assert page.locator("#search-q").input_value() == "agency type:highlight"
    assert page.locator(".result").count() == 1
    assert "<mark>agency</mark>" in page.locator(".result .snippet.note").inner_html()

    page.get_by_role("link", name="Open passage").click()
    page.wait_for_url(re.compile(rf"#annotation-{hl.pk}$"))
    mark = page.locator(f'#article-body mark[data-ids~="{hl.pk}"]').first
    mark.wait_for()
    box = mark.bounding_box()
    assert box is not None
    assert 0 <= box["y"] <= page.viewport_size["height"]
    assert page.console.errors == []


def test_facets_and_filters_on_a_phone(signed_in, live_server, long_article, context):
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/search/?q=budget+before:1999")
    assert page.get_by_text("Nothing matches").is_visible()
    chip = page.get_by_role("link", name="Remove before:1999")
    chip.click()
    page.wait_for_url(re.compile(r"q=budget$"))
    assert page.locator(".result").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390


def test_long_unbroken_words_never_widen_the_page_on_a_phone(signed_in, live_server):
    """A pasted URL or a word with no space (in the query, a title, a label, a hint) wraps."""
    from articles import library

    word = "Antidisestablishmentarianism" * 4
    article = make_article(f"{word} budget\n\nThe {word.lower()} budget was cut again.")
    library.add_label(article, "Label" + "x" * 45, article.added_by)
    page = signed_in
    page.set_viewport_size({"width": 390, "height": 800})
    for q in (
        f"{word} budget",
        f"{word}zzz site:{'sub' * 30}.example.org before:{'x' * 80}",
        f"budget label:{'Label' + 'x' * 45}",
    ):
        page.goto(live_server.url + "/search/?" + urlencode({"q": q}))
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, q
    assert page.console.errors == []


def test_back_to_a_live_search_shows_the_whole_page(signed_in, live_server, long_article):
    page = signed_in
    page.goto(live_server.url + "/search/")
    page.locator("#search-q").press_sequentially("kherson", delay=20)
    page.wait_for_url(re.compile(r"q=kherson$"))  # pushed by the live search
    page.locator(".result-article a.result-title").first.wait_for()
    page.locator(".result-article a.result-title").first.click()
    page.wait_for_url(re.compile(r"#match-"))
    page.go_back()
    page.wait_for_url(re.compile(r"/search/\?q=kherson$"))
    assert page.locator("#search-q").input_value() == "kherson"
    assert page.locator(".site-header").count() == 1
    assert page.console.errors == []


def test_a_word_also_in_the_title_opens_at_the_match_in_the_text(signed_in, live_server):
    """The link's text fragment names the match with the words around it, so the browser
    does not scroll back up to the same word in the title."""
    paragraphs = [f"{FILLER} Paragraph {i}." for i in range(60)]
    paragraphs.insert(45, "Ships left Odesa at dawn, officials said.")
    ingest("Odesa port reopens\n\n" + "\n\n".join(paragraphs))
    page = signed_in
    page.goto(live_server.url + "/search/?q=odesa")
    page.locator(".result-article a.result-title").first.click()
    page.wait_for_url(re.compile(r"#match-\d+-\d+"))
    page.wait_for_load_state("load")
    page.wait_for_timeout(600)  # the browser's own scroll to a text fragment comes late
    seen = _match_in_view(page)
    assert seen["text"] == "Odesa"
    assert seen["top"] >= 0
    assert seen["bottom"] <= seen["height"]
    assert page.console.errors == []
