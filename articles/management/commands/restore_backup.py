"""`manage.py restore_backup PATH`: put a full backup (`manage.py export --format backup`,
or the library's "Full backup") back, into an empty Newsroom only.

An empty Newsroom is a new database whose tables were made (`manage.py migrate`) and in
which nobody has signed up; anything else is refused, with why, and nothing is changed.
The restore runs in one transaction and keeps every id (`articles.exports.restore`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.exports.restore import RestoreError, restore


class Command(BaseCommand):
    help = "Restore a full backup ZIP into an empty Newsroom."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", metavar="PATH", help="the backup ZIP")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            counts = restore(options["path"])
        except RestoreError as exc:
            raise CommandError(str(exc)) from None
        except FileNotFoundError:
            raise CommandError(f"There is no file {options['path']}.") from None
        total = sum(counts.values())
        people = next((n for label, n in counts.items() if label.endswith(".user")), 0)
        self.stdout.write(
            f"Restored {total:,} rows: {counts['articles.article']:,} articles, "
            f"{counts['articles.annotation']:,} annotations, {people:,} accounts."
        )
