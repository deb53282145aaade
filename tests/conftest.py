"""Shared test set-up: a real PostgreSQL server, plain static storage, and the fixtures
many modules share, built with tests/factories.py (people, a desk, articles, the sample).

The tree mirrors the code: tests of `articles/<path>/<module>.py` are in
`tests/<path>/test_<module>.py` (and `test_<module>_<aspect>.py` beside it when they are
many); tests of a package's own functions (`articles/search/__init__.py`) are in
`tests/test_<package>.py`. Helpers several modules share are plain modules here
(factories, fetching, searching, ...); fixtures a directory shares are in its conftest.
Browser tests are apart, in tests/browser.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from articles.models import Feed
from tests.factories import make_article, make_group, make_sample, make_user
from tests.searching import trade_story, war_story

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "samples"
CONFORMANCE = SHARED / "conformance"

_STARTED_CLUSTER = False
if not os.environ.get("DATABASE_URL"):
    # pytest does not go through manage.py, so start the project's cluster here, and stop
    # it afterwards if this run started it: a test run leaves nothing running.
    from articles import pgcluster

    _STARTED_CLUSTER = not pgcluster.is_running()
    pgcluster.ensure_running()


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # Tests render templates without running collectstatic first; whitenoise finds the
    # files where they are instead of in STATIC_ROOT.
    # One test database per run, so two runs on one machine (a developer and a helper,
    # or CI and a local check) never fight over it.
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_newsroom_{os.getpid()}"
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def pytest_unconfigure(config: pytest.Config) -> None:
    if _STARTED_CLUSTER:
        from django.db import connections

        connections.close_all()
        pgcluster.stop()


def shared_file(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is absent: ../shared is provided by CI and by the workplace")
    return path


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters live in the cache; each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def user(db):
    """alice, a member of the team, who does most things in most tests."""
    return make_user("alice", password="correct horse 1")


@pytest.fixture
def admin_user(db):
    return make_user("root", password="correct horse 2", staff=True)


@pytest.fixture
def bob(db):
    """alice's colleague: in the team (and so in Everyone), in no other group."""
    return make_user("bob", password="correct horse 3")


@pytest.fixture
def carol(db):
    """Another colleague, whose name is written with a capital (`by:carol` finds her)."""
    return make_user("Carol", email="carol@example.org")


@pytest.fixture
def desk(user, bob):
    """A group of two: alice and bob."""
    return make_group("Politics desk", user, bob)


@pytest.fixture
def alice_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def article():
    """The harbour-strike story (factories.STORY), pasted."""
    return make_article()


@pytest.fixture
def sample():
    """The acceptance sample, uploaded by nobody in particular."""
    return make_sample()


@pytest.fixture
def war():
    """An English article from The Moscow Times, 2024, about troops and a victory plan."""
    return war_story()


@pytest.fixture
def trade():
    """An English article from Port News, 2023, about a strike; it names Putin too."""
    return trade_story()


@pytest.fixture
def allow_private(settings):
    """Fetching may reach this machine, where the tests' HTTP servers are; short timeouts."""
    settings.FETCH_ALLOW_PRIVATE = True
    settings.FETCH_CONNECT_TIMEOUT = 2
    settings.FETCH_READ_TIMEOUT = 2


@pytest.fixture
def feed(httpserver, user):
    """alice's subscription to the feed the test serves at /feed.xml."""
    return Feed.objects.create(url=httpserver.url_for("/feed.xml"), added_by=user)


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver on 127.0.0.1, so numeric spellings of loopback reach it."""
    return ("127.0.0.1", 0)
