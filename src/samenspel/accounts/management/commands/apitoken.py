"""`samenspel apitoken`: create, list and revoke personal API keys from the command line."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from samenspel.accounts import selectors, services
from samenspel.accounts.models import User


class Command(BaseCommand):
    help = (
        "Manage personal API keys (Bearer tokens). A key acts as its user, with exactly "
        "that user's rights; the secret is shown once, on creation."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Make a key for a user and print its secret once.")
        create.add_argument("username")
        create.add_argument("--name", required=True, help="What the key is for.")
        create.add_argument(
            "--days",
            type=int,
            default=services.API_TOKEN_DEFAULT_DAYS,
            help=f"Days valid (1-{services.API_TOKEN_MAX_DAYS}, default "
            f"{services.API_TOKEN_DEFAULT_DAYS}).",
        )
        listing = sub.add_parser("list", help="List a user's keys (never their secrets).")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a key at once, by its id (UUID).")
        revoke.add_argument("id")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["username"], options["name"], options["days"])
        elif action == "list":
            self._list(options["username"])
        else:
            self._revoke(options["id"])

    def _user(self, username: str) -> User:
        try:
            return User.objects.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None

    def _create(self, username: str, name: str, days: int) -> None:
        user = self._user(username)
        try:
            token, secret = services.create_api_token(user, name=name, days=days, by=None)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(f"id:      {token.uuid}")
        self.stdout.write(f"expires: {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}")
        self.stdout.write(f"secret:  {secret}")
        self.stdout.write("Store the secret now: it is not shown again.")

    def _list(self, username: str) -> None:
        now = timezone.now()
        for token in selectors.api_tokens_for_operator(user=self._user(username)):
            if token.revoked_at is not None:
                state = "revoked"
            elif token.expires_at <= now:
                state = "expired"
            else:
                state = "active"
            used = (
                f"{timezone.localtime(token.last_used_at):%Y-%m-%d %H:%M}"
                if token.last_used_at
                else "never"
            )
            self.stdout.write(
                f"{token.uuid}  {token.prefix}…  {state:8}  "
                f"expires {timezone.localtime(token.expires_at):%Y-%m-%d}  "
                f"used {used}  {token.name}"
            )

    def _revoke(self, raw_id: str) -> None:
        try:
            wanted = uuid.UUID(raw_id)
        except ValueError:
            raise CommandError("Give the key's id (a UUID), as `apitoken list` shows it.") from None
        token = selectors.api_tokens_for_operator().filter(uuid=wanted).first()
        if token is None:
            raise CommandError("No API key with this id.")
        services.revoke_api_token(token, by=None)
        self.stdout.write(f"Revoked {token.uuid} ({token.name}).")
