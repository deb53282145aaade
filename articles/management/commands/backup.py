"""`manage.py backup [--output PATH] [--keep N]`: the whole database (pg_dump) and the stored
files, in one tar file, for `manage.py restore`.

`--output` is a file, or a folder that receives `newsroom-YYYYMMDD-HHMMSS.tar` (UTC);
by default `var/backups/`. `--keep N` then deletes all but the N newest backups in that
folder: run it every night from cron or a systemd timer (see the README).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from articles.exports import database


class Command(BaseCommand):
    help = "Back up the database (pg_dump) and the stored files into one tar file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output", metavar="PATH", help="a file, or a folder (default var/backups/)"
        )
        parser.add_argument("--keep", type=int, metavar="N",
                            help="then keep only the N newest backups in the folder")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        keep = options["keep"]
        if keep is not None and keep < 1:
            raise CommandError("--keep takes how many backups to keep: 1 or more.")
        raw = options["output"]
        target = Path(raw).expanduser() if raw else Path(settings.BASE_DIR) / "var" / "backups"
        folder = target if (not raw or target.is_dir() or raw.endswith("/")) else None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / database.default_name()
        try:
            manifest = database.make(target)
        except database.BackupError as exc:
            raise CommandError(str(exc)) from None
        size = target.stat().st_size
        self.stdout.write(
            f"Backed up the database ({size / 1e6:.1f} MB, PostgreSQL {manifest['server_major']}"
            f") and {manifest['files']} stored files to {target}."
        )
        if keep is not None:
            for old in database.prune(folder or target.parent, keep):
                self.stdout.write(f"Deleted the older backup {old}.")
