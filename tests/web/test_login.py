from __future__ import annotations

from django.test import Client

from samenspel.testing import Cast, current_code, log_in


def test_case_manager_logs_in_with_password_and_code(cast: Cast, client: Client) -> None:
    log_in(client, cast.case_manager)
    response = client.get("/")
    assert response.status_code == 200
    assert "Naar de casussen" in response.content.decode()


def test_password_alone_does_not_open_the_start_page(cast: Cast, client: Client) -> None:
    client.post(
        "/inloggen/", {"username": "casemanager", "password": "correct horse battery staple"}
    )
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/inloggen/code/"


def test_reused_code_is_refused(cast: Cast, client: Client) -> None:
    code = current_code(cast.case_manager)
    client.post(
        "/inloggen/", {"username": "casemanager", "password": "correct horse battery staple"}
    )
    assert client.post("/inloggen/code/", {"token": code}).status_code == 302
    other = Client(REMOTE_ADDR="127.0.0.1")
    other.post(
        "/inloggen/", {"username": "casemanager", "password": "correct horse battery staple"}
    )
    response = other.post("/inloggen/code/", {"token": code})
    assert response.status_code == 400
    assert "al gebruikt" in response.content.decode()
