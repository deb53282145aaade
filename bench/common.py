"""What the bench scripts share: Django on the project's PostgreSQL server, a throw-away
database per script (never the library), and the p95 every figure reports."""

from __future__ import annotations

import os
import platform
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def setup_django() -> None:
    """Make the project importable, start its own cluster when no DATABASE_URL, set up."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    if not os.environ.get("DATABASE_URL"):
        from articles import pgcluster  # noqa: PLC0415 - importable only after the path is set

        pgcluster.ensure_running()
    import django  # noqa: PLC0415

    django.setup()


@contextmanager
def scratch_database(name: str) -> Iterator[None]:
    """A fresh database `name` for the duration, dropped afterwards."""
    from django.db import connection  # noqa: PLC0415 - after setup_django
    from django.test.utils import setup_test_environment  # noqa: PLC0415

    connection.settings_dict["TEST"]["NAME"] = name
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def machine() -> str:
    """The line each benchmark prints about where it ran."""
    from django.db import connection  # noqa: PLC0415 - after setup_django

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    return (
        f"machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, PostgreSQL {version}"
    )
