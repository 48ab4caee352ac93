"""Pure functions over a validated framework document: row keys, labels and differences."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from samenspel.frameworks.schema import SECTIONS, UNCERTAIN_TAG


def row_key(section: str, row: dict[str, Any]) -> str:
    """Return the stable key of a row within its section."""
    if section == "transitions":
        return f"{row['from']}>{row['to']}"
    if section == "raci":
        return f"{row['stage']}/{row['actor']}"
    return str(row["id"])


def row_label(section: str, row: dict[str, Any]) -> str:
    """Return a short human name for a row."""
    for name in ("name", "title", "situation", "data_set", "content"):
        if isinstance(row.get(name), str):
            return str(row[name])[:300]
    if section == "transitions":
        return f"{row['from']} → {row['to']}"
    if section == "raci":
        return f"{row['stage']} · {row['actor']}: {row['value']}"
    return row_key(section, row)


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from _texts(v)


def search_text(row: dict[str, Any]) -> str:
    """Return all text of a row, lower-cased, for search."""
    return " ".join(_texts(row)).lower()


def is_uncertain(row: dict[str, Any]) -> bool:
    return UNCERTAIN_TAG in (row.get("src") or [])


@dataclass(frozen=True)
class FlatRow:
    section: str
    key: str
    label: str
    position: int
    uncertain: bool
    data: dict[str, Any]


def flatten(document: dict[str, Any]) -> list[FlatRow]:
    """Return every row of every section, in file order."""
    rows = []
    for section in SECTIONS:
        for position, row in enumerate(document.get(section.name) or []):
            rows.append(
                FlatRow(
                    section=section.name,
                    key=row_key(section.name, row),
                    label=row_label(section.name, row),
                    position=position,
                    uncertain=is_uncertain(row),
                    data=row,
                )
            )
    return rows


def digest(document: dict[str, Any]) -> str:
    """Return the SHA-256 of the document's canonical JSON."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class RowChange:
    """One row that was added, removed or changed between two versions."""

    section: str
    key: str
    label: str
    kind: str  # "added", "removed" or "changed"
    fields: tuple[FieldChange, ...] = ()


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[RowChange]:
    """Compare two documents row by row, field by field."""
    changes: list[RowChange] = []
    old_fw, new_fw = old.get("framework") or {}, new.get("framework") or {}
    fw_fields = _field_changes(old_fw, new_fw)
    if fw_fields:
        changes.append(
            RowChange("framework", "framework", str(new_fw.get("title", "")), "changed", fw_fields)
        )
    for section in SECTIONS:
        before = {row_key(section.name, r): r for r in old.get(section.name) or []}
        after = {row_key(section.name, r): r for r in new.get(section.name) or []}
        for key, row in after.items():
            if key not in before:
                changes.append(RowChange(section.name, key, row_label(section.name, row), "added"))
            else:
                fields = _field_changes(before[key], row)
                if fields:
                    changes.append(
                        RowChange(
                            section.name, key, row_label(section.name, row), "changed", fields
                        )
                    )
        for key, row in before.items():
            if key not in after:
                changes.append(
                    RowChange(section.name, key, row_label(section.name, row), "removed")
                )
    return changes


def _field_changes(
    old: dict[str, Any], new: dict[str, Any], prefix: str = ""
) -> tuple[FieldChange, ...]:
    out: list[FieldChange] = []
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            out.extend(_field_changes(a, b, f"{prefix}{name}."))
        else:
            out.append(FieldChange(f"{prefix}{name}", a, b))
    return tuple(out)
