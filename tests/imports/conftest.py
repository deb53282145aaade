"""What the import tests share: importing bytes as a person (the way the command and the
background run do), and the fetches an import queues, run to the end."""

from __future__ import annotations

import pytest

from articles.imports import detect, pending, save
from tests.fetching import run_worker


def run_import(data: bytes, user=None, filename: str = ""):
    """Import `data` (recognised from its content) for `user`; the Outcome."""
    return save.save(detect.read(data, filename), user)


def fetch_everything() -> None:
    """Submit every waiting import entry, run the worker, give the articles their state."""
    for _ in range(100):
        more = pending.advance()
        run_worker()
        if not more:
            break
    pending.settle()


@pytest.fixture
def importer():
    return run_import
