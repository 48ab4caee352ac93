"""The validator is the gate: every class of error is caught with file, line and field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samenspel.frameworks.schema import SECTIONS, validate_text

MINIMAL = (Path(__file__).parent / "minimal.yaml").read_text()
BASE: dict[str, Any] = yaml.safe_load(MINIMAL)
# safe_load turns dates into date objects; the file format keeps them as text.
BASE["framework"]["valid_from"] = "2026-01-01"


def _dump(doc: dict[str, Any]) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _problems(doc: dict[str, Any]) -> list[str]:
    result = validate_text(_dump(doc), file="f.yaml")
    assert not result.ok
    return [str(p) for p in result.problems]


def test_minimal_file_is_valid() -> None:
    result = validate_text(MINIMAL, file="minimal.yaml")
    assert result.ok, result.problems
    assert result.summary().startswith("minimal.yaml: valid framework nl-pga version t.1")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_unknown_actor_reference_names_file_line_and_field() -> None:
    text = MINIMAL.replace("decision_role: {actors: [A-MJV]", "decision_role: {actors: [A-XYZ]")
    result = validate_text(text, file="kader.yaml")
    line = _line_of(text, "A-XYZ")
    assert [str(p) for p in result.problems] == [
        f"kader.yaml:{line}: measures[1].decision_role.actors[0]: refers to unknown actor 'A-XYZ'"
    ]


def test_stage_without_exit() -> None:
    text = MINIMAL.replace("  - {from: ST-2, to: ST-7, criteria: Geen zorgen., src: [S-01]}\n", "")
    result = validate_text(text, file="k.yaml")
    assert any("ST-2 has no exit" in str(p) and "stages[1].id" in str(p) for p in result.problems)


def test_measure_without_decision_role() -> None:
    doc = copy.deepcopy(BASE)
    del doc["measures"][0]["decision_role"]
    assert any("measures[0].decision_role: is missing" in p for p in _problems(doc))


def test_duplicate_id_mentions_the_first_line() -> None:
    text = MINIMAL.replace("  - id: A-MJV\n", "  - id: A-BGM\n")
    result = validate_text(text, file="k.yaml")
    first = _line_of(text, "- id: A-BGM")
    assert any(
        f"duplicate id 'A-BGM' (first used on line {first})" in str(p) for p in result.problems
    )


def test_transition_to_a_missing_stage() -> None:
    text = MINIMAL.replace("{from: ST-1, to: ST-2,", "{from: ST-1, to: ST-5,")
    problems = [str(p) for p in validate_text(text, file="k.yaml").problems]
    assert any("transitions[0].to: refers to unknown stage or phase 'ST-5'" in p for p in problems)


def test_term_without_unit() -> None:
    text = MINIMAL.replace("max_term: {value: 6, unit: months}", "max_term: {value: 6}")
    problems = [str(p) for p in validate_text(text, file="k.yaml").problems]
    assert any("measures[1].max_term.unit: is missing" in p for p in problems)


@pytest.mark.parametrize("bad", ["2026-02-30", "2026-13-01", "26-1-1", "gisteren"])
def test_invalid_dates(bad: str) -> None:
    text = MINIMAL.replace("valid_from: 2026-01-01", f"valid_from: {bad}")
    problems = [str(p) for p in validate_text(text, file="k.yaml").problems]
    assert any(p.startswith("k.yaml:6: framework.valid_from:") for p in problems), problems


def test_unknown_field_suggests_the_right_one() -> None:
    text = MINIMAL.replace("    organisation_type: police", "    organisation_typ: police")
    problems = [str(p) for p in validate_text(text, file="k.yaml").problems]
    assert any("unknown field (did you mean 'organisation_type'?)" in p for p in problems)


def test_yaml_syntax_error_is_a_problem_not_a_traceback() -> None:
    result = validate_text("framework: [unclosed\n", file="k.yaml")
    assert not result.ok
    assert str(result.problems[0]).startswith("k.yaml:")
    assert "not valid YAML" in str(result.problems[0])


def test_duplicate_key_in_a_block() -> None:
    text = MINIMAL.replace("    name: Politie\n", "    name: Politie\n    name: Politie 2\n")
    problems = [str(p) for p in validate_text(text, file="k.yaml").problems]
    assert any("appears twice" in p for p in problems)


# --- Generated broken files -------------------------------------------------------------


def _rows(doc: dict[str, Any]) -> list[tuple[str, int]]:
    return [(s.name, i) for s in SECTIONS for i in range(len(doc.get(s.name) or []))]


@st.composite
def broken_documents(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """Return a copy of the minimal document with one deliberate error, and the field path."""
    doc = copy.deepcopy(BASE)
    section, i = draw(st.sampled_from(_rows(doc)))
    row = doc[section][i]
    spec = next(s for s in SECTIONS if s.name == section)
    kind = draw(st.sampled_from(["drop_required", "unknown_field", "wrong_type", "bad_src"]))
    required = [f.name for f in spec.fields if f.required and f.name in row]
    path = f"{section}[{i}]"
    if kind == "drop_required" and required:
        name = draw(st.sampled_from(required))
        del row[name]
        return doc, f"{path}.{name}"
    if kind == "unknown_field":
        name = draw(st.from_regex(r"\Ax_[a-z]{1,8}\Z"))
        row[name] = "waarde"
        return doc, f"{path}.{name}"
    if kind == "wrong_type":
        name = draw(st.sampled_from(sorted(row)))
        row[name] = draw(st.sampled_from([{"a": 1}, 12.5, None, [{"x": 1}]]))
        if row[name] is None and not next(f for f in spec.fields if f.name == name).required:
            row[name] = {"a": 1}
        return doc, f"{path}.{name}"
    row["src"] = draw(st.sampled_from([[], ["S-99"], ["bron"], "S-01"]))
    return doc, f"{path}.src"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(broken_documents())
def test_every_generated_error_is_reported_at_its_field(case: tuple[dict[str, Any], str]) -> None:
    doc, path = case
    text = _dump(doc)
    result = validate_text(text, file="gen.yaml")
    assert not result.ok
    lines = len(text.splitlines())
    assert all(1 <= p.line <= lines for p in result.problems)
    assert any(p.field.startswith(path) or path.startswith(p.field) for p in result.problems), (
        path,
        [str(p) for p in result.problems],
    )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gives_problems_or_a_result_never_an_exception(text: str) -> None:
    result = validate_text(text, file="fuzz.yaml")
    assert result.ok or result.problems


@settings(max_examples=100, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=8), c, max_size=3),
        max_leaves=20,
    )
)
def test_any_yaml_structure_is_handled(value: Any) -> None:
    result = validate_text(yaml.safe_dump(value), file="fuzz.yaml")
    assert not result.ok
