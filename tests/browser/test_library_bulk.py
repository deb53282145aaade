"""The library's bulk bar in a real browser: tick two articles, archive them; Delete…
asks first on a page that says how many; "Select all on this page" ticks every row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article, ArticleState
from tests.factories import make_article

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stories(user):
    return [
        make_article(f"Harbour bulletin {n}\n\nThe harbour opened at dawn on day {n}.", user=user)
        for n in range(4)
    ]


def test_ticking_two_articles_and_archiving_them_from_the_bulk_bar(
    signed_in, live_server, stories, user
):
    page = signed_in
    page.goto(live_server.url + "/")
    bar = page.locator("#bulk-form")
    expect(bar).to_be_hidden()  # nothing ticked yet
    page.get_by_role("checkbox", name="Select “Harbour bulletin 1”").check()
    expect(bar).to_be_visible()
    expect(bar).to_contain_text("1 selected")
    # By keyboard: Tab to the next row's box is a long way; Space on a focused box ticks it.
    page.get_by_role("checkbox", name="Select “Harbour bulletin 2”").focus()
    page.keyboard.press("Space")
    expect(bar).to_contain_text("2 selected")
    bar.get_by_role("button", name="Archive").click()
    expect(page.locator(".messages")).to_contain_text("Archived 2 articles.")
    archived = ArticleState.objects.filter(user=user, archived_at__isnull=False)
    assert {s.article.title for s in archived} == {"Harbour bulletin 1", "Harbour bulletin 2"}
    expect(page.locator(".article-item")).to_have_count(2)
    expect(bar).to_be_hidden()
    assert page.console.errors == []


def test_delete_asks_how_many_first_then_moves_them_to_the_trash(signed_in, live_server, stories):
    page = signed_in
    page.goto(live_server.url + "/?sort=title")
    page.get_by_role("checkbox", name="Select “Harbour bulletin 0”").check()
    page.get_by_role("checkbox", name="Select “Harbour bulletin 3”").check()
    page.locator("#bulk-form").get_by_role("button", name="Delete…").click()
    expect(page.get_by_role("heading", name="Delete 2 articles?")).to_be_visible()
    expect(page.locator(".bulk-titles")).to_contain_text("Harbour bulletin 3")
    assert Article.objects.count() == 4  # asking deletes nothing
    # "Keep them" goes back to the list as it was (its order too), and has the focus.
    keep = page.get_by_role("link", name="Keep them")
    expect(keep).to_be_focused()
    expect(keep).to_have_attribute("href", "/?sort=title")
    page.get_by_role("button", name="Move 2 articles to the trash").click()
    expect(page).to_have_url(re.compile(r"/\?sort=title$"))
    expect(page.locator(".messages")).to_contain_text("Moved 2 articles to the trash")
    assert sorted(Article.objects.values_list("title", flat=True)) == [
        "Harbour bulletin 1",
        "Harbour bulletin 2",
    ]
    assert page.console.errors == []


def test_select_all_ticks_every_row_of_the_page_and_escape_clears(signed_in, live_server, stories):
    page = signed_in
    page.goto(live_server.url + "/")
    select_all = page.get_by_role("checkbox", name="Select all on this page")
    select_all.check()
    expect(page.locator(".select-article:checked")).to_have_count(4)
    expect(page.locator("#bulk-form")).to_contain_text("4 selected")
    page.get_by_role("checkbox", name="Select “Harbour bulletin 0”").uncheck()
    assert page.evaluate("document.querySelector('[data-select-all] input').indeterminate")
    page.get_by_role("checkbox", name="Select “Harbour bulletin 1”").focus()
    page.keyboard.press("Escape")
    expect(page.locator(".select-article:checked")).to_have_count(0)
    expect(page.locator("#bulk-form")).to_be_hidden()
    assert page.console.errors == []


def test_the_sort_menu_reorders_the_list_in_place_and_in_the_url(signed_in, live_server, stories):
    page = signed_in
    page.goto(live_server.url + "/")
    page.evaluate("window.notReloaded = true")
    titles = page.locator(".article-title")
    expect(titles.first).to_contain_text("Harbour bulletin 3")
    page.get_by_label("Sort").select_option("title")
    expect(titles.first).to_contain_text("Harbour bulletin 0")
    expect(page).to_have_url(re.compile(r"\?sort=title$"))
    assert page.evaluate("window.notReloaded") is True
    assert page.console.errors == []
