# ruff: noqa: N999 - the command is `manage.py import`, so the module is import.py
"""`manage.py import FILE [--user USERNAME]`: bring in an export from another tool.

The format is recognised from the file's content (`articles.imports.detect`). Progress
goes to the terminal (stderr, when it is one); each entry left out is one line on stderr
(`line 7: no URL`), and the summary is the last line on stdout:
"Imported 12 articles (3 queued for fetching), 40 annotations, 2 feeds; skipped 1
(line 7: no URL)". Articles without their text are fetched by the background worker.
The exit status is non-zero only when the file could not be read at all.

(The module is called `import`, a Python keyword: Django finds commands by file name
and loads them with importlib, which does not mind.)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles import accounts
from articles.imports import detect, pending, save
from articles.imports.core import MAX_IMPORT_BYTES, ImportFileError


class Command(BaseCommand):
    help = (
        "Import an export of Pocket, Omnivore, Wallabag, Hypothesis, a browser's bookmarks, "
        "Web Annotations (JSON-LD) or an OPML list of feeds."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--user",
            help="whose reading states and annotations they become (and who added the "
            "articles); without it, only articles, labels and feeds are imported",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user called {options['user']!r}.") from None
            if not accounts.may_contribute(user):
                raise CommandError(f"{user.get_username()} is a guest: guests cannot import.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise CommandError(
                f"{path}: larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it first."
            )
        try:
            parsed = detect.read(path.read_bytes(), path.name)
        except ImportFileError as exc:
            raise CommandError(f"{path}: {exc}") from None
        with tqdm(
            total=parsed.total,
            unit="item",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
            desc=parsed.format,
        ) as bar:
            outcome = save.save(parsed, user, progress=bar.update)
        for problem in outcome.problems:
            self.stderr.write(str(problem))
        pending.ensure_advancing()
        self.stdout.write(outcome.line())
