"""axe-core (Deque's accessibility engine, run in Chromium) on every main page, signed in
and signed out, light and dark: no violation of WCAG 2.1 A/AA, the rules axe can check.

The pages and their data are those of `make screenshots`, so what a person looks at is
what this checks. A failure lists each rule, its help text and the elements it found.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings

from tests.browser.test_screenshots import _pages, world  # noqa: F401 - the fixture

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
    width, height = size
    for signed_in in (True, False):
        context = browser.new_context(
            viewport={"width": width, "height": height}, color_scheme=scheme
        )
        if signed_in:
            context.add_cookies([{
                "name": settings.SESSION_COOKIE_NAME, "value": world["session"],
                "url": live_server.url,
            }])  # fmt: skip
        page = context.new_page()
        for name, (path, needs_session) in _pages(world).items():
            if needs_session != signed_in:
                continue
            page.goto(live_server.url + path)
            page.wait_for_load_state("networkidle")
            if found := _violations(page):
                problems[name] = found
        context.close()
    assert problems == {}, "\n".join(
        f"{name}: {problem}" for name, found in problems.items() for problem in found
    )
