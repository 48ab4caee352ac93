"""A case moves by what its framework's stages mean (stage flags), not by fixed stage ids."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from samenspel.cases import services
from samenspel.cases.models import Case, CaseStatus, Dimension
from samenspel.frameworks import content
from samenspel.frameworks.models import FrameworkVersion, VersionStatus
from samenspel.frameworks.schema import validate_text
from samenspel.frameworks.shipped import shipped_text
from samenspel.testing import Cast, make_case, publish_framework


def _opening_at_triage() -> str:
    """Return the shipped framework with cases opening at the weighing stage (ST-2)."""
    text = shipped_text().replace('version: "2026.1"', 'version: "2026.1-t"', 1)
    text = text.replace(
        "      opens_case: true\n      makes_plan: true\n", "      makes_plan: true\n"
    )
    weighing = text.index("  - id: ST-2\n")
    src = text.index("    src:", weighing)
    return text[:src] + "    flags:\n      opens_case: true\n" + text[src:]


@pytest.fixture
def case(cast: Cast) -> Case:
    publish_framework(cast.national_admin, text=_opening_at_triage())
    return make_case(cast)


def test_a_case_opens_at_the_stage_marked_opens_case(case: Case) -> None:
    assert case.framework_version.label == "2026.1-t"
    assert case.stage == "ST-2"
    first = case.transitions.filter(dimension=Dimension.STAGE).order_by("id").first()
    assert first is not None and first.to_value == "ST-2"


def test_the_stage_marked_closes_case_is_reached_only_by_closing(cast: Cast, case: Case) -> None:
    with pytest.raises(ValidationError) as exc:
        services.change_stage(
            case,
            to="ST-6",
            reason="Geen zorgen.",
            expected_version=case.version,
            by=cast.case_manager,
        )
    assert exc.value.message_dict["to"] == ["Sluit de casus met de knop Casus sluiten."]
    case = services.close_case(
        case, reason="Geen zorgen.", expected_version=case.version, by=cast.case_manager
    )
    assert (case.status, case.stage) == (CaseStatus.CLOSED, "ST-6")


def test_a_reopened_case_returns_to_the_stage_marked_makes_plan(cast: Cast, case: Case) -> None:
    case = services.close_case(
        case, reason="Geen zorgen.", expected_version=case.version, by=cast.case_manager
    )
    case = services.reopen_case(
        case, reason="Nieuwe signalen.", expected_version=case.version, by=cast.case_manager
    )
    assert (case.status, case.stage) == (CaseStatus.OPEN, "ST-3")


def test_a_version_stored_before_stage_flags_runs_its_cases_as_before(cast: Cast) -> None:
    document = validate_text(shipped_text(), file="nl-pga.yaml").data
    assert document is not None
    for stage in document["stages"]:
        stage.pop("flags", None)  # as nl-pga 2026.1 was stored before stage flags existed
    FrameworkVersion.objects.create(
        framework="nl-pga",
        label="2026.1",
        title=document["framework"]["title"],
        valid_from="2026-01-01",
        content=document,
        content_sha256=content.digest(document),
        status=VersionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    case = make_case(cast)
    assert case.stage == "ST-3"
    with pytest.raises(ValidationError) as exc:
        services.change_stage(
            case, to="ST-4", reason="Plan.", expected_version=case.version, by=cast.case_manager
        )
    assert exc.value.message_dict["to"] == ["Het plan heeft nog geen interventies."]
    case.refresh_from_db()
    assert "flags" not in case.framework_version.content["stages"][3]
