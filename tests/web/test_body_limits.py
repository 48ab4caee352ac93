"""API bodies that are too deep or too large: a 4xx with a message and one log line, never 500."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from django.test import Client

from samenspel.cases.models import Case
from samenspel.testing import Cast, force_verified_login, make_case

API = "/api/v1"
WRITES = [
    f"{API}/signals",
    f"{API}/cases/00000000-0000-0000-0000-000000000000/phase",
    f"{API}/transfers/00000000-0000-0000-0000-000000000000/accept",
]


def nested(levels: int, leaf: Any = 1) -> bytes:
    return b"[" * levels + json.dumps(leaf).encode() + b"]" * levels


@pytest.mark.parametrize("url", WRITES)
def test_a_body_nested_480_deep_is_refused_without_login_in_one_line(
    client: Client, db: None, caplog: pytest.LogCaptureFixture, url: str
) -> None:
    caplog.set_level(logging.INFO)
    response = client.post(url, nested(480), content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "De gegevens zijn te diep genest: hoogstens 32 niveaus."
    assert [r.getMessage() for r in caplog.records] == [
        f"refused the body of POST {url}: nested deeper than 32"
    ]
    assert all(r.exc_info is None for r in caplog.records)


def test_a_body_nested_tens_of_thousands_deep_is_refused_too(client: Client, db: None) -> None:
    body = b'{"a":' * 20_000 + b"1" + b"}" * 20_000
    response = client.post(f"{API}/signals", body, content_type="text/plain")
    assert response.status_code == 400


def test_a_body_at_the_depth_limit_goes_on_to_the_api(client: Client, db: None) -> None:
    response = client.post(f"{API}/signals", nested(32), content_type="application/json")
    assert response.status_code == 401  # past the limit check, stopped by the login


def test_the_depth_limit_follows_its_setting(client: Client, db: None, settings: Any) -> None:
    settings.MAX_JSON_DEPTH = 4
    response = client.post(f"{API}/signals", nested(5), content_type="application/json")
    assert response.status_code == 400
    assert "hoogstens 4 niveaus" in response.json()["detail"]


def test_a_body_larger_than_the_limit_is_413(
    client: Client, db: None, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2048
    body = json.dumps({"observation": "x" * 4000}).encode()
    response = client.post(f"{API}/signals", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json()["detail"] == "De gegevens zijn te groot: hoogstens 2048 bytes."
    assert response.json()["code"] == "too_large"
    assert len(caplog.records) == 1
    assert caplog.records[0].exc_info is None


def test_a_nul_deep_inside_an_allowed_body_is_still_refused(cast: Cast) -> None:
    case: Case = make_case(cast)
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, cast.case_manager)
    body = {"to": "PH-2", "reason": json.loads(nested(30, "a\x00"))}
    response = client.post(
        f"{API}/cases/{case.uuid}/phase",
        json.dumps(body),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{case.version}"',
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"reason": ["Dit veld mag geen nul-tekens bevatten."]}


def test_pages_and_reads_are_not_limited_by_the_json_check(cast: Cast) -> None:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, cast.case_manager)
    assert client.get(f"{API}/cases").status_code == 200
