from __future__ import annotations

from django.test import Client

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.testing import PASSWORD, Cast, force_verified_login


def test_anonymous_and_half_logged_in_get_401(cast: Cast) -> None:
    anonymous = Client(REMOTE_ADDR="127.0.0.1")
    response = anonymous.get("/api/v1/users")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == 'Bearer realm="samenspel"'
    assert response.json()["code"] == "unauthenticated"
    assert "Authorization: Bearer" in response.json()["detail"]
    half = Client(REMOTE_ADDR="127.0.0.1")
    half.post("/inloggen/", {"username": "casemanager", "password": PASSWORD})
    assert half.get("/api/v1/users").status_code == 401


def test_user_list_is_filtered_by_the_policy(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.case_manager)
    data = client.get("/api/v1/users").json()
    organisations = {row["organisation"] for row in data}
    assert organisations == {str(cast.municipality_a.uuid)}
    assert AuditEvent.objects.filter(event=Event.USER_LIST_VIEWED, actor=cast.case_manager).exists()


def test_outsider_gets_404_with_no_trace_of_the_object(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.outsider)
    hidden = client.get(f"/api/v1/users/{cast.case_manager.uuid}")
    missing = client.get("/api/v1/users/00000000-0000-4000-8000-000000000000")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    assert AuditEvent.objects.filter(
        event=Event.ACCESS_DENIED, actor=cast.outsider, object_id=str(cast.case_manager.uuid)
    ).exists()


def test_audit_events_only_for_the_privacy_officer(cast: Cast) -> None:
    fg = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(fg, cast.privacy_officer)
    rows = fg.get("/api/v1/audit/events").json()
    assert rows
    assert all(set(row) >= {"seq", "event", "actor", "purpose", "hash"} for row in rows)
    other = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(other, cast.admin_a)
    assert other.get("/api/v1/audit/events").json() == []
    assert other.get(f"/api/v1/audit/events/{rows[0]['seq']}").status_code == 404


def test_openapi_document_lists_the_endpoints(db: None, client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/organisations", "/api/v1/users", "/api/v1/audit/events"} <= set(doc["paths"])


def test_an_unknown_api_path_and_a_wrong_method_answer_problems(cast: Cast, client: Client) -> None:
    force_verified_login(client, cast.case_manager)
    missing = client.get("/api/v1/bestaat-niet")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["code"] == "not_found"
    wrong = client.delete("/api/v1/cases")
    assert wrong.status_code == 405
    assert wrong["Content-Type"] == "application/problem+json"
    assert wrong.json()["code"] == "method_not_allowed"
    assert "GET" in wrong["Allow"]
    assert AuditEvent.objects.filter(event=Event.METHOD_NOT_ALLOWED).exists()


def test_input_that_does_not_fit_the_schema_answers_422_per_field_in_dutch(
    cast: Cast, client: Client
) -> None:
    force_verified_login(client, cast.case_manager)
    response = client.get("/api/v1/cases?page=abc")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == {"query.page": ["Dit is geen geheel getal."]}
