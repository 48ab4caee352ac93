"""The framework pages under /kader/: reading, uncertain marks, routing and version management."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.frameworks import services
from samenspel.frameworks.models import FrameworkVersion, VersionStatus
from samenspel.testing import Cast, force_verified_login, make_organisation, make_user

MINIMAL = (Path(__file__).parent / "minimal.yaml").read_text()
UNCERTAIN = "Onzeker (GK?): controleren"


def load(cast: Cast, text: str = MINIMAL, *, publish: bool = True) -> FrameworkVersion:
    version = services.load_version(text, source_name="minimal.yaml", by=cast.national_admin)
    if publish:
        version = services.publish_version(version, by=cast.national_admin)
    return version


def second_version(cast: Cast, *, publish: bool = False) -> FrameworkVersion:
    """A later version in which the reporting duty's term changed and a route was added."""
    text = (
        MINIMAL.replace('version: "t.1"', 'version: "t.2"')
        .replace("max_term: {value: 6, unit: months}", "max_term: {value: 12, unit: months}")
        .replace(
            "retention:",
            "  - {id: C-08, situation: Vraag over zorg, urgency: non_acute, route: Wijkteam,"
            " contact: gemeente, src: [S-01]}\nretention:",
        )
    )
    return load(cast, text, publish=publish)


def client_for(user: object) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)  # type: ignore[arg-type]
    return client


def text_of(response: object) -> str:
    return response.content.decode()  # type: ignore[attr-defined]


PAGES = [
    ("frameworks:overview", {}),
    ("frameworks:raci", {}),
    ("frameworks:raci_cell", {"stage_id": "ST-1", "actor_id": "A-POL"}),
    ("frameworks:actor_list", {}),
    ("frameworks:actor_detail", {"actor_id": "A-BGM"}),
    ("frameworks:scope_list", {}),
    ("frameworks:scope_detail", {"scope_id": "ST-1"}),
    ("frameworks:scope_detail", {"scope_id": "PH-2"}),
    ("frameworks:domain_list", {}),
    ("frameworks:domain_detail", {"domain_id": "D-NATVEI"}),
    ("frameworks:measure_list", {}),
    ("frameworks:measure_detail", {"measure_id": "I-19"}),
    ("frameworks:flow_list", {}),
    ("frameworks:source_list", {}),
    ("frameworks:retention_list", {}),
    ("frameworks:routing", {}),
    ("frameworks:search", {}),
    ("frameworks:version_list", {}),
    ("frameworks:version_diff", {}),
    ("frameworks:course", {"scope_id": "PH-2"}),
]


@pytest.mark.parametrize(("name", "kwargs"), PAGES)
def test_every_page_answers_for_a_case_manager_without_audit(
    cast: Cast, name: str, kwargs: dict[str, str]
) -> None:
    load(cast)
    client = client_for(cast.case_manager)
    before = AuditEvent.objects.count()
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200, text_of(response)[:2000]
    assert AuditEvent.objects.count() == before  # reference data: reads are not audited


@pytest.mark.parametrize(
    "path", ["/kader/", "/kader/wie-doet-wat/", "/kader/maatregelen/I-19/", "/kader/zoeken/?q=x"]
)
def test_outsider_without_a_verified_login_is_sent_to_login(cast: Cast, path: str) -> None:
    load(cast)
    response = Client(REMOTE_ADDR="127.0.0.1").get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/inloggen/")


def test_outsider_from_another_municipality_reads_the_same_public_framework(cast: Cast) -> None:
    load(cast)
    response = client_for(cast.outsider).get("/kader/maatregelen/I-19/")
    assert response.status_code == 200
    assert "Meldplicht" in text_of(response)


def test_without_a_published_version_the_overview_says_so(cast: Cast) -> None:
    load(cast, publish=False)  # a draft does not count
    response = client_for(cast.case_manager).get("/kader/")
    assert response.status_code == 200
    assert "Er is nog geen kader gepubliceerd" in text_of(response)
    assert "Bel 112" in text_of(response)


@pytest.mark.parametrize(
    "path", ["/kader/wie-doet-wat/", "/kader/waar-kan-ik-terecht/", "/kader/zoeken/?q=x"]
)
def test_without_a_published_version_other_pages_say_so_too(cast: Cast, path: str) -> None:
    response = client_for(cast.case_manager).get(path)
    assert response.status_code == 200
    assert "Er is nog geen kader gepubliceerd" in text_of(response)


def test_without_a_published_version_a_row_page_is_404(cast: Cast) -> None:
    assert client_for(cast.case_manager).get("/kader/maatregelen/I-19/").status_code == 404


def test_a_withdrawn_version_stays_readable_with_a_warning(cast: Cast) -> None:
    first = load(cast)
    second_version(cast, publish=True)
    services.withdraw_version(first, by=cast.national_admin)
    page = text_of(
        client_for(cast.case_manager).get(f"/kader/maatregelen/I-19/?versie={first.uuid}")
    )
    assert "6 maanden" in page
    assert "Deze versie is ingetrokken" in page
    assert f"?versie={first.uuid}" in page  # links stay on the version shown


def test_the_printable_course_links_to_its_pdf(cast: Cast) -> None:
    load(cast)
    page = text_of(client_for(cast.case_manager).get("/kader/handelingsperspectief/ST-1/"))
    assert "/kader/handelingsperspectief/ST-1/pdf/?organisatie=municipality" in page
    assert "Burgemeester is eindverantwoordelijk en beslist" in page


def test_overview_shows_validity_counts_and_uncertain_rows(cast: Cast) -> None:
    load(cast)
    page = text_of(client_for(cast.case_manager).get("/kader/"))
    assert "Testkader" in page
    assert "t.1" in page
    assert "1 januari 2026" in page
    # minimal.yaml marks the police actor, a transition and the reporting duty with GK?.
    assert "3 regels in dit kader zijn nog niet nagekeken" in page


def test_unknown_ids_answer_404(cast: Cast) -> None:
    load(cast)
    client = client_for(cast.case_manager)
    for path in (
        "/kader/actoren/A-XXX/",
        "/kader/fasen/ST-9/",
        "/kader/domeinen/D-NIETS/",
        "/kader/maatregelen/I-99/",
        "/kader/wie-doet-wat/ST-1/A-XXX/",
        "/kader/handelingsperspectief/PH-9/",
        "/kader/?versie=niet-een-uuid",
        "/kader/?versie=00000000-0000-4000-8000-000000000000",
    ):
        assert client.get(path).status_code == 404, path


def test_raci_matrix_links_every_cell_and_explains_the_letters(cast: Cast) -> None:
    load(cast)
    page = text_of(client_for(cast.case_manager).get("/kader/wie-doet-wat/"))
    assert reverse("frameworks:raci_cell", args=["ST-1", "A-BGM"]) in page
    assert reverse("frameworks:raci_cell", args=["ST-7", "A-MJV"]) in page  # no row: still a cell
    assert "A/R" in page
    assert "Geen rol in deze stap." in page
    assert "Accountable" in page


def test_raci_cell_shows_tasks_limits_basis_and_when(cast: Cast) -> None:
    load(cast)
    page = text_of(client_for(cast.case_manager).get("/kader/wie-doet-wat/ST-1/A-BGM/"))
    assert "Leidt het casusoverleg." in page  # tasks
    assert "Legt geen Twbmt-maatregelen op." in page  # does not
    assert "Openbare orde en veiligheid" in page  # why: its legal domain
    assert "Er is een signaal." in page  # when: entry
    assert "Het signaal is geregistreerd." in page  # when: exit


def test_uncertain_rows_are_marked_in_words(cast: Cast) -> None:
    load(cast)
    client = client_for(cast.case_manager)
    for path in ("/kader/actoren/A-POL/", "/kader/maatregelen/I-19/", "/kader/actoren/"):
        page = text_of(client.get(path))
        assert UNCERTAIN in page, path
        assert "nog niet nagekeken aan een bron" in page, path
    certain = text_of(client.get("/kader/domeinen/D-OOV/"))
    assert f'fw-badge--uncertain">{UNCERTAIN}' not in certain


def test_measure_page_keeps_who_decides_apart_from_the_legal_domain(cast: Cast) -> None:
    load(cast)
    page = text_of(client_for(cast.case_manager).get("/kader/maatregelen/I-19/"))
    assert "Wie beslist" in page
    assert "Minister JenV" in page
    assert "Rechtsdomein" in page
    assert "Nationale veiligheid" in page
    assert "De burgemeester wordt vooraf geraadpleegd." in page  # consult_mayor in plain Dutch
    assert "6 maanden" in page
    assert "verlengbaar" in page


def test_measures_filter_by_domain_and_phase(cast: Cast) -> None:
    load(cast)
    client = client_for(cast.case_manager)
    care = text_of(client.get("/kader/maatregelen/?domein=care"))
    assert "Bestuurlijk gesprek" in care
    assert "Meldplicht" not in care
    phase_1 = text_of(client.get("/kader/maatregelen/?fase=PH-1"))
    assert "Bestuurlijk gesprek" in phase_1
    assert "Meldplicht" not in phase_1
    assert client.get("/kader/maatregelen/?domein=onzin").status_code == 400


def test_scope_page_shows_the_course_for_the_own_organisation_and_another(cast: Cast) -> None:
    load(cast)
    client = client_for(cast.case_manager)  # municipality
    own = text_of(client.get("/kader/fasen/PH-2/"))
    assert "Besluiten over: Bestuurlijk gesprek" in own
    assert "Niet zelf besluiten over: Meldplicht" in own
    assert "de burgemeester wordt vooraf geraadpleegd" in own
    police = text_of(client.get("/kader/fasen/PH-2/?organisatie=police"))
    assert "Uitvoeren: Meldplicht" in police
    assert "Niet zelf besluiten over: Meldplicht" not in police


def test_routing_puts_112_first_and_lists_the_zvh_of_the_own_region(cast: Cast) -> None:
    load(cast)
    make_organisation("ZVH Rijnmond", type="zvh", region="Rijnmond")  # type: ignore[arg-type]
    make_organisation("ZVH Elders", type="zvh", region="Twente")  # type: ignore[arg-type]
    page = text_of(client_for(cast.case_manager).get("/kader/waar-kan-ik-terecht/"))
    assert page.index("Bel 112") < page.index("Niet acuut")
    assert page.index("Acuut gevaar") < page.index("Advies")
    assert "ZVH Rijnmond" in page
    assert "ZVH Elders" not in page
    assert "Gemeente A" in page


def test_search_finds_a_measure_and_links_to_it(cast: Cast) -> None:
    load(cast)
    page = text_of(client_for(cast.case_manager).get("/kader/zoeken/?q=meldplicht"))
    assert "Maatregelen" in page
    assert reverse("frameworks:measure_detail", args=["I-19"]) in page
    assert "1 resultaat" in page


def test_drafts_are_hidden_from_a_case_manager(cast: Cast) -> None:
    load(cast)
    draft = second_version(cast)
    client = client_for(cast.case_manager)
    assert "t.2" not in text_of(client.get("/kader/versies/"))
    assert client.get(f"/kader/versies/{draft.uuid}/").status_code == 404
    assert client.get(f"/kader/?versie={draft.uuid}").status_code == 404


def test_a_national_admin_sees_and_reads_drafts(cast: Cast) -> None:
    load(cast)
    draft = second_version(cast)
    client = client_for(cast.national_admin)
    assert "t.2" in text_of(client.get("/kader/versies/"))
    assert client.get(f"/kader/versies/{draft.uuid}/").status_code == 200
    page = text_of(client.get(f"/kader/maatregelen/I-19/?versie={draft.uuid}"))
    assert "12 maanden" in page
    assert "u bekijkt niet de versie die nu geldt" in page


def test_national_admin_publishes_withdraws_and_deletes_through_the_page(cast: Cast) -> None:
    first = load(cast)
    draft = second_version(cast)
    client = client_for(cast.national_admin)
    response = client.post(f"/kader/versies/{draft.uuid}/publiceren/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == VersionStatus.PUBLISHED
    assert AuditEvent.objects.filter(event=Event.FRAMEWORK_PUBLISHED, actor=cast.national_admin)
    client.post(f"/kader/versies/{first.uuid}/intrekken/")
    first.refresh_from_db()
    assert first.status == VersionStatus.WITHDRAWN
    response = client.post(f"/kader/versies/{first.uuid}/verwijderen/", follow=True)
    assert not FrameworkVersion.objects.filter(pk=first.pk).exists()
    assert "is verwijderd" in text_of(response)


def test_the_service_refusal_is_shown_in_dutch(cast: Cast) -> None:
    version = load(cast)
    client = client_for(cast.national_admin)
    response = client.post(f"/kader/versies/{version.uuid}/verwijderen/", follow=True)
    assert "Een gepubliceerde versie kan niet worden verwijderd" in text_of(response)
    assert FrameworkVersion.objects.filter(pk=version.pk).exists()


@pytest.mark.parametrize("action", ["publiceren", "intrekken", "verwijderen"])
def test_a_case_manager_cannot_manage_versions(cast: Cast, action: str) -> None:
    published = load(cast)
    draft = second_version(cast)
    client = client_for(cast.case_manager)
    for version in (published, draft):
        assert client.post(f"/kader/versies/{version.uuid}/{action}/").status_code == 404
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT
    assert published.status == VersionStatus.PUBLISHED


def test_the_version_page_shows_no_buttons_to_others(cast: Cast) -> None:
    version = load(cast)
    page = text_of(client_for(cast.case_manager).get(f"/kader/versies/{version.uuid}/"))
    assert "intrekken/" not in page
    admin_page = text_of(client_for(cast.national_admin).get(f"/kader/versies/{version.uuid}/"))
    assert f"/kader/versies/{version.uuid}/intrekken/" in admin_page


def test_an_unknown_action_is_404(cast: Cast) -> None:
    version = load(cast)
    client = client_for(cast.national_admin)
    assert client.post(f"/kader/versies/{version.uuid}/opnieuw/").status_code == 404
    assert client.get(f"/kader/versies/{version.uuid}/publiceren/").status_code == 405


def test_the_diff_page_shows_changed_and_added_rows(cast: Cast) -> None:
    old = load(cast)
    new = second_version(cast, publish=True)
    page = text_of(
        client_for(cast.case_manager).get(
            f"/kader/versies/verschil/?oud={old.uuid}&nieuw={new.uuid}"
        )
    )
    assert "Gewijzigd" in page
    assert "max_term.value" in page
    assert '<td class="utrecht-table__cell fw-diff__old">6</td>' in page
    assert '<td class="utrecht-table__cell fw-diff__new">12</td>' in page
    assert "Toegevoegd" in page
    assert "Vraag over zorg" in page


def test_the_diff_of_a_draft_is_404_for_a_case_manager(cast: Cast) -> None:
    old = load(cast)
    draft = second_version(cast)
    response = client_for(cast.case_manager).get(
        f"/kader/versies/verschil/?oud={old.uuid}&nieuw={draft.uuid}"
    )
    assert response.status_code == 400  # the draft is no choice the form offers
    assert "t.2" not in text_of(response)


def test_the_shell_navigation_marks_the_framework_as_current_on_its_pages(cast: Cast) -> None:
    load(cast)
    client = client_for(cast.case_manager)
    link = '<a class="utrecht-link utrecht-link--html-a utrecht-nav-list__link" href="/kader/"'
    for path in ("/kader/", "/kader/maatregelen/I-19/"):
        assert f'{link} aria-current="page">Kader</a>' in text_of(client.get(path)), path
    start = text_of(client.get("/"))
    assert f"{link}>Kader</a>" in start  # in the menu, not current
    assert 'href="/kader/waar-kan-ik-terecht/"' in start  # and a card on the start page


def test_a_user_without_a_role_finds_the_framework_from_the_start_page(cast: Cast) -> None:
    load(cast)
    user = make_user(cast.case_manager.organisation)
    page = text_of(client_for(user).get("/"))
    assert "Nog geen rol" in page
    assert 'href="/kader/"' in page


def test_the_matrix_one_stage_at_a_time_lists_who_has_a_role(cast: Cast) -> None:
    load(cast)
    client = client_for(cast.case_manager)
    whole = text_of(client.get("/kader/wie-doet-wat/"))
    assert "?stap=ST-1" in whole  # the stages link to their own view
    page = text_of(client.get("/kader/wie-doet-wat/", {"stap": "ST-1"}))
    assert "Wie doet wat in stap" in page
    assert "Met een rol in deze stap" in page and "Zonder rol in deze stap" in page
    assert reverse("frameworks:raci_cell", args=["ST-1", "A-BGM"]) in page
    # An unknown stage shows the whole table again.
    assert "Met een rol in deze stap" not in text_of(
        client.get("/kader/wie-doet-wat/", {"stap": "ST-99"})
    )
