"""The rich library every export test reads (tests/exports/library.py)."""

from __future__ import annotations

import pytest

from tests.exports.library import Library, make_library


@pytest.fixture
def library(user, bob, desk, admin_user) -> Library:
    """alice (user), bob and root (admin_user, an administrator); alice and bob in the
    Politics desk."""
    return make_library(user, bob, desk)
