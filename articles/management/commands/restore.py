"""`manage.py restore PATH [--replace]`: put a `manage.py backup` back into the database the
settings name (`DATABASE_URL`, or the project's own cluster), and its stored files.

Into a database without Newsroom's data (a new one, migrated or not) it just restores;
a database holding a team's data is refused unless `--replace` is given, and then
everything in it is replaced, in one transaction. Stop the web server and the worker
first: they hold connections to the tables being replaced.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.exports import database


class Command(BaseCommand):
    help = "Restore a `manage.py backup` file (database and stored files)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH")
        parser.add_argument("--replace", action="store_true",
                            help="replace a database that already holds data")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]).expanduser()
        if not path.is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            manifest = database.restore(path, replace=options["replace"])
        except database.BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Restored the database from {path} (made {manifest['created_at']}) "
            f"and {manifest['files']} stored files."
        )
