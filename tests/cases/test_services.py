"""Persons, cases, stage and phase, team, plan and closing (cases.services); each audits itself."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.utils import timezone

from samenspel.accounts.models import OrganisationType, Role, User
from samenspel.audit.events import Event, Purpose
from samenspel.audit.models import AuditEvent
from samenspel.cases import selectors, services
from samenspel.cases.models import (
    Case,
    CaseStatus,
    CaseTransition,
    Consent,
    Dimension,
    Intervention,
    InterventionStatus,
    Person,
)
from samenspel.frameworks import services as framework_services
from samenspel.lib.errors import StaleEdit
from samenspel.sharing.policy import Denied
from samenspel.testing import Cast, make_case, make_user, publish_framework

VALID_BSN = "111222333"
OTHER_BSN = "123456782"


def audited(
    event: Event,
    *,
    actor: User,
    obj: Model,
    purpose: str = Purpose.CASE_WORK,
    count: int = 1,
) -> Any:
    """Return the latest audit row of `event` about `obj`, after checking actor and purpose."""
    rows = AuditEvent.objects.filter(
        event=event, object_type=obj._meta.label_lower, object_id=str(getattr(obj, "uuid", obj.pk))
    ).order_by("seq")
    assert rows.count() == count, list(rows.values("event", "object_id"))
    row = rows.last()
    assert row is not None
    assert row.actor_id == actor.pk
    assert row.purpose == purpose
    return row


def _fresh(case: Case) -> Case:
    return Case.objects.select_related("framework_version", "municipality").get(pk=case.pk)


def _add(case: Case, cast: Cast, measure: str, domain: str, **kwargs: Any) -> Intervention:
    kwargs.setdefault("owner", cast.municipality_a)
    return services.add_intervention(
        case, measure=measure, domain=domain, by=cast.case_manager, **kwargs
    )


def _to_execution(case: Case, cast: Cast) -> Case:
    _add(case, cast, "I-01", "prevention")
    return services.change_stage(
        _fresh(case),
        to="ST-4",
        reason="Plan vastgesteld.",
        expected_version=case.version,
        by=cast.case_manager,
    )


# --- Persons ----------------------------------------------------------------------------------


def test_the_triage_team_registers_a_person(cast: Cast) -> None:
    person = services.create_person(
        municipality=cast.municipality_a,
        family_name=" Amrani ",
        given_names="Mohamed",
        birth_date=dt.date(2005, 3, 14),
        bsn="1112.22.333",
        by=cast.adviser,
    )
    assert (person.family_name, person.bsn, person.municipality) == (
        "Amrani",
        VALID_BSN,
        cast.municipality_a,
    )
    assert person.name_key
    row = audited(Event.PERSON_CREATED, actor=cast.adviser, obj=person)
    assert row.object_organisation_id == cast.municipality_a.pk
    assert "Amrani" not in str(row.details)


def test_a_bsn_is_unique_within_a_municipality_only(cast: Cast) -> None:
    services.create_person(
        municipality=cast.municipality_a, family_name="Amrani", bsn=VALID_BSN, by=cast.case_manager
    )
    with pytest.raises(ValidationError) as exc:
        services.create_person(
            municipality=cast.municipality_a, family_name="Jansen", bsn=VALID_BSN, by=cast.adviser
        )
    assert "al een persoon met dit BSN" in exc.value.message_dict["bsn"][0]
    other = services.create_person(
        municipality=cast.municipality_b, family_name="Amrani", bsn=VALID_BSN, by=cast.outsider
    )
    assert Person.objects.filter(bsn=VALID_BSN).count() == 2
    audited(Event.PERSON_CREATED, actor=cast.outsider, obj=other)


def test_only_the_triage_team_of_the_municipality_registers_persons(cast: Cast) -> None:
    for user in (cast.outsider, cast.police_officer, cast.mayor):
        with pytest.raises(Denied):
            services.create_person(municipality=cast.municipality_a, family_name="X", by=user)
    assert not Person.objects.exists()
    assert not AuditEvent.objects.filter(event=Event.PERSON_CREATED).exists()


def test_person_data_is_checked(cast: Cast) -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_person(
            municipality=cast.municipality_a,
            family_name="",
            birth_date=timezone.localdate() + dt.timedelta(days=2),
            bsn="123456789",
            by=cast.case_manager,
        )
    assert set(exc.value.message_dict) == {"family_name", "birth_date", "bsn"}


def test_candidates_match_spelling_variants_with_the_same_birth_date(cast: Cast) -> None:
    known = services.create_person(
        municipality=cast.municipality_a,
        family_name="Amrani",
        given_names="Mohamed",
        birth_date=dt.date(2005, 3, 14),
        by=cast.case_manager,
    )
    services.create_person(
        municipality=cast.municipality_a,
        family_name="Visser",
        given_names="Anna",
        birth_date=dt.date(1980, 1, 1),
        by=cast.case_manager,
    )
    found = selectors.find_candidates(
        cast.adviser,
        cast.municipality_a,
        family_name="Amrani",
        given_names="Mohammed",
        birth_date=dt.date(2005, 3, 14),
    )
    assert [c.person for c in found] == [known]
    row = audited(
        Event.PERSON_CANDIDATES_SEARCHED,
        actor=cast.adviser,
        obj=cast.municipality_a,
        purpose=Purpose.SIGNAL_INTAKE,
    )
    assert row.details == {"found": 1}


@pytest.mark.parametrize(
    ("stored", "sought"),
    [(("Maxamed", "Cabdi"), ("Mohamed", "Abdi")), (("Hassan", "Ali"), ("Xasan", "Cali"))],
)
def test_candidates_match_somali_spelling_either_way(
    cast: Cast, stored: tuple[str, str], sought: tuple[str, str]
) -> None:
    # No birth date: the name alone must get through the prefilter on name keys.
    known = services.create_person(
        municipality=cast.municipality_a,
        given_names=stored[0],
        family_name=stored[1],
        by=cast.case_manager,
    )
    found = selectors.find_candidates(
        cast.adviser, cast.municipality_a, given_names=sought[0], family_name=sought[1]
    )
    assert [c.person for c in found] == [known]
    assert found[0].reasons[0] == "naam lijkt sterk"


def test_a_candidate_with_the_same_bsn_is_found_whatever_the_name(cast: Cast) -> None:
    known = services.create_person(
        municipality=cast.municipality_a, family_name="Jansen", bsn=VALID_BSN, by=cast.case_manager
    )
    found = selectors.find_candidates(
        cast.case_manager, cast.municipality_a, family_name="Pietersen", bsn="111 222 333"
    )
    assert [(c.person, c.score) for c in found] == [(known, 1.0)]
    audited(
        Event.PERSON_CANDIDATES_SEARCHED,
        actor=cast.case_manager,
        obj=cast.municipality_a,
        purpose=Purpose.SIGNAL_INTAKE,
    )


def test_candidates_never_come_from_another_municipality(cast: Cast) -> None:
    services.create_person(
        municipality=cast.municipality_b,
        family_name="Amrani",
        given_names="Mohamed",
        birth_date=dt.date(2005, 3, 14),
        bsn=VALID_BSN,
        by=cast.outsider,
    )
    query = {
        "family_name": "Amrani",
        "given_names": "Mohamed",
        "birth_date": dt.date(2005, 3, 14),
        "bsn": VALID_BSN,
    }
    assert selectors.find_candidates(cast.case_manager, cast.municipality_a, **query) == []
    # Nor may anybody search a municipality whose triage team they are not on.
    assert selectors.find_candidates(cast.case_manager, cast.municipality_b, **query) == []
    assert len(selectors.find_candidates(cast.outsider, cast.municipality_b, **query)) == 1


# --- Stage, phase and tracks -------------------------------------------------------------------


def test_a_balanced_plan_moves_the_case_from_plan_to_execution(cast: Cast) -> None:
    case = make_case(cast)
    _add(case, cast, "I-01", "prevention")
    _add(case, cast, "I-19", "repression", owner=cast.police)
    case = services.change_stage(
        _fresh(case),
        to="ST-4",
        reason="IPA vastgesteld.",
        expected_version=case.version,
        by=cast.case_manager,
    )
    assert case.stage == "ST-4"
    assert case.transitions.filter(dimension=Dimension.STAGE).last().to_value == "ST-4"  # type: ignore[union-attr]
    row = audited(Event.CASE_STAGE_CHANGED, actor=cast.case_manager, obj=case)
    assert row.details == {"from": "ST-3", "to": "ST-4"}


def test_a_stage_outside_the_framework_transitions_is_refused(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.change_stage(
            _fresh(case),
            to="ST-6",
            reason="Klaar.",
            expected_version=case.version,
            by=cast.case_manager,
        )
    assert exc.value.message_dict["to"] == ["Het kader staat vanuit ST-3 alleen over naar: ST-4."]
    assert _fresh(case).stage == "ST-3"
    assert not AuditEvent.objects.filter(event=Event.CASE_STAGE_CHANGED).exists()


def test_an_empty_plan_cannot_be_carried_out(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.change_stage(
            _fresh(case),
            to="ST-4",
            reason="Plan.",
            expected_version=case.version,
            by=cast.case_manager,
        )
    assert exc.value.message_dict["to"] == ["Het plan heeft nog geen interventies."]


def test_a_repression_only_plan_waits_for_a_justification(cast: Cast) -> None:
    case = make_case(cast)
    _add(case, cast, "I-19", "repression", owner=cast.police)
    with pytest.raises(ValidationError) as exc:
        services.change_stage(
            _fresh(case),
            to="ST-4",
            reason="Plan.",
            expected_version=case.version,
            by=cast.case_manager,
        )
    assert "alleen uit repressie" in exc.value.message_dict["to"][0]
    case = services.justify_balance(
        _fresh(case),
        text="De persoon weigert elke hulp; zorg is aangeboden.",
        expected_version=case.version,
        by=cast.case_manager,
    )
    row = audited(Event.PLAN_BALANCE_JUSTIFIED, actor=cast.case_manager, obj=case)
    assert row.details == {"cleared": False}
    case = services.change_stage(
        case, to="ST-4", reason="Plan.", expected_version=case.version, by=cast.case_manager
    )
    assert case.stage == "ST-4"
    audited(Event.CASE_STAGE_CHANGED, actor=cast.case_manager, obj=case)


def test_a_stopped_care_intervention_does_not_balance_the_plan(cast: Cast) -> None:
    case = make_case(cast)
    care = _add(case, cast, "I-11", "care")
    _add(case, cast, "I-19", "repression", owner=cast.police)
    services.change_intervention(
        care,
        expected_version=care.version,
        status=InterventionStatus.STOPPED,
        outcome="Niet nodig gebleken.",
        by=cast.case_manager,
    )
    with pytest.raises(ValidationError):
        services.change_stage(
            _fresh(case),
            to="ST-4",
            reason="Plan.",
            expected_version=case.version,
            by=cast.case_manager,
        )


def test_the_phase_moves_only_along_the_framework(cast: Cast) -> None:
    case = make_case(cast)
    case = services.change_phase(
        _fresh(case),
        to="PH-2",
        reason="Escalatie.",
        expected_version=case.version,
        by=cast.case_manager,
    )
    assert case.phase == "PH-2"
    row = audited(Event.CASE_PHASE_CHANGED, actor=cast.case_manager, obj=case)
    assert row.details == {"from": "PH-1", "to": "PH-2"}
    other = make_case(cast, family_name="Visser")
    with pytest.raises(ValidationError) as exc:
        services.change_phase(
            _fresh(other),
            to="PH-4",
            reason="Uitgereisd.",
            expected_version=other.version,
            by=cast.case_manager,
        )
    assert exc.value.message_dict["to"] == ["Het kader staat vanuit PH-1 alleen over naar: PH-2."]
    assert _fresh(other).phase == "PH-1"


def test_a_transition_needs_a_reason(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.change_phase(
            _fresh(case),
            to="PH-2",
            reason=" ",
            expected_version=case.version,
            by=cast.case_manager,
        )
    assert exc.value.message_dict == {"reason": ["Geef een reden op."]}


def test_tracks_come_from_the_framework(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.set_tracks(
            _fresh(case),
            tracks=["TR-PGA", "TR-NEP"],
            reason="Ook straf.",
            expected_version=case.version,
            by=cast.case_manager,
        )
    assert exc.value.message_dict["tracks"] == ["Onbekend spoor: TR-NEP."]
    case = services.set_tracks(
        _fresh(case),
        tracks=["TR-PGA", "TR-STRAF", "TR-PGA"],
        reason="Ook straf.",
        expected_version=case.version,
        by=cast.case_manager,
    )
    assert case.tracks == ["TR-PGA", "TR-STRAF"]
    row = audited(Event.CASE_TRACKS_CHANGED, actor=cast.case_manager, obj=case)
    assert row.details == {"tracks": ["TR-PGA", "TR-STRAF"]}
    assert case.transitions.filter(dimension=Dimension.TRACKS).get().to_value == "TR-PGA,TR-STRAF"


def test_team_members_from_partners_cannot_change_the_stage(cast: Cast) -> None:
    case = make_case(cast, team=(cast.police_officer,))
    with pytest.raises(PermissionDenied):  # the police officer sees the case: 403, not 404
        services.change_phase(
            _fresh(case),
            to="PH-2",
            reason="Escalatie.",
            expected_version=case.version,
            by=cast.police_officer,
        )
    with pytest.raises(Denied):
        services.change_phase(
            _fresh(case),
            to="PH-2",
            reason="Escalatie.",
            expected_version=case.version,
            by=cast.outsider,
        )


def test_two_editors_with_the_same_version_the_second_gets_stale_edit(cast: Cast) -> None:
    colleague = make_user(cast.municipality_a, Role.CASE_DIRECTOR, full_name="Cas Collega")
    case = make_case(cast)
    first, second = _fresh(case), _fresh(case)
    services.change_phase(
        first,
        to="PH-2",
        reason="Escalatie.",
        expected_version=first.version,
        by=cast.case_manager,
    )
    with pytest.raises(StaleEdit) as exc:
        services.set_tracks(
            second,
            tracks=["TR-STRAF"],
            reason="Strafzaak.",
            expected_version=second.version,
            by=colleague,
        )
    assert exc.value.current_version == first.version
    fresh = _fresh(case)
    assert (fresh.phase, fresh.tracks) == ("PH-2", ["TR-PGA"])
    assert not CaseTransition.objects.filter(case=case, dimension=Dimension.TRACKS).exists()
    assert not AuditEvent.objects.filter(event=Event.CASE_TRACKS_CHANGED).exists()


# --- Plan -------------------------------------------------------------------------------------


def test_an_intervention_is_added_from_the_catalogue(cast: Cast) -> None:
    case = make_case(cast)
    item = _add(
        case,
        cast,
        "I-19",
        "repression",
        owner=cast.police,
        goal="Meldplicht bij de politie.",
        start_date=dt.date(2026, 1, 1),
        end_date=dt.date(2026, 6, 30),
    )
    assert (item.name, item.domain, item.owner, item.voluntary, item.consent) == (
        "Meldplicht (Twbmt)",
        "repression",
        cast.police,
        False,
        Consent.NOT_NEEDED,
    )
    assert item.legal_basis
    row = audited(Event.INTERVENTION_ADDED, actor=cast.case_manager, obj=case)
    assert row.details == {
        "intervention": str(item.uuid),
        "measure": "I-19",
        "domain": "repression",
    }


def test_a_double_submit_adds_one_intervention(cast: Cast) -> None:
    case = make_case(cast)
    first = _add(case, cast, "I-01", "prevention", submission_key="k1")
    second = _add(case, cast, "I-01", "prevention", submission_key="k1")
    assert first.pk == second.pk
    audited(Event.INTERVENTION_ADDED, actor=cast.case_manager, obj=case)


def test_a_measure_must_exist_and_fit_its_domain(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        _add(case, cast, "I-99", "care")
    assert exc.value.message_dict["measure"] == ["Kies een interventie uit het kader."]
    with pytest.raises(ValidationError) as exc:
        _add(case, cast, "I-01", "care")
    assert exc.value.message_dict["domain"] == ["Deze interventie is preventie."]
    with pytest.raises(ValidationError) as exc:
        _add(case, cast, "I-05", "prevention")
    assert exc.value.message_dict["domain"] == ["Deze interventie is zorg of repressie."]
    assert not Intervention.objects.exists()
    assert not AuditEvent.objects.filter(event=Event.INTERVENTION_ADDED).exists()


def test_a_voluntary_measure_records_consent(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        _add(case, cast, "I-08", "care", consent=Consent.NOT_NEEDED)
    assert "vrijwillig" in exc.value.message_dict["consent"][0]
    with pytest.raises(ValidationError) as exc:
        _add(case, cast, "I-19", "repression", consent=Consent.GIVEN)
    assert "niet vrijwillig" in exc.value.message_dict["consent"][0]
    item = _add(case, cast, "I-08", "care", owner=cast.care)
    assert (item.voluntary, item.consent) == (True, Consent.NOT_ASKED)


def test_an_intervention_period_ends_after_it_starts(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        _add(
            case,
            cast,
            "I-01",
            "prevention",
            start_date=dt.date(2026, 5, 1),
            end_date=dt.date(2026, 4, 1),
            review_date=dt.date(2026, 4, 15),
        )
    assert set(exc.value.message_dict) == {"end_date", "review_date"}


def test_the_aivd_never_owns_an_intervention_and_outsiders_add_nothing(cast: Cast) -> None:
    from samenspel.accounts.models import OrganisationType
    from samenspel.testing import make_organisation

    case = make_case(cast)
    aivd = make_organisation("Dienst", type=OrganisationType.AIVD)
    with pytest.raises(ValidationError) as exc:
        _add(case, cast, "I-01", "prevention", owner=aivd)
    assert "owner" in exc.value.message_dict
    with pytest.raises(Denied):
        services.add_intervention(
            case,
            measure="I-01",
            domain="prevention",
            owner=cast.municipality_a,
            by=cast.outsider,
        )
    with pytest.raises(PermissionDenied):  # the mayor reads the plan but does not edit it
        services.add_intervention(
            case, measure="I-01", domain="prevention", owner=cast.municipality_a, by=cast.mayor
        )


def test_an_intervention_changes_with_its_version(cast: Cast) -> None:
    case = make_case(cast, team=(cast.care_worker,))
    item = _add(case, cast, "I-08", "care", owner=cast.care)
    old_version = item.version
    item = services.change_intervention(
        item,
        expected_version=old_version,
        consent=Consent.GIVEN,
        consent_by="De persoon zelf",
        consent_on=dt.date(2026, 11, 2),
        consent_scope="Delen van de voortgang met het casusoverleg.",
        by=cast.care_worker,
    )
    item = services.change_intervention(
        item, expected_version=item.version, status=InterventionStatus.RUNNING, by=cast.care_worker
    )
    assert (item.consent, item.status, item.version) == (
        Consent.GIVEN,
        InterventionStatus.RUNNING,
        old_version + 2,
    )
    row = audited(Event.INTERVENTION_CHANGED, actor=cast.care_worker, obj=case, count=2)
    assert row.details == {"intervention": str(item.uuid), "fields": ["status"]}
    with pytest.raises(StaleEdit):
        services.change_intervention(
            Intervention.objects.get(pk=item.pk),
            expected_version=old_version,
            goal="Ander doel.",
            by=cast.case_manager,
        )
    assert Intervention.objects.get(pk=item.pk).goal == ""


def test_a_voluntary_intervention_runs_only_with_consent(cast: Cast) -> None:
    case = make_case(cast)
    item = _add(case, cast, "I-09", "care", owner=cast.care)
    with pytest.raises(ValidationError) as exc:
        services.change_intervention(
            item,
            expected_version=item.version,
            status=InterventionStatus.RUNNING,
            by=cast.case_manager,
        )
    assert exc.value.message_dict["status"] == [
        "Een vrijwillige interventie loopt alleen met toestemming."
    ]
    assert not AuditEvent.objects.filter(event=Event.INTERVENTION_CHANGED).exists()


def test_an_intervention_is_done_only_with_its_outcome(cast: Cast) -> None:
    case = make_case(cast)
    item = _add(case, cast, "I-01", "prevention")
    with pytest.raises(ValidationError) as exc:
        services.change_intervention(
            item,
            expected_version=item.version,
            status=InterventionStatus.DONE,
            by=cast.case_manager,
        )
    assert exc.value.message_dict["outcome"] == [
        "Beschrijf de uitkomst voordat u de interventie afsluit."
    ]
    item = services.change_intervention(
        item,
        expected_version=item.version,
        status=InterventionStatus.DONE,
        outcome="Training gevolgd.",
        by=cast.case_manager,
    )
    assert item.status == InterventionStatus.DONE
    row = audited(Event.INTERVENTION_CHANGED, actor=cast.case_manager, obj=case)
    assert row.details["fields"] == ["outcome", "status"]


# --- Team ---------------------------------------------------------------------------------


def test_a_member_sees_the_case_and_loses_it_at_once_when_removed(cast: Cast) -> None:
    case = make_case(cast)
    assert case not in selectors.cases_visible_to(cast.police_officer)
    member = services.add_member(
        case, user=cast.police_officer, task="Wijkagent", by=cast.case_manager
    )
    assert member.organisation == cast.police
    assert case in selectors.cases_visible_to(cast.police_officer)
    row = audited(Event.CASE_MEMBER_ADDED, actor=cast.case_manager, obj=case)
    assert row.details == {
        "user": str(cast.police_officer.uuid),
        "organisation": str(cast.police.uuid),
    }
    again = services.add_member(case, user=cast.police_officer, by=cast.case_manager)
    assert again.pk == member.pk
    services.remove_member(case, user=cast.police_officer, by=cast.case_manager)
    assert case not in selectors.cases_visible_to(cast.police_officer)
    with pytest.raises(Denied):
        selectors.get_case_for(cast.police_officer, case.uuid)
    row = audited(Event.CASE_MEMBER_REMOVED, actor=cast.case_manager, obj=case)
    assert row.details == {"user": str(cast.police_officer.uuid)}
    audited(Event.CASE_MEMBER_ADDED, actor=cast.case_manager, obj=case)


def test_the_case_director_stays_on_the_team(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.remove_member(case, user=cast.case_manager, by=cast.case_manager)
    assert "casusregisseur blijft" in exc.value.message_dict["user"][0]


def test_only_case_directors_manage_the_team(cast: Cast) -> None:
    case = make_case(cast, team=(cast.police_officer,))
    for user in (cast.police_officer, cast.adviser, cast.mayor, cast.outsider):
        with pytest.raises(_refusal(user, case)):
            services.add_member(case, user=cast.care_worker, by=user)
    assert case not in selectors.cases_visible_to(cast.care_worker)


def test_a_user_of_another_municipality_never_joins_the_team(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.add_member(case, user=cast.outsider, by=cast.case_manager)
    assert exc.value.message_dict["user"] == ["Deze gebruiker kan niet in een casusteam."]
    assert case not in selectors.cases_visible_to(cast.admin_b)
    assert not AuditEvent.objects.filter(event=Event.CASE_MEMBER_ADDED).exists()


def test_candidates_for_the_team_are_never_of_another_municipality(cast: Cast) -> None:
    case = make_case(cast)
    candidates = selectors.candidate_members(cast.case_manager, case)
    assert cast.police_officer in candidates
    assert cast.adviser in candidates
    assert cast.outsider not in candidates
    assert cast.case_manager not in candidates


def test_candidates_for_the_team_are_case_work_of_the_municipality_and_its_region(
    cast: Cast,
) -> None:
    from samenspel.testing import make_organisation

    elsewhere = make_organisation("Politie Oost", type=OrganisationType.POLICE, region="Oost")
    far_officer = make_user(elsewhere, Role.PARTNER_LIAISON, full_name="Ver Weg")
    case = make_case(cast)
    candidates = selectors.candidate_members(cast.case_manager, case)
    assert {cast.police_officer, cast.prosecutor, cast.care_worker, cast.adviser} <= set(candidates)
    never = [
        cast.privacy_officer,  # the FG supervises; she is never on a team
        cast.admin_a,  # administering accounts is no case work
        cast.mayor,  # sees every case of the municipality without joining
        cast.nctv_adviser,  # national capacity joins by a recorded request only
        cast.national_admin,
        far_officer,  # a police unit of another region
        cast.outsider,
    ]
    for user in never:
        assert user not in candidates
        with pytest.raises(ValidationError):
            services.add_member(case, user=user, by=cast.case_manager)
    assert not AuditEvent.objects.filter(event=Event.CASE_MEMBER_ADDED).exists()
    # Only who manages the team learns who may join it.
    assert selectors.candidate_members(cast.adviser, case) == []


# --- Closing and reopening -------------------------------------------------------------------


def test_a_case_closes_only_from_a_stage_that_allows_it(cast: Cast) -> None:
    case = make_case(cast)
    with pytest.raises(ValidationError) as exc:
        services.close_case(
            _fresh(case), reason="Klaar.", expected_version=case.version, by=cast.case_manager
        )
    assert exc.value.message_dict["reason"] == [
        "Het kader staat vanuit ST-3 alleen over naar: ST-4."
    ]
    assert _fresh(case).status == CaseStatus.OPEN
    assert not AuditEvent.objects.filter(event=Event.CASE_CLOSED).exists()


def test_closing_with_aftercare_needs_a_date_in_the_future(cast: Cast) -> None:
    case = _to_execution(make_case(cast), cast)
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.close_case(
            case,
            reason="Risico verminderd.",
            aftercare_until=today,
            expected_version=case.version,
            by=cast.case_manager,
        )
    assert "aftercare_until" in exc.value.message_dict
    until = today + dt.timedelta(days=180)
    case = services.close_case(
        case,
        reason="Risico verminderd.",
        aftercare_until=until,
        expected_version=case.version,
        by=cast.case_manager,
    )
    assert (case.status, case.stage, case.aftercare_until) == (CaseStatus.AFTERCARE, "ST-6", until)
    assert case.closed_at is not None
    row = audited(Event.CASE_CLOSED, actor=cast.case_manager, obj=case)
    assert row.details == {"status": "aftercare", "aftercare_until": until.isoformat()}
    assert list(case.transitions.order_by("-id").values_list("dimension", "to_value")[:2]) == [
        (Dimension.STATUS, "aftercare"),
        (Dimension.STAGE, "ST-6"),
    ]


def test_a_closed_case_changes_no_more_until_reopened(cast: Cast) -> None:
    case = _to_execution(make_case(cast), cast)
    case = services.close_case(
        case,
        reason="Verhuisd naar het buitenland.",
        expected_version=case.version,
        by=cast.case_manager,
    )
    assert (case.status, case.aftercare_until) == (CaseStatus.CLOSED, None)
    with pytest.raises(ValidationError):
        _add(case, cast, "I-01", "prevention")
    with pytest.raises(ValidationError):
        services.change_phase(
            case, to="PH-2", reason="x", expected_version=case.version, by=cast.case_manager
        )
    case = services.reopen_case(
        case, reason="Nieuwe signalen.", expected_version=case.version, by=cast.case_manager
    )
    assert (case.status, case.stage, case.closed_at) == (CaseStatus.OPEN, "ST-3", None)
    audited(Event.CASE_REOPENED, actor=cast.case_manager, obj=case)
    with pytest.raises(ValidationError):
        services.reopen_case(
            case, reason="Nog eens.", expected_version=case.version, by=cast.case_manager
        )


def test_only_case_directors_close_a_case(cast: Cast) -> None:
    case = _to_execution(make_case(cast, team=(cast.police_officer,)), cast)
    for user in (cast.adviser, cast.police_officer, cast.outsider):
        with pytest.raises(_refusal(user, case)):
            services.close_case(case, reason="Klaar.", expected_version=case.version, by=user)


# --- Frameworks in use ---------------------------------------------------------------------


def test_a_framework_version_used_by_cases_cannot_be_withdrawn_or_deleted(cast: Cast) -> None:
    version = publish_framework(cast.national_admin)
    make_case(cast)
    make_case(cast, family_name="Visser")
    with pytest.raises(ValidationError) as exc:
        framework_services.withdraw_version(version, by=cast.national_admin)
    assert exc.value.messages == ["Dit kan niet: 2 casussen gebruiken deze versie."]
    row = AuditEvent.objects.get(event=Event.FRAMEWORK_REFUSED)
    assert row.details["used_by"] == 2
    assert row.actor_id == cast.national_admin.pk
    assert row.purpose == Purpose.FRAMEWORK_MANAGEMENT


def test_the_refusal_names_one_case_in_the_singular(cast: Cast) -> None:
    from samenspel.frameworks.models import FrameworkVersion, VersionStatus

    version = publish_framework(cast.national_admin)
    make_case(cast)
    # A withdrawn version that a case still uses (from before the rule) cannot be deleted.
    FrameworkVersion.objects.filter(pk=version.pk).update(status=VersionStatus.WITHDRAWN)
    with pytest.raises(ValidationError) as exc:
        framework_services.delete_version(
            FrameworkVersion.objects.get(pk=version.pk), by=cast.national_admin
        )
    assert exc.value.messages == ["Dit kan niet: 1 casus gebruikt deze versie."]


def test_a_common_name_part_cannot_push_the_known_person_past_the_cap(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "CANDIDATE_PREFILTER_MAX", 3)
    for family in ("Bakker", "Visser", "Smit", "Mulder", "Bos"):  # created first: lowest ids
        services.create_person(  # all share the common name part Mohamed
            municipality=cast.municipality_a,
            family_name=family,
            given_names="Mohamed",
            birth_date=dt.date(1990, 1, 1),
            by=cast.case_manager,
        )
    known = services.create_person(
        municipality=cast.municipality_a,
        family_name="El Amrani",
        given_names="Mohamed",
        birth_date=dt.date(2005, 3, 14),
        by=cast.case_manager,
    )
    found = selectors.find_candidates(
        cast.case_manager,
        cast.municipality_a,
        family_name="El Amrani",
        given_names="Mohammed",
        birth_date=dt.date(2005, 3, 14),
    )
    assert [c.person for c in found] == [known]


def _refusal(user: User, case: Case) -> type[Exception]:
    """A refused verb is a 404 for who may not see the case, a 403 for who may."""
    return PermissionDenied if selectors.cases_visible_to(user).filter(pk=case.pk) else Denied
