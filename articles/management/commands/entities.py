"""`manage.py entities suggest ARTICLE_ID [--json]`: what Newsroom would suggest tagging."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.entities.suggestions import suggest
from articles.models import Article

if TYPE_CHECKING:
    from argparse import ArgumentParser


class Command(BaseCommand):
    help = "Work with entities. `suggest ARTICLE_ID` lists an article's suggested mentions."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        suggest_parser = commands.add_parser(
            "suggest", help="List the article's suggested mentions, in text order."
        )
        suggest_parser.add_argument("article_id", type=int)
        suggest_parser.add_argument(
            "--json", action="store_true", help="One JSON object per line, for scripts."
        )
        suggest_parser.add_argument(
            "--user",
            help="Suggest as this person sees the article (their mentions count as tagged); "
            "by default every mention counts.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            article = Article.objects.get(pk=options["article_id"])
        except Article.DoesNotExist:
            raise CommandError(f"There is no article {options['article_id']}.") from None
        user = None
        if options["user"]:
            try:
                user = get_user_model().objects.get_by_natural_key(options["user"])
            except get_user_model().DoesNotExist:
                raise CommandError(f"There is no user {options['user']!r}.") from None
        suggestions = suggest(article, user)
        for s in suggestions:
            if options["json"]:
                self.stdout.write(json.dumps(s.as_json(), ensure_ascii=False))
            else:
                where = f"{s.start}-{s.end}" if s.start is not None else f"({s.where})"
                known = f"  entity {s.entity_id}" if s.entity_id else ""
                self.stdout.write(f"{where:>12}  {s.kind:<9}  {s.text}{known}")
        if not options["json"]:
            self.stderr.write(f"{len(suggestions)} suggestion(s) in {article.title!r}.")
