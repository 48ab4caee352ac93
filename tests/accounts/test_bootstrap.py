from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samenspel.accounts.models import Organisation, Role, User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent


def test_bootstrap_creates_operator_and_first_admin(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SAMENSPEL_BOOTSTRAP_PASSWORD", "een lang eerste wachtwoord")
    call_command(
        "bootstrap",
        organisation="Gemeente Utrecht",
        type="municipality",
        username="beheer",
        full_name="Eerste Beheerder",
    )
    user = User.objects.get(username="beheer")
    assert user.role_set == {Role.NATIONAL_ADMIN, Role.FUNCTIONAL_ADMIN}
    assert Organisation.objects.get(is_operator=True) == user.organisation
    assert user.check_password("een lang eerste wachtwoord")
    assert AuditEvent.objects.filter(event=Event.USER_CREATED, object_id=str(user.uuid)).exists()
    with pytest.raises(CommandError, match="empty installation"):
        call_command(
            "bootstrap", organisation="X", type="nctv", username="tweede", full_name="Tweede"
        )


def test_bootstrap_refuses_a_weak_password(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SAMENSPEL_BOOTSTRAP_PASSWORD", "kort")
    with pytest.raises(CommandError):
        call_command(
            "bootstrap",
            organisation="Gemeente X",
            type="municipality",
            username="beheer",
            full_name="B",
        )
    assert not Organisation.objects.exists()
