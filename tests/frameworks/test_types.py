"""The typed framework: stages with their meaning, measures with their authority, lookups."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from samenspel.frameworks import selectors, services
from samenspel.frameworks.models import FrameworkVersion
from samenspel.frameworks.schema import validate_text
from samenspel.frameworks.shipped import shipped_text
from samenspel.frameworks.types import Framework
from samenspel.testing import Cast

MINIMAL = (Path(__file__).parent / "minimal.yaml").read_text()


def _document(text: str) -> dict[str, Any]:
    result = validate_text(text, file="k.yaml")
    assert result.data is not None, [str(p) for p in result.problems]
    return result.data


@pytest.fixture(scope="module")
def shipped() -> Framework:
    return Framework.from_document(_document(shipped_text()))


# --- The shipped framework ---------------------------------------------------------------------


def test_shipped_measures_carry_domain_basis_authority_and_flags(shipped: Framework) -> None:
    passport = shipped.measures["I-17"]
    assert passport.legal_domain in shipped.legal_domains
    assert passport.legal_basis.text
    assert passport.deciders == passport.decision_role.actors
    assert [a.id for a in shipped.competent_authorities("I-17")] == list(passport.deciders)
    assert shipped.measures["I-02"].flags.trust_tension
    assert not shipped.measures["I-02"].flags.voluntary
    assert {m.id for m in shipped.measures if m.flags.voluntary} >= {"I-09", "I-10"}
    assert any(m.flags.consult_mayor for m in shipped.measures)
    assert any(m.flags.verify_duty for m in shipped.measures)


def test_rows_are_frozen(shipped: Framework) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.stages["ST-3"].name = "Anders"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        shipped.title = "Ander kader"  # type: ignore[misc]


def test_lookups_by_id_in_file_order(shipped: Framework) -> None:
    assert shipped.stages.ids == tuple(f"ST-{n}" for n in range(8))
    assert [s.id for s in shipped.stages] == list(shipped.stages.ids)
    assert "PH-1" in shipped.phases and "PH-99" not in shipped.phases
    assert shipped.phases.get("PH-99") is None
    with pytest.raises(KeyError):
        shipped.measures["I-99"]
    assert shipped.scope("ST-3") is shipped.stages["ST-3"]
    assert shipped.scope("PH-2") is shipped.phases["PH-2"]
    with pytest.raises(KeyError):
        shipped.scope("XX-1")
    assert {t.to_id for t in shipped.transitions_from("ST-3")} == {"ST-4"}
    assert shipped.label_of("ST-3") == f"ST-3 {shipped.stages['ST-3'].name}"
    assert shipped.label_of("ST-99") == "ST-99"
    assert all(r.is_acute for r in shipped.routes if r.urgency == "acute")
    assert shipped.counts()["measures"] == 40 == len(shipped.measures)
    assert shipped.raci_of("ST-3") and all(c.stage == "ST-3" for c in shipped.raci_of("ST-3"))


def test_framework_of_builds_a_published_version_once(cast: Cast) -> None:
    version = services.load_version(MINIMAL, source_name="m.yaml", by=cast.national_admin)
    version = services.publish_version(version, by=cast.national_admin)
    first = selectors.framework_of(version)
    again = selectors.framework_of(FrameworkVersion.objects.defer("content").get(pk=version.pk))
    assert again is first
    assert first.stages.ids == ("ST-1", "ST-2", "ST-7")
    assert first.uncertain_rows == 3
