"""The decision letter (besluitbrief) as a tagged, numbered PDF: for the dossier's readers, with
the legal basis, the reasons, the term and the way to object, and without an AIVD summary."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from samenspel.accounts import services as accounts
from samenspel.accounts.models import User
from samenspel.audit.events import Event, Purpose
from samenspel.audit.models import AuditEvent
from samenspel.cases.models import Case
from samenspel.measures import services
from samenspel.measures.models import CaseMeasure, Compartment, Dossier, PersonsView
from samenspel.testing import Cast, force_verified_login, make_case, make_cast
from tests.conftest import require_or_skip
from tests.frameworks.test_pdf import assert_styled_as_printed

pytestmark = pytest.mark.django_db

BSN = "111222333"
AIVD_SUMMARY = "Betrokkene is voornemens uit te reizen naar een strijdgebied."
AIVD_SOURCE = "Ambtsbericht AIVD, kenmerk 2026-0042"


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def _client(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _keyed(user: User) -> Client:
    _token, secret = accounts.create_api_token(user, name="test", by=user)
    return Client(REMOTE_ADDR="127.0.0.1", HTTP_AUTHORIZATION=f"Bearer {secret}")


def _url(measure: CaseMeasure) -> str:
    return reverse("measures:letter", kwargs={"measure_uuid": measure.uuid})


def _api(measure: CaseMeasure) -> str:
    return f"/api/v1/measures/{measure.uuid}/letter.pdf"


def _case(cast: Cast) -> Case:
    case = make_case(cast, team=(cast.police_officer, cast.prosecutor, cast.care_worker))
    case.person.bsn = BSN
    case.person.save(update_fields=["bsn"])
    return case


def _day(day: dt.date) -> str:
    with translation.override("nl"):
        return str(formats.date_format(day, "j F Y"))


def _passport(cast: Cast, case: Case) -> CaseMeasure:
    """The demo's passport decision of the mayor, through the services."""
    today = timezone.localdate()
    measure = services.propose_measure(
        case, measure="I-17", reason="Signaal van voorgenomen uitreis.", by=cast.case_manager
    )
    services.add_basis_item(
        measure,
        compartment=Compartment.AIVD,
        source=AIVD_SOURCE,
        received_on=today,
        summary=AIVD_SUMMARY,
        by=cast.mayor,
    )
    services.add_basis_item(
        measure,
        compartment=Compartment.POLICE,
        source="Politie, mutatie 2026-117",
        received_on=today,
        summary="Betrokkene kocht een vliegticket naar Istanbul.",
        by=cast.mayor,
    )
    services.add_verification(
        measure,
        asked="AIVD, via de NCTV",
        asked_on=today,
        result="confirmed",
        answer="De informatie is actueel en komt uit meer dan een bron.",
        by=cast.mayor,
    )
    services.save_reasons(
        measure,
        necessity="Zonder maatregel reist betrokkene uit.",
        proportionality="Het paspoort is het middel om te reizen; de zorg loopt door.",
        subsidiarity="Een gesprek heeft niet geholpen.",
        persons_view=PersonsView.NOT_ASKED,
        persons_view_text="Vragen zou de uitreis kunnen versnellen (spoed).",
        expected_version=Dossier.objects.get(measure=measure).version,
        by=cast.mayor,
    )
    services.add_consultation(
        measure,
        consulted="Wethouder zorg en het wijkteam",
        held_on=today,
        outcome="Geen bezwaar; het wijkteam blijft contact houden.",
        by=cast.mayor,
    )
    return services.decide_measure(
        measure,
        decision_text="Het paspoort wordt vervallen verklaard.",
        decided_on=today,
        starts_on=today,
        ends_on=None,
        by=cast.mayor,
    )


def _pdf_text(content: bytes, tmp_path: Path) -> tuple[str, Path]:
    if not all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdffonts")):
        require_or_skip("pdf", "pdfinfo, pdftotext and pdffonts (poppler-utils) are not installed")
    file = tmp_path / "besluitbrief.pdf"
    file.write_bytes(content)
    done = subprocess.run(["pdftotext", str(file), "-"], capture_output=True, text=True, check=True)
    return " ".join(done.stdout.split()), file


def _pages(file: Path) -> list[str]:
    info = subprocess.run(["pdfinfo", str(file)], capture_output=True, text=True, check=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found, info.stdout
    return [
        subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(file), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for page in range(1, int(found.group(1)) + 1)
    ]


def _exports() -> Any:
    return AuditEvent.objects.filter(event=Event.MEASURE_LETTER_EXPORTED)


def test_the_mayor_downloads_the_passport_letter_as_a_numbered_tagged_pdf(
    cast: Cast, tmp_path: Path
) -> None:
    case = _case(cast)
    measure = _passport(cast, case)
    page = _client(cast.mayor).get(reverse("measures:detail", args=[measure.uuid]))
    assert _url(measure) in page.content.decode()  # the link next to the decision

    response = _client(cast.mayor).get(_url(measure))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")
    if folder := os.environ.get("SAMENSPEL_SCREENSHOTS"):
        Path(folder, "besluitbrief.pdf").write_bytes(response.content)

    record = _exports().get()
    assert (record.actor_id, record.purpose) == (cast.mayor.pk, Purpose.CASE_WORK)
    number = record.details["export"]
    assert len(number) == 12
    assert record.details["measure"] == str(measure.uuid)
    assert sorted(record.details["basis"]) == sorted(str(b.uuid) for b in measure.basis.all())
    assert f"besluitbrief-{case.reference}-{number}.pdf" in response["Content-Disposition"]

    text, file = _pdf_text(response.content, tmp_path)
    assert "Gemeente A" in text  # the sender
    assert "Besluit: Weigeren / vervallen verklaren van paspoort" in text
    assert f"{case.reference}/I-17/{number}" in text  # the kenmerk, with the export number
    assert f"Exportnummer {number}" in text
    assert "Mohamed Amrani" in text
    assert "Het paspoort wordt vervallen verklaard." in text
    assert "Paspoortwet art. 23" in text  # the legal basis, with the framework's reference
    assert "De burgemeester, als uitgevende instantie" in text  # the competent authority
    for heading in ("Noodzaak", "Evenredigheid", "Subsidiariteit"):
        assert heading in text
    assert "Zonder maatregel reist betrokkene uit." in text
    assert "Vragen zou de uitreis kunnen versnellen (spoed)." in text  # why no zienswijze
    # The information by source and date; an AIVD report by its kind only, never its summary.
    assert "Politie, mutatie 2026-117" in text
    assert "een ambtsbericht van de AIVD (samenvatting, ingezien door de burgemeester)" in text
    assert AIVD_SUMMARY not in text
    assert "2026-0042" not in text
    assert "vliegticket" not in text  # a summary of any source stays in the dossier
    assert BSN not in text  # data minimisation
    # The term and the way to object, with its last day: six weeks after the decision.
    today = timezone.localdate()
    assert f"Het besluit geldt vanaf {_day(today)}. Er is geen einddatum." in text
    assert "bezwaar" in text
    assert "binnen 6 weken na de dag waarop dit besluit is bekendgemaakt" in text
    assert measure.decided_on is not None
    last_day = services.review_deadline(measure, measure.decided_on)
    assert last_day == today + dt.timedelta(days=42)
    assert f"dan is {_day(last_day)} de laatste dag" in text
    assert "vernietigd" not in text
    assert "Marga Burgemeester" in text  # who signs

    assert_styled_as_printed(file)
    for content in _pages(file):  # the confidentiality line once on every page
        assert content.count("Vertrouwelijk.") == 1, content[:400]


def test_the_police_sees_the_measure_but_may_not_make_its_letter(cast: Cast) -> None:
    measure = _passport(cast, _case(cast))
    police = _client(cast.police_officer)
    page = police.get(reverse("measures:detail", args=[measure.uuid]))
    assert page.status_code == 200
    assert _url(measure) not in page.content.decode()
    assert police.get(_url(measure)).status_code == 403
    assert _keyed(cast.police_officer).get(_api(measure)).status_code == 403
    assert not _exports().exists()


def test_an_outsider_gets_404_and_no_letter(cast: Cast) -> None:
    measure = _passport(cast, _case(cast))
    assert _client(cast.outsider).get(_url(measure)).status_code == 404
    answer = _keyed(cast.outsider).get(_api(measure))
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/problem+json"
    # The prosecutor does not reach the mayor's measure at all.
    assert _client(cast.prosecutor).get(_url(measure)).status_code == 404
    assert not _exports().exists()


def test_an_open_or_external_measure_has_no_letter(cast: Cast) -> None:
    case = _case(cast)
    decided = _passport(cast, case)
    measure = services.propose_measure(case, measure="I-23", reason="Orde.", by=cast.mayor)
    mayor = _client(cast.mayor)
    page = mayor.get(reverse("measures:detail", args=[measure.uuid]))
    assert page.status_code == 200
    assert _url(measure) not in page.content.decode()
    assert mayor.get(_url(measure)).status_code == 403
    # A decision taken outside Samenspel has a letter of its own authority.
    CaseMeasure.objects.filter(pk=decided.pk).update(external=True)
    assert mayor.get(_url(decided)).status_code == 403
    assert not _exports().exists()


def test_the_api_answers_the_letter_as_pdf_and_audits_it(cast: Cast) -> None:
    measure = _passport(cast, _case(cast))
    answer = _keyed(cast.mayor).get(_api(measure))
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/pdf"
    assert answer["Cache-Control"] == "no-store"
    assert answer.content.startswith(b"%PDF")
    record = _exports().get()
    assert record.actor_id == cast.mayor.pk
    assert record.details["api"] is True
    assert record.details["export"] in answer["Content-Disposition"]
    read = _keyed(cast.mayor).get(f"/api/v1/measures/{measure.uuid}")
    assert "measure.letter" in read.json()["may"]


def test_an_annulled_decision_is_marked_on_top_of_its_letter(cast: Cast, tmp_path: Path) -> None:
    measure = _passport(cast, _case(cast))
    today = timezone.localdate()
    review = services.file_review(
        measure,
        kind="objection",
        notified_on=today,
        filed_on=today,
        grounds="De informatie klopt niet.",
        by=cast.mayor,
    )
    services.decide_review(
        review,
        outcome="upheld",
        outcome_on=today,
        outcome_text="Gegrond.",
        annuls=True,
        by=cast.mayor,
    )
    response = _client(cast.mayor).get(_url(measure))
    assert response.status_code == 200
    text, _file = _pdf_text(response.content, tmp_path)
    assert text.index("Dit besluit is vernietigd.") < text.index("Geachte Mohamed Amrani,")
    assert f"Dat is beslist na bezwaar, op {_day(today)}." in text


def test_a_criminal_decision_names_the_court_without_a_deadline(cast: Cast, tmp_path: Path) -> None:
    case = _case(cast)
    today = timezone.localdate()
    measure = services.propose_measure(
        case, measure="I-29", reason="Verdenking.", by=cast.prosecutor
    )
    services.add_basis_item(
        measure,
        compartment=Compartment.POLICE,
        source="Proces-verbaal 2026-88",
        received_on=today,
        summary="Verdenking van voorbereiding.",
        by=cast.prosecutor,
    )
    services.save_reasons(
        measure,
        necessity="Er is een redelijk vermoeden van schuld.",
        proportionality="",
        subsidiarity="",
        persons_view=PersonsView.NOT_YET,
        persons_view_text="",
        expected_version=Dossier.objects.get(measure=measure).version,
        by=cast.prosecutor,
    )
    decided = services.decide_measure(
        measure,
        decision_text="Er wordt vervolgd.",
        decided_on=today,
        starts_on=today,
        ends_on=None,
        by=cast.prosecutor,
    )
    response = _client(cast.prosecutor).get(_url(decided))
    assert response.status_code == 200
    text, _file = _pdf_text(response.content, tmp_path)
    assert "Parket" in text  # the deciding organisation sends it
    assert "Hier kunt u terecht: De strafrechter." in text
    assert "laatste dag" not in text
