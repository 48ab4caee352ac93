"""The read-only framework endpoints of the JSON API."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest
from django.test import Client

from samenspel.api.frameworks import OrganisationTypeName, Section
from samenspel.audit.models import AuditEvent
from samenspel.frameworks import services
from samenspel.frameworks.models import FrameworkVersion
from samenspel.frameworks.schema import ORGANISATION_TYPES, SECTIONS
from samenspel.testing import Cast, force_verified_login

MINIMAL = (Path(__file__).parent / "minimal.yaml").read_text()
API = "/api/v1/frameworks"


def load(cast: Cast, text: str = MINIMAL, *, publish: bool = True) -> FrameworkVersion:
    version = services.load_version(text, source_name="minimal.yaml", by=cast.national_admin)
    return services.publish_version(version, by=cast.national_admin) if publish else version


def draft(cast: Cast) -> FrameworkVersion:
    return load(cast, MINIMAL.replace('version: "t.1"', 'version: "t.2"'), publish=False)


def api_client(user: object) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)  # type: ignore[arg-type]
    return client


def test_the_api_knows_every_section_and_organisation_type() -> None:
    assert set(get_args(Section)) == {s.name for s in SECTIONS}
    assert set(get_args(OrganisationTypeName)) == set(ORGANISATION_TYPES)


def test_anonymous_gets_401(cast: Cast) -> None:
    load(cast)
    assert Client(REMOTE_ADDR="127.0.0.1").get(f"{API}/versions").status_code == 401
    assert Client(REMOTE_ADDR="127.0.0.1").get(f"{API}/versions/current").status_code == 401


def test_versions_list_hides_drafts_from_a_case_manager(cast: Cast) -> None:
    published = load(cast)
    hidden = draft(cast)
    rows = api_client(cast.case_manager).get(f"{API}/versions").json()
    assert [r["uuid"] for r in rows] == [str(published.uuid)]
    admin_rows = api_client(cast.national_admin).get(f"{API}/versions").json()
    assert {r["uuid"] for r in admin_rows} == {str(published.uuid), str(hidden.uuid)}


def test_current_and_a_uuid_name_the_same_version(cast: Cast) -> None:
    version = load(cast)
    client = api_client(cast.case_manager)
    current = client.get(f"{API}/versions/current").json()
    by_uuid = client.get(f"{API}/versions/{version.uuid}").json()
    assert current == by_uuid
    assert current["label"] == "t.1"
    assert current["status"] == "published"
    assert current["valid_from"] == "2026-01-01"
    assert current["counts"]["measures"] == 2
    assert current["uncertain_rows"] == 3


@pytest.mark.parametrize(
    ("section", "count"),
    [
        ("actors", 3),
        ("stages", 3),
        ("phases", 2),
        ("legal_domains", 2),
        ("measures", 2),
        ("raci", 3),
        ("flows", 1),
        ("routes", 2),
    ],
)
def test_section_rows_come_with_key_label_uncertain_and_data(
    cast: Cast, section: str, count: int
) -> None:
    load(cast)
    rows = api_client(cast.case_manager).get(f"{API}/versions/current/{section}").json()
    assert len(rows) == count
    assert all(set(row) == {"key", "label", "uncertain", "data"} for row in rows)


def test_rows_carry_their_data_and_the_uncertain_mark(cast: Cast) -> None:
    load(cast)
    rows = api_client(cast.case_manager).get(f"{API}/versions/current/measures").json()
    duty = next(r for r in rows if r["key"] == "I-19")
    assert duty["uncertain"] is True
    assert duty["data"]["decision_role"]["actors"] == ["A-MJV"]
    raci = api_client(cast.case_manager).get(f"{API}/versions/current/raci").json()
    assert {r["key"] for r in raci} == {"ST-1/A-BGM", "ST-1/A-POL", "ST-2/A-MJV"}


def test_reading_the_framework_writes_no_audit_record(cast: Cast) -> None:
    load(cast)
    client = api_client(cast.case_manager)
    before = AuditEvent.objects.count()
    client.get(f"{API}/versions")
    client.get(f"{API}/versions/current/actors")
    client.get(f"{API}/course-of-action?scope=ST-1&organisation_type=police")
    assert AuditEvent.objects.count() == before


def test_unknown_versions_sections_and_drafts_answer_404(cast: Cast) -> None:
    load(cast)
    hidden = draft(cast)
    client = api_client(cast.case_manager)
    for path in (
        f"{API}/versions/{hidden.uuid}",
        f"{API}/versions/{hidden.uuid}/actors",
        f"{API}/versions/00000000-0000-4000-8000-000000000000",
        f"{API}/versions/not-a-uuid",
        f"{API}/course-of-action?scope=ST-1&organisation_type=police&version={hidden.uuid}",
        f"{API}/course-of-action?scope=ST-9&organisation_type=police",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found", path
        assert response.json()["detail"] == "Niet gevonden."
    assert client.get(f"{API}/versions/current/nothing").status_code == 422
    admin = api_client(cast.national_admin)
    assert admin.get(f"{API}/versions/{hidden.uuid}/actors").status_code == 200


def test_current_is_404_while_nothing_is_published(cast: Cast) -> None:
    draft(cast)
    response = api_client(cast.case_manager).get(f"{API}/versions/current")
    assert response.status_code == 404


def test_course_of_action_for_an_organisation_type(cast: Cast) -> None:
    version = load(cast)
    client = api_client(cast.case_manager)
    course = client.get(f"{API}/course-of-action?scope=PH-2&organisation_type=municipality").json()
    assert course["version"] == str(version.uuid)
    assert course["scope_name"] == "Ernstig geradicaliseerd"
    assert course["actors"] == ["A-BGM"]
    can_do = [i["text"] for i in course["can_do"]]
    assert any(text.startswith("Besluiten over: Bestuurlijk gesprek") for text in can_do)
    refusal = next(i for i in course["must_not_do"] if "Meldplicht" in i["text"])
    assert refusal["uncertain"] is True
    assert refusal["legal_basis"] == "Twbmt"
    assert refusal["ref"] == "measures/I-19"
    assert [i["ref"] for i in course["acute"]] == ["routes/C-01"]
    wrong_type = client.get(f"{API}/course-of-action?scope=PH-2&organisation_type=mayor")
    assert wrong_type.status_code == 422


def test_openapi_lists_the_framework_endpoints(cast: Cast, client: Client) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/frameworks/versions",
        "/api/v1/frameworks/versions/{version}",
        "/api/v1/frameworks/versions/{version}/{section}",
        "/api/v1/frameworks/course-of-action",
    } <= set(doc["paths"])


def test_course_of_action_speaks_the_language_of_the_request(cast: Cast) -> None:
    load(cast)
    client = api_client(cast.case_manager)
    url = f"{API}/course-of-action?scope=ST-1&organisation_type=municipality"
    dutch = client.get(url).json()
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert dutch["must_do"][0]["text"] == "Burgemeester is eindverantwoordelijk en beslist"
    assert english["must_do"][0]["text"] == "Burgemeester is ultimately responsible and decides"
    assert english["scope_name"] == "Signaal"  # names come from the framework file as they are
