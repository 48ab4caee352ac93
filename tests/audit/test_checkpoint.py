"""Signed checkpoints: the note format, the keys, and what production demands."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import stat
from pathlib import Path
from typing import Any

import pytest

from samenspel.audit import checkpoint as checkpoints
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent

from .conftest import checkpoint_file, run_audit

SEED = base64.b64encode(bytes(range(32))).decode()
NOTE = checkpoints.Checkpoint(
    origin="samenspel",
    size=3,
    head_hash="ab" * 32,
    time=dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC),
)
# Ed25519 signatures are deterministic, so the whole note is fixed: a change of format shows here.
SIGNED = (
    "samenspel\n3\nabababababababababababababababababababababababababababababababab\n"
    "2026-01-31T12:00:00Z\n\n\u2014 samenspel IIeFKdrXxj5yUbld3cwRVeKg1UYmE4j18USp2EIPZlJ6N"
    "lgxwV9wdBURyHBbuYxD4DHK7W7aWal5s+C5YZY4O/RpiA0=\n"
)
VERIFIER = "samenspel+20878529+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"


def test_a_checkpoint_is_a_signed_note() -> None:
    key = checkpoints.decode_private_key(SEED)
    assert checkpoints.sign(NOTE, key) == SIGNED
    assert str(checkpoints.verifier_key(key, name="samenspel")) == VERIFIER


def test_the_key_id_is_the_signed_note_key_hash() -> None:
    verifier = checkpoints.parse_verifier_key(VERIFIER)
    material = b"samenspel\n\x01" + verifier.raw
    assert verifier.key_id == hashlib.sha256(material).digest()[:4]
    signature = base64.b64decode(SIGNED.rsplit(" ", 1)[1])
    assert signature[:4] == verifier.key_id
    assert len(signature) == 4 + 64


def test_a_note_opens_with_only_the_public_key() -> None:
    assert checkpoints.open_note(SIGNED, checkpoints.parse_verifier_key(VERIFIER)) == NOTE


def test_signatures_by_other_keys_are_ignored() -> None:
    witness = checkpoints.decode_private_key(checkpoints.generate_key())
    cosigned = checkpoints.sign(NOTE, witness).split("\n\n")[1]
    text = SIGNED + cosigned.replace("samenspel", "witness", 1)
    assert checkpoints.open_note(text, checkpoints.parse_verifier_key(VERIFIER)) == NOTE


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda t: t.replace("\n3\n", "\n4\n"), checkpoints.BadSignatureError),
        (lambda t: t.replace("samenspel IIe", "samenspel IIf"), checkpoints.BadSignatureError),
        (lambda t: t.replace("samenspel IIe", "other IIe"), checkpoints.BadSignatureError),
        (lambda t: t.replace("\n3\n", "\n03\n"), checkpoints.CheckpointError),
        (lambda t: t.replace("\n3\n", "\n-3\n"), checkpoints.CheckpointError),
        (lambda t: t.replace("abab", "ABAB", 1), checkpoints.CheckpointError),
        (lambda t: t.replace("12:00:00Z", "12:00:00"), checkpoints.CheckpointError),
        (lambda t: t.replace("\n\n", "\nextra\n\n"), checkpoints.CheckpointError),
        (lambda t: t.replace("\n\n", "\n"), checkpoints.CheckpointError),
        (lambda t: t.rstrip("\n"), checkpoints.CheckpointError),
        (lambda t: t.replace("\n", "\r\n"), checkpoints.CheckpointError),
        (lambda t: t + "trailing garbage\n", checkpoints.CheckpointError),
        (lambda t: t.split("\n\n")[0] + "\n\n", checkpoints.CheckpointError),
    ],
)
def test_a_changed_or_malformed_note_is_refused(change: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        checkpoints.open_note(change(SIGNED), checkpoints.parse_verifier_key(VERIFIER))


@pytest.mark.parametrize(
    "text",
    [SEED, bytes(range(32)).hex(), bytes(range(32)).hex().upper(), f"  {SEED}\n"],
)
def test_a_key_may_be_written_in_base64_or_hex(text: str) -> None:
    key = checkpoints.decode_private_key(text)
    assert str(checkpoints.verifier_key(key, name="samenspel")) == VERIFIER


@pytest.mark.parametrize(
    "text", ["", "short", "A" * 40, bytes(range(31)).hex(), SEED[:-4] + "!!!="]
)
def test_a_bad_key_is_refused_with_the_way_to_make_one(text: str) -> None:
    with pytest.raises(checkpoints.CheckpointError, match="samenspel audit keygen"):
        checkpoints.decode_private_key(text)


def test_outside_production_a_key_file_is_created_once(settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "keys" / "audit_signing_key"
    first = checkpoints.signing_key()
    mode = stat.S_IMODE(settings.AUDIT_SIGNING_KEY_PATH.stat().st_mode)
    assert mode == 0o600
    again = checkpoints.signing_key(create=False)
    assert checkpoints.verifier_key(first).raw == checkpoints.verifier_key(again).raw


def test_verifying_never_creates_a_key(settings: Any, tmp_path: Path) -> None:
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "audit_signing_key"
    with pytest.raises(checkpoints.MissingKeyError):
        checkpoints.signing_key(create=False)
    assert not settings.AUDIT_SIGNING_KEY_PATH.exists()


def test_production_without_a_key_refuses_to_write_a_checkpoint(
    db: None, settings: Any, tmp_path: Path
) -> None:
    settings.PRODUCTION = True
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_PATH = tmp_path / "audit_signing_key"
    run = run_audit("checkpoint", "--output", str(tmp_path / "cp.txt"))
    assert run.code == 1
    assert "SAMENSPEL_AUDIT_SIGNING_KEY is not set" in run.err
    assert "samenspel audit keygen" in run.err
    assert "python3 -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())'" in (
        run.err
    )
    assert not settings.AUDIT_SIGNING_KEY_PATH.exists()
    assert not (tmp_path / "cp.txt").exists()


def test_production_with_a_configured_key_writes_checkpoints(
    db: None, settings: Any, tmp_path: Path
) -> None:
    settings.PRODUCTION = True
    settings.AUDIT_SIGNING_KEY = SEED
    text = checkpoint_file(tmp_path).read_text(encoding="utf-8")
    note = checkpoints.open_note(text, checkpoints.parse_verifier_key(VERIFIER))
    assert (note.origin, note.size, note.head_hash) == ("samenspel", 0, "0" * 64)


def test_keygen_prints_a_usable_key_and_its_public_half(settings: Any) -> None:
    run = run_audit("keygen")
    assert run.code == 0
    seed = run.out.strip()
    key = checkpoints.decode_private_key(seed)
    assert len(base64.b64decode(seed)) == 32
    assert str(checkpoints.verifier_key(key)) in run.err
    assert "SAMENSPEL_AUDIT_SIGNING_KEY" in run.err
    assert run_audit("keygen").out.strip() != seed


def test_checkpoint_writes_a_file_and_an_audit_record(db: None, tmp_path: Path) -> None:
    run = run_audit("checkpoint", "--output", str(tmp_path / "cp.txt"))
    assert run.code == 0, run.err
    assert run.out.startswith("OK origin=samenspel size=0 head=" + "0" * 64)
    assert run.out.strip().endswith(f"checkpoint={tmp_path / 'cp.txt'}")
    last = AuditEvent.objects.order_by("-seq").first()
    assert last is not None
    assert (last.seq, last.event, last.actor_id, last.purpose) == (
        1,
        Event.AUDIT_CHECKPOINT_WRITTEN,
        None,
        "system",
    )
    assert last.details["size"] == 0
    assert last.details["head"] == "0" * 64


def test_checkpoint_goes_to_the_data_folder_by_default(
    db: None, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = tmp_path
    run = run_audit("checkpoint")
    assert run.code == 0, run.err
    (written,) = (tmp_path / "checkpoints").iterdir()
    assert written.name.startswith("checkpoint-") and written.name.endswith("-0.txt")
    assert f"checkpoint={written}" in run.out


def test_checkpoint_never_overwrites_a_file(db: None, tmp_path: Path) -> None:
    (tmp_path / "cp.txt").write_text("keep me", encoding="utf-8")
    run = run_audit("checkpoint", "--output", str(tmp_path / "cp.txt"))
    assert run.code == 1
    assert "never overwritten" in run.err
    assert (tmp_path / "cp.txt").read_text(encoding="utf-8") == "keep me"


def test_checkpoint_can_go_to_standard_output(db: None) -> None:
    run = run_audit("checkpoint", "--output", "-")
    assert run.code == 0
    assert run.out.startswith("samenspel\n0\n")
    assert run.err.startswith("OK origin=samenspel size=0")


def test_an_independent_verifier_needs_only_the_public_key(
    db: None, settings: Any, tmp_path: Path
) -> None:
    settings.AUDIT_SIGNING_KEY = SEED
    path = checkpoint_file(tmp_path)
    settings.PRODUCTION = True
    settings.AUDIT_SIGNING_KEY = ""
    run = run_audit("verify", "--checkpoint", str(path), "--public-key", VERIFIER)
    assert run.code == 0, run.out + run.err
    assert "checkpoint=0@" in run.out and "consistency=ok" in run.out
    # Without a key of any kind there is nothing to check the signature with.
    run = run_audit("verify", "--checkpoint", str(path))
    assert run.code == 1
    assert "No key to check the checkpoint with" in run.err


def test_a_bad_public_key_is_refused_clearly(db: None, tmp_path: Path) -> None:
    path = checkpoint_file(tmp_path)
    run = run_audit("verify", "--checkpoint", str(path), "--public-key", "samenspel+00000000+AQ")
    assert run.code == 1
    assert "No key to check the checkpoint with" in run.err
