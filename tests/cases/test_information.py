"""Information on a case by source compartment: who records and reads what, and consent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from samenspel.accounts.models import OrganisationType, Role
from samenspel.audit.events import Event, Outcome
from samenspel.audit.models import AuditEvent
from samenspel.cases import selectors, services
from samenspel.cases.models import (
    CareBasis,
    Case,
    Compartment,
    Consent,
    InformationItem,
    Intervention,
    InterventionStatus,
    ItemKind,
)
from samenspel.measures.models import Designation
from samenspel.sharing.policy import Action, visible
from samenspel.testing import Cast, make_case, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(cast: Cast) -> Case:
    return make_case(cast, team=(cast.police_officer, cast.prosecutor, cast.care_worker))


def record(case: Case, by, compartment: str, **kwargs) -> InformationItem:  # type: ignore[no-untyped-def]
    values = {
        "kind": ItemKind.NOTE,
        "title": f"{compartment} notitie",
        "text": "Tekst van de notitie.",
        "source": "Kenmerk 2026-1, 1 december 2026",
    }
    values.update(kwargs)
    return services.record_information(case, compartment=compartment, by=by, **values)


def titles(user, case: Case) -> set[str]:  # type: ignore[no-untyped-def]
    return {i.title for i in selectors.information_of(user, case, record_read=False)}


def care_line(case: Case, cast: Cast) -> Intervention:
    return services.add_intervention(
        case, measure="I-08", domain="care", owner=cast.care, by=cast.case_manager
    )


def give_consent(line: Intervention, by, shared_with) -> Intervention:  # type: ignore[no-untyped-def]
    return services.change_intervention(
        line,
        expected_version=line.version,
        consent=Consent.GIVEN,
        consent_by="De persoon zelf",
        consent_on=dt.date(2026, 12, 1),
        consent_scope="Delen van de voortgang van de behandeling met het casusoverleg.",
        consent_shared_with=list(shared_with),
        by=by,
    )


def test_each_compartment_reaches_the_readers_the_flows_name(case: Case, cast: Cast) -> None:
    # Police information: the police, and the municipality by F-05 and F-06.
    record(case, cast.police_officer, Compartment.POLICE, title="politie")
    # OM information: the OM, and the mayor by F-08 (not the case director).
    record(case, cast.prosecutor, Compartment.OM, title="om")
    # Municipal information: the municipality (the police has no flow for it).
    record(case, cast.case_manager, Compartment.MUNICIPAL, title="gemeente")
    # AIVD: the summary, recorded by the mayor, read by the mayor alone.
    record(case, cast.mayor, Compartment.AIVD, kind=ItemKind.SUMMARY, title="aivd")

    assert titles(cast.police_officer, case) == {"politie"}
    assert titles(cast.prosecutor, case) == {"om"}
    assert titles(cast.case_manager, case) == {"politie", "gemeente"}
    assert titles(cast.mayor, case) == {"politie", "om", "gemeente", "aivd"}
    assert titles(cast.care_worker, case) == set()
    # Outside the case nobody reads anything, whatever the compartment.
    assert titles(cast.outsider, case) == set()
    assert visible(cast.outsider, InformationItem.objects.all()).count() == 0


def test_a_designated_official_reads_the_aivd_summary_and_nobody_else_does(
    case: Case, cast: Cast
) -> None:
    aivd = record(case, cast.mayor, Compartment.AIVD, kind=ItemKind.SUMMARY, title="aivd")
    for user in (cast.case_manager, cast.adviser, cast.police_officer, cast.prosecutor):
        with pytest.raises(Http404):
            selectors.get_information_for(user, case, aivd.uuid)
    Designation.objects.create(
        municipality=cast.municipality_a, user=cast.adviser, designated_by=cast.mayor
    )
    assert selectors.get_information_for(cast.adviser, case, aivd.uuid) == aivd
    # Another municipality's mayor never reads it.
    other_mayor = make_user(cast.municipality_b, Role.MAYOR, username="mayor.b")
    assert titles(other_mayor, case) == set()


def test_nobody_records_in_a_compartment_they_could_not_read(case: Case, cast: Cast) -> None:
    for user, compartment in (
        (cast.police_officer, Compartment.OM),
        (cast.police_officer, Compartment.AIVD),
        (cast.case_manager, Compartment.AIVD),
        (cast.case_manager, Compartment.OM),
        (cast.care_worker, Compartment.POLICE),
    ):
        with pytest.raises(ValidationError) as caught:
            record(case, user, compartment, kind=ItemKind.SUMMARY)
        assert "u mag die zelf niet lezen" in caught.value.message_dict["compartment"][0]
    refused = AuditEvent.objects.filter(event=Event.INFORMATION_REFUSED)
    assert refused.count() == 5
    assert {r.outcome for r in refused} == {Outcome.DENIED}
    assert InformationItem.objects.count() == 0


def test_an_aivd_item_is_a_summary_with_its_reference_and_never_a_file(
    case: Case, cast: Cast
) -> None:
    with pytest.raises(ValidationError) as caught:
        record(
            case,
            cast.mayor,
            Compartment.AIVD,
            kind=ItemKind.DOCUMENT,
            source="",
            file=services.ItemFile("ambtsbericht.pdf", b"%PDF-1.7 onderliggend"),
        )
    errors = caught.value.message_dict
    assert "alleen de samenvatting" in errors["kind"][0]
    assert "nooit onderliggend materiaal" in errors["file"][0]
    assert "kenmerk" in errors["source"][0]
    assert InformationItem.objects.count() == 0


def test_care_information_needs_its_ground_and_consent_reaches_only_whom_it_names(
    case: Case, cast: Cast
) -> None:
    line = care_line(case, cast)
    with pytest.raises(ValidationError) as caught:
        record(case, cast.care_worker, Compartment.CARE)
    assert "beroepsgeheim" in caught.value.message_dict["care_basis"][0]
    with pytest.raises(ValidationError) as caught:
        record(case, cast.care_worker, Compartment.CARE, care_basis=CareBasis.CONSENT)
    assert "vrijwillige interventie" in caught.value.message_dict["consent_of"][0]
    with pytest.raises(ValidationError) as caught:
        record(
            case,
            cast.care_worker,
            Compartment.CARE,
            care_basis=CareBasis.CONSENT,
            consent_of=line.uuid,
        )
    assert "geen toestemming" in caught.value.message_dict["consent_of"][0]

    line = give_consent(line, cast.care_worker, [cast.municipality_a])
    record(
        case,
        cast.care_worker,
        Compartment.CARE,
        title="voortgang",
        care_basis=CareBasis.CONSENT,
        consent_of=line.uuid,
    )
    assert titles(cast.care_worker, case) == {"voortgang"}
    assert titles(cast.case_manager, case) == {"voortgang"}
    # The police is not named in the consent and has no flow for care information.
    assert titles(cast.police_officer, case) == set()

    # Withdrawn consent: the item no longer reaches the municipality; the author keeps it.
    services.change_intervention(
        line, expected_version=line.version, consent=Consent.WITHDRAWN, by=cast.care_worker
    )
    assert titles(cast.case_manager, case) == set()
    assert titles(cast.care_worker, case) == {"voortgang"}


def test_conflict_of_duties_needs_a_reason_and_reaches_the_flow_receivers(
    case: Case, cast: Cast
) -> None:
    with pytest.raises(ValidationError) as caught:
        record(case, cast.care_worker, Compartment.CARE, care_basis=CareBasis.CONFLICT_OF_DUTIES)
    assert "zonder toestemming" in caught.value.message_dict["basis_reason"][0]
    zvh = make_organisation("Zorg- en Veiligheidshuis", type=OrganisationType.ZVH)
    director = make_user(zvh, Role.PARTNER_LIAISON, username="zvh")
    services.add_member(case, user=director, by=cast.case_manager)
    record(
        case,
        cast.care_worker,
        Compartment.CARE,
        title="acuut",
        care_basis=CareBasis.CONFLICT_OF_DUTIES,
        basis_reason="Acuut gevaar voor anderen; de zwijgplicht wijkt (conflict van plichten).",
    )
    # F-10 opens care information to the ZVH; the municipality and the police are no receivers.
    assert titles(director, case) == {"acuut"}
    assert titles(cast.case_manager, case) == set()
    assert titles(cast.police_officer, case) == set()


def test_the_police_on_the_team_knows_a_care_line_exists_but_not_what_it_is(
    case: Case, cast: Cast
) -> None:
    line = care_line(case, cast)
    services.add_intervention(
        case, measure="I-01", domain="prevention", owner=cast.municipality_a, by=cast.case_manager
    )
    plan = {i.measure for i in selectors.plan_of(cast.police_officer, case)}
    assert plan == {"I-01"}
    assert selectors.hidden_plan_count(cast.police_officer, case) == 1
    named = visible(cast.police_officer, Intervention.objects.filter(case=case), Action.NAME)
    assert sorted(named.values_list("domain", flat=True)) == ["care", "prevention"]
    # The owner, the municipality that planned it, and (with consent) whom it names read it.
    for user in (cast.care_worker, cast.case_manager):
        assert line.measure in {i.measure for i in selectors.plan_of(user, case)}
    # The police cannot change a care line it does not read.
    assert not visible(cast.police_officer, Intervention.objects.filter(pk=line.pk), Action.EDIT)
    with pytest.raises(Http404):
        services.change_intervention(
            line, expected_version=line.version, goal="Anders", by=cast.police_officer
        )
    line = give_consent(line, cast.care_worker, [cast.police])
    assert selectors.hidden_plan_count(cast.police_officer, case) == 0


def test_withdrawn_consent_stops_a_running_intervention_and_says_why(
    case: Case, cast: Cast
) -> None:
    line = give_consent(care_line(case, cast), cast.care_worker, [cast.municipality_a])
    line = services.change_intervention(
        line, expected_version=line.version, status=InterventionStatus.RUNNING, by=cast.care_worker
    )
    line = services.change_intervention(
        line, expected_version=line.version, consent=Consent.WITHDRAWN, by=cast.care_worker
    )
    assert line.status == InterventionStatus.STOPPED
    assert "toestemming ingetrokken" in line.outcome
    assert AuditEvent.objects.filter(event=Event.CONSENT_WITHDRAWN).count() == 1


def test_given_consent_records_by_whom_when_and_for_what(case: Case, cast: Cast) -> None:
    line = care_line(case, cast)
    with pytest.raises(ValidationError) as caught:
        services.change_intervention(
            line,
            expected_version=line.version,
            consent=Consent.GIVEN,
            consent_on=dt.date.today() + dt.timedelta(days=3),
            by=cast.care_worker,
        )
    errors = caught.value.message_dict
    assert set(errors) == {"consent_by", "consent_on", "consent_scope"}
    assert "toekomst" in errors["consent_on"][0]
    line.refresh_from_db()
    assert line.consent == Consent.NOT_ASKED


def test_reads_and_downloads_are_audited_and_a_double_submit_records_once(
    case: Case, cast: Cast
) -> None:
    first = record(
        case,
        cast.police_officer,
        Compartment.POLICE,
        text="",
        file=services.ItemFile("proces-verbaal.pdf", b"%PDF-1.7 inhoud"),
        submission_key="k-1",
    )
    again = record(case, cast.police_officer, Compartment.POLICE, submission_key="k-1")
    assert again.pk == first.pk
    # Another user's key never hands back that user's item.
    with pytest.raises(ValidationError) as caught:
        record(case, cast.mayor, Compartment.MUNICIPAL, submission_key="k-1")
    assert "al gebruikt" in caught.value.messages[0]
    assert InformationItem.objects.count() == 1
    assert AuditEvent.objects.filter(event=Event.INFORMATION_RECORDED).count() == 1
    selectors.information_of(cast.case_manager, case)
    assert AuditEvent.objects.filter(event=Event.INFORMATION_LISTED).count() == 1
    got = selectors.information_file_for(cast.case_manager, case, first.uuid)
    assert bytes(got.file_content) == b"%PDF-1.7 inhoud"
    assert got.file_type == "application/pdf"
    assert AuditEvent.objects.filter(event=Event.INFORMATION_FILE_DOWNLOADED).count() == 1
    with pytest.raises(Http404):
        selectors.information_file_for(cast.care_worker, case, first.uuid)


def test_a_file_of_a_kind_that_is_not_allowed_is_refused(case: Case, cast: Cast) -> None:
    with pytest.raises(ValidationError) as caught:
        record(
            case,
            cast.police_officer,
            Compartment.POLICE,
            file=services.ItemFile("programma.exe", b"MZ\x90\x00\xff\xfe"),
        )
    assert "soort bestand" in caught.value.message_dict["file"][0]
    assert InformationItem.objects.count() == 0
