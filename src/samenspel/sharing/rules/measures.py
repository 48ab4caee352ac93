"""Rules for measures on a case, their decision dossiers and the mayor's designations.

A measure's ground is its legal domain (criminal, public order, state security, ...), and each
ground's dossier is apart. Who reaches what is data of the framework version the case runs
under, read for the actors a user acts as (`Framework.actors_of`: organisation type and roles):

- the measure itself (that it exists, its status and term, who decides): whoever sees the case
  and acts as an actor who reads its ground's dossier, decides it or carries it out, and the
  organisation that proposed it;
- its dossier (information basis, verification, reasons, consultations): whoever sees the case
  and acts as an actor who reads the ground's dossier (the legal domain's competent authorities
  and the receivers of flows that open it, `Framework.dossier_readers`) or decides the measure;
- an AIVD summary in a dossier: only the mayor of the case's municipality and the officials the
  mayor designated (flow F-01; the AIVD's own material never enters Samenspel).

A designated official reads what the mayor reads; only the mayor decides. Every filter is SQL:
the per-version measure ids are worked out from the framework in Python (once per process for
each set of stored versions and of actors), the rest is the query.

A user who sees the case only by break-the-glass reads what these rules give on that case (the
measures and dossiers of the grounds the user acts on, never an AIVD summary) and changes
nothing: every verb that writes asks `sees_by_right`.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any

from django.db import connections, router
from django.db.models import Q, QuerySet

from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.cases.models import Case
from samenspel.frameworks.models import FrameworkVersion, VersionStatus
from samenspel.frameworks.typed import framework_of
from samenspel.frameworks.types import Framework
from samenspel.frameworks.types import Measure as FrameworkMeasure
from samenspel.measures.models import (
    RUNNING_STATUSES,
    CaseMeasure,
    Compartment,
    Consultation,
    ConsultationKind,
    Designation,
    MeasureStatus,
)
from samenspel.sharing.policy import NOTHING, Action, can, rule, verb
from samenspel.sharing.rules.cases import _cases, sees_by_right
from samenspel.sharing.rules.common import has_any

# Who works on measures for an organisation; never the privacy officer for that role alone.
ACTING_ROLES = (
    Role.CASE_DIRECTOR,
    Role.SECURITY_ADVISER,
    Role.MAYOR,
    Role.PARTNER_LIAISON,
)
MAYOR = Role.MAYOR.value


def acting_roles(user: User) -> set[str]:
    """Return the roles by which `user` acts as a framework actor."""
    return {r for r in user.role_set if r in {role.value for role in ACTING_ROLES}}


# What the rules derive from the framework versions, per process: for each stored version, the
# framework measures a set of actors reaches. Which versions exist is read anew on every
# evaluation (one light query of ids, statuses and content hashes), so a version published a
# moment ago counts at once; the database freezes a published version's content
# (frameworks/db.py), so a version's id and content hash name what is derived from it for good,
# as in `framework_of`.
VersionKey = tuple[tuple[int, str, str], ...]
# Per version: its id, the measure ids the actors reach, and those they reach only as the mayor.
Reach = tuple[tuple[int, tuple[str, ...], tuple[str, ...]], ...]
_REACH: dict[tuple[VersionKey, str, frozenset[str], bool], Reach] = {}
_REACH_MAX = 256


def _versions() -> VersionKey:
    # Cases run under published (or withdrawn) versions; a draft has none. A measure page
    # evaluates the rules a dozen times, and building this statement through the ORM took
    # fifteen times as long as running it (docs/benchmarks.md), so it is built once.
    alias = router.db_for_read(FrameworkVersion)
    with connections[alias].cursor() as cursor:
        cursor.execute(*_versions_sql(alias))
        return tuple(cursor.fetchall())


@cache
def _versions_sql(alias: str) -> tuple[str, tuple[Any, ...]]:
    versions = (
        FrameworkVersion.objects.exclude(status=VersionStatus.DRAFT)
        .order_by("pk")
        .values_list("pk", "status", "content_sha256")
    )
    sql, params = versions.query.get_compiler(alias).as_sql()
    return str(sql), tuple(params)


def _reach_by_version(org_type: str, roles: set[str], *, dossier: bool) -> Reach:
    """Return, per stored version, the measures reached by `roles` in an `org_type`."""
    found = _REACH.get((_versions(), org_type, frozenset(roles), dossier))
    if found is not None:
        return found
    versions = list(
        FrameworkVersion.objects.exclude(status=VersionStatus.DRAFT).defer("content").order_by("pk")
    )
    rows = []
    for version in versions:
        framework = framework_of(version)
        plain = _ids(framework, framework.actors_of(org_type, roles), dossier=dossier)
        extra: set[str] = set()
        if org_type == OrganisationType.MUNICIPALITY and MAYOR not in roles:
            as_mayor = framework.actors_of(org_type, roles | {MAYOR})
            extra = _ids(framework, as_mayor, dossier=dossier) - plain
        rows.append((version.pk, tuple(sorted(plain)), tuple(sorted(extra))))
    reach = tuple(rows)
    # Kept under the versions just read, which a change since the first read makes newer.
    key = tuple((v.pk, v.status, v.content_sha256) for v in versions)
    if len(_REACH) >= _REACH_MAX:
        _REACH.clear()
    _REACH[(key, org_type, frozenset(roles), dossier)] = reach
    return reach


def measure_readers(framework: Framework, row: FrameworkMeasure, *, dossier: bool) -> set[str]:
    """Return the actors who see a measure (dossier=False) or read its dossier (True)."""
    readers = set(framework.dossier_readers(row.legal_domain)) | set(row.deciders)
    if not dossier:
        readers |= set(row.executors)
    return readers


def _ids(framework: Framework, actors: Iterable[str], *, dossier: bool) -> set[str]:
    acting = set(actors)
    return {
        row.id
        for row in framework.measures
        if acting & measure_readers(framework, row, dossier=dossier)
    }


def _designated_in(user: User) -> QuerySet[Any]:
    """The municipalities whose mayor designated `user` (while the designation runs)."""
    return Designation.objects.filter(user_id=user.pk, ended_at__isnull=True).values(
        "municipality_id"
    )


def _on_visible_case(user: User, prefix: str = "") -> Q:
    """Rows (measures, or rows under one by `prefix`) of the cases `user` sees."""
    seen = _cases(user, Action.VIEW)
    if seen == Q(municipality_id=user.organisation_id):
        # A municipality-wide user sees exactly the municipality's cases. The same filter on
        # the measure's case selects the same rows without the subquery, which made the
        # database read every case of the municipality in every measure query
        # (docs/benchmarks.md).
        return Q(**{f"{prefix}case__municipality_id": user.organisation_id})
    return Q(**{f"{prefix}case__in": Case.objects.filter(seen).values("pk")})


def _reach(user: User, *, dossier: bool, prefix: str = "") -> Q:
    """Rows (measures, or rows under one by `prefix`) whose measure `user` reaches by the
    framework, on any case: the callers add the cases `user` sees."""
    q = Q()
    for pk, plain, extra in _reach_by_version(
        user.organisation.type, acting_roles(user), dossier=dossier
    ):
        on_version = Q(**{f"{prefix}case__framework_version_id": pk})
        if plain:
            q |= on_version & Q(**{f"{prefix}measure__in": plain})
        if extra:
            q |= (
                on_version
                & Q(**{f"{prefix}measure__in": extra})
                & Q(**{f"{prefix}case__municipality_id__in": _designated_in(user)})
            )
    return q or NOTHING


@rule("measures.casemeasure")
def _measures(user: User, action: Action) -> Q:
    if action is not Action.VIEW or not has_any(user, ACTING_ROLES):
        return NOTHING  # changes go through the verbs below
    proposed = Q(proposed_by_organisation_id=user.organisation_id)
    reach = _reach(user, dossier=False)
    return (proposed if reach is NOTHING else reach | proposed) & _on_visible_case(user)


def _dossier_part(user: User, action: Action) -> Q:
    if action is Action.MANAGE or not has_any(user, ACTING_ROLES):
        return NOTHING
    reach = _reach(user, dossier=True, prefix="measure__")
    if reach is NOTHING:
        return NOTHING
    return reach & _on_visible_case(user, "measure__")


rule("measures.dossier")(_dossier_part)
rule("measures.verification")(_dossier_part)
rule("measures.consultation")(_dossier_part)
rule("measures.review")(_dossier_part)


def aivd_readers(user: User, prefix: str = "") -> Q:
    """Rows of cases whose AIVD summaries `user` reads: the mayor's, and the designated's."""
    if user.organisation.type != OrganisationType.MUNICIPALITY:
        return NOTHING
    field = f"{prefix}case__municipality_id"
    if user.has_role(Role.MAYOR):
        return Q(**{field: user.organisation_id})
    return Q(**{f"{field}__in": _designated_in(user)})


@rule("measures.basisitem")
def _basis(user: User, action: Action) -> Q:
    part = _dossier_part(user, action)
    if part is NOTHING:
        return NOTHING
    return part & (~Q(compartment=Compartment.AIVD) | aivd_readers(user, "measure__"))


@rule("measures.designation")
def _designations(user: User, action: Action) -> Q:
    # The mayor designates and sees the designations; the official sees their own.
    mayor = (
        Q(municipality_id=user.organisation_id)
        if user.organisation.type == OrganisationType.MUNICIPALITY and user.has_role(Role.MAYOR)
        else NOTHING
    )
    if action is Action.VIEW:
        return mayor | Q(user_id=user.pk)
    return mayor


# --- Verbs ---------------------------------------------------------------------------------


def deciding_actors(user: User, framework: Framework) -> frozenset[str]:
    """Return the actors `user` decides as (a designation never makes anyone decide)."""
    return framework.actors_of(user.organisation.type, acting_roles(user))


def competent(user: User, measure: CaseMeasure) -> bool:
    """Tell whether `user` is the competent authority for `measure` on its case.

    The user acts as one of the framework measure's deciders, for the right organisation: the
    case's own municipality for a municipal actor, an organisation of the case's region for the
    others (the OM and the police serving it).
    """
    if measure.external:
        return False
    case = measure.case
    framework = framework_of(case.framework_version)
    row = framework.measures.get(measure.measure)
    if row is None:
        return False
    acting = deciding_actors(user, framework) & set(row.deciders)
    if not acting:
        return False
    if user.organisation.type == OrganisationType.MUNICIPALITY:
        return user.organisation_id == case.municipality_id
    region = case.municipality.region
    # Never under break-the-glass, which only reads.
    return bool(region) and user.organisation.region == region and sees_by_right(user, case)


def reads_dossier(user: User, measure: CaseMeasure) -> bool:
    dossier = getattr(measure, "dossier", None)
    return dossier is not None and can(user, Action.VIEW, dossier)


def works_on_dossier(user: User, measure: CaseMeasure) -> bool:
    """Tell whether `user` reads the dossier and sees the case by right (not by the glass)."""
    return reads_dossier(user, measure) and sees_by_right(user, measure.case)


@verb("measure.propose")
def _propose(user: User, on: Case, within: Any) -> bool:
    return has_any(user, ACTING_ROLES) and sees_by_right(user, on)


@verb("measure.calendar")
def _calendar(user: User, on: Any, within: Any) -> bool:
    # Who gets the terms calendar in the menu: whoever can see a measure at all.
    return has_any(user, ACTING_ROLES)


@verb("measure.advise")
def _advise(user: User, on: CaseMeasure, within: Any) -> bool:
    # The casusoverleg advises; its record is kept by who works on the case plan.
    return on.is_open and can(user, Action.VIEW, on) and can(user, Action.EDIT, on.case)


@verb("measure.prepare")
def _prepare(user: User, on: CaseMeasure, within: Any) -> bool:
    # The dossier is built by its readers (the mayor's officials for the mayor) while open.
    return on.is_open and works_on_dossier(user, on)


@verb("measure.decide")
def _decide(user: User, on: CaseMeasure, within: Any) -> bool:
    return can(user, Action.VIEW, on) and competent(user, on)


@verb("measure.record_external")
def _record_external(user: User, on: CaseMeasure, within: Any) -> bool:
    return on.external and works_on_dossier(user, on)


@verb("measure.withdraw")
def _withdraw(user: User, on: CaseMeasure, within: Any) -> bool:
    if not on.is_open or not can(user, Action.VIEW, on) or not sees_by_right(user, on.case):
        return False
    return user.organisation_id == on.proposed_by_organisation_id or competent(user, on)


@verb("measure.close")
def _close(user: User, on: CaseMeasure, within: Any) -> bool:
    # Ending a running measure, with its evaluation: its dossier readers.
    return works_on_dossier(user, on)


@verb("measure.review")
def _review(user: User, on: CaseMeasure, within: Any) -> bool:
    # Objections and appeals against a decision are recorded and handled by the readers of
    # its dossier: the competent authority's side.
    return works_on_dossier(user, on)


# A decision was taken: the letter states it, also once it ended or was annulled.
DECIDED_STATUSES = frozenset({*RUNNING_STATUSES, MeasureStatus.ENDED, MeasureStatus.ANNULLED})


@verb("measure.letter")
def _letter(user: User, on: CaseMeasure, within: Any) -> bool:
    # The decision letter (besluitbrief) of a decision taken in Samenspel, made by the readers
    # of its dossier: it states the reasons. An external decision has its own letter.
    return not on.external and on.status in DECIDED_STATUSES and reads_dossier(user, on)


@verb("measure.answer_consultation")
def _answer(user: User, on: Consultation, within: Any) -> bool:
    # The minister consults the mayor (F-12): the mayor of the case's municipality answers.
    return (
        on.kind == ConsultationKind.MAYOR
        and on.answered_at is None
        and user.has_role(Role.MAYOR)
        and user.organisation_id == on.measure.case.municipality_id
    )


def not_designable(user: User) -> str:
    """Return why the mayor cannot designate `user` ("" when the mayor can).

    "mayor": the mayor reads these dossiers already; "privacy": a privacy officer only (FG)
    does not work on cases.
    """
    if user.has_role(Role.MAYOR):
        return "mayor"
    if user.has_role(Role.PRIVACY_OFFICER) and len(user.role_set) == 1:
        return "privacy"
    return ""


@verb("designation.manage")
def _designate(user: User, on: Any, within: Organisation) -> bool:
    return (
        within.type == OrganisationType.MUNICIPALITY
        and user.organisation_id == within.pk
        and user.has_role(Role.MAYOR)
    )
