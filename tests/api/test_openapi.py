"""The OpenAPI document declares every answer and header an operation uses (issue 14, finding 5)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

PROBLEM = "application/problem+json"


@pytest.fixture
def document(db: None, client: Client) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, methods in document["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_declares_its_error_answers_as_problems(document: dict[str, Any]) -> None:
    assert len(operations(document)) > 30
    for method, path, operation in operations(document):
        answers = operation["responses"]
        for status in ("401", "422", "500", "503"):
            assert status in answers, (method, path, status)
        if "{" in path:
            assert "404" in answers, (method, path)
        if method in ("post", "put", "patch", "delete"):
            assert {"400", "403", "413"} <= set(answers), (method, path)
        for status, answer in answers.items():
            if status >= "400":
                assert list(answer["content"]) == [PROBLEM], (method, path, status)
    assert answers["401"]["headers"]["WWW-Authenticate"]


def test_edits_declare_if_match_with_412_and_428_and_answer_an_etag(
    document: dict[str, Any],
) -> None:
    phase = document["paths"]["/api/v1/cases/{case_uuid}/phase"]["post"]
    headers = {p["name"]: p for p in phase["parameters"] if p["in"] == "header"}
    assert headers["If-Match"]["required"] is True
    assert {"412", "428"} <= set(phase["responses"])
    assert phase["responses"]["412"]["content"][PROBLEM]["schema"]["$ref"].endswith("/StaleProblem")
    assert "ETag" in phase["responses"]["200"]["headers"]
    read = document["paths"]["/api/v1/cases/{case_uuid}"]["get"]
    assert "ETag" in read["responses"]["200"]["headers"]
    assert "If-Match" not in {p["name"] for p in read["parameters"]}


def test_submissions_declare_a_required_idempotency_key(document: dict[str, Any]) -> None:
    for path in ("/api/v1/signals", "/api/v1/cases/{case_uuid}/plan"):
        post = document["paths"][path]["post"]
        headers = {p["name"]: p for p in post["parameters"] if p["in"] == "header"}
        assert headers["Idempotency-Key"]["required"] is True, path


def test_decisions_declare_409(document: dict[str, Any]) -> None:
    for decision in ("accept", "decline", "cancel"):
        post = document["paths"][f"/api/v1/transfers/{{transfer_uuid}}/{decision}"]["post"]
        assert post["responses"]["409"]["content"][PROBLEM]["schema"]["$ref"].endswith(
            "/ConflictProblem"
        )


def test_the_problem_schemas_are_components(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    problem = schemas["Problem"]
    assert set(problem["required"]) == {"title", "status", "code", "detail"}
    assert "current_version" in schemas["StaleProblem"]["properties"]
    assert "current_status" in schemas["ConflictProblem"]["properties"]


def test_no_two_schemas_share_a_component_name() -> None:
    """The document names a component by its class: two bodies called alike would overwrite one
    another, and a client built from it would send the wrong fields."""
    from ninja import Schema

    from samenspel.api import main

    seen: dict[str, type] = {}
    for module in {v.__module__ for _p, r in main.api._routers for v in _views(r)}:
        for name, value in vars(importlib.import_module(module)).items():
            if isinstance(value, type) and issubclass(value, Schema) and value is not Schema:
                first = seen.setdefault(value.__name__, value)
                assert first is value, (name, first.__module__, value.__module__)


def _views(router: Any) -> Iterator[Any]:
    for path_view in router.path_operations.values():
        for operation in path_view.operations:
            yield operation.view_func
