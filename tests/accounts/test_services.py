"""Each service changes one thing, checks the policy and writes its audit row in one transaction."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from samenspel.accounts import services
from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.sharing.policy import Denied
from samenspel.testing import Cast


def _last(event: Event) -> AuditEvent:
    return AuditEvent.objects.filter(event=event).latest("seq")


def test_create_user_audits_with_roles(cast: Cast) -> None:
    user = services.create_user(
        organisation=cast.municipality_a,
        username="j.jansen",
        full_name="Jan Jansen",
        roles=["security_adviser"],
        password="lang genoeg wachtwoord",
        by=cast.admin_a,
    )
    row = _last(Event.USER_CREATED)
    assert (row.actor, row.object_id, row.object_organisation) == (
        cast.admin_a,
        str(user.uuid),
        cast.municipality_a,
    )
    assert row.actor_organisation == cast.municipality_a
    assert row.actor_roles == ["functional_admin"]


def test_a_failing_audit_write_rolls_the_change_back(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("samenspel.audit.services.record", broken)
    with pytest.raises(RuntimeError):
        services.create_user(
            organisation=cast.municipality_a,
            username="zonder.log",
            full_name="Zonder Log",
            password="lang genoeg wachtwoord",
            by=cast.admin_a,
        )
    assert not User.objects.filter(username="zonder.log").exists()


def test_no_users_in_the_aivd(cast: Cast) -> None:
    aivd = Organisation.objects.create(name="AIVD", type=OrganisationType.AIVD)
    with pytest.raises(ValidationError) as exc:
        services.create_user(
            organisation=aivd,
            username="geheim",
            full_name="Geheim",
            password="lang genoeg wachtwoord",
            by=cast.national_admin,
            roles=["functional_admin"],
        )
    assert "organisation" in exc.value.error_dict


def test_change_user_audits_fields_and_roles_separately(cast: Cast) -> None:
    services.change_user(
        cast.adviser,
        full_name="Adam Advies-Nieuw",
        email="adam@example.nl",
        roles=["security_adviser", "case_director"],
        by=cast.admin_a,
    )
    assert _last(Event.USER_CHANGED).details == {"fields": ["full_name", "email"]}
    assert _last(Event.ROLES_CHANGED).details == {"added": ["case_director"], "removed": []}
    cast.adviser.refresh_from_db()
    assert cast.adviser.role_set == {"security_adviser", "case_director"}


def test_unchanged_user_writes_no_audit_row(cast: Cast) -> None:
    before = AuditEvent.objects.count()
    services.change_user(
        cast.adviser,
        full_name=cast.adviser.full_name,
        email="",
        roles=["security_adviser"],
        by=cast.admin_a,
    )
    assert AuditEvent.objects.count() == before


def test_admin_of_another_organisation_is_refused_as_not_found(cast: Cast) -> None:
    with pytest.raises(Denied):
        services.disable_user(cast.case_manager, by=cast.admin_b)
    with pytest.raises(Denied):
        services.set_password_by_admin(cast.case_manager, password="x" * 20, by=cast.admin_b)
    cast.case_manager.refresh_from_db()
    assert cast.case_manager.is_active


def test_national_admin_keeps_other_roles_when_appointing_a_functional_admin(cast: Cast) -> None:
    services.change_user(
        cast.outsider,
        full_name=cast.outsider.full_name,
        email="",
        roles=["case_director", "functional_admin"],
        by=cast.admin_b,
    )
    services.change_user(
        cast.outsider,
        full_name=cast.outsider.full_name,
        email="",
        roles=["case_director"],
        by=cast.national_admin,
    )
    with pytest.raises(ValidationError):
        services.change_user(
            cast.admin_b,
            full_name=cast.admin_b.full_name,
            email="",
            roles=["functional_admin", "case_director"],
            by=cast.national_admin,
        )


def test_only_national_admin_makes_national_admins(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.change_user(
            cast.adviser,
            full_name="Adam",
            email="",
            roles=[Role.NATIONAL_ADMIN.value],
            by=cast.admin_a,
        )


def test_create_organisation_needs_a_national_admin(cast: Cast) -> None:
    with pytest.raises(Denied):
        services.create_organisation(name="X", type="municipality", by=cast.admin_a)
    org = services.create_organisation(
        name="Gemeente Z", type="municipality", is_priority=True, by=cast.national_admin
    )
    assert _last(Event.ORGANISATION_CREATED).object_id == str(org.uuid)


def test_change_own_password_checks_the_old_one(cast: Cast) -> None:
    with pytest.raises(ValidationError):
        services.change_own_password(
            cast.mayor, old_password="fout", new_password="nieuw lang wachtwoord"
        )
    services.change_own_password(
        cast.mayor,
        old_password="correct horse battery staple",
        new_password="nieuw lang wachtwoord",
    )
    assert _last(Event.PASSWORD_CHANGED).actor == cast.mayor
    cast.mayor.refresh_from_db()
    assert cast.mayor.check_password("nieuw lang wachtwoord")


def test_disabling_rotates_the_security_stamp(cast: Cast) -> None:
    old = cast.case_manager.get_session_auth_hash()
    services.disable_user(cast.case_manager, by=cast.admin_a)
    cast.case_manager.refresh_from_db()
    assert cast.case_manager.get_session_auth_hash() != old
    assert _last(Event.USER_DISABLED).object_id == str(cast.case_manager.uuid)
    services.enable_user(cast.case_manager, by=cast.admin_a)
    assert _last(Event.USER_ENABLED).actor == cast.admin_a
