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
import tempfile
import threading
import time
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
    from django.db.backends.signals import connection_created

    connection_created.connect(_name_thread_connections, weak=False)
    settings.WHITENOISE_AUTOREFRESH = True
    settings.WHITENOISE_USE_FINDERS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        # Images a test's worker keeps go to a scratch directory, never to var/images.
        "images": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tempfile.mkdtemp(prefix="newsroom-test-images-")},
        },
    }


def _name_thread_connections(sender, connection, **kwargs) -> None:
    """A connection opened off the main thread (a live-server request, a test's thread)
    says which thread it is, so a stray session at the end can be told apart."""
    if threading.current_thread() is not threading.main_thread():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('application_name', %s, false)",
                [f"pytest {threading.current_thread().name}"[:63]],
            )


STRAY_SESSIONS: list[str] = []
STRAY_WAIT = 10  # seconds a closing thread or process gets to let go of the database


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database; before it is dropped, any other session still on it
    (a thread or process a test left behind) gets a moment to end, is then ended, and is
    named in the run's summary: the drop never fails on it, and the leak is still told."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        deadline = time.monotonic() + STRAY_WAIT
        while (strays := _other_sessions(connection)) and time.monotonic() < deadline:
            time.sleep(0.2)
        if strays:
            STRAY_SESSIONS.extend(strays)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connection.close()


def _other_sessions(connection) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, application_name, state, backend_start, left(query, 200) "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return [
            f"pid {pid} ({name or 'unnamed'}), {state}, since {start:%H:%M:%S}: {query}"
            for pid, name, state, start, query in cursor.fetchall()
        ]


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if STRAY_SESSIONS:
        terminalreporter.section("database sessions left open by the tests (ended)")
        for line in STRAY_SESSIONS:
            terminalreporter.write_line(line)


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
