"""`manage.py ingest PATH [PATH ...]`: add articles from files, directories or stdin."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from articles import ingest, jobs, versions
from articles.annotations import describe
from articles.errors import IngestError
from articles.ingest import SUPPORTED_SUFFIXES, check_size

if TYPE_CHECKING:
    from articles.ingest import IngestResult

# Fewer files than this finish before a progress bar would tell anyone anything.
PROGRESS_THRESHOLD = 5


def _expand(paths: list[str]) -> list[str]:
    """Files in the order given; directories recursively, sorted, supported files only."""
    out: list[str] = []
    for raw in paths:
        path = Path(raw)
        if raw != "-" and path.is_dir():
            out.extend(
                str(p)
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
            )
        else:
            out.append(raw)
    return out


def as_json(result: IngestResult, base_url: str = "") -> dict[str, Any]:
    article = result.article
    return {
        "id": article.pk,
        "url": base_url + article.get_absolute_url(),
        "title": article.title,
        "byline": article.byline,
        "site_name": article.site_name,
        "source_url": article.source_url,
        "published": article.published_at.date().isoformat() if article.published_at else None,
        "paragraphs": article.paragraph_count,
        "words": article.word_count,
        "related": [{"title": r["title"], "url": r["url"]} for r in article.related_links],
        "duplicate": result.duplicate,
    }


class Command(BaseCommand):
    help = "Add articles from .txt/.html files, directories (recursively), web addresses or -."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--json", action="store_true", help="one JSON object per line")
        parser.add_argument("--user", help="username recorded as the person who added them")
        parser.add_argument(
            "--update",
            action="store_true",
            help="when a file is a new text of an article from the same source URL, make it "
            "the article's text: the old one is kept as a version, annotations re-anchored",
        )
        parser.add_argument(
            "--base-url",
            default="",
            help="prefix for the reader URL in --json output, e.g. https://news.example.org",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get(username=options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"No user called {options['user']!r}.") from None
        files = _expand(options["paths"])
        if not files:
            raise CommandError("No .txt or .html files found in the given paths.")
        failed = 0
        show_bar = len(files) >= PROGRESS_THRESHOLD and sys.stderr.isatty()
        for name in tqdm(files, disable=not show_bar, unit="file", file=sys.stderr):
            try:
                result = self._one(name, user, update=options["update"])
            except IngestError as exc:
                failed += 1
                self.stderr.write(f"{name}: {exc}")
                continue
            if options["json"]:
                self.stdout.write(json.dumps(as_json(result, options["base_url"].rstrip("/"))))
            else:
                article = result.article
                state = "already in the library" if result.duplicate else "added"
                if result.updated:
                    state = f"text updated (annotations: {describe(result.updated)})"
                self.stdout.write(f"{name}: {state} as #{article.pk} {article.title}")
        if failed:
            raise CommandError(f"{failed} of {len(files)} could not be added.", returncode=1)

    def _one(self, name: str, user: Any, *, update: bool) -> IngestResult:
        if name.lower().startswith(("http://", "https://")):
            return jobs.ingest_url(name, user, update=update)
        if name == "-":
            doc = ingest.prepare(sys.stdin.buffer.read())
        else:
            path = Path(name)
            if not path.exists():
                raise IngestError("No such file.")
            if path.is_dir():
                raise IngestError("It is a directory with no .txt or .html files.")
            check_size(path.stat().st_size)  # refuse a huge file before reading it
            doc = ingest.prepare(path.read_bytes(), filename=path.name)
        return versions.save_or_update(doc, user) if update else ingest.save(doc, user)
