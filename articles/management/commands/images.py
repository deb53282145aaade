"""`manage.py images fetch [--all] [--retry-failed] [ARTICLE_ID ...]`: keep the images of
articles saved before Newsroom kept them (or restored from a backup, which carries no
image files), through the background worker."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError

from articles import images
from articles.models import Article, ArticleImage

if TYPE_CHECKING:
    from argparse import ArgumentParser


class Command(BaseCommand):
    help = "Work with article images. `fetch` records and queues the images of articles."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        fetch = commands.add_parser(
            "fetch",
            help="Record the images of articles and queue their fetch for `manage.py worker`. "
            "By default, the articles with images not recorded yet.",
        )
        fetch.add_argument("article_ids", nargs="*", type=int, help="Only these articles.")
        fetch.add_argument(
            "--all", action="store_true", help="Every article, whether recorded or not."
        )
        fetch.add_argument(
            "--retry-failed", action="store_true", help="Try the images that failed again."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        articles = Article.objects.filter(body_html__contains="<img ").only("pk", "body_html")
        if options["article_ids"]:
            articles = articles.filter(pk__in=options["article_ids"])
            missing = set(options["article_ids"]) - set(
                Article.objects.filter(pk__in=options["article_ids"]).values_list("pk", flat=True)
            )
            if missing:
                raise CommandError(f"There is no article {', '.join(map(str, sorted(missing)))}.")
        elif not options["all"] and not options["retry_failed"]:
            recorded = ArticleImage.objects.values("article_id")
            articles = articles.exclude(pk__in=recorded)
        queued, waiting = images.requeue(
            articles.order_by("pk").iterator(), retry_failed=options["retry_failed"]
        )
        self.stdout.write(
            f"Queued {waiting} image(s) of {queued} article(s); `manage.py worker` fetches them."
        )
