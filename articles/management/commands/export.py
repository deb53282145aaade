"""`manage.py export --format markdown|csv|jsonld|backup --output PATH`: take the library out.

Narrow it with `--article ID`, `--label NAME` or `--search QUERY` (one of them); without
one, the whole library, archived articles too. Markdown, CSV and JSON-LD hold what one
person can see (`--user USERNAME`, required: their own annotations and those shared with
their groups, never a colleague's private note). `--format backup` is the full backup
ZIP, everything of everyone, for `manage.py restore_backup`.

Markdown goes to a folder (an existing directory: one .md file per article, as Obsidian
reads them), a `.md` file (one article) or else a ZIP of the files. Every file is written
beside its destination and renamed into place, so a failed export leaves nothing half
written under the name asked for.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from articles.exports import FORMATS, ExportError, backup, jsonld, markdown, selection
from articles.exports import csv as csv_export
from articles.models import Article
from articles.parsing import parse_int

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

    from django.contrib.auth.models import User

    from articles.exports.selection import Selection

NO_USER = (
    "Say whose export it is with --user USERNAME: an export holds what that person can see "
    "(their own annotations and those shared with their groups)."
)


@contextlib.contextmanager
def replacing(path: Path) -> Iterator[BinaryIO]:
    """A file written beside `path` and renamed onto it once complete."""
    if not path.parent.is_dir():
        raise CommandError(
            f"{path.parent} is not a folder: make it first, or choose another --output."
        )
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("wb") as out:
            yield out
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


class Command(BaseCommand):
    help = "Export articles and annotations as Markdown, CSV or JSON-LD, or a full backup."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", required=True, choices=[*FORMATS, "backup"])
        parser.add_argument("--output", required=True, metavar="PATH",
                            help="a file; for Markdown also an existing folder")  # fmt: skip
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument("--article", metavar="ID", help="one article, by its number")
        scope.add_argument("--label", metavar="NAME", help="the articles carrying this label")
        scope.add_argument("--search", metavar="QUERY", help="what this search finds")
        parser.add_argument("--user", metavar="USERNAME", help="whose view of the library")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000",
                            help="where Newsroom is served, for the links back")  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        output = Path(options["output"]).expanduser()
        if options["format"] == "backup":
            self._backup(output, options)
            return
        user = self._user(options["user"])
        try:
            chosen = self._selection(user, options)
        except ExportError as exc:
            raise CommandError(str(exc)) from None
        base_url = options["base_url"].rstrip("/")
        fmt = options["format"]
        if fmt == "markdown":
            articles, annotations = self._markdown(chosen, base_url, output)
        elif fmt == "csv":
            with replacing(output) as out:
                text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
                articles, annotations = csv_export.write(chosen, base_url, text)
                text.detach()
        else:
            query = {"format": "jsonld", **self._scope_params(options)}
            collection_id = f"{base_url}{reverse('export')}?{urlencode(query)}"
            with replacing(output) as out:
                articles, annotations = jsonld.write(chosen, base_url, collection_id, out)
        self.stdout.write(
            f"Exported {_plural(articles, 'article')} with {_plural(annotations, 'annotation')} "
            f"({FORMATS[fmt][0]}) to {output}."
        )

    def _backup(self, output: Path, options: dict[str, Any]) -> None:
        narrowed = [f"--{name}" for name in ("article", "label", "search", "user") if options[name]]
        if narrowed:
            raise CommandError(
                f"A backup holds everything of everyone: {', '.join(narrowed)} does not apply."
            )
        with replacing(output) as out:
            counts = backup.write(out)
        self.stdout.write(
            f"Backed up {_plural(counts['articles.article'], 'article')}, "
            f"{_plural(counts['articles.annotation'], 'annotation')} and "
            f"{_plural(counts[get_user_model()._meta.label_lower], 'account')} to {output}."  # noqa: SLF001
        )

    @staticmethod
    def _user(username: str | None) -> User:
        if not username:
            raise CommandError(NO_USER)
        found = get_user_model().objects.filter(username=username).first()
        if found is None:
            raise CommandError(f"There is no user called “{username}”.")
        return found

    @staticmethod
    def _scope_params(options: dict[str, Any]) -> dict[str, str]:
        if options["article"]:
            return {"article": options["article"]}
        if options["label"]:
            return {"label": options["label"]}
        if options["search"]:
            return {"q": options["search"]}
        return {}

    @staticmethod
    def _selection(user: User, options: dict[str, Any]) -> Selection:
        if options["article"] is not None:
            pk = parse_int(options["article"].strip())
            if pk is None:
                raise ExportError("--article takes an article's number, such as 12.")
            article = Article.objects.filter(pk=pk).first()
            if article is None:
                raise ExportError(f"There is no article {pk} (or it is in the trash).")
            return selection.of_article(user, article)
        if options["label"] is not None:
            return selection.of_label(user, options["label"])
        if options["search"] is not None:
            return selection.of_search(user, options["search"])
        return selection.of_everything(user)

    def _markdown(self, chosen: Selection, base_url: str, output: Path) -> tuple[int, int]:
        if output.is_dir():
            articles = annotations = 0
            for item_name, text in markdown.render_all(chosen, base_url):
                with replacing(output / item_name) as out:
                    out.write(text.encode())
                articles += 1
            annotations = chosen.annotations.filter(article_id__in=chosen.article_ids).count()
            return articles, annotations
        if output.suffix.lower() == ".md":
            found = list(selection.items(chosen))
            if len(found) != 1:
                raise CommandError(
                    f"This export holds {_plural(len(found), 'article')}: a .md file holds one. "
                    "Give a .zip name or an existing folder as --output."
                )
            with replacing(output) as out:
                markdown.write_one(found[0], base_url, out)
            return 1, len(found[0].annotations)
        with replacing(output) as out:
            return markdown.write_zip(chosen, base_url, out)
