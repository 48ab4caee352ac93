"""The framework that ships with Samenspel (nl-pga.yaml) is valid and complete.

These tests read the file and use only the validator: no database.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from samenspel.frameworks.schema import UNCERTAIN_TAG, validate_text

SHIPPED = Path(__file__).parents[2] / "src/samenspel/frameworks/data/nl-pga.yaml"

RACI_ACTORS = (
    "A-GEM",
    "A-ZVH",
    "A-POL",
    "A-OM",
    "A-AIVD",
    "A-NCTV",
    "A-MJV",
    "A-ZORG",
    "A-RN",
    "A-RVDK",
    "A-LSE",
)


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    result = validate_text(SHIPPED.read_text(encoding="utf-8"), file=SHIPPED.name)
    assert result.ok, "\n".join(map(str, result.problems))
    assert result.data is not None
    return result.data


def _by_id(doc: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in doc[section]}


def _uncertain(row: dict[str, Any]) -> bool:
    return UNCERTAIN_TAG in row["src"]


def test_the_shipped_file_validates() -> None:
    result = validate_text(SHIPPED.read_text(encoding="utf-8"), file=SHIPPED.name)
    assert result.ok, "\n".join(map(str, result.problems))
    assert result.summary().startswith("nl-pga.yaml: valid framework nl-pga version 2026.1")


def test_framework_block(doc: dict[str, Any]) -> None:
    fw = doc["framework"]
    assert fw["id"] == "nl-pga"
    assert fw["version"] == "2026.1"
    assert fw["valid_from"] == "2026-01-01"
    assert fw["language"] == "nl"
    assert "GK?" in fw["description"]


def test_forty_measures_numbered_one_to_forty(doc: dict[str, Any]) -> None:
    assert [m["id"] for m in doc["measures"]] == [f"I-{n:02d}" for n in range(1, 41)]


def test_stages_phases_and_legal_domains(doc: dict[str, Any]) -> None:
    assert [s["id"] for s in doc["stages"]] == [f"ST-{n}" for n in range(8)]
    assert [s["order"] for s in doc["stages"]] == list(range(8))
    assert [p["id"] for p in doc["phases"]] == [f"PH-{n}" for n in range(1, 8)]
    assert [p["order"] for p in doc["phases"]] == list(range(1, 8))
    assert set(_by_id(doc, "legal_domains")) == {
        "D-STRAF",
        "D-OOV",
        "D-NATVEI",
        "D-ZORG",
        "D-MIGR",
        "D-SOC",
    }
    assert _by_id(doc, "stages")["ST-7"].get("terminal") is True
    assert _by_id(doc, "phases")["PH-7"].get("terminal") is True


def test_a_raci_cell_for_every_stage_and_actor(doc: dict[str, Any]) -> None:
    cells = {(c["stage"], c["actor"]) for c in doc["raci"]}
    expected = {(s["id"], a) for s in doc["stages"] for a in RACI_ACTORS}
    assert expected <= cells
    assert len(doc["raci"]) == len(expected)


def test_twelve_routes_and_112_is_acute(doc: dict[str, Any]) -> None:
    routes = _by_id(doc, "routes")
    assert list(routes) == [f"C-{n:02d}" for n in range(1, 13)]
    assert routes["C-01"]["urgency"] == "acute"
    assert routes["C-01"]["contact"] == "112"


def test_every_measure_has_a_legal_domain_and_a_decision_role(doc: dict[str, Any]) -> None:
    for measure in doc["measures"]:
        assert measure["legal_domain"], measure["id"]
        assert measure["decision_role"]["actors"], measure["id"]
        assert measure["decision_role"]["text"].strip(), measure["id"]


def test_passport_the_mayor_decides_on_a_national_security_ground(doc: dict[str, Any]) -> None:
    passport = _by_id(doc, "measures")["I-17"]
    assert "A-BGM" in passport["decision_role"]["actors"]
    assert passport["legal_domain"] == "D-NATVEI"
    assert passport["flags"]["verify_duty"] is True


def test_reporting_duty_term_is_marked_uncertain(doc: dict[str, Any]) -> None:
    reporting_duty = _by_id(doc, "measures")["I-19"]
    assert reporting_duty["max_term"] == {"value": 6, "unit": "months"}
    assert _uncertain(reporting_duty)
    assert reporting_duty["flags"]["consult_mayor"] is True


@pytest.mark.parametrize(
    ("section", "row_id"),
    [
        ("actors", "A-POL"),  # art. 19/20 Wpg
        ("stages", "ST-2"),  # Wet PGA art. 1 & 5, exact wording
        ("legal_domains", "D-STRAF"),  # art. 38z/38v Sr
        ("measures", "I-14"),  # passport of a minor
        ("measures", "I-17"),  # article for the vervallenverklaring
        ("flows", "F-06"),  # Wpg art. 19/20
        ("routes", "C-04"),  # NCTV via casusoverleg contacts
        ("retention", "R-02"),  # Wet PGA retention term not verified
    ],
)
def test_rows_the_domain_model_marks_uncertain_stay_uncertain(
    doc: dict[str, Any], section: str, row_id: str
) -> None:
    assert _uncertain(_by_id(doc, section)[row_id])


def test_uncertain_raci_and_transitions(doc: dict[str, Any]) -> None:
    weighing = [c for c in doc["raci"] if c["stage"] == "ST-2"]
    assert weighing and all(_uncertain(c) for c in weighing)
    assert any(_uncertain(t) for t in doc["transitions"])


def test_every_source_used_is_listed(doc: dict[str, Any]) -> None:
    listed = {s["id"] for s in doc["sources"]}
    assert {f"S-{n:02d}" for n in range(1, 93)} <= listed
    used = {
        tag
        for section in doc
        if section != "framework" and section != "sources"
        for row in doc[section]
        for tag in row["src"]
        if tag.startswith("S-")
    }
    assert used <= listed
