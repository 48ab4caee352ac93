"""Agenda and minutes as a tagged PDF per reader's organisation: only its items, traceable."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from samenspel.audit.events import Event, Purpose
from samenspel.audit.models import AuditEvent
from samenspel.consultations import services
from samenspel.consultations.models import Meeting
from samenspel.testing import Cast, make_case, make_meeting, make_minuted_meeting, make_series
from tests.cases.test_exports import pdf_text
from tests.cases.test_pages import client_for
from tests.frameworks.test_pdf import assert_styled_as_printed

pytestmark = pytest.mark.django_db

# Long enough to push the agenda onto a second page, to see the margin line there.
LONG_NOTE = " ".join(["Zorgen over nieuwe contacten in de wijk, besproken met de ouders."] * 70)


def _agenda(cast: Cast, *, note: str = "") -> tuple[Meeting, str, str]:
    """A meeting with two cases, the police invited for the first only."""
    series = make_series(cast)
    shared = make_case(cast, family_name="Gedeeld")
    secret = make_case(cast, family_name="Geheimhouder")
    meeting = make_meeting(series, by=cast.case_manager)
    first = services.add_item(meeting, case=shared, note=note, by=cast.case_manager)
    services.add_item(meeting, case=secret, by=cast.case_manager)
    services.invite(
        first, organisation=cast.police, reason="Politie-informatie nodig.", by=cast.case_manager
    )
    return meeting, shared.person.full_name, secret.person.full_name


def _export(actor_pk: int) -> AuditEvent:
    return AuditEvent.objects.get(event=Event.MEETING_EXPORTED, actor_id=actor_pk)


def test_police_agenda_pdf_holds_its_case_and_not_for_you_for_the_other(
    cast: Cast, tmp_path: Path
) -> None:
    meeting, shared_name, secret_name = _agenda(cast)
    url = reverse("consultations:meeting_agenda_pdf", args=[meeting.uuid])
    response = client_for(cast.police_officer).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")

    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert f"Casus 1: {shared_name}" in text
    assert "Casus 2 (niet voor u)" in text
    assert secret_name not in text
    assert "Geheimhouder" not in text  # not even the family name
    assert "Politie Eenheid" in text  # invited for casus 1

    record = _export(cast.police_officer.pk)
    assert record.purpose == Purpose.COLLABORATION
    assert record.object_id == str(meeting.uuid)
    shared_case = meeting.items.get(position=1).case
    assert record.details["meeting"] == str(meeting.uuid)
    assert record.details["kind"] == "agenda"
    assert record.details["cases"] == [str(shared_case.uuid)]
    assert record.details["hidden"] == 1
    number = record.details["export"]
    assert number.startswith(f"OV-{meeting.uuid.hex[:8]}-{cast.police.uuid.hex[:6]}-")
    assert f"Exportnummer {number}" in text
    assert number in response["Content-Disposition"]


def test_the_export_number_and_the_confidentiality_line_are_on_every_page(
    cast: Cast, tmp_path: Path
) -> None:
    meeting, _shared, _secret = _agenda(cast, note=LONG_NOTE)
    url = reverse("consultations:meeting_agenda_pdf", args=[meeting.uuid])
    response = client_for(cast.case_manager).get(url)
    assert response.status_code == 200
    pdf_text(response.content, tmp_path)  # skips without poppler-utils
    file = tmp_path / "agenda.pdf"
    file.write_bytes(response.content)
    assert_styled_as_printed(file)
    info = subprocess.run(["pdfinfo", str(file)], capture_output=True, text=True, check=True)
    assert "Tagged:          yes" in info.stdout
    assert "Agenda casusoverleg" in info.stdout  # the title
    pages = int(next(ln for ln in info.stdout.splitlines() if ln.startswith("Pages:")).split()[1])
    assert pages >= 2
    meta = subprocess.run(["pdfinfo", "-meta", str(file)], capture_output=True, text=True).stdout
    assert 'pdfuaid:part="1"' in meta
    number = _export(cast.case_manager.pk).details["export"]
    for page in range(1, pages + 1):
        only = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(file), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        flat = " ".join(only.split())
        assert flat.count("Vertrouwelijk.") == 1, (page, flat[:300])
        assert number in flat, page


def test_minutes_pdf_holds_notes_decisions_and_actions_of_the_shown_item(
    cast: Cast, tmp_path: Path
) -> None:
    meeting = make_minuted_meeting(cast, invite=cast.police)
    response = client_for(cast.police_officer).get(
        reverse("consultations:meeting_minutes_pdf", args=[meeting.uuid])
    )
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Verslag casusoverleg" in text
    assert "versie 1, concept" in text
    assert "Gemeente A, Politie Eenheid" in text  # attendance, by name
    assert "Besproken: zorgen over nieuwe contacten." in text
    # The table's cells wrap side by side in the text layout: check them by their first words.
    assert "Advies van het" in text  # the kind
    assert "I-07 Bestuurlijk gesprek" in text  # the measure, by its framework name
    assert "Adviseert een" in text
    assert text.count("casusoverleg") >= 3  # who decides on an advice: the casusoverleg
    assert "Casusregisseur plant het gesprek." in text
    record = _export(cast.police_officer.pk)
    assert record.details["kind"] == "minutes"
    assert record.details["minutes"] == 1
    assert record.details["export"] in text


def test_an_item_the_reader_is_not_invited_to_leaves_nothing_in_the_minutes(
    cast: Cast, tmp_path: Path
) -> None:
    meeting = make_minuted_meeting(cast, invite=cast.om)
    response = client_for(cast.police_officer).get(
        reverse("consultations:meeting_minutes_pdf", args=[meeting.uuid])
    )
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert "Casus 1 (niet voor u)" in text
    assert "Besproken" not in text
    assert "Casusregisseur plant het gesprek." not in text
    assert _export(cast.police_officer.pk).details["cases"] == []


def test_outsider_gets_404_and_no_export_is_recorded(cast: Cast) -> None:
    meeting = make_minuted_meeting(cast)
    client = client_for(cast.outsider)
    for name in ("consultations:meeting_agenda_pdf", "consultations:meeting_minutes_pdf"):
        assert client.get(reverse(name, args=[meeting.uuid])).status_code == 404, name
    assert not AuditEvent.objects.filter(event=Event.MEETING_EXPORTED).exists()


def test_minutes_of_a_meeting_not_yet_held_are_a_404(cast: Cast) -> None:
    meeting, _shared, _secret = _agenda(cast)
    client = client_for(cast.case_manager)
    url = reverse("consultations:meeting_minutes_pdf", args=[meeting.uuid])
    assert client.get(url).status_code == 404
    url = reverse(
        "consultations:meeting_minutes_pdf",
        kwargs={"meeting_uuid": meeting.uuid, "minutes_number": 2},
    )
    assert client.get(url).status_code == 404
    assert not AuditEvent.objects.filter(event=Event.MEETING_EXPORTED).exists()
