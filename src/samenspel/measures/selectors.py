"""Read measures and their dossiers through the access policy; every read is audited here.

A measure's row (status, term, who decides) and its dossier (basis, verification, reasons,
consultations, objections and appeals) have separate rules (sharing/rules/measures.py): a
reader of the measure who does not read its dossier gets `MeasureView.dossier = None` and
`MeasureView.reviews = None`, and AIVD summaries are left out of the basis for everyone but the
mayor and the officials the mayor designated.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.utils import timezone

from samenspel import audit
from samenspel.accounts.models import Organisation, Role, User
from samenspel.audit.events import Event, Purpose
from samenspel.cases.models import Case
from samenspel.frameworks.typed import framework_of
from samenspel.frameworks.types import Framework
from samenspel.frameworks.types import Measure as FrameworkMeasure
from samenspel.measures.models import (
    RUNNING_STATUSES,
    BasisItem,
    CaseMeasure,
    Consultation,
    Designation,
    Dossier,
    MeasureStatus,
    Review,
    Verification,
)
from samenspel.measures.services import (
    Missing,
    is_register_measure,
    missing_for_decision,
    review_deadline,
)
from samenspel.sharing.policy import Action, allowed, get_visible_or_404, require, visible

__all__ = [
    "DossierView",
    "ExportedMeasure",
    "Ground",
    "Letter",
    "MeasureView",
    "designation_candidates",
    "designations_of",
    "get_consultation_for",
    "get_designation",
    "get_measure",
    "get_measure_for",
    "get_review_for",
    "grounds_of_case",
    "letter_of",
    "measure_choices",
    "measure_counts_of_case",
    "measures_for_export",
    "measures_visible_to",
    "record_letter_export",
    "terms_calendar",
]

PURPOSE = Purpose.CASE_WORK
CALENDAR_DAYS = 30
CALENDAR_MAX = 500


def measures_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[CaseMeasure]:
    """Return the measures `user` may `action`, with what a list shows."""
    return visible(user, CaseMeasure.objects.all(), action).select_related(
        "case__municipality",
        "case__person",
        "decided_by",
        "decided_by_organisation",
        "extends",
        "proposed_by_organisation",
    )


def _one_measure(user: Any) -> QuerySet[CaseMeasure]:
    # One measure is read with its framework: select the case's version, without its content
    # (about 100 KB of JSON that framework_of has decoded once per process), instead of loading
    # the whole row lazily on every read.
    return (
        measures_visible_to(user)
        .select_related("case__framework_version")
        .defer("case__framework_version__content")
    )


@dataclass(frozen=True)
class Ground:
    """The measures of one legal domain on a case: one dossier, apart from the others."""

    legal_domain: str
    name: str
    authority: str  # the legal domain's competent authorities, in words
    review_route: str
    measures: list[CaseMeasure]


def grounds_of_case(user: Any, case: Case, *, api: bool = False) -> list[Ground]:
    """Return the case's measures the user may see, by ground; the read is audited.

    Grounds come in the framework's order; only grounds with a visible measure are listed.
    """
    found = list(measures_visible_to(user).filter(case=case).order_by("proposed_at", "id"))
    framework = framework_of(case.framework_version)
    grounds = []
    for domain in framework.legal_domains:
        rows = [m for m in found if m.legal_domain == domain.id]
        if rows:
            grounds.append(
                Ground(domain.id, domain.name, domain.authority_text, domain.review_route, rows)
            )
    known = {d.id for d in framework.legal_domains}
    rest = [m for m in found if m.legal_domain not in known]
    if rest:
        grounds.append(Ground("", "", "", "", rest))
    details: dict[str, Any] = {"api": True} if api else {}
    audit.record(
        Event.MEASURE_LIST_VIEWED,
        by=user,
        obj=case,
        purpose=PURPOSE,
        shown=[str(m.uuid) for m in found],
        **details,
    )
    return grounds


def measure_counts_of_case(user: Any, case: Case) -> list[tuple[str, int]]:
    """Return how many measures of the case the user sees, per ground: (ground name, count).

    Counts only, for the case page, whose read the case selector audits; the measures
    themselves are read (and audited) by `grounds_of_case`.
    """
    rows = dict(
        measures_visible_to(user)
        .filter(case=case)
        .order_by()
        .values_list("legal_domain")
        .annotate(n=Count("id"))
    )
    if not rows:
        return []
    framework = framework_of(case.framework_version)
    counts = [(d.name, rows.pop(d.id)) for d in framework.legal_domains if d.id in rows]
    if rows:
        counts.append(("", sum(rows.values())))
    return counts


@dataclass(frozen=True)
class DossierView:
    """The dossier of one measure, as far as the reader may read it."""

    dossier: Dossier
    basis: list[BasisItem]
    verifications: list[Verification]
    consultations: list[Consultation]
    missing: list[Missing]


@dataclass(frozen=True)
class MeasureView:
    """One measure with its framework row, its dossier and its objections and appeals (both
    None for who does not read the dossier) and what the reader may do."""

    measure: CaseMeasure
    row: FrameworkMeasure | None
    framework: Framework
    dossier: DossierView | None
    reviews: list[Review] | None
    extensions: list[CaseMeasure]
    may: frozenset[str]

    @property
    def term_ends_soon(self) -> bool:
        ends = self.measure.ends_on
        return bool(
            ends
            and self.measure.status in RUNNING_STATUSES
            and ends <= timezone.localdate() + dt.timedelta(days=CALENDAR_DAYS)
        )


VERBS = (
    "measure.advise",
    "measure.prepare",
    "measure.decide",
    "measure.record_external",
    "measure.withdraw",
    "measure.close",
    "measure.review",
    "measure.letter",
)


def get_measure_for(user: Any, measure_uuid: uuid.UUID, *, api: bool = False) -> MeasureView:
    """Return one measure the user may see (404 otherwise), with its dossier and its
    objections and appeals for who reads them; audited, with what was shown."""
    measure = get_visible_or_404(user, _one_measure(user), uuid=measure_uuid)
    framework = framework_of(measure.case.framework_version)
    dossier = visible(user, Dossier.objects.filter(measure=measure), Action.VIEW).first()
    view: DossierView | None = None
    if dossier is not None:
        basis = list(
            visible(user, BasisItem.objects.filter(measure=measure), Action.VIEW).select_related(
                "added_by"
            )
        )
        view = DossierView(
            dossier=dossier,
            basis=basis,
            verifications=list(
                visible(
                    user, Verification.objects.filter(measure=measure), Action.VIEW
                ).select_related("added_by")
            ),
            # From the measure, so that each consultation has it (and its case) at hand for
            # the verb its page asks per row, instead of reading both again for every row.
            consultations=list(
                visible(user, measure.consultations.all(), Action.VIEW).select_related(
                    "added_by", "answered_by"
                )
            ),
            missing=missing_for_decision(measure) if measure.is_open else [],
        )
    # Objections and appeals are a part of the dossier: the same readers, by their own rule.
    reviews = (
        list(
            visible(user, Review.objects.filter(measure=measure), Action.VIEW).select_related(
                "filed_by", "decided_by"
            )
        )
        if view is not None
        else None
    )
    # Their own fields only (a link and a status): none of the list's related rows.
    extensions = list(visible(user, CaseMeasure.objects.filter(extends=measure), Action.VIEW))
    may = frozenset(v for v in VERBS if allowed(user, v, on=measure))
    details: dict[str, Any] = {"api": True} if api else {}
    if view is not None:
        details["basis"] = [str(b.uuid) for b in view.basis]
    if reviews:
        details["reviews"] = [str(r.uuid) for r in reviews]
    audit.record(
        Event.MEASURE_VIEWED,
        by=user,
        obj=measure.case,
        purpose=PURPOSE,
        measure=str(measure.uuid),
        dossier=view is not None,
        **details,
    )
    return MeasureView(
        measure=measure,
        row=framework.measures.get(measure.measure),
        framework=framework,
        dossier=view,
        reviews=reviews,
        extensions=extensions,
        may=may,
    )


def get_measure(user: Any, measure_uuid: uuid.UUID) -> CaseMeasure:
    """Return one measure the user may see, for a change (404 otherwise); not audited as a
    read: the change that follows audits itself."""
    return get_visible_or_404(user, _one_measure(user), uuid=measure_uuid)


def get_consultation_for(
    user: Any, measure: CaseMeasure, consultation_uuid: uuid.UUID
) -> Consultation:
    """Return one consultation in a measure's dossier the user reads (404 otherwise)."""
    return get_visible_or_404(
        user, Consultation.objects.filter(measure=measure), uuid=consultation_uuid
    )


def get_review_for(user: Any, measure: CaseMeasure, review_uuid: uuid.UUID) -> Review:
    """Return one objection or appeal of a measure the user reads (404 otherwise), for a
    change; not audited as a read: the change audits itself."""
    return get_visible_or_404(user, Review.objects.filter(measure=measure), uuid=review_uuid)


@dataclass(frozen=True)
class ExportedMeasure:
    """A measure as printed in the case file: its dossier basis only for dossier readers."""

    measure: CaseMeasure
    basis: list[BasisItem] | None


def measures_for_export(
    user: Any, case: Case, *, export: str
) -> list[tuple[Ground, list[ExportedMeasure]]]:
    """Return the case's measures for its PDF, by ground, with what the user may read.

    The same rules as the pages: measures the user sees, the basis of the dossiers the user
    reads, AIVD summaries only for the mayor and the designated. Audited with the export
    number and every measure and information item printed.
    """
    found = list(measures_visible_to(user).filter(case=case).order_by("proposed_at", "id"))
    readable = set(
        visible(user, Dossier.objects.filter(measure__in=found), Action.VIEW).values_list(
            "measure_id", flat=True
        )
    )
    basis: dict[int, list[BasisItem]] = {pk: [] for pk in readable}
    for item in visible(user, BasisItem.objects.filter(measure_id__in=readable), Action.VIEW):
        basis[item.measure_id].append(item)
    framework = framework_of(case.framework_version)
    names = {d.id: d for d in framework.legal_domains}
    grouped: list[tuple[Ground, list[ExportedMeasure]]] = []
    for domain_id in dict.fromkeys(m.legal_domain for m in found):
        domain = names.get(domain_id)
        rows = [m for m in found if m.legal_domain == domain_id]
        ground = Ground(
            domain_id,
            domain.name if domain else domain_id,
            domain.authority_text if domain else "",
            domain.review_route if domain else "",
            rows,
        )
        grouped.append((ground, [ExportedMeasure(m, basis.get(m.pk)) for m in rows]))
    audit.record(
        Event.MEASURE_LIST_VIEWED,
        by=user,
        obj=case,
        purpose=PURPOSE,
        export=export,
        shown=[str(m.uuid) for m in found],
        basis=[str(b.uuid) for items in basis.values() for b in items],
    )
    return grouped


def measure_choices(case: Case) -> list[tuple[str, str]]:
    """Return the framework measures that may be proposed on a case, as (id, label)."""
    framework = framework_of(case.framework_version)
    return [(row.id, row.label) for row in framework.measures if is_register_measure(row)]


def terms_calendar(user: Any, *, days: int = CALENDAR_DAYS, api: bool = False) -> list[CaseMeasure]:
    """Return the running measures the user sees whose term ends within `days`; audited."""
    today = timezone.localdate()
    # Up to 500 rows whose municipalities, deciders and organisations are a handful: each is
    # read once (prefetched) instead of joined and built again for every row, which was most
    # of the calendar's time (docs/benchmarks.md). The calendar shows no person.
    found = list(
        visible(user, CaseMeasure.objects.all(), Action.VIEW)
        .select_related("case")
        .prefetch_related(
            "case__municipality",
            "decided_by",
            "decided_by_organisation",
            "extends",
            "proposed_by_organisation",
        )
        .filter(
            status__in=RUNNING_STATUSES,
            ends_on__isnull=False,
            ends_on__lte=today + dt.timedelta(days=days),
        )
        .order_by("ends_on", "id")[:CALENDAR_MAX]
    )
    details: dict[str, Any] = {"api": True} if api else {}
    audit.record(
        Event.MEASURE_LIST_VIEWED,
        by=user,
        purpose=PURPOSE,
        shown=[str(m.uuid) for m in found],
        calendar_days=days,
        **details,
    )
    return found


def _designations(user: User, municipality: Organisation) -> QuerySet[Designation]:
    return visible(
        user, Designation.objects.filter(municipality=municipality), Action.VIEW
    ).select_related("municipality", "user", "designated_by", "ended_by")


def designations_of(
    user: User, municipality: Organisation, *, api: bool = False
) -> list[Designation]:
    """Return the mayor's designations in a municipality (running ones first); audited.

    Who reads the mayor's dossiers is itself worth knowing afterwards, so the read is audited
    with the designations shown (`DESIGNATIONS_VIEWED`).
    """
    rows = sorted(
        _designations(user, municipality),
        key=lambda d: (d.ended_at is not None, -d.designated_at.timestamp()),
    )
    details: dict[str, Any] = {"api": True} if api else {}
    audit.record(
        Event.DESIGNATIONS_VIEWED,
        by=user,
        obj=municipality,
        purpose=Purpose.ADMINISTRATION,
        shown=[str(d.uuid) for d in rows],
        **details,
    )
    return rows


def get_designation(
    user: User, municipality: Organisation, designation_uuid: uuid.UUID
) -> Designation:
    """Return one designation in a municipality the user sees (404 otherwise), for a change
    or to answer one; not audited as a read: the change audits itself."""
    return get_visible_or_404(user, _designations(user, municipality), uuid=designation_uuid)


def designation_candidates(
    municipality: Organisation, *, undesignated: bool = False
) -> QuerySet[User]:
    """Return the officials a mayor may designate: active staff of the municipality.

    With `undesignated`, leave out who is designated already (the choices of the form).
    """
    people = (
        User.objects.filter(organisation=municipality, is_active=True)
        .exclude(roles__role=Role.MAYOR)
        .filter(roles__role__in=[Role.CASE_DIRECTOR, Role.SECURITY_ADVISER])
    )
    if undesignated:
        people = people.exclude(
            pk__in=Designation.objects.filter(ended_at__isnull=True).values("user_id")
        )
    return people.distinct().order_by("full_name")


@dataclass(frozen=True)
class Letter:
    """A decision letter (besluitbrief) as printed: the decision, its grounds, its term and
    the way to object, with the number that ties the PDF to its audit record.

    `basis` holds the items the reader may read; the letter names an AIVD item by its kind and
    date only, never its summary, because the letter goes to the person.
    """

    measure: CaseMeasure
    dossier: Dossier
    basis: list[BasisItem]
    sender: Organisation
    number: str
    made_at: dt.datetime
    legal_reference: str  # the framework's article reference, "" when it names none
    max_term: str  # the framework's longest term in words, "" when it sets none
    review_route: str
    review_term: str  # the ground's term for objection or appeal in words, "" when none
    review_last_day: dt.date | None
    annulled_by: Review | None

    @property
    def reference(self) -> str:
        """Return the letter's kenmerk: the case, the framework measure and the number."""
        return f"{self.measure.case.reference}/{self.measure.measure}/{self.number}"


def letter_of(user: Any, measure_uuid: uuid.UUID, *, export: str) -> Letter:
    """Return the decision letter of a measure decided in Samenspel, for its dossier readers.

    A measure the user may not see is a 404; on one the user sees, a letter the user may not
    make (no dossier reader, no decision yet, or decided outside Samenspel) is a 403. Nothing
    is audited here: `record_letter_export` does, once the PDF exists.
    """
    measure = get_visible_or_404(user, _one_measure(user), uuid=measure_uuid)
    require(user, "measure.letter", on=measure)
    dossier = get_visible_or_404(user, Dossier.objects.filter(measure=measure))
    basis = list(visible(user, BasisItem.objects.filter(measure=measure), Action.VIEW))
    framework = framework_of(measure.case.framework_version)
    row = framework.measures.get(measure.measure)
    domain = framework.legal_domains.get(measure.legal_domain)
    term = domain.objection_term if domain is not None else None
    annulled_by = None
    if measure.status == MeasureStatus.ANNULLED:
        annulled_by = (
            visible(user, Review.objects.filter(measure=measure, annuls=True), Action.VIEW)
            .order_by("-outcome_on", "-id")
            .first()
        )
    return Letter(
        measure=measure,
        dossier=dossier,
        basis=basis,
        sender=measure.decided_by_organisation or measure.case.municipality,
        number=export,
        made_at=timezone.now(),
        legal_reference=row.legal_basis.reference if row is not None else "",
        max_term=row.max_term.words() if row is not None and row.max_term else "",
        review_route=domain.review_route if domain is not None else "",
        review_term=term.words() if term is not None else "",
        # The decision date stands in for the day it is made known: the letter is dated so.
        review_last_day=(
            review_deadline(measure, measure.decided_on) if measure.decided_on else None
        ),
        annulled_by=annulled_by,
    )


def record_letter_export(user: Any, letter: Letter, *, api: bool = False) -> None:
    """Audit that `user` made a measure's decision letter as a PDF, with its number and the
    information items it names."""
    details: dict[str, Any] = {"api": True} if api else {}
    audit.record(
        Event.MEASURE_LETTER_EXPORTED,
        by=user,
        obj=letter.measure,
        purpose=PURPOSE,
        export=letter.number,
        measure=str(letter.measure.uuid),
        basis=[str(b.uuid) for b in letter.basis],
        **details,
    )
