"""`manage.py claims export [--base-url URL]`: the desk's published verdicts as schema.org
ClaimReview, one JSON object a line (JSON Lines) on stdout, the oldest first.

Only published verdicts: a draft, a verdict waiting for its sign-off, a dropped or a
withdrawn claim prints nothing. The articles where a claim appears are the places of the
claims shared with a group (never someone's private claim). Links are absolute from
`--base-url`, where Newsroom is served (as `manage.py export` has it); the count goes to
stderr, so `manage.py claims export > verdicts.jsonl` keeps only the objects.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError

from articles import claimreview

if TYPE_CHECKING:
    from argparse import ArgumentParser

DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def base_url(raw: str) -> str:
    """`raw` as a scheme and host (and maybe a path prefix), without the trailing slash;
    CommandError for anything else, rather than links that lead nowhere."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise CommandError(
            f"--base-url must be where Newsroom is served, such as {DEFAULT_BASE_URL} or "
            f"https://newsroom.example.org, not {raw[:80]!r}."
        )
    if parts.query or parts.fragment:
        raise CommandError("--base-url takes no query (?…) or fragment (#…).")
    return raw.strip().rstrip("/")


class Command(BaseCommand):
    help = "Export the desk's published verdicts as schema.org ClaimReview (JSON Lines)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        export = commands.add_parser(
            "export", help="Published verdicts as ClaimReview, one JSON object a line."
        )
        export.add_argument(
            "--base-url",
            default=DEFAULT_BASE_URL,
            help=f"where Newsroom is served, for the links back (default {DEFAULT_BASE_URL})",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = base_url(options["base_url"])
        visible = claimreview.shared_claims()
        count = 0
        for claim in claimreview.published().iterator(chunk_size=200):
            review = claimreview.claim_review(claim, base_url=root, visible=visible)
            self.stdout.write(json.dumps(review, ensure_ascii=False))
            count += 1
        self.stderr.write(f"Exported {count:,} published verdict{'' if count == 1 else 's'}.")
