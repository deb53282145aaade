"""`manage.py prepare`: everything `make run` does before serving.

Apply migrations, load the welcome article, and while no account exists print a fresh
one-time setup code. Safe to run any number of times: it loses nothing.
"""

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from articles import maintenance
from articles.ingest import ingest
from articles.models import Article, SetupCode

WELCOME = Path(__file__).resolve().parents[2] / "welcome.txt"


class Command(BaseCommand):
    help = "Migrate, load the welcome article, and print a setup code if no account exists."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="where users open it")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        # The first heartbeat (feed polls, recovery of work whose worker died) runs as soon
        # as a worker starts; the workers schedule the later ones themselves.
        maintenance.ensure_maintenance()
        has_users = get_user_model().objects.exists()
        # Only a fresh install gets the welcome article: once people use Newsroom it is
        # theirs to delete, and a later, reworded welcome must not come back as a copy.
        if not has_users and not Article.objects.exists():
            result = ingest(WELCOME.read_bytes(), filename=WELCOME.name)
            self.stdout.write(f"Loaded the welcome article: {result.article.title}")
        url = options["url"].rstrip("/")
        if has_users:
            self.stdout.write(f"Newsroom is ready at {url}/")
            return
        code = SetupCode.issue()
        self.stdout.write(
            "\n"
            f"  Newsroom is ready at {url}/\n"
            f"  No account exists yet. Open {url}/setup/ and enter this one-time\n"
            f"  setup code to create the administrator account:\n\n"
            f"      {code}\n"
        )
