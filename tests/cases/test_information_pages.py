"""The information pages of a case (by source compartment), the hidden care lines of the plan,
and the consent record on the plan's forms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases import services
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
from samenspel.testing import Cast, force_verified_login, make_case

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7 proces-verbaal"


@pytest.fixture
def case(cast: Cast) -> Case:
    return make_case(cast, team=(cast.police_officer, cast.prosecutor, cast.care_worker))


def client_for(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def text(response: Any) -> str:
    return str(response.content.decode())


def post(client: Client, case: Case, **fields: Any) -> Any:
    data = {
        "compartment": Compartment.POLICE,
        "kind": ItemKind.NOTE,
        "title": "Notitie",
        "text": "Tekst van de notitie.",
        "source": "Kenmerk 2026-1",
        **fields,
    }
    return client.post(reverse("cases:information_add", args=[case.uuid]), data)


def titles(user: User, case: Case) -> list[str]:
    page = text(client_for(user).get(reverse("cases:information", args=[case.uuid])))
    return [t for t in TITLES if f">{t}</a>" in page]


TITLES = ("politie", "om", "gemeente", "aivd", "zorg")


def yesterday() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=1)


def consented_care_line(case: Case, cast: Cast, shared_with: list[Any]) -> Intervention:
    line = services.add_intervention(
        case, measure="I-08", domain="care", owner=cast.care, by=cast.case_manager
    )
    return services.change_intervention(
        line,
        expected_version=line.version,
        consent=Consent.GIVEN,
        consent_by="De persoon zelf",
        consent_on=yesterday(),
        consent_scope="De voortgang delen met het casusoverleg.",
        consent_shared_with=shared_with,
        by=cast.care_worker,
    )


# --- Recording and reading --------------------------------------------------------------------


def test_each_source_is_recorded_through_the_page_and_read_by_its_readers(
    case: Case, cast: Cast
) -> None:
    line = consented_care_line(case, cast, [cast.municipality_a])
    for user, fields in (
        (cast.police_officer, {"compartment": Compartment.POLICE, "title": "politie"}),
        (cast.prosecutor, {"compartment": Compartment.OM, "title": "om"}),
        (cast.case_manager, {"compartment": Compartment.MUNICIPAL, "title": "gemeente"}),
        (
            cast.mayor,
            {"compartment": Compartment.AIVD, "kind": ItemKind.SUMMARY, "title": "aivd"},
        ),
        (
            cast.care_worker,
            {
                "compartment": Compartment.CARE,
                "title": "zorg",
                "care_basis": CareBasis.CONSENT,
                "consent_of": str(line.uuid),
            },
        ),
    ):
        response = post(client_for(user), case, **fields)
        assert response.status_code == 302, (fields, text(response))
        item = InformationItem.objects.get(title=fields["title"])
        assert response["Location"] == reverse(
            "cases:information_detail", args=[case.uuid, item.uuid]
        )
        assert item.compartment == fields["compartment"]
        assert item.organisation == user.organisation
    assert InformationItem.objects.get(title="zorg").consent_of == line

    assert titles(cast.police_officer, case) == ["politie"]
    assert titles(cast.prosecutor, case) == ["om"]
    assert titles(cast.case_manager, case) == ["politie", "gemeente", "zorg"]
    # The consent names the municipality, and so its mayor.
    assert titles(cast.mayor, case) == ["politie", "om", "gemeente", "aivd", "zorg"]
    assert titles(cast.care_worker, case) == ["zorg"]


def test_the_list_groups_the_items_by_source_and_names_who_recorded_them(
    case: Case, cast: Cast
) -> None:
    for compartment, title in ((Compartment.POLICE, "politie"), (Compartment.MUNICIPAL, "gem")):
        services.record_information(
            case,
            kind=ItemKind.NOTE,
            compartment=compartment,
            title=title,
            text="Tekst.",
            source="PV 2026-0142",
            by=cast.case_manager,
        )
    client = client_for(cast.case_manager)
    response = client.get(reverse("cases:information", args=[case.uuid]))
    assert response.status_code == 200
    page = text(response)
    assert '<h2 class="utrecht-heading-2" id="bron-police">Politie (Wpg)</h2>' in page
    assert '<h2 class="utrecht-heading-2" id="bron-municipal">Gemeente</h2>' in page
    assert 'href="#bron-police"' in page  # more than one source: a link to each
    assert "PV 2026-0142" in page and cast.municipality_a.name in page and "Notitie" in page
    listed = AuditEvent.objects.filter(actor=cast.case_manager, event=Event.INFORMATION_LISTED)
    assert listed.count() == 1
    assert len(listed.get().details["items"]) == 2


def test_the_form_offers_only_the_users_sources_and_says_who_reads_each(
    case: Case, cast: Cast
) -> None:
    url = reverse("cases:information_add", args=[case.uuid])
    page = text(client_for(cast.police_officer).get(url))
    assert 'name="compartment" value="police"' in page
    for other in ("om", "aivd", "care", "municipal"):
        assert f'name="compartment" value="{other}"' not in page
    # The readers come from the framework's flows: F-05 and F-06 open police information.
    assert (
        "Leest: Politie, College van B&amp;W / gemeente en Zorg- en Veiligheidshuis "
        "(F-05, F-06)." in page
    )
    assert 'enctype="multipart/form-data"' in page
    assert 'name="submission_key"' in page
    # Who records neither care nor AIVD information is not asked about either.
    assert 'name="care_basis"' not in page
    assert "AIVD" not in page

    page = text(client_for(cast.mayor).get(url))
    assert 'name="compartment" value="aivd"' in page
    assert "alleen de burgemeester en de ambtenaren die de burgemeester aanwijst" in page
    assert 'name="compartment" value="care"' not in page
    assert 'name="care_basis"' not in page
    assert "Niet bij een AIVD-ambtsbericht" in page

    page = text(client_for(cast.care_worker).get(url))
    assert 'name="compartment" value="care"' in page
    assert "Alleen bij zorginformatie: de grond om te delen" in page


def test_bad_input_shows_dutch_messages_at_the_fields_and_keeps_what_was_typed(
    case: Case, cast: Cast
) -> None:
    client = client_for(cast.police_officer)
    response = post(client, case, title="", text="", source="PV 2026-0142 bewaard")
    assert response.status_code == 400
    page = text(response)
    assert "Niet alles is goed ingevuld. Er is nog niets opgeslagen." in page
    assert 'id="id_title_error">Geef de informatie een titel.</div>' in page
    assert 'id="id_text_error">Schrijf de informatie op of voeg een bestand toe.</div>' in page
    assert 'value="PV 2026-0142 bewaard"' in page
    assert 'aria-invalid="true"' in page

    # A file of a kind that is not allowed: refused at the file, which must be chosen again.
    response = post(
        client,
        case,
        title="Met bestand",
        file=SimpleUploadedFile("programma.exe", b"MZ\x90\x00\xff\xfe"),
    )
    assert response.status_code == 400
    page = text(response)
    assert "programma.exe heeft een soort bestand dat niet mag." in page
    assert "Kies het bestand opnieuw" in page
    assert 'value="Met bestand"' in page

    # A source the user may not read: refused, and the refusal is audited.
    response = post(client, case, compartment=Compartment.OM, title="Van het OM")
    assert response.status_code == 400
    assert "u mag die zelf niet lezen" in text(response)
    assert AuditEvent.objects.filter(event=Event.INFORMATION_REFUSED).count() == 1
    response = post(client, case, compartment="")
    assert response.status_code == 400
    assert "Kies waar de informatie vandaan komt." in text(response)
    assert not InformationItem.objects.exists()


def test_an_aivd_summary_never_carries_a_file_and_names_its_reference(
    case: Case, cast: Cast
) -> None:
    response = post(
        client_for(cast.mayor),
        case,
        compartment=Compartment.AIVD,
        kind=ItemKind.DOCUMENT,
        source="",
        file=SimpleUploadedFile("ambtsbericht.pdf", PDF),
    )
    assert response.status_code == 400
    page = text(response)
    assert "Van een AIVD-ambtsbericht legt u alleen de samenvatting vast (Wiv)." in page
    assert "nooit onderliggend materiaal" in page
    assert "Geef het kenmerk en de datum van het ambtsbericht." in page
    assert not InformationItem.objects.exists()


def test_care_information_asks_its_ground_and_other_sources_ignore_it(
    case: Case, cast: Cast
) -> None:
    client = client_for(cast.care_worker)
    response = post(client, case, compartment=Compartment.CARE)
    assert response.status_code == 400
    assert "Zorginformatie valt onder het beroepsgeheim: kies op welke grond" in text(response)
    response = post(
        client, case, compartment=Compartment.CARE, care_basis=CareBasis.CONFLICT_OF_DUTIES
    )
    assert response.status_code == 400
    assert "Leg uit waarom u deelt zonder toestemming" in text(response)
    # Radio buttons cannot be cleared without a script: a ground chosen before the police
    # source was picked is left out, not refused.
    response = post(
        client_for(cast.police_officer), case, care_basis=CareBasis.STATUTORY, basis_reason="x"
    )
    assert response.status_code == 302
    item = InformationItem.objects.get()
    assert (item.care_basis, item.basis_reason) == ("", "")


def test_a_double_submit_records_once(case: Case, cast: Cast) -> None:
    client = client_for(cast.police_officer)
    first = post(client, case, submission_key="form-1")
    again = post(client, case, submission_key="form-1", title="Nog eens")
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert InformationItem.objects.count() == 1
    assert AuditEvent.objects.filter(event=Event.INFORMATION_RECORDED).count() == 1


def test_the_police_reads_its_item_and_gets_404_on_the_aivd_item_and_file(
    case: Case, cast: Cast
) -> None:
    police_item = services.record_information(
        case,
        kind=ItemKind.DOCUMENT,
        compartment=Compartment.POLICE,
        title="Proces-verbaal",
        file=services.ItemFile("proces-verbaal.pdf", PDF),
        by=cast.police_officer,
    )
    aivd = services.record_information(
        case,
        kind=ItemKind.SUMMARY,
        compartment=Compartment.AIVD,
        title="Samenvatting ambtsbericht",
        text="Samenvatting.",
        source="Ambtsbericht 2026-7, 1 december 2026",
        by=cast.mayor,
    )
    police = client_for(cast.police_officer)
    detail = police.get(reverse("cases:information_detail", args=[case.uuid, police_item.uuid]))
    assert detail.status_code == 200
    page = text(detail)
    assert "Proces-verbaal" in page and "proces-verbaal.pdf downloaden" in page
    assert AuditEvent.objects.filter(event=Event.INFORMATION_VIEWED).count() == 1
    for name in ("cases:information_detail", "cases:information_file"):
        assert police.get(reverse(name, args=[case.uuid, aivd.uuid])).status_code == 404, name
    assert "Samenvatting ambtsbericht" not in text(
        police.get(reverse("cases:information", args=[case.uuid]))
    )
    # The mayor reads the summary; an item without a file has no download.
    mayor = client_for(cast.mayor)
    page = text(mayor.get(reverse("cases:information_detail", args=[case.uuid, aivd.uuid])))
    assert "Ambtsbericht 2026-7" in page
    assert reverse("cases:information_file", args=[case.uuid, aivd.uuid]) not in page
    assert (
        mayor.get(reverse("cases:information_file", args=[case.uuid, aivd.uuid])).status_code == 404
    )


def test_a_file_is_a_download_never_shown_inline(case: Case, cast: Cast) -> None:
    response = post(
        client_for(cast.police_officer),
        case,
        kind=ItemKind.DOCUMENT,
        text="",
        file=SimpleUploadedFile('pv "2026".pdf', PDF, content_type="text/html"),
    )
    assert response.status_code == 302, text(response)
    item = InformationItem.objects.get()
    response = client_for(cast.case_manager).get(
        reverse("cases:information_file", args=[case.uuid, item.uuid])
    )
    assert response.status_code == 200
    assert response.content == PDF
    # The type is the one found in the content, not the one the browser sent.
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "inline" not in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    downloads = AuditEvent.objects.filter(event=Event.INFORMATION_FILE_DOWNLOADED)
    assert downloads.get().actor == cast.case_manager


def test_every_information_page_audits_its_reader_once(case: Case, cast: Cast) -> None:
    item = services.record_information(
        case,
        kind=ItemKind.DOCUMENT,
        compartment=Compartment.POLICE,
        title="Proces-verbaal",
        file=services.ItemFile("proces-verbaal.pdf", PDF),
        by=cast.police_officer,
    )
    client = client_for(cast.case_manager)
    for name, args, event in (
        ("cases:information", [case.uuid], Event.INFORMATION_LISTED),
        ("cases:information_detail", [case.uuid, item.uuid], Event.INFORMATION_VIEWED),
        ("cases:information_file", [case.uuid, item.uuid], Event.INFORMATION_FILE_DOWNLOADED),
        ("cases:information_add", [case.uuid], Event.CASE_VIEWED),
    ):
        before = AuditEvent.objects.filter(actor=cast.case_manager).count()
        assert client.get(reverse(name, args=args)).status_code == 200, name
        added = AuditEvent.objects.filter(actor=cast.case_manager).order_by("-seq")
        assert added.count() == before + 1, name
        assert added.first().event == event, name  # type: ignore[union-attr]


def test_whoever_records_nothing_gets_no_form_link_and_no_form(case: Case, cast: Cast) -> None:
    # A partner who opened the case by break-the-glass reads it, records nothing.
    outside_team = make_case(cast)
    services.break_glass(
        outside_team.reference,
        outside_team.municipality,
        reason="Acute dreiging gemeld; de regisseur is niet bereikbaar.",
        part="case",
        by=cast.police_officer,
    )
    police = client_for(cast.police_officer)
    add_url = reverse("cases:information_add", args=[outside_team.uuid])
    for name in ("cases:detail", "cases:information"):
        page = police.get(reverse(name, args=[outside_team.uuid]))
        assert page.status_code == 200, name
        assert add_url not in text(page), name
    assert police.get(add_url).status_code == 403
    assert post(police, outside_team).status_code == 403
    assert not InformationItem.objects.exists()
    # On their own case the form is linked from the case page and the list.
    for name in ("cases:detail", "cases:information"):
        page = text(police.get(reverse(name, args=[case.uuid])))
        assert reverse("cases:information_add", args=[case.uuid]) in page, name


def test_an_outsider_gets_404_on_every_information_route(case: Case, cast: Cast) -> None:
    item = services.record_information(
        case,
        kind=ItemKind.DOCUMENT,
        compartment=Compartment.POLICE,
        title="Proces-verbaal",
        file=services.ItemFile("proces-verbaal.pdf", PDF),
        by=cast.police_officer,
    )
    outsider = client_for(cast.outsider)
    for name, args in (
        ("cases:information", [case.uuid]),
        ("cases:information_add", [case.uuid]),
        ("cases:information_detail", [case.uuid, item.uuid]),
        ("cases:information_file", [case.uuid, item.uuid]),
    ):
        assert outsider.get(reverse(name, args=args)).status_code == 404, name
    assert post(outsider, case).status_code == 404
    assert InformationItem.objects.count() == 1
    assert AuditEvent.objects.filter(actor=cast.outsider, event=Event.ACCESS_DENIED).exists()


def test_a_closed_case_takes_no_information(case: Case, cast: Cast) -> None:
    Case.objects.filter(pk=case.pk).update(status="closed", closed_at=timezone.now())
    client = client_for(cast.police_officer)
    page = text(client.get(reverse("cases:information_add", args=[case.uuid])))
    assert "De casus is gesloten. Heropen de casus om informatie vast te leggen." in page
    assert post(client, case).status_code == 400
    assert not InformationItem.objects.exists()


def test_the_case_page_shows_the_newest_information_the_user_reads(case: Case, cast: Cast) -> None:
    for n in range(7):
        services.record_information(
            case,
            kind=ItemKind.NOTE,
            compartment=Compartment.POLICE,
            title=f"Politienotitie {n}",
            text="Tekst.",
            by=cast.police_officer,
        )
    services.record_information(
        case,
        kind=ItemKind.NOTE,
        compartment=Compartment.OM,
        title="Van het OM",
        text="Tekst.",
        by=cast.prosecutor,
    )
    page = text(client_for(cast.case_manager).get(reverse("cases:detail", args=[case.uuid])))
    section = page[page.index('id="informatie"') : page.index('id="maatregelen"')]
    assert "Politienotitie 6" in section and "Politienotitie 2" in section
    assert "Politienotitie 1" not in section  # the newest five only
    assert "Van het OM" not in section  # the OM's information is not the case director's
    assert reverse("cases:information", args=[case.uuid]) in section
    listed = AuditEvent.objects.filter(actor=cast.case_manager, event=Event.INFORMATION_LISTED)
    assert len(listed.get().details["items"]) == 5


# --- The plan: hidden care lines, the balance, the consent record -----------------------------


def test_the_plan_says_a_care_line_is_hidden_and_the_balance_is_the_teams(
    case: Case, cast: Cast
) -> None:
    services.add_intervention(
        case, measure="I-08", domain="care", owner=cast.care, by=cast.case_manager
    )
    services.add_intervention(
        case, measure="I-01", domain="prevention", owner=cast.municipality_a, by=cast.case_manager
    )
    hidden = "1 zorginterventie is afgeschermd: die valt onder het beroepsgeheim."
    balances = {}
    for user in (cast.police_officer, cast.case_manager):
        client = client_for(user)
        for name in ("cases:detail", "cases:plan"):
            page = text(client.get(reverse(name, args=[case.uuid])))
            table = page[page.index('class="utrecht-table utrecht-table--html-table cs-balance"') :]
            balances[user.username, name] = table[: table.index("</table>")]
            assert (hidden in page) is (user == cast.police_officer), (user, name)
            plan = page[page.index("Interventies in het plan") :]
            plan = plan[: plan.index("</table>")]
            assert "I-01" in plan, (user, name)
            assert ("I-08" in plan) is (user == cast.case_manager), (user, name)
    assert len(set(balances.values())) == 1  # the same shares for the whole team
    assert "50%" in next(iter(balances.values()))


def test_given_consent_on_the_plan_page_needs_its_record(case: Case, cast: Cast) -> None:
    client = client_for(cast.case_manager)
    url = reverse("cases:intervention_add", args=[case.uuid])
    data = {
        "measure": "I-08/care",
        "owner": str(cast.care.uuid),
        "goal": "Behandeling starten.",
        "consent": Consent.GIVEN,
    }
    response = client.post(url, data)
    assert response.status_code == 400
    page = text(response)
    assert 'id="id_consent_by_error">Leg vast wie de toestemming gaf' in page
    assert 'id="id_consent_on_error">Leg vast wanneer de toestemming is gegeven.' in page
    assert 'id="id_consent_scope_error">Leg vast waarvoor de toestemming geldt.' in page
    assert "Behandeling starten." in page  # what was typed stays
    # The organisations a consent may name: the case's municipality and the team's.
    for organisation in (cast.municipality_a, cast.police, cast.om, cast.care):
        assert f'value="{organisation.uuid}"' in page, organisation.name

    forged = client.post(url, {**data, "consent_shared_with": str(cast.municipality_b.uuid)})
    assert forged.status_code == 400
    assert "Kies organisaties uit de lijst." in text(forged)
    assert not Intervention.objects.filter(case=case).exists()

    response = client.post(
        url,
        {
            **data,
            "consent_by": "De persoon zelf",
            "consent_on": yesterday().strftime("%d-%m-%Y"),
            "consent_scope": "De voortgang delen met het casusoverleg.",
            "consent_shared_with": [str(cast.municipality_a.uuid), str(cast.police.uuid)],
        },
    )
    assert response.status_code == 302, text(response)
    line = Intervention.objects.get(case=case)
    assert (line.consent, line.consent_by, line.consent_on) == (
        Consent.GIVEN,
        "De persoon zelf",
        yesterday(),
    )
    assert set(line.consent_shared_with.all()) == {cast.municipality_a, cast.police}


def test_the_edit_page_shows_and_changes_the_consent_record(case: Case, cast: Cast) -> None:
    line = consented_care_line(case, cast, [cast.municipality_a])
    line = services.change_intervention(
        line,
        expected_version=line.version,
        status=InterventionStatus.RUNNING,
        by=cast.case_manager,
    )
    client = client_for(cast.case_manager)
    url = reverse("cases:intervention_edit", args=[case.uuid, line.uuid])
    page = text(client.get(url))
    assert 'value="De persoon zelf"' in page
    assert f'value="{cast.municipality_a.uuid}"' in page
    assert f'value="{cast.care.uuid}"' in page  # the owner may be named too
    named = re.search(f'<input[^>]*value="{cast.municipality_a.uuid}"[^>]*>', page)
    assert named is not None and "checked" in named.group()

    base = {
        "status": InterventionStatus.RUNNING,
        "consent": Consent.GIVEN,
        "consent_by": "",
        "consent_on": yesterday().strftime("%d-%m-%Y"),
        "consent_scope": "De voortgang delen.",
        "version": line.version,
    }
    response = client.post(url, base)
    assert response.status_code == 400
    assert 'id="id_consent_by_error">Leg vast wie de toestemming gaf' in text(response)

    response = client.post(
        url,
        {
            **base,
            "consent_by": "De moeder (voogd)",
            "consent_shared_with": [str(cast.municipality_a.uuid), str(cast.care.uuid)],
        },
    )
    assert response.status_code == 302, text(response)
    line.refresh_from_db()
    assert line.consent_by == "De moeder (voogd)"
    assert set(line.consent_shared_with.all()) == {cast.municipality_a, cast.care}

    # Withdrawn consent stops the running intervention, and says why.
    response = client.post(
        url, {**base, "consent": Consent.WITHDRAWN, "consent_by": "x", "version": line.version}
    )
    assert response.status_code == 302, text(response)
    line.refresh_from_db()
    assert (line.consent, line.status) == (Consent.WITHDRAWN, InterventionStatus.STOPPED)


def test_a_line_without_consent_has_no_consent_fields(case: Case, cast: Cast) -> None:
    line = services.add_intervention(
        case, measure="I-01", domain="prevention", owner=cast.municipality_a, by=cast.case_manager
    )
    page = text(
        client_for(cast.case_manager).get(
            reverse("cases:intervention_edit", args=[case.uuid, line.uuid])
        )
    )
    assert 'name="consent_by"' not in page and "Toestemming van de persoon" not in page
