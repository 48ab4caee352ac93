"""`samenspel framework validate|load|publish|withdraw|diff|list`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from samenspel.accounts.models import User
from samenspel.frameworks import content, services
from samenspel.frameworks.models import FrameworkVersion
from samenspel.frameworks.schema import validate_text
from samenspel.frameworks.shipped import SHIPPED, shipped_text


def _read(file: str) -> tuple[str, str]:
    if file == "shipped":
        return shipped_text(), f"samenspel/frameworks/data/{SHIPPED}"
    try:
        return Path(file).read_text(encoding="utf-8"), file
    except OSError as exc:
        raise CommandError(f"{file}: cannot be read ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise CommandError(f"{file}: is not UTF-8 text") from exc


class Command(BaseCommand):
    help = "Validate, load, publish, withdraw, compare and list framework versions."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser("validate", help="Check a file and report every problem.")
        v.add_argument("file", help="A YAML file, or 'shipped' for the framework in the package.")
        ld = sub.add_parser("load", help="Store a valid file as a new draft version.")
        ld.add_argument("file")
        ld.add_argument("--by", help="User name of the national administrator who loads it.")
        for name, text in (("publish", "Publish a draft."), ("withdraw", "Unpublish a version.")):
            p = sub.add_parser(name, help=text)
            p.add_argument("label", help="The version label, e.g. 2026.1")
            p.add_argument("--framework", default="nl-pga")
            p.add_argument("--by", required=True, help="User name of a national administrator.")
        d = sub.add_parser("diff", help="Show what changed between two versions, row by row.")
        d.add_argument("old")
        d.add_argument("new")
        d.add_argument("--framework", default="nl-pga")
        sub.add_parser("list", help="List the stored versions.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        getattr(self, f"do_{action}")(options)

    def do_validate(self, options: dict[str, Any]) -> None:
        text, name = _read(options["file"])
        result = validate_text(text, file=name)
        if result.ok:
            self.stdout.write(result.summary())
            return
        for problem in result.problems:
            self.stderr.write(str(problem))
        raise CommandError(f"{len(result.problems)} problem(s) found; nothing was loaded.")

    def _user(self, username: str | None) -> User | None:
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {username!r}.")
        return user

    def _version(self, framework: str, label: str) -> FrameworkVersion:
        version = FrameworkVersion.objects.filter(framework=framework, label=label).first()
        if version is None:
            raise CommandError(f"No version {label!r} of framework {framework!r}.")
        return version

    def do_load(self, options: dict[str, Any]) -> None:
        text, name = _read(options["file"])
        try:
            version = services.load_version(text, source_name=name, by=self._user(options["by"]))
        except services.InvalidFrameworkError as exc:
            for problem in exc.result.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(exc.result.problems)} problem(s) found; nothing was loaded."
            ) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"Loaded {version} as a draft ({version.rows.count()} rows).")

    def _change(self, options: dict[str, Any], func: Any, verb: str) -> None:
        by = self._user(options["by"])
        version = self._version(options["framework"], options["label"])
        try:
            func(version, by=by)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        except Exception as exc:
            if exc.__class__.__name__ == "Denied":
                raise CommandError(f"{options['by']} is not a national administrator.") from exc
            raise
        self.stdout.write(f"{verb} {version}.")

    def do_publish(self, options: dict[str, Any]) -> None:
        self._change(options, services.publish_version, "Published")

    def do_withdraw(self, options: dict[str, Any]) -> None:
        self._change(options, services.withdraw_version, "Withdrew")

    def do_diff(self, options: dict[str, Any]) -> None:
        old = self._version(options["framework"], options["old"])
        new = self._version(options["framework"], options["new"])
        changes = content.diff(old.content, new.content)
        if not changes:
            self.stdout.write(f"No differences between {old.label} and {new.label}.")
            return
        for change in changes:
            self.stdout.write(f"{change.kind:8} {change.section}/{change.key}: {change.label}")
            for f in change.fields:
                self.stdout.write(f"           {f.field}: {f.old!r} -> {f.new!r}")
        self.stdout.write(f"{len(changes)} row(s) differ.")

    def do_list(self, options: dict[str, Any]) -> None:
        for v in FrameworkVersion.objects.order_by("framework", "valid_from", "loaded_at"):
            until = v.valid_until or "…"
            self.stdout.write(
                f"{v.framework} {v.label:10} {v.status:10} {v.valid_from} to {until}  {v.title}"
            )
