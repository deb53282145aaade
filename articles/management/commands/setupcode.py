"""`manage.py setupcode`: print a new one-time code for creating the first account."""

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from articles.models import SetupCode


class Command(BaseCommand):
    help = "Print a one-time setup code (only while no account exists)."

    def handle(self, *args: Any, **options: Any) -> None:
        if get_user_model().objects.exists():
            raise CommandError("An account already exists; sign in or use `createsuperuser`.")
        self.stdout.write(SetupCode.issue())
