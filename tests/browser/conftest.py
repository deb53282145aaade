"""Playwright driving Debian's Chromium against pytest-django's live server.

The browser is launched once per session; each test gets a fresh context (cookies,
storage) and a page that records console errors, so a test can assert there were none.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told that this is deliberate. Tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(
            "Chromium is not installed: `make test` installs it (apt-get install chromium)."
        )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class ConsoleLog(list):
    """Console messages as (type, text, source url)."""

    origin = ""

    @property
    def errors(self) -> list[str]:
        # Article images live on other sites, which this sandbox cannot reach; their load
        # failures say nothing about Newsroom's own pages.
        return [
            text
            for kind, text, url in self
            if kind == "error" and (not url or url.startswith(self.origin))
        ]


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context, live_server):
    page = context.new_page()
    page.console = ConsoleLog()
    page.console.origin = live_server.url
    page.on("console", lambda msg: page.console.append((msg.type, msg.text, msg.location["url"])))
    page.on("pageerror", lambda exc: page.console.append(("error", str(exc), "")))
    return page


@pytest.fixture
def signed_in(page, context, live_server, client, user):
    """A page whose browser carries alice's session cookie."""
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_server.url}]
    )
    return page
