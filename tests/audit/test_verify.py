"""`samenspel audit verify` finds every kind of tampering, some of it only against a checkpoint."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from samenspel.audit import chain
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.audit.selectors import verify_chain
from samenspel.audit.services import fields_of

from .conftest import (
    append,
    checkpoint_file,
    owner_rights,
    recompute_from,
    rows,
    run_audit,
    sql,
)

OK_LINE = re.compile(
    r"^OK origin=samenspel size=(?P<size>\d+) head=(?P<head>[0-9a-f]{64}) checked=(?P<checked>\d+)"
    r"(?: checkpoint=(?P<cp_size>\d+)@(?P<cp_time>\S+) consistency=ok)?$"
)
FAIL_LINE = re.compile(
    r"^FAIL seq=(?P<seq>\d+) reason=(?P<reason>\w+) expected=\S+ got=\S+ checked=\d+$"
)

COLUMNS = [field.column for field in AuditEvent._meta.concrete_fields if field.name != "id"]


def ok(run: Any) -> re.Match[str]:
    assert run.code == 0, run.out + run.err
    match = OK_LINE.match(run.out.splitlines()[0])
    assert match, run.out
    return match


def failed(run: Any, *, seq: int, reason: str) -> str:
    assert run.code == 1, run.out + run.err
    first = run.out.splitlines()[0]
    match = FAIL_LINE.match(first)
    assert match, run.out
    assert (int(match["seq"]), match["reason"]) == (seq, reason), run.out
    return run.out


# A clean chain


def test_clean_chain_verifies_with_exit_code_0(chain_of_records: list[AuditEvent]) -> None:
    n = len(chain_of_records)
    match = ok(run_audit("verify"))
    assert (int(match["size"]), int(match["checked"])) == (n, n)
    assert match["head"] == chain_of_records[-1].hash
    assert "Without --checkpoint" in run_audit("verify").err


def test_empty_chain_verifies(db: None) -> None:
    match = ok(run_audit("verify"))
    assert (match["size"], match["head"]) == ("0", "0" * 64)


def test_verification_is_recorded_after_the_result(chain_of_records: list[AuditEvent]) -> None:
    n = len(chain_of_records)
    match = ok(run_audit("verify"))
    assert int(match["size"]) == n  # the record of the verification is not counted in it
    last = rows()[-1]
    assert (last.seq, last.event, last.actor_id, last.purpose) == (
        n + 1,
        Event.AUDIT_VERIFIED,
        None,
        "system",
    )
    assert last.details == {"size": n, "head": match["head"], "checkpoint_size": None}
    assert verify_chain().ok


def test_clean_chain_agrees_with_its_checkpoint(
    chain_of_records: list[AuditEvent], tmp_path: Path
) -> None:
    path = checkpoint_file(tmp_path)
    size = len(chain_of_records)
    append(3)  # records after the checkpoint are fine
    match = ok(run_audit("verify", "--checkpoint", str(path)))
    assert int(match["cp_size"]) == size
    assert int(match["size"]) == size + 1 + 3  # plus the checkpoint's own record
    assert rows()[-1].details["checkpoint_size"] == size


def test_a_failed_verification_is_not_recorded(chain_of_records: list[AuditEvent]) -> None:
    with owner_rights():
        sql("DELETE FROM audit_auditevent WHERE seq = 5")
    count = AuditEvent.objects.count()
    assert run_audit("verify").code == 1
    assert AuditEvent.objects.count() == count


# Tampering with one record


@pytest.mark.parametrize("column", COLUMNS)
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_flipping_a_byte_in_any_column_is_found(
    chain_of_records: list[AuditEvent], column: str, data: st.DataObject
) -> None:
    # Most records have no roles; an empty list has few bytes whose flip is still valid JSON.
    seqs = [r.seq for r in chain_of_records if column != "actor_roles" or r.actor_roles]
    seq = data.draw(st.sampled_from(seqs), label="seq")
    position = data.draw(st.integers(min_value=0, max_value=200), label="position")
    bit = data.draw(st.integers(min_value=0, max_value=30), label="bit")
    with owner_rights(), transaction.atomic():
        new = flip(column, seq, position, bit)
        if new is not None:
            result = verify_chain()
            assert not result.ok
            # A record renumbered to 0 sorts first, so the chain breaks at its very start.
            first_bad = 1 if column == "seq" and new == 0 else seq
            assert result.broken_seq == first_bad, result
            event(f"found: {result.reason}")
        else:
            event("refused by the schema")
        transaction.set_rollback(True)


def flip(column: str, seq: int, position: int, bit: int) -> Any:
    """Flip one bit of a stored value; return the new value, or None if the schema refuses it."""
    text_time = column == "occurred_at" and connection.vendor == "sqlite"
    text_json = column in ("actor_roles", "details") and connection.vendor == "postgresql"
    if text_time:
        read = f"CAST({column} AS TEXT)"
    elif text_json:
        read = f"{column}::text"
    else:
        read = column
    with connection.cursor() as cursor:
        # Column names come from the model, not from input.
        cursor.execute(f"SELECT {read} FROM audit_auditevent WHERE seq = %s", [seq])  # noqa: S608
        (value,) = cursor.fetchone()
    new: Any
    if isinstance(value, dt.datetime):  # a typed timestamp (PostgreSQL): a bit of its microseconds
        new = value + dt.timedelta(microseconds=1 << (bit % 36))
    elif isinstance(value, int) or value is None:
        new = (value or 0) ^ (1 << bit)
    elif value == "":
        new = "0"  # nothing to flip: add a byte instead
    else:
        i = position % len(value)
        flipped = ord(value[i]) ^ (1 << (bit % 7))
        if flipped == 0:  # PostgreSQL text cannot hold NUL
            flipped = ord(value[i]) ^ (1 << ((bit + 1) % 7))
        new = value[:i] + chr(flipped) + value[i + 1 :]
    placeholder = "%s::jsonb" if text_json else "%s"
    try:
        with transaction.atomic():
            update = f"UPDATE audit_auditevent SET {column} = {placeholder} WHERE seq = %s"  # noqa: S608
            sql(update, [new, seq])
    except DatabaseError:  # invalid JSON, a duplicate seq: the schema itself refuses it
        return None
    return new


def test_editing_a_record_is_found(chain_of_records: list[AuditEvent]) -> None:
    with owner_rights():
        sql("UPDATE audit_auditevent SET object_id = %s WHERE seq = 14", ["someone-else"])
    out = failed(run_audit("verify"), seq=14, reason="hash_mismatch")
    assert "was changed" in out


def test_deleting_a_middle_record_is_found(chain_of_records: list[AuditEvent]) -> None:
    with owner_rights():
        sql("DELETE FROM audit_auditevent WHERE seq = 7")
    out = failed(run_audit("verify"), seq=7, reason="gap")
    assert "Record 7 is missing" in out


def test_inserting_a_forged_record_is_found(chain_of_records: list[AuditEvent]) -> None:
    """The forger renumbers the later records and hashes the forgery correctly; the next breaks."""
    k = 8
    before = chain_of_records[k - 2]
    with owner_rights():
        sql("UPDATE audit_auditevent SET seq = seq + 1000000 WHERE seq >= %s", [k])
        sql("UPDATE audit_auditevent SET seq = seq - 1000000 + 1 WHERE seq >= 1000000")
        forged = AuditEvent(
            seq=k,
            occurred_at=before.occurred_at + dt.timedelta(milliseconds=1),
            event=Event.USER_VIEWED,
            outcome="success",
            actor_id=chain_of_records[0].actor_id,
            object_type="accounts.user",
            object_id="someone",
            purpose="administration",
            details={},
            prev_hash=before.hash,
        )
        forged.hash = chain.link_hash(before.hash, fields_of(forged))
        forged.save(force_insert=True)
    failed(run_audit("verify"), seq=k + 1, reason="prev_hash_mismatch")


def test_appending_a_record_with_a_made_up_hash_is_found(
    chain_of_records: list[AuditEvent],
) -> None:
    n = len(chain_of_records)
    last = chain_of_records[-1]
    AuditEvent.objects.create(
        seq=n + 1,
        occurred_at=last.occurred_at,
        event=Event.LOGIN_SUCCEEDED,
        outcome="success",
        purpose="authentication",
        prev_hash=last.hash,
        hash="f" * 64,
    )
    failed(run_audit("verify"), seq=n + 1, reason="hash_mismatch")


def test_reordering_two_records_is_found(chain_of_records: list[AuditEvent]) -> None:
    with owner_rights():
        sql("UPDATE audit_auditevent SET seq = -1 WHERE seq = 4")
        sql("UPDATE audit_auditevent SET seq = 4 WHERE seq = 11")
        sql("UPDATE audit_auditevent SET seq = 11 WHERE seq = -1")
    failed(run_audit("verify"), seq=4, reason="prev_hash_mismatch")


def test_swapping_the_contents_of_two_neighbours_is_found(
    chain_of_records: list[AuditEvent],
) -> None:
    a, b = chain_of_records[12], chain_of_records[13]
    with owner_rights():
        for target, source in ((a, b), (b, a)):
            sql(
                "UPDATE audit_auditevent SET event = %s, object_id = %s, purpose = %s "
                "WHERE seq = %s",
                [source.event, source.object_id, source.purpose, target.seq],
            )
    failed(run_audit("verify"), seq=a.seq, reason="hash_mismatch")


# What only a checkpoint shows


def test_truncating_the_tail_is_found_only_against_a_checkpoint(
    chain_of_records: list[AuditEvent], tmp_path: Path
) -> None:
    path = checkpoint_file(tmp_path)
    n = len(chain_of_records) + 1  # the checkpoint's own record comes after it
    with owner_rights():
        sql("DELETE FROM audit_auditevent WHERE seq > %s", [n - 1 - 3])
    out = failed(
        run_audit("verify", "--checkpoint", str(path)), seq=n - 1 - 3 + 1, reason="truncated"
    )
    assert "Only the checkpoint shows this" in out
    assert f"covers {n - 1} records but only {n - 1 - 3} remain" in out
    # Without the checkpoint the shorter chain is consistent in itself.
    match = ok(run_audit("verify"))
    assert int(match["size"]) == n - 1 - 3


def test_truncating_and_appending_again_is_found_against_a_checkpoint(
    chain_of_records: list[AuditEvent], tmp_path: Path
) -> None:
    path = checkpoint_file(tmp_path)
    size = len(chain_of_records)
    with owner_rights():
        sql("DELETE FROM audit_auditevent WHERE seq > %s", [size - 2])
    append(5)  # new, honest records take the removed ones' place
    assert verify_chain().ok
    failed(run_audit("verify", "--checkpoint", str(path)), seq=size, reason="checkpoint_mismatch")


def test_recomputing_the_whole_chain_after_an_edit_is_found_only_against_a_checkpoint(
    chain_of_records: list[AuditEvent], tmp_path: Path
) -> None:
    path = checkpoint_file(tmp_path)
    size = len(chain_of_records)
    append(2)
    with owner_rights():
        sql("UPDATE audit_auditevent SET object_id = %s WHERE seq = 3", ["someone-else"])
        recompute_from(3)
    out = failed(
        run_audit("verify", "--checkpoint", str(path)), seq=size, reason="checkpoint_mismatch"
    )
    assert "recomputed after the checkpoint" in out
    assert "Only the checkpoint shows this" in out
    ok(run_audit("verify"))  # the chain alone cannot show it


def test_an_edit_after_the_checkpoint_is_found_by_the_chain(
    chain_of_records: list[AuditEvent], tmp_path: Path
) -> None:
    path = checkpoint_file(tmp_path)
    append(3)
    n = AuditEvent.objects.count()
    with owner_rights():
        sql("UPDATE audit_auditevent SET details = %s WHERE seq = %s", ['{"page": "p9"}', n])
    failed(run_audit("verify", "--checkpoint", str(path)), seq=n, reason="hash_mismatch")


# Unusable checkpoints


def test_a_checkpoint_with_a_changed_size_fails_its_signature(
    chain_of_records: list[AuditEvent], tmp_path: Path
) -> None:
    path = checkpoint_file(tmp_path)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = str(int(lines[1]) - 2)
    path.write_text("\n".join(lines), encoding="utf-8")
    run = run_audit("verify", "--checkpoint", str(path))
    assert run.code == 1
    assert run.out.startswith(f"FAIL checkpoint={path} reason=bad_signature\n")
    assert "does not match the checkpoint" in run.out


def test_a_checkpoint_with_a_changed_signature_fails(
    chain_of_records: list[AuditEvent], tmp_path: Path
) -> None:
    path = checkpoint_file(tmp_path)
    text = path.read_text(encoding="utf-8")
    signature = text.rstrip("\n").rsplit(" ", 1)[1]
    i = 20  # a character of the signature itself, after the key id
    changed = signature[:i] + ("A" if signature[i] != "A" else "B") + signature[i + 1 :]
    path.write_text(text.replace(signature, changed), encoding="utf-8")
    run = run_audit("verify", "--checkpoint", str(path))
    assert run.code == 1
    assert "reason=bad_signature" in run.out


def test_a_checkpoint_signed_with_another_key_fails(
    chain_of_records: list[AuditEvent], tmp_path: Path, settings: Any
) -> None:
    settings.AUDIT_SIGNING_KEY = "A" * 43 + "="
    path = checkpoint_file(tmp_path)
    settings.AUDIT_SIGNING_KEY = "B" * 43 + "="
    run = run_audit("verify", "--checkpoint", str(path))
    assert run.code == 1
    assert "reason=bad_signature" in run.out
    assert "not signed by this log's key" in run.out


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"hello\n",
        "samenspel\n3\nabc\n2026-01-01T00:00:00Z\n\n\u2014 samenspel AAAA\n".encode(),
        b"\x00\xff",
    ],
)
def test_a_malformed_checkpoint_is_refused_clearly(
    db: None, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "checkpoint.txt"
    path.write_bytes(content)
    run = run_audit("verify", "--checkpoint", str(path))
    assert run.code == 1
    assert "is not a valid checkpoint" in run.err or "is not a checkpoint" in run.err


def test_a_missing_checkpoint_file_is_refused_clearly(db: None, tmp_path: Path) -> None:
    run = run_audit("verify", "--checkpoint", str(tmp_path / "nope.txt"))
    assert run.code == 1
    assert "Cannot read" in run.err


def test_a_broken_chain_is_not_signed(chain_of_records: list[AuditEvent], tmp_path: Path) -> None:
    with owner_rights():
        sql("UPDATE audit_auditevent SET outcome = %s WHERE seq = 2", ["denied"])
    run = run_audit("checkpoint", "--output", str(tmp_path / "cp.txt"))
    assert run.code == 1
    assert "FAIL seq=2 reason=hash_mismatch" in run.out
    assert not (tmp_path / "cp.txt").exists()


def test_a_tampered_value_cannot_forge_the_report(chain_of_records: list[AuditEvent]) -> None:
    forged = "x\nOK origin=samenspel size=15 \x1b[2J"
    with owner_rights():
        sql("UPDATE audit_auditevent SET prev_hash = %s WHERE seq = 3", [forged])
    run = run_audit("verify")
    out = failed(run, seq=3, reason="prev_hash_mismatch")
    assert len(out.splitlines()) == 2
    assert "\x1b" not in out
    assert "\nOK" not in out
