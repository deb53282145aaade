"""axe-core (Deque's accessibility engine, run in Chromium) on every main page, signed in
and signed out, light and dark: no violation of WCAG 2.1 A/AA, the rules axe can check.

The pages and their data are those of `make screenshots`, so what a person looks at is
what this checks. A failure lists each rule, its help text and the elements it found.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.test_screenshots import visit_pages, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)

WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def _violations(page) -> list[str]:
    results = Axe().run(page, options={**WCAG, "resultTypes": ["violations"]})
    found = []
    for violation in results.response["violations"]:
        for node in violation["nodes"][:3]:
            why = "; ".join(check["message"] for check in node["any"] + node["all"])
            found.append(f"{violation['id']} at {', '.join(node['target'])}: {why}")
    return found


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_no_page_has_an_accessibility_violation(browser, live_server, world, scheme, size):  # noqa: F811
    problems: dict[str, list[str]] = {}
    for name, page, _errors in visit_pages(browser, live_server, world, size=size, scheme=scheme):
        if found := _violations(page):
            problems[name] = found
    assert problems == {}, "\n".join(
        f"{name}: {problem}" for name, found in problems.items() for problem in found
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [(1366, 900), (390, 844)], ids=["desktop", "phone"])
def test_the_bulk_bar_and_its_delete_confirmation_have_no_violation(
    browser,
    live_server,
    world,  # noqa: F811 - the fixture
    scheme,
    size,
):
    problems: dict[str, list[str]] = {}
    for name, page, _errors in visit_pages(browser, live_server, world, size=size, scheme=scheme):
        if name != "library":
            continue
        for box in page.locator(".select-article").all()[:2]:
            box.check()
        page.locator("#bulk-form").wait_for(state="visible")
        problems["library, two ticked"] = _violations(page)
        page.locator("#bulk-form").get_by_role("button", name="Delete…").click()
        page.get_by_role("heading", name="Delete 2 articles?").wait_for()
        problems["delete confirmation"] = _violations(page)
    assert problems == {"library, two ticked": [], "delete confirmation": []}, problems
