"""The framework as frozen, typed objects: what other apps read instead of the YAML's dicts.

A `Framework` is built once from a validated document (`Framework.from_document`) and never
changes; `samenspel.frameworks.selectors.framework_of(version)` returns the one of a stored
version, cached per process because a published version's content never changes.

Rows keep the ids the file gives them; ids that point at other rows (a measure's deciders, a
phase's tracks) stay ids, looked up through the framework (`framework.actors[actor_id]`).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from django.utils.translation import ngettext

from samenspel.frameworks.schema import SECTIONS, STAGE_FLAGS, UNCERTAIN_TAG

__all__ = [
    "Actor",
    "AnswerDeadline",
    "Catalogue",
    "DecisionRole",
    "Flow",
    "Framework",
    "LegalBasis",
    "LegalDomain",
    "Measure",
    "MeasureFlags",
    "MissingStageFlagError",
    "Phase",
    "RaciCell",
    "RetentionClass",
    "Route",
    "Source",
    "Stage",
    "Term",
    "Track",
    "Transition",
]

# What the software assumed before stage flags were part of the file (framework versions
# loaded before them, e.g. nl-pga 2026.1 as first published): their meanings stay as they were.
LEGACY_STAGE_FLAGS: dict[str, tuple[str, ...]] = {
    "ST-3": ("opens_case", "makes_plan"),
    "ST-4": ("carries_out_plan",),
    "ST-6": ("closes_case",),
}


# Which users act as the mayor and the municipality in versions stored before actors named
# their user roles (nl-pga 2026.1 as first published). Without this, every municipal user would
# act as the mayor there, and a case director could decide the mayor's measures.
LEGACY_USER_ROLES: dict[str, tuple[str, ...]] = {
    "A-BGM": ("mayor",),
    "A-GEM": ("mayor", "case_director", "security_adviser"),
}


# The compartments of versions stored before actors and flows named them (nl-pga 2026.1 as
# first published): whose own information falls in which, and which flows open which.
LEGACY_COMPARTMENTS: dict[str, str] = {
    "A-BGM": "municipal",
    "A-GEM": "municipal",
    "A-POL": "police",
    "A-OM": "om",
    "A-AIVD": "aivd",
    "A-ZORG": "care",
    "F-01": "aivd",
    "F-05": "police",
    "F-06": "police",
    "F-08": "om",
    "F-09": "municipal",
    "F-10": "care",
}


DEFAULT_BREAK_GLASS_MINUTES = 60


class MissingStageFlagError(LookupError):
    """No stage of the framework carries a flag the software needs."""

    def __init__(self, flag: str) -> None:
        super().__init__(f"no stage of this framework is marked {flag}: {STAGE_FLAGS[flag]}")
        self.flag = flag


def _sources(row: dict[str, Any]) -> tuple[str, ...]:
    return tuple(row.get("src") or ())


def _ids(value: Any) -> tuple[str, ...]:
    return tuple(value or ())


@dataclass(frozen=True)
class Source:
    """A document the framework cites (S-nn)."""

    id: str
    title: str
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Actor:
    """An organisation or office with a role in the approach (A-BGM, A-POL, ...)."""

    id: str
    name: str
    name_en: str
    role: str
    organisation_type: str  # "" when the actor is no organisation type of Samenspel
    user_roles: tuple[str, ...]  # users of that type with these roles act as it; () = all
    legal_domains: tuple[str, ...]
    may_share: str
    may_not_share: str
    tasks: tuple[str, ...]
    does_not: tuple[str, ...]
    sources: tuple[str, ...]
    compartment: str = ""  # the compartment its own information on a case falls in

    @property
    def uncertain(self) -> bool:
        return UNCERTAIN_TAG in self.sources


@dataclass(frozen=True)
class Stage:
    """A process stage of a case (ST-n), with what it means to the software."""

    id: str
    name: str
    name_en: str
    order: int
    entry: str
    exit: str
    terminal: bool
    opens_case: bool  # a case starts here when triage includes a person
    makes_plan: bool  # the plan of action is made here; a reopened case returns here
    carries_out_plan: bool  # the plan is carried out here; entering needs a plan
    closes_case: bool  # a case closes here, through the close form only
    sources: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"

    @property
    def uncertain(self) -> bool:
        return UNCERTAIN_TAG in self.sources


@dataclass(frozen=True)
class Phase:
    """A phase the person is in (PH-n), with the tracks that usually run in it."""

    id: str
    name: str
    name_en: str
    order: int
    entry: str
    exit: str
    terminal: bool
    tracks: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"

    @property
    def uncertain(self) -> bool:
        return UNCERTAIN_TAG in self.sources


@dataclass(frozen=True)
class Track:
    """A parallel track (local approach, criminal, state security, ...)."""

    id: str
    name: str
    name_en: str
    lead: str
    lead_actors: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"


@dataclass(frozen=True)
class Transition:
    """A step the framework allows from one stage to another, or one phase to another."""

    from_id: str
    to_id: str
    criteria: str
    sources: tuple[str, ...]

    @property
    def key(self) -> str:
        return f"{self.from_id}>{self.to_id}"

    @property
    def uncertain(self) -> bool:
        return UNCERTAIN_TAG in self.sources


@dataclass(frozen=True)
class LegalDomain:
    """A legal domain (D-OOV, D-STRAF, ...): its purpose and its competent authorities."""

    id: str
    name: str
    name_en: str
    purpose: str
    competent_authorities: tuple[str, ...]  # actor ids
    authority_text: str
    instruments: str
    review_route: str
    sources: tuple[str, ...]
    objection_term: Term | None = None  # for objection or appeal, from the notification


@dataclass(frozen=True)
class LegalBasis:
    """The law a measure rests on, in words and (when known) as an article reference."""

    text: str
    reference: str = ""

    @property
    def cited(self) -> str:
        """Return the reference when there is one, else the text."""
        return self.reference or self.text


@dataclass(frozen=True)
class DecisionRole:
    """Who decides about a measure: the competent authority, as actors and in words."""

    actors: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class MeasureFlags:
    """The domain model's flags of a measure (domain.md §4)."""

    consult_mayor: bool = False  # CONSULT-BGM: the mayor is consulted first
    trust_tension: bool = False  # TRUST: strains the relation of trust
    voluntary: bool = False  # VOLUNTARY: only with consent
    relies_on_aivd: bool = False  # INFO-AIVD: usually rests on an AIVD official report
    verify_duty: bool = False  # VERIFY: the decider checks third-party information itself


@dataclass(frozen=True)
class Term:
    """A period such as a maximum term or a retention term."""

    value: int
    unit: str  # days, weeks, months or years

    def words(self) -> str:
        """Write the term in words in the active language: "6 maanden"."""
        n = self.value
        if self.unit == "days":
            text = ngettext("%(n)d dag", "%(n)d dagen", n)
        elif self.unit == "weeks":
            text = ngettext("%(n)d week", "%(n)d weken", n)
        elif self.unit == "months":
            text = ngettext("%(n)d maand", "%(n)d maanden", n)
        elif self.unit == "years":
            text = ngettext("%(n)d jaar", "%(n)d jaar", n)
        else:
            return f"{n} {self.unit}"
        return text % {"n": n}

    def last_day(self, start: dt.date) -> dt.date:
        """Return the last day of a term that starts on `start` (a term of 6 months from
        1 January runs to 30 June)."""
        if self.unit in ("days", "weeks"):
            days = self.value * (7 if self.unit == "weeks" else 1)
            if (dt.date.max - start).days < days - 1:
                return dt.date.max  # the term runs past the calendar
            return start + dt.timedelta(days=days - 1)
        months = self.value * (12 if self.unit == "years" else 1)
        index = start.month - 1 + months
        year, month = start.year + index // 12, index % 12 + 1
        if year > dt.MAXYEAR:
            return dt.date.max  # the term runs past the calendar
        last = calendar.monthrange(year, month)[1]
        if start.day > last:  # no such day in that month: the term runs to its end
            return dt.date(year, month, last)
        return dt.date(year, month, start.day) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Measure:
    """An intervention or measure (I-nn) with its legal domain, basis and competent authority."""

    id: str
    name: str
    name_en: str
    domains: tuple[str, ...]  # prevention, care, repression
    legal_domain: str  # a legal domain id
    legal_basis: LegalBasis
    decision_role: DecisionRole
    executors: tuple[str, ...]
    executor_text: str
    phases: tuple[str, ...]
    stages: tuple[str, ...]
    flags: MeasureFlags
    max_term: Term | None
    extension: str
    notes: str
    sources: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"{self.id} {self.name}"

    @property
    def deciders(self) -> tuple[str, ...]:
        """Return the actor ids of the competent authority."""
        return self.decision_role.actors

    @property
    def uncertain(self) -> bool:
        return UNCERTAIN_TAG in self.sources

    def applies_in(self, scope: str) -> bool:
        """Return whether the measure applies in stage or phase `scope`."""
        return scope in self.stages or scope in self.phases


@dataclass(frozen=True)
class RaciCell:
    """What one actor does in one stage: R, A, C, I, combinations, or no role."""

    stage: str
    actor: str
    value: str
    note: str
    sources: tuple[str, ...]

    @property
    def letters(self) -> tuple[str, ...]:
        return tuple(x for x in self.value.strip().split("/") if x in ("R", "A", "C", "I"))

    @property
    def uncertain(self) -> bool:
        return UNCERTAIN_TAG in self.sources


@dataclass(frozen=True)
class Flow:
    """An information flow between actors, with its legal ground."""

    id: str
    from_actors: tuple[str, ...]
    to_actors: tuple[str, ...]
    content: str
    legal_ground: str
    restrictions: str
    sources: tuple[str, ...]
    dossier: str = ""  # a legal domain whose measures dossier this flow opens to its receivers
    compartment: str = ""  # a compartment whose information this flow opens to its receivers


@dataclass(frozen=True)
class AnswerDeadline:
    """How long a national partner has to answer a capacity request of one urgency."""

    value: int
    unit: str  # hours or days
    uncertain: bool  # marked GK?: an administrator should check it

    @property
    def delta(self) -> dt.timedelta:
        """Return the deadline as a duration (calendar time, not office hours)."""
        return (
            dt.timedelta(hours=self.value)
            if self.unit == "hours"
            else dt.timedelta(days=self.value)
        )


@dataclass(frozen=True)
class Route:
    """Where to go in a situation, acute or not ("Waar kan ik terecht?").

    A route may also be where unanswered capacity requests to some national partner types
    escalate (`answers_for`), with how long each urgency has to be answered (`answer_within`).
    """

    id: str
    situation: str
    urgency: str  # acute or non_acute
    route: str
    contact: str
    when: str
    actors: tuple[str, ...]
    sources: tuple[str, ...]
    answers_for: tuple[str, ...] = ()
    answer_within: tuple[tuple[str, AnswerDeadline], ...] = ()

    @property
    def is_acute(self) -> bool:
        return self.urgency == "acute"

    def deadline(self, urgency: str) -> AnswerDeadline | None:
        """Return how long a capacity request of `urgency` may wait for an answer, if set."""
        return dict(self.answer_within).get(urgency)

    @property
    def uncertain(self) -> bool:
        return UNCERTAIN_TAG in self.sources


@dataclass(frozen=True)
class RetentionClass:
    """How long a data set is kept, and on what basis."""

    id: str
    data_set: str
    term: Term | None
    rule: str
    basis: str
    sources: tuple[str, ...]


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


class Catalogue[T: _HasId]:
    """The rows of one section: iterated in file order, looked up by id (`rows["ST-3"]`)."""

    __slots__ = ("_by_id", "_rows")

    def __init__(self, rows: Iterable[T] = ()) -> None:
        self._rows: tuple[T, ...] = tuple(rows)
        self._by_id: dict[str, T] = {row.id: row for row in self._rows}

    def __getitem__(self, row_id: str) -> T:
        return self._by_id[row_id]

    def get(self, row_id: str) -> T | None:
        """Return the row with id `row_id`, or None."""
        return self._by_id.get(row_id)

    def __contains__(self, row_id: object) -> bool:
        return row_id in self._by_id

    def __iter__(self) -> Iterator[T]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return f"Catalogue({', '.join(self._by_id)})"

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self._by_id)


def _answer_within(value: Any) -> tuple[tuple[str, AnswerDeadline], ...]:
    if not value:
        return ()
    uncertain = UNCERTAIN_TAG in (value.get("src") or [])
    return tuple(
        (
            urgency,
            AnswerDeadline(int(value[urgency]["value"]), str(value[urgency]["unit"]), uncertain),
        )
        for urgency in ("acute", "non_acute")
        if value.get(urgency)
    )


def _term(value: Any) -> Term | None:
    return Term(value=int(value["value"]), unit=str(value["unit"])) if value else None


def _stage(row: dict[str, Any], flags: dict[str, Any]) -> Stage:
    return Stage(
        id=row["id"],
        name=row["name"],
        name_en=row["name_en"],
        order=row["order"],
        entry=row["entry"],
        exit=row["exit"],
        terminal=bool(row.get("terminal")),
        opens_case=bool(flags.get("opens_case")),
        makes_plan=bool(flags.get("makes_plan")),
        carries_out_plan=bool(flags.get("carries_out_plan")),
        closes_case=bool(flags.get("closes_case")),
        sources=_sources(row),
    )


def _stage_flags(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Return each stage's flags, by stage id."""
    # A document in which no stage has a flag was stored before flags existed: its stages get
    # the meanings the software gave their ids then, so its cases behave as they did.
    given = {row["id"]: row.get("flags") or {} for row in rows}
    if any(flags.get(flag) for flags in given.values() for flag in STAGE_FLAGS):
        return given
    return {
        stage_id: dict.fromkeys(LEGACY_STAGE_FLAGS.get(stage_id, ()), True) for stage_id in given
    }


def _measure(row: dict[str, Any]) -> Measure:
    basis = row["legal_basis"]
    role = row["decision_role"]
    flags = row.get("flags") or {}
    return Measure(
        id=row["id"],
        name=row["name"],
        name_en=row["name_en"],
        domains=_ids(row["domains"]),
        legal_domain=row["legal_domain"],
        legal_basis=LegalBasis(text=basis["text"], reference=basis.get("reference") or ""),
        decision_role=DecisionRole(actors=_ids(role["actors"]), text=role["text"]),
        executors=_ids(row.get("executors")),
        executor_text=row["executor_text"],
        phases=_ids(row.get("phases")),
        stages=_ids(row.get("stages")),
        flags=MeasureFlags(**{name: bool(value) for name, value in flags.items()}),
        max_term=_term(row.get("max_term")),
        extension=row.get("extension") or "",
        notes=row.get("notes") or "",
        sources=_sources(row),
    )


@dataclass(frozen=True, eq=False)
class Framework:
    """One version of the framework: its rows by section, and what its stages mean."""

    id: str
    title: str
    version: str
    valid_from: dt.date
    valid_until: dt.date | None
    description: str
    sources: Catalogue[Source]
    actors: Catalogue[Actor]
    stages: Catalogue[Stage]
    phases: Catalogue[Phase]
    tracks: Catalogue[Track]
    transitions: tuple[Transition, ...]
    legal_domains: Catalogue[LegalDomain]
    measures: Catalogue[Measure]
    raci: tuple[RaciCell, ...]
    flows: Catalogue[Flow]
    routes: Catalogue[Route]
    retention: Catalogue[RetentionClass]
    uncertain_rows: int  # rows marked GK?: an administrator should check them
    # How long break-the-glass opens a hidden part of a case.
    break_glass: dt.timedelta = dt.timedelta(minutes=DEFAULT_BREAK_GLASS_MINUTES)

    def __repr__(self) -> str:
        return f"<Framework {self.id} {self.version}>"

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> Framework:
        """Build the framework from a document that passed `schema.validate_text`."""
        fw = document["framework"]
        stage_rows = document.get("stages") or []
        stage_flags = _stage_flags(stage_rows)
        roles_named = any("user_roles" in a for a in document.get("actors") or [])
        compartments_named = any(
            "compartment" in r
            for section in ("actors", "flows")
            for r in document.get(section) or []
        )

        def compartment(row: dict[str, Any]) -> str:
            if compartments_named:
                return str(row.get("compartment") or "")
            return LEGACY_COMPARTMENTS.get(row["id"], "")

        return cls(
            id=fw["id"],
            title=fw["title"],
            version=fw["version"],
            valid_from=dt.date.fromisoformat(fw["valid_from"]),
            valid_until=dt.date.fromisoformat(fw["valid_until"]) if fw.get("valid_until") else None,
            description=fw.get("description") or "",
            break_glass=dt.timedelta(
                minutes=int(fw.get("break_glass_minutes") or DEFAULT_BREAK_GLASS_MINUTES)
            ),
            sources=Catalogue(
                Source(r["id"], r["title"], r.get("url") or "", r.get("note") or "")
                for r in document.get("sources") or []
            ),
            actors=Catalogue(
                Actor(
                    id=r["id"],
                    name=r["name"],
                    name_en=r["name_en"],
                    role=r["role"],
                    organisation_type=r.get("organisation_type") or "",
                    user_roles=_ids(r.get("user_roles"))
                    if roles_named
                    else LEGACY_USER_ROLES.get(r["id"], ()),
                    legal_domains=_ids(r.get("legal_domains")),
                    may_share=r.get("may_share") or "",
                    may_not_share=r.get("may_not_share") or "",
                    tasks=_ids(r.get("tasks")),
                    does_not=_ids(r.get("does_not")),
                    sources=_sources(r),
                    compartment=compartment(r),
                )
                for r in document.get("actors") or []
            ),
            stages=Catalogue(_stage(r, stage_flags[r["id"]]) for r in stage_rows),
            phases=Catalogue(
                Phase(
                    id=r["id"],
                    name=r["name"],
                    name_en=r["name_en"],
                    order=r["order"],
                    entry=r["entry"],
                    exit=r["exit"],
                    terminal=bool(r.get("terminal")),
                    tracks=_ids(r.get("tracks")),
                    sources=_sources(r),
                )
                for r in document.get("phases") or []
            ),
            tracks=Catalogue(
                Track(
                    id=r["id"],
                    name=r["name"],
                    name_en=r["name_en"],
                    lead=r["lead"],
                    lead_actors=_ids(r.get("lead_actors")),
                    sources=_sources(r),
                )
                for r in document.get("tracks") or []
            ),
            transitions=tuple(
                Transition(r["from"], r["to"], r["criteria"], _sources(r))
                for r in document.get("transitions") or []
            ),
            legal_domains=Catalogue(
                LegalDomain(
                    id=r["id"],
                    name=r["name"],
                    name_en=r["name_en"],
                    purpose=r["purpose"],
                    competent_authorities=_ids(r["competent_authorities"]),
                    authority_text=r["authority_text"],
                    instruments=r["instruments"],
                    review_route=r["review_route"],
                    sources=_sources(r),
                    objection_term=_term(r.get("objection_term")),
                )
                for r in document.get("legal_domains") or []
            ),
            measures=Catalogue(_measure(r) for r in document.get("measures") or []),
            raci=tuple(
                RaciCell(r["stage"], r["actor"], r["value"], r.get("note") or "", _sources(r))
                for r in document.get("raci") or []
            ),
            flows=Catalogue(
                Flow(
                    id=r["id"],
                    from_actors=_ids(r["from"]),
                    to_actors=_ids(r["to"]),
                    content=r["content"],
                    legal_ground=r["legal_ground"],
                    restrictions=r.get("restrictions") or "",
                    sources=_sources(r),
                    dossier=r.get("dossier") or "",
                    compartment=compartment(r),
                )
                for r in document.get("flows") or []
            ),
            routes=Catalogue(
                Route(
                    id=r["id"],
                    situation=r["situation"],
                    urgency=r["urgency"],
                    route=r["route"],
                    contact=r["contact"],
                    when=r.get("when") or "",
                    actors=_ids(r.get("actors")),
                    sources=_sources(r),
                    answers_for=_ids(r.get("answers_for")),
                    answer_within=_answer_within(r.get("answer_within")),
                )
                for r in document.get("routes") or []
            ),
            retention=Catalogue(
                RetentionClass(
                    id=r["id"],
                    data_set=r["data_set"],
                    term=_term(r.get("term")),
                    rule=r["rule"],
                    basis=r["basis"],
                    sources=_sources(r),
                )
                for r in document.get("retention") or []
            ),
            uncertain_rows=sum(
                1
                for section in SECTIONS
                for row in document.get(section.name) or []
                if UNCERTAIN_TAG in (row.get("src") or [])
            ),
        )

    # --- What the stages mean -----------------------------------------------------------------

    def _stage_marked(self, flag: str) -> Stage:
        for stage in self.stages:
            if getattr(stage, flag):
                return stage
        raise MissingStageFlagError(flag)

    @property
    def opening_stage(self) -> Stage:
        """Return the stage a case starts in when triage includes a person."""
        return self._stage_marked("opens_case")

    @property
    def plan_stage(self) -> Stage:
        """Return the stage where the plan is made; a reopened case returns here."""
        return self._stage_marked("makes_plan")

    @property
    def execution_stage(self) -> Stage:
        """Return the stage where the plan is carried out."""
        return self._stage_marked("carries_out_plan")

    @property
    def closing_stage(self) -> Stage:
        """Return the stage where a case closes."""
        return self._stage_marked("closes_case")

    # --- Lookups across sections --------------------------------------------------------------

    def scope(self, scope_id: str) -> Stage | Phase:
        """Return the stage or phase `scope_id`; raise KeyError for an unknown id."""
        found = self.stages.get(scope_id) or self.phases.get(scope_id)
        if found is None:
            raise KeyError(scope_id)
        return found

    def transitions_from(self, scope_id: str) -> tuple[Transition, ...]:
        """Return the transitions out of stage or phase `scope_id`, in file order."""
        return tuple(t for t in self.transitions if t.from_id == scope_id)

    def raci_of(self, stage_id: str) -> tuple[RaciCell, ...]:
        """Return the RACI cells of one stage, in file order."""
        return tuple(c for c in self.raci if c.stage == stage_id)

    def competent_authorities(self, measure_id: str) -> tuple[Actor, ...]:
        """Return the actors who decide about a measure (its decision role)."""
        measure = self.measures[measure_id]
        return tuple(self.actors[a] for a in measure.deciders if a in self.actors)

    def dossier_readers(self, legal_domain: str) -> frozenset[str]:
        """Return the actors who read the measures dossier of a legal domain on a case.

        Its competent authorities, and the receivers of every flow that opens the dossier.
        """
        domain = self.legal_domains.get(legal_domain)
        readers = set(domain.competent_authorities if domain else ())
        for flow in self.flows:
            if flow.dossier == legal_domain:
                readers.update(flow.to_actors)
        return frozenset(readers)

    def compartment_readers(self, compartment: str) -> frozenset[str]:
        """Return the actors who read a compartment's information on a case.

        The actors whose own information falls in it, and the receivers of every flow that
        opens it. (The AIVD compartment is narrowed further by law: see sharing.rules.items.)
        """
        readers = {a.id for a in self.actors if a.compartment == compartment}
        for flow in self.flows:
            if flow.compartment == compartment:
                readers.update(flow.to_actors)
        return frozenset(readers)

    def actors_of(self, organisation_type: str, roles: Iterable[str]) -> frozenset[str]:
        """Return the actors a user of an organisation type with these roles acts as."""
        held = set(roles)
        return frozenset(
            a.id
            for a in self.actors
            if a.organisation_type
            and a.organisation_type == organisation_type
            and (not a.user_roles or held & set(a.user_roles))
        )

    def capacity_route(self, organisation_type: str) -> Route | None:
        """Return the route along which unanswered capacity requests to a partner type escalate."""
        return next((r for r in self.routes if organisation_type in r.answers_for), None)

    def label_of(self, row_id: str) -> str:
        """Return "id name" for a stage, phase, track or measure; the bare id when unknown."""
        for rows in (self.stages, self.phases, self.tracks, self.measures):
            row = rows.get(row_id)
            if row is not None:
                return f"{row_id} {row.name}"
        return row_id

    def counts(self) -> dict[str, int]:
        """Return the number of rows per section, by the file's section names."""
        return {section.name: len(getattr(self, section.name)) for section in SECTIONS}
