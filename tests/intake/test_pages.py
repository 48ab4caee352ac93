"""The signal pages under /signalen/: report, own status, triage queue, weging and weegploeg."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from samenspel.accounts.models import Role
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases.models import Case, CaseStatus, Person
from samenspel.intake import services
from samenspel.intake.models import Signal, SignalStatus, TriageSeat
from samenspel.testing import (
    Cast,
    force_verified_login,
    make_signal,
    make_user,
    publish_framework,
)

STALE = "Iemand anders heeft dit signaal intussen gewogen of gewijzigd."
PDF = b"%PDF-1.4\n% een proefbestand\n"


def client_for(user: Any) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def form_data(cast: Cast, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "municipality": str(cast.municipality_a.uuid),
        "observed_on": "2026-01-05",
        "observation": "Deelt filmpjes die geweld verheerlijken in een groepsapp.",
        "concern": "Lijkt snel te radicaliseren.",
        "is_acute": "nee",
        "subject_family_name": "Amrani",
        "subject_given_names": "Mohamed",
        "subject_birth_date": "2005-03-14",
        "subject_bsn": "",
        "subject_address": "Dorpsstraat 1",
        "idempotency_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def submit_url() -> str:
    return reverse("intake:submit")


@pytest.fixture
def framework(cast: Cast) -> None:
    publish_framework(cast.national_admin)


# --- Signal melden ----------------------------------------------------------------------------


def test_police_officer_submits_a_signal_and_sees_its_status(cast: Cast, framework: None) -> None:
    client = client_for(cast.police_officer)
    response = client.get(submit_url())
    assert response.status_code == 200
    page = text(response)
    assert "bel 112" in page  # the acute routes of the framework
    assert 'name="idempotency_key"' in page
    assert "ten hoogste 5 bestanden" in page.lower()

    data = form_data(cast, attachments=[SimpleUploadedFile("verslag.pdf", PDF)])
    response = client.post(submit_url(), data)
    signal = Signal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:status", args=[signal.uuid])
    assert signal.reporter == cast.police_officer
    assert signal.attachments.count() == 1
    assert AuditEvent.objects.filter(
        event=Event.SIGNAL_SUBMITTED, actor=cast.police_officer, object_id=str(signal.uuid)
    ).exists()

    page = text(client.get(response["Location"]))
    assert "Uw signaal is verstuurd" in page
    assert signal.reference in page
    assert "ontvangen" in page


def test_a_double_submit_makes_one_signal(cast: Cast) -> None:
    client = client_for(cast.police_officer)
    data = form_data(cast)
    first = client.post(submit_url(), data)
    second = client.post(submit_url(), data)
    assert Signal.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_an_acute_signal_shows_the_acute_routes_after_submitting(
    cast: Cast, framework: None
) -> None:
    client = client_for(cast.police_officer)
    response = client.post(submit_url(), form_data(cast, is_acute="ja"), follow=True)
    assert Signal.objects.get().is_acute
    page = text(response)
    assert "Acuut: wat u nu moet doen" in page
    assert "112" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"subject_bsn": "123456789"}, "subject_bsn", "elfproef"),
        ({"subject_bsn": "12"}, "subject_bsn", "Een BSN heeft 9 cijfers."),
        ({"subject_birth_date": "2999-01-01"}, "subject_birth_date", "in de toekomst"),
        ({"observed_on": "2999-01-01"}, "observed_on", "Deze datum ligt in de toekomst."),
        ({"subject_family_name": ""}, "subject_family_name", "Vul de achternaam in."),
        ({"observation": ""}, "observation", "Beschrijf wat u zag of hoorde."),
        ({"concern": ""}, "concern", "Beschrijf uw zorg."),
        ({"municipality": ""}, "municipality", "Kies de gemeente waar de persoon woont."),
        ({"observed_on": ""}, "observed_on", "Vul in wanneer u het zag of hoorde."),
        (
            {"attachments": [SimpleUploadedFile("virus.exe", b"MZ\x90\x00\xff\xfe")]},
            "attachments",
            "soort bestand dat niet mag",
        ),
    ],
)
def test_a_wrong_field_gives_its_dutch_message_and_saves_nothing(
    cast: Cast, overrides: dict[str, Any], field: str, message: str
) -> None:
    client = client_for(cast.police_officer)
    response = client.post(submit_url(), form_data(cast, **overrides))
    assert response.status_code == 200
    page = text(response)
    assert f'id="id_{field}_error"' in page
    assert message in page
    assert "Er is nog niets opgeslagen" in page
    assert Signal.objects.count() == 0
    assert not AuditEvent.objects.filter(event=Event.SIGNAL_SUBMITTED).exists()


@override_settings(ATTACHMENT_MAX_BYTES=1024)
def test_a_too_big_attachment_keeps_the_text_and_saves_nothing(cast: Cast) -> None:
    client = client_for(cast.police_officer)
    big = SimpleUploadedFile("groot.pdf", PDF + b"x" * 2048)
    response = client.post(submit_url(), form_data(cast, attachments=[big]))
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_attachments_error"' in page
    assert "groot.pdf is te groot" in page
    assert "Kies de bijlagen opnieuw" in page
    assert "Deelt filmpjes die geweld verheerlijken" in page  # the typed text stays
    assert Signal.objects.count() == 0


@override_settings(
    ATTACHMENT_MAX_BYTES=1024, ATTACHMENT_MAX_COUNT=1, DATA_UPLOAD_MAX_MEMORY_SIZE=4096
)
def test_a_request_over_the_total_limit_is_refused_before_reading_it(cast: Cast) -> None:
    client = client_for(cast.police_officer)
    huge = SimpleUploadedFile("enorm.pdf", PDF + b"x" * 20_000)
    response = client.post(submit_url(), form_data(cast, attachments=[huge]))
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_attachments_error"' in page
    assert "De bijlagen zijn samen te groot" in page
    assert Signal.objects.count() == 0


def test_a_municipality_list_offers_active_municipalities_only(cast: Cast) -> None:
    page = text(client_for(cast.police_officer).get(submit_url()))
    assert f'value="{cast.municipality_a.uuid}"' in page
    assert f'value="{cast.municipality_b.uuid}"' in page
    assert f'value="{cast.police.uuid}"' not in page


# --- Mijn signalen ----------------------------------------------------------------------------


def test_reporter_sees_the_status_but_not_the_triage_page(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    client = client_for(cast.police_officer)
    listing = client.get(reverse("intake:my_signals"))
    assert listing.status_code == 200
    assert signal.reference in text(listing)
    status = client.get(reverse("intake:status", args=[signal.uuid]))
    assert status.status_code == 200
    assert client.get(reverse("intake:detail", args=[signal.uuid])).status_code == 404
    assert client.get(reverse("intake:queue")).status_code == 404


def test_reporter_never_sees_the_outcome_or_the_case(cast: Cast, framework: None) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    signal = services.triage(
        signal,
        services.TriageDecision(
            outcome="include",
            reason="Geheime afweging",
            criteria="Criteria 2026",
            create_person=True,
            case_director=cast.case_manager,
            phase="PH-1",
        ),
        expected_version=signal.version,
        by=cast.case_manager,
    )
    assert signal.case is not None
    client = client_for(cast.police_officer)
    for url in (reverse("intake:my_signals"), reverse("intake:status", args=[signal.uuid])):
        page = text(client.get(url))
        assert "afgehandeld" in page
        assert "Geheime afweging" not in page
        assert signal.case.reference not in page
        assert "opnemen" not in page


def test_another_reporter_gets_404_on_the_status(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    client = client_for(cast.care_worker)
    assert client.get(reverse("intake:status", args=[signal.uuid])).status_code == 404
    assert signal.reference not in text(client.get(reverse("intake:my_signals")))


# --- Outsiders ----------------------------------------------------------------------------------


def test_outsider_gets_404_on_signal_attachment_pick_up_and_triage(cast: Cast) -> None:
    signal = services.submit_signal(
        services.SignalInput(
            municipality=cast.municipality_a,
            observed_on=dt.date(2026, 1, 5),
            observation="Gezien.",
            concern="Zorg.",
            is_acute=False,
            family_name="Amrani",
        ),
        uploads=[services.Upload("verslag.pdf", PDF)],
        idempotency_key="outsider",
        by=cast.police_officer,
    )
    attachment = signal.attachments.get()
    client = client_for(cast.outsider)
    detail = reverse("intake:detail", args=[signal.uuid])
    assert client.get(detail).status_code == 404
    url = reverse("intake:attachment", args=[signal.uuid, attachment.uuid])
    assert client.get(url).status_code == 404
    assert client.post(reverse("intake:pick_up", args=[signal.uuid])).status_code == 404
    response = client.post(
        detail,
        {"version": signal.version, "outcome": "no_concern", "reason": "x", "criteria": "y"},
    )
    assert response.status_code == 404
    signal.refresh_from_db()
    assert signal.status == SignalStatus.RECEIVED
    assert AuditEvent.objects.filter(
        event=Event.ACCESS_DENIED, actor=cast.outsider, object_id=str(signal.uuid)
    ).exists()


# --- Weeglijst --------------------------------------------------------------------------------


def test_the_queue_lists_acute_first_and_marks_overdue(cast: Cast) -> None:
    late = make_signal(cast.police_officer, cast.municipality_a, family_name="Laat")
    Signal.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(days=1))
    normal = make_signal(cast.police_officer, cast.municipality_a, family_name="Gewoon")
    acute = make_signal(cast.police_officer, cast.municipality_a, is_acute=True)
    client = client_for(cast.case_manager)
    response = client.get(reverse("intake:queue"))
    assert response.status_code == 200
    page = text(response)
    assert page.index(acute.reference) < page.index(late.reference) < page.index(normal.reference)
    assert page.count("in-badge--overdue") == 1
    # Who it is about, and the concern in short, as the triage team may see them.
    assert "Mohamed Laat" in page
    assert "Lijkt snel te radicaliseren; trekt zich terug van school." in page
    read = AuditEvent.objects.filter(
        event=Event.SIGNAL_QUEUE_VIEWED, actor=cast.case_manager
    ).latest("seq")
    assert set(read.details["signals"]) == {str(late.uuid), str(normal.uuid), str(acute.uuid)}

    page = text(client.get(reverse("intake:queue") + "?show=te-laat"))
    assert late.reference in page and normal.reference not in page
    page = text(client.get(reverse("intake:queue") + "?show=acuut"))
    assert acute.reference in page and late.reference not in page


def test_a_police_user_with_a_seat_sees_the_queue_of_that_municipality_only(cast: Cast) -> None:
    colleague = make_user(cast.police, username="wachtmeester")
    services.add_triage_seat(cast.municipality_a, user=colleague, by=cast.admin_a)
    in_a = make_signal(cast.police_officer, cast.municipality_a)
    in_b = make_signal(cast.police_officer, cast.municipality_b)
    client = client_for(colleague)
    page = text(client.get(reverse("intake:queue")))
    assert in_a.reference in page
    assert in_b.reference not in page
    assert client.get(reverse("intake:detail", args=[in_a.uuid])).status_code == 200
    assert client.get(reverse("intake:detail", args=[in_b.uuid])).status_code == 404


# --- Signal detail and weging ---------------------------------------------------------------------


def test_triage_team_sees_the_signal_downloads_and_picks_it_up(cast: Cast, framework: None) -> None:
    signal = services.submit_signal(
        services.SignalInput(
            municipality=cast.municipality_a,
            observed_on=dt.date(2026, 1, 5),
            observation="Gezien.",
            concern="Zorg.",
            is_acute=True,
            family_name="Amrani",
        ),
        uploads=[services.Upload("verslag.pdf", PDF)],
        idempotency_key="detail",
        by=cast.police_officer,
    )
    attachment = signal.attachments.get()
    client = client_for(cast.adviser)
    response = client.get(reverse("intake:detail", args=[signal.uuid]))
    assert response.status_code == 200
    page = text(response)
    assert "Acuut: wat u nu moet doen" in page
    assert "Oppakken" in page and "verslag.pdf" in page
    assert AuditEvent.objects.filter(event=Event.SIGNAL_VIEWED, actor=cast.adviser).exists()

    download = client.get(reverse("intake:attachment", args=[signal.uuid, attachment.uuid]))
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(event=Event.ATTACHMENT_DOWNLOADED, actor=cast.adviser)

    response = client.post(reverse("intake:pick_up", args=[signal.uuid]))
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == SignalStatus.IN_TRIAGE
    assert signal.picked_up_by == cast.adviser


def test_the_weging_shows_known_persons_as_candidates(cast: Cast, framework: None) -> None:
    from samenspel.cases import services as case_services

    known = case_services.create_person(
        municipality=cast.municipality_a,
        family_name="Amrani",
        given_names="Mohamed",
        birth_date=dt.date(2005, 3, 14),
        by=cast.case_manager,
    )
    signal = make_signal(cast.police_officer, cast.municipality_a)
    page = text(client_for(cast.case_manager).get(reverse("intake:detail", args=[signal.uuid])))
    assert f'value="{known.uuid}"' in page
    assert "14-03-2005" in page
    assert "Geen open casus." in page
    assert "Nieuwe persoon registreren" in page
    assert "Casusregisseur" in page and cast.case_manager.full_name in page
    assert "PH-1" in page and "TR-PGA" in page


def weging(signal: Signal, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": signal.version,
        "outcome": "no_concern",
        "reason": "Geen aanwijzingen voor radicalisering.",
        "criteria": "Criteria weegploeg 2026",
    }
    data.update(overrides)
    return data


def test_triage_include_opens_a_case_and_redirects_to_it(cast: Cast, framework: None) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    client = client_for(cast.case_manager)
    response = client.post(
        reverse("intake:detail", args=[signal.uuid]),
        weging(
            signal,
            outcome="include",
            person="nieuw",
            case_director=str(cast.case_manager.uuid),
            phase="PH-2",
            tracks=["TR-PGA"],
        ),
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    assert case.phase == "PH-2" and case.case_director == cast.case_manager
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CLOSED and signal.case == case
    assert AuditEvent.objects.filter(event=Event.SIGNAL_TRIAGED, actor=cast.case_manager)
    page = text(client.get(reverse("intake:detail", args=[signal.uuid])))
    assert case.reference in page


def test_a_triage_seat_sees_no_reference_of_a_case_it_is_not_on(
    cast: Cast, framework: None
) -> None:
    from samenspel.cases import services as case_services

    seat = make_user(cast.police, Role.PARTNER_LIAISON, full_name="Stoel Politie")
    services.add_triage_seat(cast.municipality_a, user=seat, by=cast.admin_a)
    signal = make_signal(cast.police_officer, cast.municipality_a)
    client_for(cast.case_manager).post(
        reverse("intake:detail", args=[signal.uuid]),
        weging(
            signal,
            outcome="include",
            person="nieuw",
            case_director=str(cast.case_manager.uuid),
            phase="PH-2",
            tracks=["TR-PGA"],
        ),
    )
    case = Case.objects.get()
    seat_client = client_for(seat)
    page = text(seat_client.get(reverse("intake:detail", args=[signal.uuid])))
    assert case.reference not in page and str(case.uuid) not in page
    assert "niet in het team" in page
    api = seat_client.get(f"/api/v1/triage/signals/{signal.uuid}")
    assert api.status_code == 200
    assert api.json()["case"] is None
    assert str(case.uuid) not in api.content.decode()
    # Once on the team, the seat sees which case the signal went to.
    case_services.add_member(case, user=seat, by=cast.case_manager)
    assert case.reference in text(seat_client.get(reverse("intake:detail", args=[signal.uuid])))
    assert seat_client.get(f"/api/v1/triage/signals/{signal.uuid}").json()["case"] == str(case.uuid)


def test_triage_include_without_person_and_director_shows_field_errors(
    cast: Cast, framework: None
) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    client = client_for(cast.case_manager)
    response = client.post(
        reverse("intake:detail", args=[signal.uuid]), weging(signal, outcome="include")
    )
    assert response.status_code == 200
    page = text(response)
    assert 'id="id_person_error"' in page and 'id="id_case_director_error"' in page
    assert Case.objects.count() == 0 and Person.objects.count() == 0
    signal.refresh_from_db()
    assert signal.status == SignalStatus.RECEIVED


def test_triage_needs_the_criteria(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    client = client_for(cast.case_manager)
    response = client.post(
        reverse("intake:detail", args=[signal.uuid]), weging(signal, criteria="")
    )
    assert response.status_code == 200
    assert "Leg vast welke criteria de weegploeg heeft gebruikt." in text(response)
    signal.refresh_from_db()
    assert signal.status == SignalStatus.RECEIVED


def test_triage_no_concern_closes_the_signal(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    client = client_for(cast.case_manager)
    url = reverse("intake:detail", args=[signal.uuid])
    response = client.post(url, weging(signal, person="nieuw"))
    assert response.status_code == 302
    assert response["Location"] == url
    signal.refresh_from_db()
    assert signal.status == SignalStatus.CLOSED
    assert signal.outcome == "no_concern"
    assert Person.objects.count() == 0  # a person is registered only on inclusion
    assert not Case.objects.filter(status=CaseStatus.OPEN).exists()
    assert "geen zorgen" in text(client.get(url))
    # The same decision sent twice is harmless.
    assert client.post(url, weging(signal, version=1)).status_code == 302


def test_a_stale_version_gives_the_conflict_message(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    seen = signal.version
    services.pick_up(signal, by=cast.adviser)
    client = client_for(cast.case_manager)
    response = client.post(
        reverse("intake:detail", args=[signal.uuid]), weging(signal, version=seen)
    )
    assert response.status_code == 409
    assert STALE in text(response)
    signal.refresh_from_db()
    assert signal.status == SignalStatus.IN_TRIAGE


def test_weighing_a_signal_someone_else_closed_is_a_conflict(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    services.triage(
        signal,
        services.TriageDecision(outcome="referral", reason="Zorg", criteria="Criteria"),
        expected_version=signal.version,
        by=cast.adviser,
    )
    client = client_for(cast.case_manager)
    response = client.post(reverse("intake:detail", args=[signal.uuid]), weging(signal))
    assert response.status_code == 409
    assert STALE in text(response)
    signal.refresh_from_db()
    assert signal.outcome == "referral"


# --- Weegploeg --------------------------------------------------------------------------------


def test_functional_admin_adds_and_removes_a_police_seat(cast: Cast) -> None:
    client = client_for(cast.admin_a)
    url = reverse("intake:seats")
    page = text(client.get(url))
    assert cast.police_officer.full_name in page  # a candidate of the same region
    assert cast.care_worker.full_name not in page
    response = client.post(url, {"user": str(cast.police_officer.uuid)})
    assert response.status_code == 302
    seat = TriageSeat.objects.get()
    assert seat.user == cast.police_officer and seat.municipality == cast.municipality_a
    assert AuditEvent.objects.filter(event=Event.TRIAGE_SEAT_ADDED, actor=cast.admin_a)

    response = client.post(reverse("intake:seat_remove", args=[cast.police_officer.uuid]))
    assert response.status_code == 302
    assert not TriageSeat.objects.exists()
    assert AuditEvent.objects.filter(event=Event.TRIAGE_SEAT_REMOVED, actor=cast.admin_a)


def test_a_care_worker_cannot_get_a_seat(cast: Cast) -> None:
    response = client_for(cast.admin_a).post(
        reverse("intake:seats"), {"user": str(cast.care_worker.uuid)}
    )
    assert response.status_code == 200
    assert 'id="id_user_error"' in text(response)
    assert not TriageSeat.objects.exists()


def test_outsiders_cannot_manage_the_weegploeg(cast: Cast) -> None:
    services.add_triage_seat(cast.municipality_a, user=cast.police_officer, by=cast.admin_a)
    remove = reverse("intake:seat_remove", args=[cast.police_officer.uuid])
    for user in (cast.police_officer, cast.mayor, cast.care_worker):
        assert client_for(user).get(reverse("intake:seats")).status_code == 404
    # The administrator of municipality B manages only B's team: A's seat is not found.
    assert client_for(cast.admin_b).post(remove).status_code == 404
    assert client_for(cast.police_officer).post(remove).status_code == 404
    assert TriageSeat.objects.count() == 1


def test_the_signal_form_checks_csrf_but_refuses_an_oversized_body_unread(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="127.0.0.1", enforce_csrf_checks=True)
    force_verified_login(client, cast.police_officer)
    assert client.post(submit_url(), form_data(cast)).status_code == 403
    huge = SimpleUploadedFile("enorm.pdf", PDF + b"x" * 20_000)
    with override_settings(
        ATTACHMENT_MAX_BYTES=1024, ATTACHMENT_MAX_COUNT=1, DATA_UPLOAD_MAX_MEMORY_SIZE=4096
    ):
        response = client.post(submit_url(), form_data(cast, attachments=[huge]))
    assert response.status_code == 200
    assert "De bijlagen zijn samen te groot" in text(response)
    assert Signal.objects.count() == 0


def test_the_status_page_and_detail_are_audited_for_the_reader(cast: Cast) -> None:
    signal = make_signal(cast.police_officer, cast.municipality_a)
    before = AuditEvent.objects.filter(actor=cast.police_officer).count()
    client_for(cast.police_officer).get(reverse("intake:status", args=[signal.uuid]))
    assert AuditEvent.objects.filter(actor=cast.police_officer).count() == before + 1
    client_for(cast.case_manager).get(reverse("intake:detail", args=[signal.uuid]))
    assert AuditEvent.objects.filter(
        actor=cast.case_manager, event=Event.SIGNAL_VIEWED, object_id=str(signal.uuid)
    ).exists()
