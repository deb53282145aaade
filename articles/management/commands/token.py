"""`manage.py token create|list|revoke USERNAME`: a person's personal API tokens.

`create USERNAME --name NAME [--scope read|write]` prints the new token alone on stdout,
so `TOKEN=$(manage.py token create alice --name backup)` keeps it; it is shown this once
(`articles.apitokens` stores only its digest). `list USERNAME` shows the working tokens,
`revoke USERNAME ID` stops one at once. The same tokens as Settings → API tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from articles import apitokens
from articles.models import ApiToken

if TYPE_CHECKING:
    import datetime as dt
    from argparse import ArgumentParser

    from django.contrib.auth.models import User


def _when(moment: dt.datetime | None) -> str:
    return "never" if moment is None else f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


class Command(BaseCommand):
    help = "Make, list and revoke a person's personal API tokens."

    def add_arguments(self, parser: ArgumentParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser(
            "create", help="Make a token; prints it alone on stdout, shown this once."
        )
        create.add_argument("username")
        create.add_argument("--name", required=True, help="what will use it, to tell it apart")
        create.add_argument(
            "--scope",
            default=ApiToken.Scope.READ.value,
            help="read (the default) or write (read and write)",
        )
        listing = commands.add_parser("list", help="The person's working tokens.")
        listing.add_argument("username")
        revoke = commands.add_parser("revoke", help="Stop one of the person's tokens at once.")
        revoke.add_argument("username")
        revoke.add_argument("id", type=int, help="the token's id, as `token list` shows it")

    def handle(self, *args: Any, **options: Any) -> None:
        user = self._user(options["username"])
        action = options["action"]
        if action == "create":
            self._create(user, options["name"], options["scope"])
        elif action == "list":
            self._list(user)
        else:
            self._revoke(user, options["id"])

    @staticmethod
    def _user(username: str) -> User:
        found = get_user_model().objects.filter(username=username).first()
        if found is None:
            raise CommandError(f"There is no user called “{username}”.")
        return found

    def _create(self, user: User, name: str, scope: str) -> None:
        if not user.is_active:
            raise CommandError(
                f"{user.get_username()} is deactivated: a token of theirs would not work. "
                "Reactivate the account first."
            )
        try:
            token, raw = apitokens.create(user, name, scope.strip().lower())
        except apitokens.TokenError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.pk} “{token.name}” ({token.get_scope_display().lower()}) for "
            f"{user.get_username()}: copy it now, it will not be shown again."
        )

    def _list(self, user: User) -> None:
        tokens = apitokens.tokens_of(user)
        if not tokens:
            self.stderr.write(f"{user.get_username()} has no working API token.")
            return
        self.stdout.write(
            f"{'ID':>6}  {'SCOPE':<6}  {'HINT':<10}  {'CREATED':<16}  {'LAST USED':<16}  NAME"
        )
        for t in tokens:
            self.stdout.write(
                f"{t.pk:>6}  {t.scope:<6}  {t.hint + '…':<10}  {_when(t.created_at):<16}  "
                f"{_when(t.last_used_at):<16}  {t.name}"
            )

    def _revoke(self, user: User, pk: int) -> None:
        if not apitokens.revoke(user, pk):
            raise CommandError(
                f"{user.get_username()} has no working token {pk}: see `manage.py token list "
                f"{user.get_username()}`."
            )
        self.stdout.write(f"Revoked token {pk} of {user.get_username()}.")
