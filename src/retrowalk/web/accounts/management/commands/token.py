"""``retrowalk-admin token USER``: an API token for USER, shown once; ``--list`` and ``--revoke ID`` for the rest."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from retrowalk.web.accounts.models import ApiToken


class Command(BaseCommand):
    help = ("Make an API token for USER (printed once: only its digest is kept), list USER's tokens, or revoke "
            "one. Use it as 'Authorization: Bearer rw_…'.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("user", help="the user name")
        parser.add_argument("--name", default="API", help="what the token is for (shown in --list); default API")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--list", action="store_true", help="list USER's tokens (never the tokens themselves)")
        what.add_argument("--revoke", type=int, metavar="ID", help="revoke USER's token with this id (from --list)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["user"])
        except User.DoesNotExist:
            raise CommandError(f"there is no user called {options['user']}") from None
        tokens = ApiToken.objects.filter(user=user).order_by("created")
        if options["list"]:
            if not tokens:
                self.stdout.write(f"{user.username} has no API tokens.")
            for t in tokens:
                used = timezone.localtime(t.last_used).strftime("%Y-%m-%d %H:%M") if t.last_used else "never"
                made = timezone.localtime(t.created).strftime("%Y-%m-%d %H:%M")
                self.stdout.write(f"{t.pk:>5}  {t.name:<30}  made {made}  last used {used}")
            return
        if options["revoke"] is not None:
            deleted, _ = tokens.filter(pk=options["revoke"]).delete()
            if not deleted:
                raise CommandError(f"{user.username} has no token {options['revoke']} (see --list)")
            self.stdout.write(f"Revoked token {options['revoke']} of {user.username}.")
            return
        if not user.is_active:
            raise CommandError(f"{user.username} is not active; a token would not work")
        token, secret = ApiToken.issue(user, options["name"][:80])
        self.stdout.write(f"Token {token.pk} for {user.username} ({token.name}); it is shown only now:\n{secret}")
