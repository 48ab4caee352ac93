"""The typed framework: stages with their meaning, measures with their authority, lookups."""

from __future__ import annotations

import copy
import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from samenspel.frameworks import content, selectors, services
from samenspel.frameworks.models import FrameworkVersion, VersionStatus
from samenspel.frameworks.schema import STAGE_FLAGS, validate_text
from samenspel.frameworks.shipped import shipped_text
from samenspel.frameworks.types import Framework, MissingStageFlagError
from samenspel.testing import Cast

MINIMAL = (Path(__file__).parent / "minimal.yaml").read_text()


def _document(text: str) -> dict[str, Any]:
    result = validate_text(text, file="k.yaml")
    assert result.data is not None, [str(p) for p in result.problems]
    return result.data


@pytest.fixture(scope="module")
def shipped() -> Framework:
    return Framework.from_document(_document(shipped_text()))


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _problems(text: str) -> list[str]:
    result = validate_text(text, file="k.yaml")
    assert not result.ok
    return [str(p) for p in result.problems]


# --- The shipped framework ---------------------------------------------------------------------


def test_shipped_stages_carry_what_they_mean_to_the_software(shipped: Framework) -> None:
    assert shipped.opening_stage.id == "ST-3"
    assert shipped.plan_stage.id == "ST-3"
    assert shipped.execution_stage.id == "ST-4"
    assert shipped.closing_stage.id == "ST-6"
    assert [s.id for s in shipped.stages if s.closes_case] == ["ST-6"]
    assert shipped.stages["ST-7"].terminal and not shipped.stages["ST-7"].closes_case


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
        shipped.stages["ST-3"].makes_plan = False  # type: ignore[misc]
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


def test_the_minimal_file_has_every_stage_flag() -> None:
    minimal = Framework.from_document(_document(MINIMAL))
    assert (minimal.opening_stage.id, minimal.plan_stage.id) == ("ST-1", "ST-1")
    assert (minimal.execution_stage.id, minimal.closing_stage.id) == ("ST-2", "ST-7")
    assert minimal.valid_from.isoformat() == "2026-01-01"
    assert minimal.uncertain_rows == 3


# --- The validator on stage flags --------------------------------------------------------------


def test_a_file_without_a_closing_stage_names_the_missing_flag() -> None:
    text = MINIMAL.replace(" flags: {closes_case: true},", "")
    line = _line_of(text, "{id: ST-1,")
    assert _problems(text) == [
        f"k.yaml:{line}: stages: no stage is marked closes_case: true; add it to the flags of "
        f"the stage {STAGE_FLAGS['closes_case']}"
    ]


def test_two_closing_stages_name_both_lines() -> None:
    text = MINIMAL.replace(
        "flags: {carries_out_plan: true}", "flags: {carries_out_plan: true, closes_case: true}"
    )
    first, second = _line_of(text, "{id: ST-2,"), _line_of(text, "{id: ST-7,")
    assert _problems(text) == [
        f"k.yaml:{second}: stages[2].flags.closes_case: ST-7 and ST-2 (line {first}) are both "
        f"marked closes_case: only one stage is {STAGE_FLAGS['closes_case']}"
    ]


def test_a_stage_cannot_open_and_close_a_case() -> None:
    text = MINIMAL.replace(" flags: {closes_case: true},", "").replace(
        "flags: {opens_case: true, makes_plan: true}",
        "flags: {opens_case: true, makes_plan: true, closes_case: true}",
    )
    line = _line_of(text, "{id: ST-1,")
    assert (
        f"k.yaml:{line}: stages[0].flags.closes_case: a stage cannot both open and close a case"
        in _problems(text)
    )


def test_an_unknown_stage_flag_is_refused_with_a_suggestion() -> None:
    text = MINIMAL.replace("flags: {carries_out_plan: true}", "flags: {carries_out_plans: true}")
    problems = _problems(text)
    assert any(
        "stages[1].flags.carries_out_plans: unknown field (did you mean 'carries_out_plan'?)" in p
        for p in problems
    )


# --- Versions stored before stage flags existed --------------------------------------------------


def _without_stage_flags(document: dict[str, Any]) -> dict[str, Any]:
    old = copy.deepcopy(document)
    for stage in old["stages"]:
        stage.pop("flags", None)
    return old


def test_a_document_without_stage_flags_gets_the_meanings_it_had() -> None:
    old = Framework.from_document(_without_stage_flags(_document(shipped_text())))
    assert (old.opening_stage.id, old.plan_stage.id) == ("ST-3", "ST-3")
    assert (old.execution_stage.id, old.closing_stage.id) == ("ST-4", "ST-6")


def test_an_old_document_without_those_stages_says_which_flag_is_missing() -> None:
    old = Framework.from_document(_without_stage_flags(_document(MINIMAL)))
    assert not any(s.closes_case for s in old.stages)
    with pytest.raises(MissingStageFlagError, match="closes_case"):
        old.closing_stage  # noqa: B018


def test_a_published_version_stored_without_flags_reads_as_before(cast: Cast) -> None:
    document = _without_stage_flags(_document(shipped_text()))
    stored = FrameworkVersion.objects.create(
        framework="nl-pga",
        label="2025.9",
        title=document["framework"]["title"],
        valid_from="2025-01-01",
        content=document,
        content_sha256=content.digest(document),
        status=VersionStatus.PUBLISHED,
        published_at=timezone.now(),
    )
    framework = selectors.framework_of(FrameworkVersion.objects.get(pk=stored.pk))
    assert framework.plan_stage.id == "ST-3"
    assert framework.closing_stage.id == "ST-6"
    stored.refresh_from_db()
    assert stored.content == document  # nothing was written back


def test_framework_of_builds_a_published_version_once(cast: Cast) -> None:
    version = services.load_version(MINIMAL, source_name="m.yaml", by=cast.national_admin)
    version = services.publish_version(version, by=cast.national_admin)
    first = selectors.framework_of(version)
    again = selectors.framework_of(FrameworkVersion.objects.defer("content").get(pk=version.pk))
    assert again is first
    assert first.closing_stage.id == "ST-7"


# --- Nothing outside the frameworks app reads the document itself ------------------------------

SRC = Path(__file__).parents[2] / "src" / "samenspel"
READS_THE_DOCUMENT = re.compile(
    r"\bdocument_of\b|\b(framework_version|version|found)\.content\b|frameworks\.schema import"
)


def test_no_code_outside_frameworks_reads_the_framework_document() -> None:
    offenders = [
        f"{path.relative_to(SRC)}:{number}"
        for path in SRC.rglob("*.py")
        if "frameworks" not in path.relative_to(SRC).parts[:1]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if READS_THE_DOCUMENT.search(line)
    ]
    assert offenders == [], "read framework_of(version), the typed framework, instead"


def test_a_version_without_user_roles_keeps_the_mayor_apart() -> None:
    # Stored before actors named their user roles: the mayor is still only the mayor.
    from samenspel.frameworks.schema import validate_text
    from samenspel.frameworks.shipped import shipped_text
    from samenspel.frameworks.types import Framework

    document = validate_text(shipped_text(), file="nl-pga.yaml").data
    assert document is not None
    for actor in document["actors"]:
        actor.pop("user_roles", None)
    old = Framework.from_document(document)
    assert old.actors_of("municipality", ["case_director"]) == {"A-GEM"}
    assert old.actors_of("municipality", ["mayor"]) == {"A-BGM", "A-GEM"}
    assert old.actors_of("police", ["partner_liaison"]) == {"A-POL", "A-RID"}


def test_dossier_readers_are_competent_authorities_and_receivers_of_opening_flows() -> None:
    from samenspel.frameworks.shipped import shipped_framework

    framework = shipped_framework()
    assert framework.dossier_readers("D-OOV") == {"A-BGM"}
    assert framework.dossier_readers("D-STRAF") == {"A-OM", "A-POL"}
    # F-11 (the administrative report for a Twbmt measure) opens the state-security dossier.
    assert framework.dossier_readers("D-NATVEI") == {"A-MJV", "A-BZK", "A-BGM", "A-NCTV"}


def test_a_term_in_months_ends_the_day_before_the_same_date() -> None:
    import datetime as dt

    from samenspel.frameworks.types import Term

    six = Term(6, "months")
    assert six.last_day(dt.date(2026, 1, 1)) == dt.date(2026, 6, 30)
    assert six.last_day(dt.date(2026, 8, 31)) == dt.date(2027, 2, 28)
    assert Term(2, "weeks").last_day(dt.date(2026, 1, 1)) == dt.date(2026, 1, 14)
    assert Term(1, "years").last_day(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)
    assert Term(1, "months").last_day(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)


def test_a_term_that_runs_past_the_calendar_ends_on_its_last_day() -> None:
    import datetime as dt

    from samenspel.frameworks.types import Term

    assert Term(6, "months").last_day(dt.date(9999, 10, 1)) == dt.date.max
    assert Term(2, "weeks").last_day(dt.date(9999, 12, 25)) == dt.date.max
    assert Term(2, "weeks").last_day(dt.date(9999, 12, 18)) == dt.date(9999, 12, 31)
