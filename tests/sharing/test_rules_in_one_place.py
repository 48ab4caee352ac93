"""The access policy is decided in one place: `samenspel.sharing` (and the roles in accounts)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

from samenspel.sharing.policy import allowed, rule_labels, verb_names

SRC = Path(__file__).resolve().parents[2] / "src" / "samenspel"
# Where a role may be looked at: the policy itself, and the accounts app that stores roles.
ROLE_CHECKS_ALLOWED = ("sharing", "accounts")
POLICY_CALLS = {"allowed", "require"}
# Second factors and role rows: read only by accounts itself, for the user they belong to.
ACCOUNT_INTERNALS = {
    "accounts.roleassignment",
    "accounts.recoverycodedevice",
    "accounts.recoverycode",
    "accounts.singlesignondevice",
}


def _modules() -> list[Path]:
    return [p for p in SRC.rglob("*.py") if "migrations" not in p.parts]


def _calls(path: Path) -> list[ast.Call]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def test_no_role_check_outside_sharing_and_accounts() -> None:
    found = [
        f"{path.relative_to(SRC)}:{call.lineno}"
        for path in _modules()
        if path.relative_to(SRC).parts[0] not in ROLE_CHECKS_ALLOWED
        for call in _calls(path)
        if _name(call) == "has_role"
    ]
    assert found == [], f"ask sharing.policy.allowed() instead of has_role(): {found}"


def test_every_verb_asked_for_has_a_rule() -> None:
    asked = {
        (call.args[1].value, f"{path.relative_to(SRC)}:{call.lineno}")
        for path in _modules()
        for call in _calls(path)
        if _name(call) in POLICY_CALLS
        and len(call.args) >= 2
        and isinstance(call.args[1], ast.Constant)
        and isinstance(call.args[1].value, str)
    }
    assert len(asked) > 20  # the scan finds the calls it is meant to check
    missing = sorted(where for verb, where in asked if verb not in verb_names())
    assert missing == []


def test_every_model_with_case_data_has_a_row_rule() -> None:
    for app in ("accounts", "cases", "intake", "frameworks"):
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label_lower
            if label in ACCOUNT_INTERNALS:
                continue  # read only through their user, by accounts itself
            assert label in rule_labels(), f"{label} has no sharing rule"


def test_an_unknown_verb_is_refused_loudly() -> None:
    try:
        allowed(None, "case.teleport")
    except LookupError as exc:
        assert "case.teleport" in str(exc)
    else:
        raise AssertionError("an unknown verb must not pass silently")
