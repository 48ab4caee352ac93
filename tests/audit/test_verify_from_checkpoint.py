"""`samenspel audit verify --from-checkpoint`: recompute only what came after a signed checkpoint.

Retention will archive and cut old records, so a full recomputation from record 1 will stop
being possible; a signed checkpoint then stands for everything before it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from samenspel.audit.models import AuditEvent

from .conftest import append, checkpoint_file, owner_rights, recompute_from, run_audit, sql

FROM_LINE = re.compile(
    r"^OK origin=samenspel size=(?P<size>\d+) head=(?P<head>[0-9a-f]{64}) "
    r"checked=(?P<checked>\d+) from=(?P<from>\d+)@\S+ checkpoint=(?P<path>\S+)$"
)
FAIL_LINE = re.compile(r"^FAIL seq=(?P<seq>\d+) reason=(?P<reason>\w+) expected=\S+ got=\S+")


def verified(*args: str) -> re.Match[str]:
    run = run_audit("verify", "--from-checkpoint", *args)
    assert run.code == 0, run.out + run.err
    match = FROM_LINE.match(run.out.splitlines()[0])
    assert match, run.out
    return match


def failed(*args: str, seq: int, reason: str) -> str:
    run = run_audit("verify", "--from-checkpoint", *args)
    assert run.code == 1, run.out + run.err
    match = FAIL_LINE.match(run.out.splitlines()[0])
    assert match, run.out
    assert (int(match["seq"]), match["reason"]) == (seq, reason), run.out
    return run.out


@pytest.fixture
def after_checkpoint(chain_of_records: list[AuditEvent], tmp_path: Path) -> tuple[Path, int]:
    """A checkpoint of the chain, then ten more records; returns its path and size."""
    path = checkpoint_file(tmp_path)
    size = int(path.read_text(encoding="utf-8").splitlines()[1])
    append(10)
    return path, size


def last_seq() -> int:
    return int(AuditEvent.objects.order_by("-seq").values_list("seq", flat=True)[0])


def test_only_the_records_after_the_checkpoint_are_recomputed(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, size = after_checkpoint
    total = last_seq()
    match = verified(str(path))
    assert int(match["from"]) == size
    assert int(match["size"]) == total
    assert int(match["checked"]) == total - size
    assert match["head"] == AuditEvent.objects.get(seq=total).hash


def test_without_a_file_the_newest_checkpoint_in_the_data_folder_is_used(
    chain_of_records: list[AuditEvent], settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = str(tmp_path)
    assert run_audit("checkpoint").code == 0
    append(3)
    assert run_audit("checkpoint").code == 0
    newest = last_seq() - 1  # the second checkpoint's own record comes after it
    append(2)
    match = verified()
    assert int(match["from"]) == newest
    assert Path(match["path"]).parent == tmp_path / "checkpoints"


def test_no_checkpoint_in_the_data_folder_is_a_clear_error(
    db: None, settings: Any, tmp_path: Path
) -> None:
    settings.DATA_DIR = str(tmp_path)
    run = run_audit("verify", "--from-checkpoint")
    assert run.code == 1
    assert "No checkpoint in" in run.err and "samenspel audit checkpoint" in run.err


def test_it_still_verifies_after_the_records_before_the_checkpoint_are_cut(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, size = after_checkpoint
    with owner_rights():
        sql("DELETE FROM audit_auditevent WHERE seq <= %s", [size])  # as retention will
    total = last_seq()
    match = verified(str(path))
    assert int(match["checked"]) == total - size


def test_a_flipped_byte_after_the_checkpoint_is_found(after_checkpoint: tuple[Path, int]) -> None:
    path, size = after_checkpoint
    with owner_rights():
        sql(
            "UPDATE audit_auditevent SET details = %s WHERE seq = %s",
            ['{"page": "p7"}', size + 3],
        )
    failed(str(path), seq=size + 3, reason="hash_mismatch")


def test_a_deleted_record_after_the_checkpoint_is_found(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, size = after_checkpoint
    with owner_rights():
        sql("DELETE FROM audit_auditevent WHERE seq = %s", [size + 4])
    failed(str(path), seq=size + 4, reason="gap")


def test_the_first_record_after_the_checkpoint_must_link_to_its_hash(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, size = after_checkpoint
    with owner_rights():
        sql("DELETE FROM audit_auditevent WHERE seq <= %s", [size])
        sql("UPDATE audit_auditevent SET prev_hash = %s WHERE seq = %s", ["e" * 64, size + 1])
    failed(str(path), seq=size + 1, reason="prev_hash_mismatch")


def test_swapped_records_after_the_checkpoint_are_found(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, size = after_checkpoint
    a, b = size + 2, size + 6
    with owner_rights():
        sql("UPDATE audit_auditevent SET seq = -1 WHERE seq = %s", [a])
        sql("UPDATE audit_auditevent SET seq = %s WHERE seq = %s", [a, b])
        sql("UPDATE audit_auditevent SET seq = %s WHERE seq = -1", [b])
    failed(str(path), seq=a, reason="prev_hash_mismatch")


def test_an_inserted_record_after_the_checkpoint_is_found(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, size = after_checkpoint
    k = size + 5
    with owner_rights():
        sql("UPDATE audit_auditevent SET seq = seq + 1000000 WHERE seq >= %s", [k])
        sql("UPDATE audit_auditevent SET seq = seq - 1000000 + 1 WHERE seq >= 1000000")
        sql(
            "INSERT INTO audit_auditevent (seq, occurred_at, event, outcome, actor_roles, "
            "object_type, object_id, purpose, request_id, client_address, details, prev_hash, "
            "hash) SELECT %s, occurred_at, event, outcome, actor_roles, object_type, object_id, "
            "purpose, request_id, client_address, details, prev_hash, hash "
            "FROM audit_auditevent WHERE seq = %s",
            [k, k - 1],
        )
    failed(str(path), seq=k, reason="prev_hash_mismatch")


def test_records_removed_down_to_the_checkpoint_are_found(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, size = after_checkpoint
    with owner_rights():
        sql("DELETE FROM audit_auditevent WHERE seq >= %s", [size])
    out = failed(str(path), seq=size, reason="truncated")
    assert "Only the checkpoint shows this" in out


def test_recomputing_the_chain_before_the_checkpoint_is_found(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, size = after_checkpoint
    with owner_rights():
        sql("UPDATE audit_auditevent SET object_id = %s WHERE seq = 3", ["someone-else"])
        recompute_from(3)
    out = failed(str(path), seq=size, reason="checkpoint_mismatch")
    assert "recomputed" in out
    assert run_audit("verify").code == 0  # the chain alone cannot show it


def test_a_checkpoint_with_a_changed_head_fails_its_signature(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, _ = after_checkpoint
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[2] = "0" * 64
    path.write_text("\n".join(lines), encoding="utf-8")
    run = run_audit("verify", "--from-checkpoint", str(path))
    assert run.code == 1
    assert "reason=bad_signature" in run.out


def test_from_checkpoint_and_checkpoint_exclude_each_other(
    after_checkpoint: tuple[Path, int],
) -> None:
    path, _ = after_checkpoint
    run = run_audit("verify", "--checkpoint", str(path), "--from-checkpoint", str(path))
    assert run.code != 0
    assert "not allowed with argument" in run.err
