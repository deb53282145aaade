"""`manage.py notifications digest`: send the daily watchlist digests that are due, now.

The worker's heartbeat does this by itself (`maintenance.maintain` queues each due digest
for the worker); the command is for a server run without a worker, from cron, and for
trying an SMTP set-up. A digest is due a day after the person's last one, when they chose
"A daily digest" and have unread notifications not yet e-mailed. Links in the messages
start with NEWSROOM_SITE_URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand

from articles import watchlists

if TYPE_CHECKING:
    from argparse import ArgumentParser


class Command(BaseCommand):
    help = "Send the daily watchlist digests that are due."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("digest", help="Send the daily digests that are due, now.")

    def handle(self, *args: Any, **options: Any) -> None:
        due = len(watchlists.due_digests())
        sent = watchlists.send_digests()
        self.stdout.write(
            f"Sent {sent} daily digest{'s' if sent != 1 else ''}"
            + (f"; {due - sent} could not be sent (see the log)." if due > sent else ".")
        )
