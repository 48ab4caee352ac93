"""Exports of case data: the case file as PDF and the case list as CSV, through the policy."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from django.urls import reverse

from samenspel.audit.events import Event, Purpose
from samenspel.audit.models import AuditEvent
from samenspel.cases import services
from samenspel.cases.models import Case
from samenspel.testing import Cast, make_case
from tests.cases.test_pages import client_for
from tests.conftest import require_or_skip
from tests.frameworks.test_pdf import assert_styled_as_printed

BSN = "111222333"


def pdf_text(content: bytes, tmp_path: Path) -> str:
    if not all(shutil.which(tool) for tool in ("pdfinfo", "pdftotext", "pdffonts")):
        require_or_skip("pdf", "pdfinfo, pdftotext and pdffonts (poppler-utils) are not installed")
    file = tmp_path / "casus.pdf"
    file.write_bytes(content)
    done = subprocess.run(
        ["pdftotext", "-layout", str(file), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def csv_rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads the file as UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


def planned_case(cast: Cast) -> Case:
    case = make_case(cast, team=(cast.police_officer,))
    services.add_intervention(
        case,
        measure="I-08",
        domain="care",
        owner=cast.care,
        consent="given",
        consent_by="De persoon zelf",
        consent_on=dt.date(2026, 11, 2),
        consent_scope="Delen van de voortgang met het casusoverleg.",
        consent_shared_with=[cast.municipality_a],
        goal="Begeleiding naar werk.",
        by=cast.case_manager,
    )
    services.add_intervention(
        case,
        measure="I-01",
        domain="prevention",
        owner=cast.municipality_a,
        goal="Weerbaarheidstraining op school.",
        by=cast.case_manager,
    )
    case.person.bsn = BSN
    case.person.save(update_fields=["bsn"])
    return case


def test_a_team_member_exports_the_case_file_as_a_traceable_pdf(cast: Cast, tmp_path: Path) -> None:
    case = planned_case(cast)
    response = client_for(cast.police_officer).get(reverse("cases:pdf", args=[case.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="casus-{case.reference}.pdf"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF")

    if folder := os.environ.get("SAMENSPEL_SCREENSHOTS"):
        Path(folder, "casus.pdf").write_bytes(response.content)

    record = AuditEvent.objects.get(event=Event.CASE_EXPORTED, object_id=str(case.uuid))
    assert (record.actor_id, record.purpose) == (cast.police_officer.pk, Purpose.CASE_WORK)
    assert record.details["format"] == "pdf"
    number = record.details["export"]
    assert len(number) == 12

    text = " ".join(pdf_text(response.content, tmp_path).split())
    assert case.reference in text
    assert "Mohamed Amrani" in text
    assert "Weerbaarheidstraining" in text  # the plan (a table cell wraps the rest)
    # The care line is the GGZ's, shared with the municipality only: the police see a count.
    assert "Begeleiding" not in text
    assert "1 zorginterventie is afgeschermd: die valt onder het beroepsgeheim." in text
    # It counts in the balance, which is the same for the whole team.
    assert "Preventie 1 50%" in text and "Zorg 1 50%" in text
    assert cast.police_officer.full_name in text  # the team
    assert "Geschiedenis" in text and "Overdracht" in text
    # Who made it, and the number that its audit record holds too, on the page itself.
    assert f"exportnummer {number}" in text
    assert f"Gemaakt door {cast.police_officer.full_name}" in text
    assert BSN not in text  # data minimisation: the BSN stays in Samenspel
    file = tmp_path / "casus.pdf"
    file.write_bytes(response.content)
    assert_styled_as_printed(file)
    # The confidentiality line once per page: in the body on page 1, in the margin after it.
    for page in (1, 2):
        only = subprocess.run(
            ["pdftotext", "-f", str(page), "-l", str(page), str(file), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert only.count("Vertrouwelijk.") == 1, (page, only[:400])


def test_an_outsider_gets_404_on_the_exports_and_leaves_a_denial(cast: Cast) -> None:
    case = planned_case(cast)
    client = client_for(cast.outsider)
    assert client.get(reverse("cases:pdf", args=[case.uuid])).status_code == 404
    assert not AuditEvent.objects.filter(event=Event.CASE_EXPORTED).exists()
    rows = csv_rows(client.get(reverse("cases:list_csv"), {"status": "all"}))
    assert rows == [rows[0]]  # the header only
    exported = AuditEvent.objects.get(event=Event.CASE_LIST_EXPORTED, actor=cast.outsider)
    assert exported.details["count"] == 0


def test_the_case_list_exports_as_csv_with_the_filters_of_the_page(cast: Cast) -> None:
    first = make_case(cast, family_name="Jansen")
    make_case(cast, family_name="=HYPERLINK(1)")
    client = client_for(cast.case_manager)
    response = client.get(reverse("cases:list_csv"), {"q": "jans"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="casussen-')
    rows = csv_rows(response)
    assert rows[0][:3] == ["kenmerk", "persoon", "gemeente"]
    assert [r[0] for r in rows[1:]] == [first.reference]
    assert rows[1][1] == "Mohamed Jansen"

    everyone = csv_rows(client.get(reverse("cases:list_csv")))
    names = sorted(r[1] for r in everyone[1:])
    assert names == ["Mohamed =HYPERLINK(1)", "Mohamed Jansen"]
    record = AuditEvent.objects.filter(event=Event.CASE_LIST_EXPORTED).order_by("-seq").first()
    assert record is not None
    assert record.details == {"count": 2, "status": "open", "format": "csv"}


def test_a_formula_is_never_a_formula_in_the_csv(cast: Cast) -> None:
    make_case(cast, family_name="Jansen")
    case = Case.objects.get()
    case.person.given_names = "=cmd"
    case.person.save(update_fields=["given_names"])
    rows = csv_rows(client_for(cast.case_manager).get(reverse("cases:list_csv")))
    assert rows[1][1] == "'=cmd Jansen"


def test_bad_filters_export_nothing_and_say_so(cast: Cast) -> None:
    make_case(cast)
    client = client_for(cast.case_manager)
    response = client.get(reverse("cases:list_csv"), {"status": "whatever"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("cases:list")
    assert "Er is niets geëxporteerd." in response.content.decode()
    assert not AuditEvent.objects.filter(event=Event.CASE_LIST_EXPORTED).exists()


def test_the_pages_link_to_the_exports(cast: Cast) -> None:
    case = make_case(cast)
    client = client_for(cast.case_manager)
    detail = client.get(reverse("cases:detail", args=[case.uuid])).content.decode()
    assert reverse("cases:pdf", args=[case.uuid]) in detail
    listing = client.get(reverse("cases:list"), {"status": "closed"}).content.decode()
    assert f"{reverse('cases:list_csv')}?status=closed" in listing


def test_the_case_file_prints_each_users_measures_and_dossiers_only(
    cast: Cast, tmp_path: Path
) -> None:
    from django.utils import timezone

    from samenspel.measures import services as measures

    case = planned_case(cast)
    passport = measures.propose_measure(case, measure="I-17", reason="Uitreis.", by=cast.mayor)
    for compartment, summary in (
        ("aivd", "Samenvatting AIVD-ambtsbericht"),
        ("police", "Mutatie politie"),
    ):
        measures.add_basis_item(
            passport,
            compartment=compartment,
            source=f"Bron {compartment}",
            received_on=timezone.localdate(),
            summary=summary,
            by=cast.mayor,
        )
    texts = {}
    for user in (cast.police_officer, cast.mayor):
        response = client_for(user).get(reverse("cases:pdf", args=[case.uuid]))
        assert response.status_code == 200
        texts[user.pk] = " ".join(pdf_text(response.content, tmp_path).split())
        record = AuditEvent.objects.filter(event=Event.MEASURE_LIST_VIEWED, actor=user).last()
        assert record is not None and record.details["shown"] == [str(passport.uuid)]
    police, mayor = texts[cast.police_officer.pk], texts[cast.mayor.pk]
    # The police carry out the passport measure: they see it, not its dossier.
    assert "I-17" in police
    assert "Het besluitdossier is alleen voor het bevoegd gezag." in police
    assert "Samenvatting AIVD-ambtsbericht" not in police
    assert "Mutatie politie" not in police
    # The mayor reads the whole dossier, the AIVD summary included.
    assert "Samenvatting AIVD-ambtsbericht" in mayor and "Mutatie politie" in mayor


def test_the_case_file_prints_the_information_each_user_reads_and_counts_hidden_care(
    cast: Cast, tmp_path: Path
) -> None:
    from samenspel.cases.models import Intervention

    case = planned_case(cast)
    services.add_member(case, user=cast.care_worker, by=cast.case_manager)
    line = Intervention.objects.get(case=case, measure="I-08")

    def record(by: Any, compartment: str, title: str, **values: Any) -> Any:
        values.setdefault("text", f"Tekst bij {title}.")
        values.setdefault("kind", "note")
        return services.record_information(
            case, compartment=compartment, title=title, by=by, **values
        )

    police_item = record(
        cast.police_officer,
        "police",
        "Mutatie over nieuwe contacten",
        source="Politie, mutatie 2026-77",
        file=services.ItemFile("proces-verbaal.pdf", b"%PDF-1.7 ONDERLIGGENDE-INHOUD"),
    )
    record(
        cast.mayor,
        "aivd",
        "Samenvatting ambtsbericht",
        kind="summary",
        source="Ambtsbericht AIVD, kenmerk 2026-017, 1 december 2026",
        text="Concrete plannen om uit te reizen.",
    )
    record(
        cast.care_worker,
        "care",
        "Voortgang zorgtraject",
        care_basis="consent",
        consent_of=line.uuid,
        text="Komt trouw naar de afspraken.",
    )
    texts = {}
    for user in (cast.police_officer, cast.mayor):
        response = client_for(user).get(reverse("cases:pdf", args=[case.uuid]))
        assert response.status_code == 200
        texts[user.pk] = " ".join(pdf_text(response.content, tmp_path).split())
    police, mayor = texts[cast.police_officer.pk], texts[cast.mayor.pk]

    # The police read their own item, with its file named (never printed), and neither the
    # AIVD summary nor the care item; the care line of the plan is a count.
    assert "Mutatie over nieuwe contacten" in police
    assert "Tekst bij Mutatie over nieuwe contacten." in police
    assert "Politie, mutatie 2026-77" in police
    assert "proces-verbaal.pdf (application/pdf" in police
    assert "ONDERLIGGENDE-INHOUD" not in police
    assert "Samenvatting ambtsbericht" not in police
    assert "Concrete plannen om uit te reizen." not in police
    assert "Voortgang zorgtraject" not in police and "Komt trouw" not in police
    assert "1 zorginterventie is afgeschermd: die valt onder het beroepsgeheim." in police
    assert "Begeleiding" not in police  # the care line's goal
    # The mayor reads the AIVD summary, the police item (F-05) and, by the person's consent
    # with the municipality, the care item and the care line.
    assert "Samenvatting ambtsbericht" in mayor
    assert "Concrete plannen om uit te reizen." in mayor
    assert "Ambtsbericht AIVD, kenmerk 2026-017" in mayor
    assert "Mutatie over nieuwe contacten" in mayor
    assert "Komt trouw naar de afspraken." in mayor
    assert "afgeschermd" not in mayor
    # The read is audited as on the page: the items each user was shown.
    listed = AuditEvent.objects.filter(event=Event.INFORMATION_LISTED, actor=cast.police_officer)
    assert [r.details["items"] for r in listed] == [[str(police_item.uuid)]]
