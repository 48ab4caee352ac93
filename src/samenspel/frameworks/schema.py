"""The shape of a framework file and its validation, with a plain-words message per problem.

A framework file is YAML with these top-level sections: `framework` (a block) and the lists
`sources`, `actors`, `stages`, `phases`, `tracks`, `transitions`, `legal_domains`, `measures`,
`raci`, `flows`, `routes` and `retention`. Every row has an `id` (except transitions and
RACI rows) and a `src` list of source tags: a source id from `sources`, `GK` (general
knowledge) or `GK?` (uncertain: an administrator should check it).

What a stage means to the software is a flag on that stage (`STAGE_FLAGS`: where a case opens,
where the plan is made, where it is carried out, where a case closes); each marks one stage.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from samenspel.frameworks.source import Path_, Problem, SourceDocument, dotted, read


class Kind(Enum):
    """What kind of value a field holds."""

    TEXT = "text"  # non-empty text
    OPTIONAL_TEXT = "optional text"
    BOOL = "true or false"
    NUMBER = "whole number"
    DATE = "date (YYYY-MM-DD)"
    REF = "reference"
    REFS = "list of references"
    CHOICE = "choice"
    CHOICES = "list of choices"
    TEXTS = "list of texts"
    SOURCE_TAGS = "source tags"
    BLOCK = "block"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a row: its name, its kind and what its value may be."""

    name: str
    kind: Kind
    required: bool = True
    ref: str = ""  # for REF/REFS: the section (or sections, "stages|phases") referred to
    choices: tuple[str, ...] = ()
    fields: tuple[FieldSpec, ...] = ()  # for BLOCK
    non_empty: bool = False  # for lists


# Small constructors, so that the sections below read as a description of the file.


def text(name: str) -> FieldSpec:
    """Return a required, non-empty text field."""
    return FieldSpec(name, Kind.TEXT)


def optional_text(name: str) -> FieldSpec:
    """Return a text field that may be left out (or left empty)."""
    return FieldSpec(name, Kind.OPTIONAL_TEXT, required=False)


def texts(name: str) -> FieldSpec:
    """Return an optional list of texts."""
    return FieldSpec(name, Kind.TEXTS, required=False)


def number(name: str) -> FieldSpec:
    """Return a required whole number, zero or more."""
    return FieldSpec(name, Kind.NUMBER)


def date(name: str, *, required: bool = True) -> FieldSpec:
    """Return a date written as YYYY-MM-DD."""
    return FieldSpec(name, Kind.DATE, required=required)


def yes_no(name: str) -> FieldSpec:
    """Return an optional true/false field (left out means false)."""
    return FieldSpec(name, Kind.BOOL, required=False)


def choice(name: str, options: tuple[str, ...], *, required: bool = True) -> FieldSpec:
    """Return a field holding one of `options`."""
    return FieldSpec(name, Kind.CHOICE, required=required, choices=options)


def choices(name: str, options: tuple[str, ...]) -> FieldSpec:
    """Return a non-empty list of some of `options`."""
    return FieldSpec(name, Kind.CHOICES, choices=options, non_empty=True)


def ref(name: str, to: str) -> FieldSpec:
    """Return the id of a row in section `to` (or in one of "stages|phases")."""
    return FieldSpec(name, Kind.REF, ref=to)


def refs(name: str, to: str, *, required: bool = False) -> FieldSpec:
    """Return a list of ids of rows in section `to`; a required list names at least one."""
    return FieldSpec(name, Kind.REFS, required=required, ref=to, non_empty=required)


def block(name: str, *fields: FieldSpec, required: bool = True) -> FieldSpec:
    """Return a block of named fields."""
    return FieldSpec(name, Kind.BLOCK, required=required, fields=fields)


ORGANISATION_TYPES = (
    "municipality",
    "zvh",
    "police",
    "om",
    "nctv",
    "aivd",
    "reclassering",
    "rvdk",
    "care_partner",
    "lse",
)
# The roles of Samenspel's users (accounts.Role), for the actors they act as.
USER_ROLES = (
    "case_director",
    "security_adviser",
    "mayor",
    "partner_liaison",
    "functional_admin",
    "national_admin",
)
# Where a piece of information on a case comes from, and so the law it is shared under
# (cases.Compartment): police (Wpg), OM (Wjsg), AIVD (Wiv), care (professional secrecy),
# municipality.
COMPARTMENTS = ("police", "om", "aivd", "care", "municipal")
MEASURE_DOMAINS = ("prevention", "care", "repression")
TERM_UNITS = ("days", "weeks", "months", "years")
URGENCIES = ("acute", "non_acute")
# Measure flags (domain.md §4): CONSULT-BGM, TRUST, VOLUNTARY, INFO-AIVD, VERIFY.
FLAG_NAMES = ("consult_mayor", "trust_tension", "voluntary", "relies_on_aivd", "verify_duty")
# What a stage means to the software; each is set on exactly one stage, with what it means.
STAGE_FLAGS: dict[str, str] = {
    "opens_case": "where a case starts when triage includes a person",
    "makes_plan": "where the plan of action is made (a reopened case returns here)",
    "carries_out_plan": "where the plan is carried out (entering it needs a plan)",
    "closes_case": "where a case closes",
}
NO_ROLE = "\u2013"  # an en dash: no role in this stage
RACI_VALUE = re.compile(rf"^({NO_ROLE}|-|[RACI](/[RACI])*)$")
SOURCE_ID = re.compile(r"^S-\d{2,3}[a-z]?$")
UNCERTAIN_TAG = "GK?"
KNOWN_TAGS = ("GK", UNCERTAIN_TAG)

SOURCE_TAGS = FieldSpec("src", Kind.SOURCE_TAGS)
TERM = (number("value"), choice("unit", TERM_UNITS))
# How long a national partner has to answer a capacity request before it escalates along a
# route (consultations: capacity requests), per urgency of the request.
CAPACITY_PARTNER_TYPES = ("nctv", "om", "police")
ANSWER_UNITS = ("hours", "days")
ANSWER_DEADLINE = (number("value"), choice("unit", ANSWER_UNITS))

FRAMEWORK_FIELDS = (
    text("id"),
    text("title"),
    text("version"),
    date("valid_from"),
    date("valid_until", required=False),
    choice("language", ("nl",)),
    optional_text("description"),
    # How long break-the-glass opens a hidden part of a case (minutes; left out: 60).
    FieldSpec("break_glass_minutes", Kind.NUMBER, required=False),
)


@dataclass(frozen=True)
class Section:
    """A list of rows in the file."""

    name: str
    id_pattern: str  # a regular expression ids must match ("" for rows without id)
    fields: tuple[FieldSpec, ...]
    label: str  # what one row is called in messages


SECTIONS: tuple[Section, ...] = (
    Section(
        "sources",
        r"^S-\d{2,3}[a-z]?$",
        (text("id"), text("title"), optional_text("url"), optional_text("note")),
        "source",
    ),
    Section(
        "actors",
        r"^A-[A-Z]{2,6}$",
        (
            text("id"),
            text("name"),
            text("name_en"),
            choice("organisation_type", ORGANISATION_TYPES, required=False),
            # Which users of that organisation type act as this actor (left out: all of them).
            FieldSpec("user_roles", Kind.CHOICES, required=False, choices=USER_ROLES),
            # The compartment this actor's own information falls in on a case.
            choice("compartment", COMPARTMENTS, required=False),
            text("role"),
            refs("legal_domains", "legal_domains"),
            optional_text("may_share"),
            optional_text("may_not_share"),
            texts("tasks"),
            texts("does_not"),
            SOURCE_TAGS,
        ),
        "actor",
    ),
    Section(
        "stages",
        r"^ST-\d$",
        (
            text("id"),
            text("name"),
            text("name_en"),
            number("order"),
            text("entry"),
            text("exit"),
            yes_no("terminal"),
            block("flags", *(yes_no(n) for n in STAGE_FLAGS), required=False),
            SOURCE_TAGS,
        ),
        "stage",
    ),
    Section(
        "phases",
        r"^PH-\d$",
        (
            text("id"),
            text("name"),
            text("name_en"),
            number("order"),
            text("entry"),
            text("exit"),
            yes_no("terminal"),
            refs("tracks", "tracks"),
            SOURCE_TAGS,
        ),
        "phase",
    ),
    Section(
        "tracks",
        r"^TR-[A-Z]{2,12}$",
        (
            text("id"),
            text("name"),
            text("name_en"),
            text("lead"),
            refs("lead_actors", "actors"),
            SOURCE_TAGS,
        ),
        "track",
    ),
    Section(
        "transitions",
        "",
        (
            ref("from", "stages|phases"),
            ref("to", "stages|phases"),
            text("criteria"),
            SOURCE_TAGS,
        ),
        "transition",
    ),
    Section(
        "legal_domains",
        r"^D-[A-Z]{2,8}$",
        (
            text("id"),
            text("name"),
            text("name_en"),
            text("purpose"),
            refs("competent_authorities", "actors", required=True),
            text("authority_text"),
            text("instruments"),
            text("review_route"),
            # The statutory term for objection or appeal against a decision on this ground,
            # counted from the day the decision was made known.
            block("objection_term", *TERM, SOURCE_TAGS, required=False),
            SOURCE_TAGS,
        ),
        "legal domain",
    ),
    Section(
        "measures",
        r"^I-\d{2}$",
        (
            text("id"),
            text("name"),
            text("name_en"),
            choices("domains", MEASURE_DOMAINS),
            ref("legal_domain", "legal_domains"),
            block("legal_basis", text("text"), optional_text("reference")),
            block("decision_role", refs("actors", "actors", required=True), text("text")),
            refs("executors", "actors"),
            text("executor_text"),
            refs("phases", "phases"),
            refs("stages", "stages"),
            block("flags", *(yes_no(n) for n in FLAG_NAMES), required=False),
            block("max_term", *TERM, required=False),
            optional_text("extension"),
            optional_text("notes"),
            SOURCE_TAGS,
        ),
        "measure",
    ),
    Section(
        "raci",
        "",
        (
            ref("stage", "stages"),
            ref("actor", "actors"),
            text("value"),
            optional_text("note"),
            SOURCE_TAGS,
        ),
        "RACI cell",
    ),
    Section(
        "flows",
        r"^F-\d{2}$",
        (
            text("id"),
            refs("from", "actors", required=True),
            refs("to", "actors", required=True),
            text("content"),
            text("legal_ground"),
            optional_text("restrictions"),
            # The flow gives its receivers the measures dossier of this legal domain on a case.
            FieldSpec("dossier", Kind.REF, required=False, ref="legal_domains"),
            # The flow lets its receivers read this compartment's information on a case.
            choice("compartment", COMPARTMENTS, required=False),
            SOURCE_TAGS,
        ),
        "information flow",
    ),
    Section(
        "routes",
        r"^C-\d{2}$",
        (
            text("id"),
            text("situation"),
            choice("urgency", URGENCIES),
            text("route"),
            text("contact"),
            optional_text("when"),
            refs("actors", "actors"),
            # Capacity requests to these partner types that stay unanswered escalate here.
            FieldSpec(
                "answers_for",
                Kind.CHOICES,
                required=False,
                choices=CAPACITY_PARTNER_TYPES,
                non_empty=True,
            ),
            block(
                "answer_within",
                block("acute", *ANSWER_DEADLINE),
                block("non_acute", *ANSWER_DEADLINE),
                SOURCE_TAGS,
                required=False,
            ),
            SOURCE_TAGS,
        ),
        "route",
    ),
    Section(
        "retention",
        r"^R-\d{2}$",
        (
            text("id"),
            text("data_set"),
            block("term", *TERM, required=False),
            text("rule"),
            text("basis"),
            SOURCE_TAGS,
        ),
        "retention class",
    ),
)
SECTION_BY_NAME = {s.name: s for s in SECTIONS}
TOP_LEVEL = ("framework", *SECTION_BY_NAME)


@dataclass
class Result:
    """The outcome of validating one file."""

    file: str
    data: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        """One line saying what a valid file holds."""
        if self.data is None:
            return f"{self.file}: not valid ({len(self.problems)} problems)"
        fw = self.data["framework"]
        counts = ", ".join(
            f"{len(self.data.get(s.name, []))} {s.name.replace('_', ' ')}" for s in SECTIONS
        )
        uncertain = count_uncertain(self.data)
        return (
            f"{self.file}: valid framework {fw['id']} version {fw['version']} "
            f"(from {fw['valid_from']}): {counts}; {uncertain} rows marked GK? (uncertain)"
        )


def count_uncertain(data: dict[str, Any]) -> int:
    return sum(
        1
        for section in SECTIONS
        for row in data.get(section.name, []) or []
        if isinstance(row, dict) and UNCERTAIN_TAG in (row.get("src") or [])
    )


class _Validator:
    def __init__(self, doc: SourceDocument) -> None:
        self.doc = doc
        self.problems: list[Problem] = list(doc.problems)

    def problem(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.doc.file, self.doc.line_of(path), dotted(path), message))

    # --- single values -----------------------------------------------------------------

    def value(self, spec: FieldSpec, value: Any, path: Path_) -> None:
        kind = spec.kind
        if kind in (Kind.TEXT, Kind.OPTIONAL_TEXT):
            if not isinstance(value, str):
                self.problem(path, f"should be text, not {_describe(value)}")
            elif kind is Kind.TEXT and not value.strip():
                self.problem(path, "is empty; fill it in")
        elif kind is Kind.BOOL:
            if not isinstance(value, bool):
                self.problem(path, f"should be true or false, not {_describe(value)}")
        elif kind is Kind.NUMBER:
            if isinstance(value, bool) or not isinstance(value, int):
                self.problem(path, f"should be a whole number, not {_describe(value)}")
            elif value < 0:
                self.problem(path, "should not be negative")
        elif kind is Kind.DATE:
            self.date(value, path)
        elif kind is Kind.CHOICE:
            if value not in spec.choices:
                self.problem(path, f"{_describe(value)} is not one of: {', '.join(spec.choices)}")
        elif kind in (Kind.CHOICES, Kind.TEXTS, Kind.REFS, Kind.SOURCE_TAGS):
            self.list_value(spec, value, path)
        elif kind is Kind.REF:
            if not isinstance(value, str) or not value:
                self.problem(path, f"should be an id, not {_describe(value)}")
        elif kind is Kind.BLOCK:
            self.block(spec.fields, value, path, what=spec.name)

    def date(self, value: Any, path: Path_) -> None:
        if not isinstance(value, str):
            self.problem(path, f"should be a date written as YYYY-MM-DD, not {_describe(value)}")
            return
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            self.problem(path, f"{value!r} is not a valid date (write YYYY-MM-DD, e.g. 2026-01-31)")
        else:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                self.problem(path, f"{value!r}: write dates as YYYY-MM-DD")

    def list_value(self, spec: FieldSpec, value: Any, path: Path_) -> None:
        if not isinstance(value, list):
            self.problem(path, f"should be a list, not {_describe(value)}")
            return
        if spec.non_empty and not value:
            self.problem(path, "is an empty list; name at least one")
        seen: set[Any] = set()
        for i, item in enumerate(value):
            item_path = (*path, i)
            if not isinstance(item, str) or not item.strip():
                self.problem(item_path, f"should be text, not {_describe(item)}")
                continue
            if item in seen and spec.kind is not Kind.TEXTS:
                self.problem(item_path, f"{item!r} is listed twice")
            seen.add(item)
            if spec.kind is Kind.CHOICES and item not in spec.choices:
                self.problem(item_path, f"{item!r} is not one of: {', '.join(spec.choices)}")
            if (
                spec.kind is Kind.SOURCE_TAGS
                and item not in KNOWN_TAGS
                and not SOURCE_ID.fullmatch(item)
            ):
                self.problem(item_path, f"{item!r} is not a source tag (S-nn, GK or GK?)")
        if spec.kind is Kind.SOURCE_TAGS and not value:
            self.problem(
                path, "is empty; every row needs at least one source tag (S-nn, GK or GK?)"
            )

    def block(self, fields: tuple[FieldSpec, ...], value: Any, path: Path_, *, what: str) -> None:
        if not isinstance(value, dict):
            self.problem(path, f"should be a block of fields, not {_describe(value)}")
            return
        known = {f.name for f in fields}
        for key in value:
            if key not in known:
                hint = _closest(key, known)
                self.problem(
                    (*path, key), f"unknown field{hint}; known fields: {', '.join(sorted(known))}"
                )
        for spec in fields:
            if spec.name not in value or value[spec.name] is None:
                if spec.required:
                    self.problem(
                        (*path, spec.name), f"is missing: every {what} needs a {spec.name}"
                    )
                continue
            self.value(spec, value[spec.name], (*path, spec.name))

    # --- the whole document ------------------------------------------------------------

    def run(self) -> dict[str, Any] | None:
        data = self.doc.data
        if data is None:
            if not self.problems:
                self.problem(
                    (), "the file holds no framework: it should start with a framework block"
                )
            return None
        if not isinstance(data, dict):
            self.problem((), "the file should be a block with the sections " + ", ".join(TOP_LEVEL))
            return None
        for key in data:
            if key not in TOP_LEVEL:
                self.problem((key,), f"unknown section{_closest(key, set(TOP_LEVEL))}")
        if "framework" not in data:
            self.problem(
                ("framework",), "is missing: the file needs a framework block with id and version"
            )
        else:
            self.block(FRAMEWORK_FIELDS, data["framework"], ("framework",), what="framework")
        ids: dict[str, dict[str, Path_]] = {}
        for section in SECTIONS:
            rows = data.get(section.name)
            if rows is None:
                self.problem((section.name,), f"is missing: add a list of {section.label}s")
                continue
            if not isinstance(rows, list):
                self.problem((section.name,), f"should be a list of {section.label}s")
                continue
            ids[section.name] = {}
            for i, row in enumerate(rows):
                path: Path_ = (section.name, i)
                self.block(section.fields, row, path, what=section.label)
                if not isinstance(row, dict) or not section.id_pattern:
                    continue
                row_id = row.get("id")
                if not isinstance(row_id, str):
                    continue
                if not re.fullmatch(section.id_pattern, row_id):
                    self.problem((*path, "id"), f"{row_id!r} is not a valid {section.label} id")
                if row_id in ids[section.name]:
                    first = self.doc.line_of(ids[section.name][row_id])
                    self.problem(
                        (*path, "id"), f"duplicate id {row_id!r} (first used on line {first})"
                    )
                else:
                    ids[section.name][row_id] = path
        self.references(data, ids)
        self.rules(data, ids)
        return data if not self.problems else None

    def references(self, data: dict[str, Any], ids: dict[str, dict[str, Path_]]) -> None:
        def check(ref_spec: str, value: Any, path: Path_) -> None:
            targets = ref_spec.split("|")
            if isinstance(value, str) and not any(value in ids.get(t, {}) for t in targets):
                names = " or ".join(SECTION_BY_NAME[t].label for t in targets)
                self.problem(path, f"refers to unknown {names} {value!r}")

        def walk_fields(fields: tuple[FieldSpec, ...], row: Any, path: Path_) -> None:
            if not isinstance(row, dict):
                return
            for spec in fields:
                value = row.get(spec.name)
                if value is None:
                    continue
                if spec.kind is Kind.REF:
                    check(spec.ref, value, (*path, spec.name))
                elif spec.kind is Kind.REFS and isinstance(value, list):
                    for j, item in enumerate(value):
                        check(spec.ref, item, (*path, spec.name, j))
                elif spec.kind is Kind.BLOCK:
                    walk_fields(spec.fields, value, (*path, spec.name))
                elif spec.kind is Kind.SOURCE_TAGS and isinstance(value, list):
                    for j, tag in enumerate(value):
                        if (
                            isinstance(tag, str)
                            and SOURCE_ID.fullmatch(tag)
                            and tag not in ids.get("sources", {})
                        ):
                            self.problem(
                                (*path, spec.name, j),
                                f"refers to unknown source {tag!r}; add it to sources",
                            )

        for section in SECTIONS:
            for i, row in enumerate(data.get(section.name) or []):
                walk_fields(section.fields, row, (section.name, i))

    def rules(self, data: dict[str, Any], ids: dict[str, dict[str, Path_]]) -> None:
        rows = {
            name: [r for r in (data.get(name) or []) if isinstance(r, dict)]
            for name in SECTION_BY_NAME
        }
        # Transitions stay within one dimension: stage to stage, phase to phase.
        outgoing: dict[str, int] = {}
        for i, t in enumerate(data.get("transitions") or []):
            if not isinstance(t, dict):
                continue
            src, dst = t.get("from"), t.get("to")
            if isinstance(src, str) and isinstance(dst, str):
                if src.split("-")[0] != dst.split("-")[0]:
                    self.problem(
                        ("transitions", i, "to"),
                        f"goes from {src} to {dst}: "
                        "a transition stays among stages or among phases",
                    )
                if src == dst:
                    self.problem(("transitions", i, "to"), f"goes from {src} to itself")
                outgoing[src] = outgoing.get(src, 0) + 1
        for name in ("stages", "phases"):
            for i, row in enumerate(data.get(name) or []):
                if (
                    isinstance(row, dict)
                    and isinstance(row.get("id"), str)
                    and not row.get("terminal")
                    and not outgoing.get(row["id"])
                ):
                    self.problem(
                        (name, i, "id"),
                        f"{row['id']} has no exit: add a transition from it, "
                        "or mark it terminal: true",
                    )
            orders = [r.get("order") for r in rows[name] if isinstance(r.get("order"), int)]
            if len(orders) != len(set(orders)):
                self.problem((name,), f"two {name} share the same order number")
        self.stage_flags(data.get("stages"))
        # A measure names where it applies.
        for i, m in enumerate(data.get("measures") or []):
            if isinstance(m, dict) and not (m.get("phases") or m.get("stages")):
                self.problem(
                    ("measures", i, "phases"),
                    "name the phases or stages where this measure applies",
                )
        self.answer_deadlines(data.get("routes"))
        # RACI cells: a known value, and each (stage, actor) once.
        seen_cells: dict[tuple[str, str], int] = {}
        for i, cell in enumerate(data.get("raci") or []):
            if not isinstance(cell, dict):
                continue
            value = cell.get("value")
            if isinstance(value, str) and not RACI_VALUE.fullmatch(value.strip()):
                self.problem(
                    ("raci", i, "value"),
                    f"{value!r} is not a RACI value: use R, A, C, I, combinations like A/R, "
                    f"or {NO_ROLE}",
                )
            key = (str(cell.get("stage")), str(cell.get("actor")))
            if key in seen_cells:
                first = self.doc.line_of(("raci", seen_cells[key]))
                self.problem(
                    ("raci", i),
                    f"stage {key[0]} and actor {key[1]} have a RACI cell already (line {first})",
                )
            seen_cells[key] = i
        # Validity dates in order.
        fw = data.get("framework")
        if (
            isinstance(fw, dict)
            and isinstance(fw.get("valid_from"), str)
            and isinstance(fw.get("valid_until"), str)
        ):
            try:
                if dt.date.fromisoformat(fw["valid_until"]) <= dt.date.fromisoformat(
                    fw["valid_from"]
                ):
                    self.problem(("framework", "valid_until"), "lies on or before valid_from")
            except ValueError:
                pass

    def answer_deadlines(self, routes: Any) -> None:
        """Check that answer deadlines come with their partners, and each partner has one route."""
        if not isinstance(routes, list):
            return
        seen: dict[str, int] = {}
        for i, row in enumerate(routes):
            if not isinstance(row, dict):
                continue
            partners, within = row.get("answers_for"), row.get("answer_within")
            if bool(partners) != bool(within):
                missing = "answer_within" if partners else "answers_for"
                self.problem(
                    ("routes", i, missing),
                    "answers_for and answer_within go together: name the partner types and "
                    "how long they have to answer",
                )
            if isinstance(within, dict):
                for urgency in URGENCIES:
                    deadline = within.get(urgency)
                    if isinstance(deadline, dict) and deadline.get("value") == 0:
                        self.problem(
                            ("routes", i, "answer_within", urgency, "value"),
                            "should be more than 0",
                        )
            for partner in partners if isinstance(partners, list) else []:
                if not isinstance(partner, str):
                    continue
                if partner in seen:
                    self.problem(
                        ("routes", i, "answers_for"),
                        f"{partner!r} escalates along {routes[seen[partner]].get('id')!s} "
                        "already: name each partner type on one route",
                    )
                seen.setdefault(partner, i)

    def stage_flags(self, stages: Any) -> None:
        """Check that each stage flag marks exactly one stage, and no stage opens and closes."""
        if not isinstance(stages, list):
            return
        marked: dict[str, list[int]] = {flag: [] for flag in STAGE_FLAGS}
        for i, row in enumerate(stages):
            flags = row.get("flags") if isinstance(row, dict) else None
            if not isinstance(flags, dict):
                continue
            for flag in STAGE_FLAGS:
                if flags.get(flag) is True:
                    marked[flag].append(i)
            if flags.get("opens_case") is True and flags.get("closes_case") is True:
                self.problem(
                    ("stages", i, "flags", "closes_case"),
                    "a stage cannot both open and close a case",
                )
        for flag, meaning in STAGE_FLAGS.items():
            if not marked[flag]:
                self.problem(
                    ("stages",),
                    f"no stage is marked {flag}: true; add it to the flags of the stage {meaning}",
                )
                continue
            first = marked[flag][0]
            for i in marked[flag][1:]:
                self.problem(
                    ("stages", i, "flags", flag),
                    f"{stages[i].get('id')!s} and {stages[first].get('id')!s} (line "
                    f"{self.doc.line_of(('stages', first, 'flags', flag))}) are both marked "
                    f"{flag}: only one stage is {meaning}",
                )


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a block"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    return repr(value)


def _closest(word: str, options: set[str]) -> str:
    import difflib

    match = difflib.get_close_matches(word, sorted(options), n=1)
    return f" (did you mean {match[0]!r}?)" if match else ""


def validate_text(text: str, *, file: str) -> Result:
    """Validate framework YAML text."""
    doc = read(text, file=file)
    checker = _Validator(doc)
    data = checker.run()
    problems = sorted(checker.problems, key=lambda p: (p.line, p.field))
    return Result(file=file, data=data if not problems else None, problems=problems)
