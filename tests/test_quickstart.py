"""The README's quick start, as a new user meets it: a fresh clone, `make run`, a page.

The machine's PostgreSQL is hidden (NEWSROOM_POSTGRES=embedded), as on a machine that has
none: the embedded server from the virtualenv runs the cluster. A second `make run` reuses
the virtualenv and the cluster.
"""

from __future__ import annotations

import pytest

from tests.freshclone import fresh_clone, make_run


@pytest.mark.slow
def test_make_run_in_a_fresh_clone_serves_the_first_page_without_a_system_postgresql():
    with fresh_clone() as clone:
        make_run(clone, {"NEWSROOM_POSTGRES": "embedded"})
        assert (clone / ".venv/bin/python").exists()
        make_run(clone, {"NEWSROOM_POSTGRES": "embedded"})  # and again, set up already
