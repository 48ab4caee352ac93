"""The course of action, for every stage and phase and every organisation type."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import translation

from samenspel.frameworks.course import course_of_action
from samenspel.frameworks.schema import ORGANISATION_TYPES, validate_text
from samenspel.frameworks.types import Framework

_MINIMAL = validate_text((Path(__file__).parent / "minimal.yaml").read_text(), file="m").data
assert _MINIMAL is not None
MINIMAL = Framework.from_document(_MINIMAL)


def test_mayor_decides_the_warning_conversation_and_not_the_reporting_duty() -> None:
    course = course_of_action(MINIMAL, scope="PH-2", organisation_type="municipality")
    can = [i.text for i in course.can_do]
    cannot = [i.text for i in course.must_not_do]
    assert "Besluiten over: Bestuurlijk gesprek" in can
    assert any(t.startswith("Niet zelf besluiten over: Meldplicht") for t in cannot)
    assert "Legt geen Twbmt-maatregelen op." in cannot
    assert any("burgemeester wordt vooraf geraadpleegd" in i.text for i in course.involve)
    assert [i.ref for i in course.acute] == ["routes/C-01"]
    assert [i.ref for i in course.non_acute] == ["routes/C-07"]


def test_police_executes_what_the_minister_decides() -> None:
    course = course_of_action(MINIMAL, scope="PH-2", organisation_type="police")
    assert any(i.text.startswith("Uitvoeren: Meldplicht") for i in course.can_do)
    assert all(i.uncertain for i in course.can_do if "Meldplicht" in i.text)


def test_stage_course_uses_the_raci() -> None:
    course = course_of_action(MINIMAL, scope="ST-1", organisation_type="municipality")
    assert [i.text for i in course.must_do] == [
        "Burgemeester is eindverantwoordelijk en beslist",
        "Burgemeester voert uit",
    ]
    assert any(i.text == "Politie: voert uit (registreert)" for i in course.involve)
    assert [i.ref for i in course.next_steps] == ["transitions/ST-1>ST-2"]


def test_course_speaks_the_active_language_and_keeps_the_names_from_the_file() -> None:
    with translation.override("en"):
        stage = course_of_action(MINIMAL, scope="ST-1", organisation_type="municipality")
        phase = course_of_action(MINIMAL, scope="PH-2", organisation_type="municipality")
    assert [i.text for i in stage.must_do] == [
        "Burgemeester is ultimately responsible and decides",
        "Burgemeester carries out",
    ]
    assert "Politie: carries out (registreert)" in [i.text for i in stage.involve]
    assert "Decide on: Bestuurlijk gesprek" in [i.text for i in phase.can_do]
    assert any(
        i.text.startswith("Do not decide on this yourself: Meldplicht") for i in phase.must_not_do
    )


def test_unknown_scope_is_refused() -> None:
    with pytest.raises(KeyError):
        course_of_action(MINIMAL, scope="ST-9", organisation_type="municipality")


SHIPPED = Path(__file__).parents[2] / "src/samenspel/frameworks/data/nl-pga.yaml"


def test_every_stage_and_phase_for_every_organisation_type_of_the_shipped_framework() -> None:
    result = validate_text(SHIPPED.read_text(), file=str(SHIPPED))
    assert result.ok and result.data is not None
    doc = Framework.from_document(result.data)
    scopes = [*doc.stages.ids, *doc.phases.ids]
    for organisation_type in ORGANISATION_TYPES:
        for scope in scopes:
            course = course_of_action(doc, scope=scope, organisation_type=organisation_type)
            assert course.acute, (organisation_type, scope)
            assert course.non_acute, (organisation_type, scope)
            refs = {
                i.ref.split("/")[0] for i in course.can_do + course.must_not_do + course.must_do
            }
            assert refs <= {"measures", "raci", "actors"}
            if not course.actors:
                assert not course.can_do  # an organisation without framework actors decides nothing
            # A measure is never both "can do" and "must not do" for the same organisation.
            can = {i.ref for i in course.can_do}
            cannot = {i.ref for i in course.must_not_do if i.ref.startswith("measures/")}
            assert not can & cannot, (organisation_type, scope)
        municipal = course_of_action(doc, scope="PH-3", organisation_type="municipality")
        assert any("I-17" in i.ref for i in municipal.can_do)  # the mayor's passport decision
