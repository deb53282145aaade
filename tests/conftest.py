"""Shared test set-up: a real PostgreSQL server, plain static storage, factories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
def user(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.org", "correct horse 1")


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.org", "correct horse 2")


@pytest.fixture
def alice_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def httpserver_listen_address():
    """pytest-httpserver on 127.0.0.1, so numeric spellings of loopback reach it."""
    return ("127.0.0.1", 0)
