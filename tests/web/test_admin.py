from __future__ import annotations

import re
from typing import Any

from django.test import Client

from samenspel.accounts.models import Organisation, Role, User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.testing import PASSWORD, Cast, force_verified_login, log_in


def _client_for(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _new_user_form(org: Organisation, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "organisation": str(org.uuid),
        "username": "n.nieuw",
        "full_name": "Nora Nieuw",
        "email": "nora@example.nl",
        "roles": [Role.CASE_DIRECTOR.value],
        "password": "een lang en sterk wachtwoord",
        "oidc_subject": "",
    }
    data.update(overrides)
    return data


def test_functional_admin_creates_a_user_in_own_organisation(cast: Cast) -> None:
    client = _client_for(cast.admin_a)
    response = client.post("/beheer/gebruikers/nieuw/", _new_user_form(cast.municipality_a))
    assert response.status_code == 302
    user = User.objects.get(username="n.nieuw")
    assert user.organisation == cast.municipality_a
    assert user.role_set == {Role.CASE_DIRECTOR}
    row = AuditEvent.objects.get(event=Event.USER_CREATED, object_id=str(user.uuid))
    assert row.actor == cast.admin_a
    assert row.details == {"roles": ["case_director"]}


def test_double_submit_creates_one_user_and_explains(cast: Cast) -> None:
    client = _client_for(cast.admin_a)
    data = _new_user_form(cast.municipality_a)
    assert client.post("/beheer/gebruikers/nieuw/", data).status_code == 302
    second = client.post("/beheer/gebruikers/nieuw/", data)
    assert second.status_code == 400
    assert "Deze gebruikersnaam is al in gebruik." in second.content.decode()
    assert User.objects.filter(username="n.nieuw").count() == 1


def test_bad_input_gets_field_messages_and_saves_nothing(cast: Cast) -> None:
    client = _client_for(cast.admin_a)
    before = AuditEvent.objects.filter(event=Event.USER_CREATED).count()
    response = client.post(
        "/beheer/gebruikers/nieuw/",
        _new_user_form(cast.municipality_a, username="Niet Goed!", password="kort", full_name=""),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Niet alles is goed ingevuld" in body
    assert 'aria-invalid="true"' in body
    assert not User.objects.filter(full_name="").exists()
    assert AuditEvent.objects.filter(event=Event.USER_CREATED).count() == before


def test_functional_admin_cannot_create_users_elsewhere(cast: Cast) -> None:
    client = _client_for(cast.admin_a)
    response = client.post("/beheer/gebruikers/nieuw/", _new_user_form(cast.municipality_b))
    assert response.status_code == 400
    assert not User.objects.filter(username="n.nieuw").exists()


def test_case_manager_cannot_open_user_creation(cast: Cast) -> None:
    client = _client_for(cast.case_manager)
    assert client.get("/beheer/gebruikers/nieuw/").status_code == 404


def test_national_admin_appoints_functional_admin_but_no_other_roles(cast: Cast) -> None:
    client = _client_for(cast.national_admin)
    bad = client.post(
        "/beheer/gebruikers/nieuw/",
        _new_user_form(cast.municipality_b, roles=[Role.CASE_DIRECTOR.value]),
    )
    assert bad.status_code == 400
    assert "alleen functioneel beheerders" in bad.content.decode()
    good = client.post(
        "/beheer/gebruikers/nieuw/",
        _new_user_form(cast.municipality_b, roles=[Role.FUNCTIONAL_ADMIN.value]),
    )
    assert good.status_code == 302
    assert User.objects.get(username="n.nieuw").organisation == cast.municipality_b


def test_mayor_role_only_in_a_municipality(cast: Cast) -> None:
    client = _client_for(cast.national_admin)
    response = client.post(
        "/beheer/gebruikers/nieuw/",
        _new_user_form(cast.nctv, roles=[Role.MAYOR.value, Role.FUNCTIONAL_ADMIN.value]),
    )
    assert response.status_code == 400
    assert "Alleen een gemeente heeft een burgemeester." in response.content.decode()


def test_outsider_gets_404_on_another_organisations_user(cast: Cast) -> None:
    client = _client_for(cast.outsider)
    target = cast.case_manager
    assert client.get(f"/beheer/gebruikers/{target.uuid}/").status_code == 404
    assert client.get(f"/beheer/gebruikers/{target.uuid}/wijzigen/").status_code == 404
    assert client.post(f"/beheer/gebruikers/{target.uuid}/uitschakelen/").status_code == 404
    target.refresh_from_db()
    assert target.is_active
    denied = AuditEvent.objects.filter(event=Event.ACCESS_DENIED, actor=cast.outsider)
    assert denied.count() == 3
    assert set(denied.values_list("object_id", flat=True)) == {str(target.uuid)}


def test_disabling_a_user_ends_their_sessions_at_once(cast: Cast) -> None:
    victim = Client(REMOTE_ADDR="127.0.0.1")
    log_in(victim, cast.case_manager)
    assert victim.get("/").status_code == 200
    admin = _client_for(cast.admin_a)
    response = admin.post(f"/beheer/gebruikers/{cast.case_manager.uuid}/uitschakelen/")
    assert response.status_code == 302
    assert victim.get("/").status_code == 302
    assert AuditEvent.objects.filter(
        event=Event.USER_DISABLED, object_id=str(cast.case_manager.uuid)
    ).exists()
    # A disabled user cannot log in again, and gets the same answer as a wrong password.
    again = Client(REMOTE_ADDR="127.0.0.1")
    response = again.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    assert response.status_code == 400
    assert "De gebruikersnaam of het wachtwoord klopt niet." in response.content.decode()


def test_admin_cannot_disable_themselves(cast: Cast) -> None:
    client = _client_for(cast.admin_a)
    response = client.post(f"/beheer/gebruikers/{cast.admin_a.uuid}/uitschakelen/", follow=True)
    assert "U kunt uzelf niet uitschakelen." in response.content.decode()
    cast.admin_a.refresh_from_db()
    assert cast.admin_a.is_active


def test_reset_second_factor_sends_user_to_enrolment(cast: Cast) -> None:
    admin = _client_for(cast.admin_a)
    admin.post(f"/beheer/gebruikers/{cast.case_manager.uuid}/tweede-factor-opnieuw/")
    client = Client(REMOTE_ADDR="127.0.0.1")
    response = client.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    assert response["Location"] == "/inloggen/tweede-factor-instellen/"
    assert AuditEvent.objects.filter(event=Event.MFA_RESET, actor=cast.admin_a).exists()


def test_national_admin_creates_an_organisation(cast: Cast) -> None:
    client = _client_for(cast.national_admin)
    response = client.post(
        "/beheer/organisaties/nieuw/",
        {"name": "Gemeente C", "type": "municipality", "region": "Twente", "is_priority": "on"},
    )
    assert response.status_code == 302
    org = Organisation.objects.get(name="Gemeente C")
    assert org.is_priority
    assert AuditEvent.objects.filter(
        event=Event.ORGANISATION_CREATED, actor=cast.national_admin
    ).exists()


def test_priority_flag_only_for_municipalities(cast: Cast) -> None:
    client = _client_for(cast.national_admin)
    response = client.post(
        "/beheer/organisaties/nieuw/",
        {"name": "Politie Noord", "type": "police", "region": "Noord", "is_priority": "on"},
    )
    assert response.status_code == 400
    assert "Alleen een gemeente kan prioriteitsgemeente zijn." in response.content.decode()
    assert not Organisation.objects.filter(name="Politie Noord").exists()


def test_functional_admin_cannot_create_or_edit_organisations(cast: Cast) -> None:
    client = _client_for(cast.admin_a)
    assert client.get("/beheer/organisaties/nieuw/").status_code == 404
    assert (
        client.get(f"/beheer/organisaties/{cast.municipality_a.uuid}/wijzigen/").status_code == 404
    )
    assert client.get(f"/beheer/organisaties/{cast.municipality_a.uuid}/").status_code == 200


def test_start_page_shows_a_section_for_each_role(cast: Cast) -> None:
    expectations = {
        cast.case_manager: "Naar de casussen",
        cast.adviser: "Naar de weeglijst",
        cast.police_officer: "Een signaal melden",
        cast.admin_a: "Gebruikers beheren",
        cast.privacy_officer: "Logboek",
        cast.national_admin: "Organisaties",
    }
    for user, heading in expectations.items():
        body = _client_for(user).get("/").content.decode()
        assert heading in body, (user, heading)
    police = _client_for(cast.police_officer).get("/").content.decode()
    assert "Naar de weeglijst" not in police  # not on any municipality's triage team
    assert "Een signaal melden" in police
    # No tile promises work that does not exist yet (the measures and consultations issues).
    for user in (cast.mayor, cast.police_officer):
        body = _client_for(user).get("/").content.decode()
        assert "Besluiten voor de burgemeester" not in body
        assert "Verzoeken aan uw organisatie" not in body
    # A section appears only where the policy allows what it leads to.
    for user in (cast.mayor, cast.case_manager, cast.admin_a, cast.national_admin):
        assert "Naar het logboek" not in _client_for(user).get("/").content.decode(), user
    for user in (cast.mayor, cast.privacy_officer, cast.police_officer):
        body = _client_for(user).get("/").content.decode()
        assert "Gebruikers beheren" not in body and "Naar de organisaties" not in body, user


def test_only_the_privacy_officer_opens_the_audit_log(cast: Cast) -> None:
    assert _client_for(cast.privacy_officer).get("/logboek/").status_code == 200
    for user in (cast.case_manager, cast.admin_a, cast.national_admin, cast.mayor):
        assert _client_for(user).get("/logboek/").status_code == 404


def test_audit_log_filters_by_event(cast: Cast) -> None:
    client = _client_for(cast.privacy_officer)
    cell = '<td class="utrecht-table__cell">{}</td>'
    unfiltered = client.get("/logboek/").content.decode()
    assert cell.format("Gebruiker aangemaakt") in unfiltered
    client.get("/logboek/")  # now a "Logboek bekeken" record exists
    response = client.get("/logboek/", {"event": int(Event.USER_CREATED)})
    body = response.content.decode()
    assert response.status_code == 200
    assert cell.format("Gebruiker aangemaakt") in body
    assert cell.format("Logboek bekeken") not in body
    assert cell.format("Logboek bekeken") in client.get("/logboek/").content.decode()
    bad = client.get("/logboek/", {"since": "2026-12-01", "until": "2026-11-01"})
    assert bad.status_code == 400
    assert "Deze datum ligt voor de begindatum." in bad.content.decode()


def test_privacy_officer_exports_the_filtered_log_as_csv(cast: Cast) -> None:
    client = _client_for(cast.privacy_officer)
    response = client.get("/logboek/export.csv", {"event": int(Event.USER_CREATED)})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("seq,occurred_at_utc,event,")
    assert len(lines) > 1
    assert all(",303," in line for line in lines[1:])
    row = AuditEvent.objects.get(event=Event.AUDIT_EXPORTED, actor=cast.privacy_officer)
    assert row.details["count"] == len(lines) - 1
    assert _client_for(cast.admin_a).get("/logboek/export.csv").status_code == 404


def test_export_neutralises_spreadsheet_formulas(cast: Cast) -> None:
    from samenspel.accounts import services

    services.change_user(
        cast.case_manager,
        full_name="=HYPERLINK(1)",
        email="",
        roles=["case_director"],
        by=cast.admin_a,
    )
    client = _client_for(cast.case_manager)
    client.get("/")
    body = b"".join(
        _client_for(cast.privacy_officer).get("/logboek/export.csv").streaming_content
    ).decode()
    assert "'=HYPERLINK(1)" in body
    assert ",=HYPERLINK" not in body


def _nav(user: Any) -> list[str]:
    body = _client_for(user).get("/").content.decode()
    nav = body[body.index('aria-label="Hoofdmenu"') : body.index("</nav>")]
    return re.findall(r'utrecht-nav-list__link" href="[^"]+"[^>]*>([^<]+)</a>', nav)


def test_the_menu_shows_intake_and_cases_by_what_the_user_may_do(cast: Cast) -> None:
    assert _nav(cast.police_officer) == [
        "Start",
        "Signalen",
        "Casussen",
        "Overleg",
        "Termijnen",
        "Kader",
        "Organisaties",
        "Gebruikers",
    ]
    assert "Weeglijst" in _nav(cast.case_manager)
    assert "Weeglijst" in _nav(cast.adviser)
    # The consultations are for whoever works in the approach, not for a privacy officer.
    assert "Overleg" in _nav(cast.nctv_adviser)
    assert "Overleg" not in _nav(cast.privacy_officer)
    # The terms of measures are for whoever works on measures.
    assert "Termijnen" in _nav(cast.mayor)
    assert "Termijnen" not in _nav(cast.privacy_officer)


def test_the_menu_marks_one_current_item(cast: Cast) -> None:
    body = _client_for(cast.case_manager).get("/signalen/weeglijst/").content.decode()
    nav = body[body.index('aria-label="Hoofdmenu"') : body.index("</nav>")]
    current = re.findall(r'href="([^"]+)" aria-current="page"', nav)
    assert current == ["/signalen/weeglijst/"]
