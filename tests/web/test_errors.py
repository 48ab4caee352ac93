from __future__ import annotations

from urllib.parse import quote

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.testing import Cast, force_verified_login


def test_unknown_url_gets_a_dutch_404_and_an_audit_record(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.case_manager)
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
    row = AuditEvent.objects.filter(event=Event.NOT_FOUND).latest("seq")
    assert row.actor == cast.case_manager
    assert row.details == {"path": "/bestaat-niet/"}


@pytest.mark.parametrize(
    ("path", "recorded"),
    [
        ("/caf\u00e9/", "/caf_/"),
        ("/\u0645\u0631\u062d\u0628\u0627", "/_____"),
        ("/a b/%00/\U0001f600", "/a_b/_/_"),
        ("/" + "x" * 300, "/" + "x" * 99),
    ],
)
def test_a_404_on_any_path_is_audited_with_a_normalised_path(
    cast: Cast, client: Client, path: str, recorded: str
) -> None:
    force_verified_login(client, cast.case_manager)
    before = AuditEvent.objects.filter(event=Event.NOT_FOUND).count()
    assert client.get(path).status_code == 404
    rows = AuditEvent.objects.filter(event=Event.NOT_FOUND)
    assert rows.count() == before + 1
    assert rows.latest("seq").details == {"path": recorded}


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    segment=st.text(min_size=1, max_size=40).filter(
        lambda t: "/" not in t and "?" not in t and "#" not in t
    )
)
def test_every_unknown_path_leaves_exactly_one_audit_record(
    cast: Cast, client: Client, segment: str
) -> None:
    force_verified_login(client, cast.case_manager)
    before = AuditEvent.objects.filter(event=Event.NOT_FOUND).count()
    assert client.get("/bestaat-niet/" + quote(segment, safe="")).status_code == 404
    assert AuditEvent.objects.filter(event=Event.NOT_FOUND).count() == before + 1


def test_csrf_failure_gets_a_dutch_page_and_an_audit_record(cast: Cast) -> None:
    client = Client(enforce_csrf_checks=True, REMOTE_ADDR="127.0.0.1")
    response = client.post("/inloggen/", {"username": "casemanager", "password": "x"})
    assert response.status_code == 403
    assert "Het formulier is verlopen" in response.content.decode()
    assert AuditEvent.objects.filter(event=Event.CSRF_FAILED).exists()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2048)
def test_oversized_request_gets_a_dutch_400_and_an_audit_record(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.admin_a)
    response = client.post("/beheer/gebruikers/nieuw/", {"full_name": "x" * 10_000})
    assert response.status_code == 400
    assert "Dit verzoek kunnen we niet verwerken" in response.content.decode()
    assert AuditEvent.objects.filter(event=Event.BAD_REQUEST).exists()


@override_settings(ROOT_URLCONF="tests.web.errors_urls")
def test_a_bug_gets_a_dutch_500_that_names_the_request(cast: Cast) -> None:
    client = Client(raise_request_exception=False, REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, cast.case_manager)
    response = client.get("/kapot/", HTTP_X_REQUEST_ID="req-12345678")
    body = response.content.decode()
    assert response.status_code == 500
    assert "Er ging iets mis" in body
    assert "req-12345678" in body
    assert "Traceback" not in body
    assert AuditEvent.objects.filter(event=Event.SERVER_ERROR, request_id="req-12345678").exists()


def test_every_page_forbids_framing_and_caching_and_has_a_csp(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.case_manager)
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cache-Control"] == "no-store"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "frame-ancestors 'none'" in csp
    body = response.content.decode()
    assert "style=" not in body
    assert "<script>" not in body


def test_a_read_that_cannot_be_audited_shows_nothing(cast: Cast, monkeypatch: object) -> None:
    import pytest

    from samenspel.audit import services as audit_services

    real = audit_services.record

    def refuse_reads(event: Event, **kwargs: object) -> object:
        if event == Event.USER_VIEWED:
            raise RuntimeError("audit log unavailable")
        return real(event, **kwargs)  # type: ignore[arg-type]

    mp = pytest.MonkeyPatch()
    mp.setattr("samenspel.audit.services.record", refuse_reads)
    try:
        client = Client(raise_request_exception=False, REMOTE_ADDR="127.0.0.1")
        force_verified_login(client, cast.admin_a)
        response = client.get(f"/beheer/gebruikers/{cast.case_manager.uuid}/")
    finally:
        mp.undo()
    assert response.status_code == 500
    assert cast.case_manager.full_name not in response.content.decode()


def test_a_bug_in_the_api_answers_a_500_problem_and_is_audited(
    cast: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from samenspel.api import main

    def broken(user: object) -> object:
        raise RuntimeError("a bug")

    monkeypatch.setattr(main.selectors, "organisation_list", broken)
    client = Client(raise_request_exception=False, REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, cast.case_manager)
    response = client.get("/api/v1/organisations", HTTP_X_REQUEST_ID="req-api-500")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == "server_error"
    assert "a bug" not in response.content.decode()
    assert AuditEvent.objects.filter(event=Event.SERVER_ERROR, request_id="req-api-500").exists()


def test_every_page_names_a_favicon_that_exists(db: None, client: Client) -> None:
    from django.contrib.staticfiles import finders

    page = client.get("/inloggen/").content.decode()
    assert '<link rel="icon" href="/static/samenspel/favicon.svg' in page
    assert finders.find("samenspel/favicon.svg")
