"""Every module of Samenspel is in a layer of the import contract (pyproject.toml).

`lint-imports` checks the direction of the imports between the layers it names; a module in no
layer would escape that check, so a new module outside the layers fails here.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
# Package modules that belong to no one layer, with the reason.
OUTSIDE_THE_LAYERS = {
    "samenspel": "the version string only",
    "samenspel.audit": "the facade audit.record(): every layer above audit calls it",
}


def _layer_entries() -> set[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    entries: set[str] = set()
    for contract in config["tool"]["importlinter"]["contracts"]:
        for layer in contract.get("layers", []):
            for part in layer.replace("|", ":").split(":"):
                entries.add(part.strip().strip("()"))
    return entries


def _is_empty(path: Path) -> bool:
    """Tell whether a module holds nothing but a docstring (a plain package marker)."""
    body = ast.parse(path.read_text()).body
    return all(isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) for node in body)


def _modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted((SRC / "samenspel").rglob("*.py")):
        if "migrations" in path.parts:
            continue  # schema history: it imports only what it migrates
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
            if _is_empty(path):
                continue
        found.append((".".join(parts), path))
    return found


def test_every_module_is_in_a_layer_of_the_import_contract() -> None:
    entries = _layer_entries()
    assert "samenspel.sharing" in entries  # the contract is read as meant
    outside = [
        name
        for name, _path in _modules()
        if name not in OUTSIDE_THE_LAYERS
        and not any(name == entry or name.startswith(entry + ".") for entry in entries)
    ]
    assert outside == [], f"add these modules to a layer in pyproject.toml: {outside}"
