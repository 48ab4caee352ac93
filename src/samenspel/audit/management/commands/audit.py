"""`samenspel audit verify|checkpoint|keygen`: check the audit chain, anchor it outside the DB.

`verify` recomputes the whole chain; `verify --checkpoint FILE` also compares it with a signed
checkpoint; `verify --from-checkpoint [FILE]` recomputes only what came after one.

Exit code 0 means the chain verified (and a checkpoint was written, for `checkpoint`); 1 means a
verification failure or an unusable checkpoint or key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from samenspel import audit
from samenspel.audit import checkpoint as checkpoints
from samenspel.audit.events import Event, Purpose
from samenspel.audit.selectors import ChainHead, VerifyResult, verify_chain

LATEST = Path("\0latest")  # --from-checkpoint without a file: not a path anyone can name


class Command(BaseCommand):
    help = "Verify the audit chain, write a signed checkpoint of it, or make a signing key."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        verify = actions.add_parser(
            "verify",
            help="Recompute the chain; with --checkpoint also detect truncation and recomputation.",
        )
        against = verify.add_mutually_exclusive_group()
        against.add_argument(
            "--checkpoint",
            type=Path,
            metavar="FILE",
            help="A checkpoint written earlier by `samenspel audit checkpoint`: recompute the "
            "whole chain and check it against the checkpoint.",
        )
        against.add_argument(
            "--from-checkpoint",
            nargs="?",
            const=LATEST,
            type=Path,
            metavar="FILE",
            help="Recompute only the records after a signed checkpoint (default: the newest in "
            "<data folder>/checkpoints/); the records before it are trusted to the checkpoint.",
        )
        verify.add_argument(
            "--public-key",
            metavar="KEY",
            help="Verifier key (name+id+key) to check the checkpoint with, instead of the key "
            "derived from the configured signing key.",
        )
        write = actions.add_parser(
            "checkpoint", help="Verify the chain, then write a signed checkpoint of its head."
        )
        write.add_argument(
            "--output",
            type=Path,
            metavar="FILE",
            help="Where to write it ('-' for standard output); default: a new file in "
            "<data folder>/checkpoints/.",
        )
        actions.add_parser(
            "keygen", help="Print a new signing key for SAMENSPEL_AUDIT_SIGNING_KEY."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "keygen":
            self.keygen()
        elif action == "checkpoint":
            self.write_checkpoint(options["output"])
        elif options["from_checkpoint"] is not None:
            self.verify_from(options["from_checkpoint"], options["public_key"])
        else:
            self.verify(options["checkpoint"], options["public_key"])

    def keygen(self) -> None:
        seed = checkpoints.generate_key()
        public = checkpoints.verifier_key(checkpoints.decode_private_key(seed))
        self.stdout.write(seed)
        self.stderr.write(
            f"Put the line above in {checkpoints.KEY_ENV} (or in a file named by "
            f"{checkpoints.KEY_ENV}_FILE) and keep a copy offline: whoever holds it can sign "
            f"checkpoints.\nPublic key for verifiers: {public}"
        )

    def write_checkpoint(self, output: Path | None) -> None:
        try:
            key = checkpoints.signing_key(create=True)
        except checkpoints.CheckpointError as exc:
            raise CommandError(str(exc)) from exc
        result = verify_chain()
        if not result.ok:
            self.report_failure(result)
            self.stdout.write("No checkpoint written: a broken chain is not signed.")
            raise SystemExit(1)
        note = checkpoints.Checkpoint(
            origin=settings.AUDIT_ORIGIN,
            size=result.head.size,
            head_hash=result.head.head_hash,
            time=timezone.now(),
        )
        try:
            text = checkpoints.sign(note, key)
        except checkpoints.CheckpointError as exc:  # an origin that cannot name a key
            raise CommandError(f"SAMENSPEL_AUDIT_ORIGIN: {exc}") from exc
        summary = (
            f"OK origin={note.origin} size={note.size} head={note.head_hash} "
            f"checked={result.checked}"
        )
        if output == Path("-"):
            self.stdout.write(text, ending="")
            self.stderr.write(summary)
        else:
            path = output or self.default_path(note)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                with path.open("x", encoding="utf-8") as handle:
                    handle.write(text)
            except FileExistsError as exc:
                raise CommandError(
                    f"{path} exists already; a checkpoint is never overwritten."
                ) from exc
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}.") from exc
            self.stdout.write(f"{summary} checkpoint={path}")
            self.stderr.write("Keep a copy where the database's administrators cannot change it.")
        audit.record(
            Event.AUDIT_CHECKPOINT_WRITTEN,
            by=None,
            purpose=Purpose.SYSTEM,
            size=note.size,
            head=note.head_hash,
            checkpoint_time=checkpoints.format_time(note.time),
        )

    def default_path(self, note: checkpoints.Checkpoint) -> Path:
        stamp = note.time.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
        return Path(settings.DATA_DIR) / "checkpoints" / f"checkpoint-{stamp}-{note.size}.txt"

    def verify(self, checkpoint_file: Path | None, public_key: str | None) -> None:
        note = self.read_checkpoint(checkpoint_file, public_key) if checkpoint_file else None
        result = verify_chain(
            checkpoint=ChainHead(note.size, note.head_hash) if note is not None else None
        )
        if not result.ok:
            self.report_failure(result)
            raise SystemExit(1)
        line = (
            f"OK origin={settings.AUDIT_ORIGIN} size={result.head.size} "
            f"head={result.head.head_hash} checked={result.checked}"
        )
        if note is not None:
            line += f" checkpoint={note.size}@{checkpoints.format_time(note.time)} consistency=ok"
        self.stdout.write(line)
        if note is None:
            self.stderr.write(
                "Without --checkpoint, records removed from the end or a chain recomputed "
                "after an edit go unnoticed."
            )
        self.record_verified(result, note)

    def verify_from(self, checkpoint_file: Path, public_key: str | None) -> None:
        if checkpoint_file == LATEST:
            note, path = self.newest_checkpoint(public_key)
        else:
            note, path = self.read_checkpoint(checkpoint_file, public_key), checkpoint_file
        result = verify_chain(start=ChainHead(note.size, note.head_hash))
        if not result.ok:
            self.report_failure(result)
            raise SystemExit(1)
        self.stdout.write(
            f"OK origin={settings.AUDIT_ORIGIN} size={result.head.size} "
            f"head={result.head.head_hash} checked={result.checked} "
            f"from={note.size}@{checkpoints.format_time(note.time)} checkpoint={path}"
        )
        self.record_verified(result, note)

    def newest_checkpoint(self, public_key: str | None) -> tuple[checkpoints.Checkpoint, Path]:
        """Return the checkpoint in the data folder that covers the most records."""
        folder = Path(settings.DATA_DIR) / "checkpoints"
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if not files:
            raise CommandError(
                f"No checkpoint in {folder}. Write one with `samenspel audit checkpoint`, or "
                "name a file: --from-checkpoint FILE."
            )
        notes = [(self.read_checkpoint(path, public_key), path) for path in files]
        return max(notes, key=lambda found: (found[0].size, found[0].time))

    def record_verified(self, result: VerifyResult, note: checkpoints.Checkpoint | None) -> None:
        # The verification's own record comes after the result and is not part of it; a
        # failure to write it is reported but does not turn a verified chain into a failure.
        try:
            audit.record(
                Event.AUDIT_VERIFIED,
                by=None,
                purpose=Purpose.SYSTEM,
                size=result.head.size,
                head=result.head.head_hash,
                checkpoint_size=note.size if note is not None else None,
            )
        except DatabaseError as exc:
            self.stderr.write(f"Warning: the verification could not be recorded in the log: {exc}")

    def read_checkpoint(self, path: Path, public_key: str | None) -> checkpoints.Checkpoint:
        try:
            key = (
                checkpoints.parse_verifier_key(public_key)
                if public_key
                else checkpoints.verifier_key(checkpoints.signing_key(create=False))
            )
        except checkpoints.CheckpointError as exc:
            raise CommandError(f"No key to check the checkpoint with: {exc}") from exc
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not a checkpoint: it is not UTF-8 text.") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.") from exc
        try:
            return checkpoints.open_note(text, key)
        except checkpoints.BadSignatureError as exc:
            self.stdout.write(f"FAIL checkpoint={path} reason=bad_signature")
            self.stdout.write(f"  {exc}")
            raise SystemExit(1) from exc
        except checkpoints.CheckpointError as exc:
            raise CommandError(f"{path} is not a valid checkpoint: {exc}") from exc

    def report_failure(self, result: VerifyResult) -> None:
        self.stdout.write(
            f"FAIL seq={result.broken_seq} reason={result.reason} "
            f"expected={result.expected} got={result.got} checked={result.checked}"
        )
        self.stdout.write(f"  {result.detail}")
