"""Read persons, cases, plans, teams, history and transfers, always through the access policy.

Reads of one case or person are audited here, so that every route (page, API, export) that
shows them leaves the same record.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import Count, Q, QuerySet, Value, When
from django.utils import timezone

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, Role, User
from samenspel.audit.events import Event, Purpose
from samenspel.cases.balance import Balance, balance_of
from samenspel.cases.models import (
    BreakGlass,
    BreakGlassReview,
    Case,
    CaseMember,
    CaseStatus,
    CaseTransition,
    Intervention,
    InterventionStatus,
    Person,
    Transfer,
    TransferStatus,
)
from samenspel.cases.selectors.information import (  # the information on a case
    compartments_for as compartments_for,
)
from samenspel.cases.selectors.information import (
    consents_of as consents_of,
)
from samenspel.cases.selectors.information import (
    get_information_for as get_information_for,
)
from samenspel.cases.selectors.information import (
    hidden_plan_count as hidden_plan_count,
)
from samenspel.cases.selectors.information import (
    information_file_for as information_file_for,
)
from samenspel.cases.selectors.information import (
    information_of as information_of,
)
from samenspel.frameworks.course import CourseOfAction, course_of_action
from samenspel.frameworks.selectors import framework_of
from samenspel.lib.bsn import normalise_bsn
from samenspel.lib.names import CANDIDATE_THRESHOLD, match_score, name_tokens
from samenspel.sharing.policy import (
    Action,
    allowed,
    eligible,
    get_visible_or_404,
    require,
    visible,
)
from samenspel.sharing.rules.cases import CASE_VERBS, sees_by_right
from samenspel.sharing.rules.intake import triage_municipalities

PURPOSE = Purpose.CASE_WORK


def cases_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[Case]:
    """Return the cases `user` may see, with what a list shows, newest first."""
    return visible(user, Case.objects.all(), action).select_related(
        "person", "municipality", "case_director"
    )


def case_list(
    user: Any,
    *,
    status: str = "open",
    mine: bool = False,
    query: str = "",
) -> QuerySet[Case]:
    """Return a filtered list of visible cases (a page of it is taken by the caller)."""
    cases = cases_visible_to(user)
    if status in CaseStatus.values:
        cases = cases.filter(status=status)
    if mine:
        cases = cases.filter(case_director_id=user.pk)
    for word in query.split()[:4]:
        cases = cases.filter(
            Q(reference__icontains=word)
            | Q(person__family_name__icontains=word)
            | Q(person__given_names__icontains=word)
        )
    return cases.order_by("-opened_at", "-id")


def name_stages(cases: list[Case]) -> None:
    """Set `stage_name` and `phase_name` on each case, from the framework it runs under.

    One query for the framework versions of the whole list; each version's content is parsed
    once per process (framework_of).
    """
    from samenspel.frameworks.models import FrameworkVersion

    ids = {case.framework_version_id for case in cases}
    versions = FrameworkVersion.objects.filter(pk__in=ids).defer("content")  # ~100 KB each
    frameworks = {v.pk: framework_of(v) for v in versions}
    for case in cases:
        framework = frameworks.get(case.framework_version_id)
        stage = framework.stages.get(case.stage) if framework else None
        phase = framework.phases.get(case.phase) if framework else None
        case.stage_name = stage.name if stage else case.stage  # type: ignore[attr-defined]
        case.phase_name = phase.name if phase else case.phase  # type: ignore[attr-defined]


def record_list_read(
    user: Any, count: int, *, page: str = "cases", obj: Any = None, **details: Any
) -> None:
    """Audit that the user looked at a list of cases (or of transfers, or one transfer)."""
    audit.record(
        Event.CASE_LIST_VIEWED,
        by=user,
        obj=obj,
        purpose=PURPOSE,
        shown=count,
        page=page,
        **details,
    )


def record_case_export(user: Any, case: Case, *, format: str, export: str) -> None:
    """Audit that the user took the case file out of Samenspel (a PDF)."""
    audit.record(
        Event.CASE_EXPORTED, by=user, obj=case, purpose=PURPOSE, format=format, export=export
    )


def record_list_export(user: Any, *, count: int, status: str, format: str) -> None:
    """Audit that the user took a list of cases out of Samenspel (a CSV)."""
    audit.record(
        Event.CASE_LIST_EXPORTED,
        by=user,
        purpose=PURPOSE,
        count=count,
        status=status,
        format=format,
    )


def count_cases(user: Any) -> dict[str, int]:
    """Return the number of visible cases per status."""
    rows = cases_visible_to(user).order_by().values("status").annotate(n=Count("id"))
    counts = dict.fromkeys(CaseStatus.values, 0)
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def get_case_for(
    user: Any, case_uuid: uuid.UUID, action: Action = Action.VIEW, *, record_read: bool = True
) -> Case:
    """Return one case `user` may `action`; 404 if they may not see it, 403 if only that.

    The read is audited.
    """
    case = get_visible_or_404(
        user,
        Case.objects.select_related(
            "person", "municipality", "case_director", "framework_version"
        ).defer("framework_version__content"),
        Action.VIEW,
        uuid=case_uuid,
    )
    if action is not Action.VIEW:
        require(user, CASE_VERBS[action], on=case)
    if record_read:
        audit.record(Event.CASE_VIEWED, by=user, obj=case, purpose=PURPOSE)
    return case


def plan_of(user: Any, case: Case) -> list[Intervention]:
    """Return the interventions of the case plan that `user` may see, with their owners."""
    return list(
        visible(user, Intervention.objects.filter(case=case))
        .select_related("owner")
        .order_by("created_at", "id")
    )


def balance(interventions: list[Intervention]) -> Balance:
    """Return the balance of the plan, stopped interventions left out."""
    return balance_of(i for i in interventions if i.status != InterventionStatus.STOPPED)


def plan_balance(user: Any, case: Case) -> Balance:
    """Return the balance over every line of the plan `user` knows exists (Action.NAME).

    Only domain and status are read, so the balance is the same for every team member, also
    when some care lines are not theirs to read (sharing/rules/compartments.py).
    """
    named = visible(user, Intervention.objects.filter(case=case), Action.NAME)
    return balance(list(named.only("domain", "status")))


def get_intervention_for(
    user: Any, case: Case, intervention_uuid: uuid.UUID, action: Action = Action.VIEW
) -> Intervention:
    """Return one intervention of a case, or raise a 404."""
    return get_visible_or_404(
        user,
        Intervention.objects.filter(case=case).select_related("owner", "case"),
        action,
        uuid=intervention_uuid,
    )


def team_of(user: Any, case: Case) -> list[CaseMember]:
    """Return the current team members of the case, with their organisations."""
    return list(
        visible(user, CaseMember.objects.filter(case=case, removed_at__isnull=True))
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name")
    )


def candidate_members(user: Any, case: Case) -> list[User]:
    """Return who may join the team, for a user who manages it (sharing rule case.join).

    Case work of the case's municipality and the partner liaisons of its region; never users
    of another municipality (persons move only by transfer), the privacy officer or national
    partners. Only those who manage the team learn who may join it.
    """
    if not allowed(user, "case.manage", on=case):
        return []
    on_team = CaseMember.objects.filter(case=case, removed_at__isnull=True).values("user_id")
    return list(
        User.objects.filter(eligible("case.join", on=case))
        .exclude(pk__in=on_team)
        .select_related("organisation")
        .order_by("organisation__name", "full_name")
    )


def history_of(user: Any, case: Case, *, record_read: bool = True) -> list[CaseTransition]:
    """Return the case history (stage, phase, track, status and municipality changes).

    The read is audited here, for the history page and the API alike.
    """
    rows = list(
        visible(user, CaseTransition.objects.filter(case=case))
        .select_related("by", "by__organisation")
        .order_by("at", "id")
    )
    if record_read:
        audit.record(Event.CASE_HISTORY_VIEWED, by=user, obj=case, purpose=PURPOSE)
    return rows


def intervention_owners() -> QuerySet[Organisation]:
    """Return the organisations that may own an intervention: active, never the AIVD."""
    return (
        Organisation.objects.filter(is_active=True)
        .exclude(type=OrganisationType.AIVD)
        .order_by("name")
    )


def other_municipalities(case: Case) -> QuerySet[Organisation]:
    """Return the active municipalities a case could be transferred to."""
    return (
        Organisation.objects.filter(is_active=True, type=OrganisationType.MUNICIPALITY)
        .exclude(pk=case.municipality_id)
        .order_by("name")
    )


def case_directors_of(municipality: Organisation) -> QuerySet[User]:
    """Return the active case directors of a municipality (who may take over a case)."""
    return User.objects.filter(
        is_active=True, organisation=municipality, roles__role=Role.CASE_DIRECTOR
    ).order_by("full_name")


def course_for(case: Case, user: User) -> CourseOfAction | None:
    """Return the framework's course of action for the case's phase and the viewer's type."""
    try:
        return course_of_action(
            framework_of(case.framework_version),
            scope=case.phase,
            organisation_type=user.organisation.type,
        )
    except KeyError:
        return None


def transfers_of(user: Any, case: Case) -> list[Transfer]:
    """Return the transfers of a case that `user` may see (the transfer rule), newest first."""
    return list(
        visible(user, Transfer.objects.filter(case=case)).select_related(
            "from_municipality", "to_municipality", "requested_by"
        )
    )


def incoming_transfers(user: Any) -> QuerySet[Transfer]:
    """Return the transfer requests that `user` may decide on."""
    return (
        visible(user, Transfer.objects.all(), Action.MANAGE)
        .filter(status=TransferStatus.REQUESTED)
        .select_related("from_municipality", "to_municipality", "case", "case__person")
    )


def transfer_stubs(user: Any) -> QuerySet[Transfer]:
    """Return the transfers the user's municipality sent: the stubs it keeps."""
    return (
        visible(user, Transfer.objects.all())
        .filter(from_municipality_id=getattr(user, "organisation_id", None))
        .select_related("to_municipality")
    )


def get_transfer_for(user: Any, transfer_uuid: uuid.UUID, action: Action = Action.VIEW) -> Transfer:
    """Return one transfer, or raise a 404."""
    return get_visible_or_404(
        user,
        Transfer.objects.select_related(
            "case", "case__person", "from_municipality", "to_municipality"
        ),
        action,
        uuid=transfer_uuid,
    )


# --- Persons and candidates ---------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A person already known in the municipality who may be the one a signal is about."""

    person: Person
    score: float
    reasons: list[str]
    open_cases: int  # not closed: open or in aftercare
    open_references: list[str] = dataclasses.field(default_factory=list)


def _date_variants(day: dt.date) -> list[dt.date]:
    variants = [day]
    with contextlib.suppress(ValueError):
        variants.append(day.replace(month=day.day, day=day.month))
    return variants


# How many prefiltered persons are scored in Python at most.
CANDIDATE_PREFILTER_MAX = 500


def find_candidates(
    user: Any,
    municipality: Organisation,
    *,
    family_name: str,
    given_names: str = "",
    birth_date: dt.date | None = None,
    bsn: str = "",
    limit: int = 10,
) -> list[Candidate]:
    """Return known persons of one municipality that may match; never across municipalities.

    This is record linkage for the triage team, not an assessment of the person: a
    professional decides whether to link (see lib.names).
    """
    if not Organisation.objects.filter(triage_municipalities(user), pk=municipality.pk).exists():
        return []
    persons = visible(user, Person.objects.filter(municipality=municipality), Action.MANAGE)
    name = f"{given_names} {family_name}".strip()
    prefilter = Q(pk__in=[])
    # What the database can rank: a BSN match first, then a birth date, then a name part; a
    # common name part cannot push the strong matches past the cap.
    rank: list[When] = []
    clean_bsn = normalise_bsn(bsn) if bsn.strip() else ""
    if clean_bsn:
        prefilter |= Q(bsn=clean_bsn)
        rank.append(When(bsn=clean_bsn, then=Value(0)))
    if birth_date is not None:
        dates = Q(birth_date__in=_date_variants(birth_date))
        prefilter |= dates
        rank.append(When(dates, then=Value(1)))
    for token in name_tokens(name)[:6]:
        if len(token) >= 2:
            prefilter |= Q(name_key__contains=token)
    rows = list(
        persons.filter(prefilter)
        .annotate(
            open_cases=Count("cases", filter=~Q(cases__status=CaseStatus.CLOSED)),
            rank=SqlCase(*rank, default=Value(2)) if rank else Value(2),
        )
        .order_by("rank", "pk")[:CANDIDATE_PREFILTER_MAX]
    )
    found: list[Candidate] = []
    for person in rows:
        if clean_bsn and person.bsn == clean_bsn:
            score, reasons = 1.0, ["BSN gelijk"]
        else:
            score, reasons = match_score(name, birth_date, person.full_name, person.birth_date)
            if score < CANDIDATE_THRESHOLD:
                continue
        found.append(Candidate(person, score, reasons, getattr(person, "open_cases", 0)))
    found.sort(key=lambda c: (-c.score, c.person.family_name))
    found = found[:limit]
    # The references of the open cases, so that the team can add the signal to the right one.
    references: dict[int, list[str]] = {}
    for person_id, reference in (
        Case.objects.filter(person__in=[c.person.pk for c in found if c.open_cases])
        .exclude(status=CaseStatus.CLOSED)
        .order_by("-opened_at", "-id")
        .values_list("person_id", "reference")
    ):
        references.setdefault(person_id, []).append(reference)
    found = [dataclasses.replace(c, open_references=references.get(c.person.pk, [])) for c in found]
    audit.record(
        Event.PERSON_CANDIDATES_SEARCHED,
        by=user,
        obj=municipality,
        purpose=Purpose.SIGNAL_INTAKE,
        found=len(found),
    )
    return found


def get_person_for(user: Any, person_uuid: uuid.UUID, action: Action = Action.VIEW) -> Person:
    """Return one person, or raise a 404."""
    return get_visible_or_404(user, Person.objects.all(), action, uuid=person_uuid)


# --- Break-the-glass (noodtoegang) --------------------------------------------------------------

# The most uses one read of the queue shows (pending ones first).
BREAK_GLASS_QUEUE_MAX = 200


def break_glass_municipalities(user: Any) -> QuerySet[Organisation]:
    """Return the municipalities whose cases break-the-glass may open to `user`: its region's."""
    if not allowed(user, "case.break_glass"):
        return Organisation.objects.none()
    return Organisation.objects.filter(
        is_active=True, type=OrganisationType.MUNICIPALITY, region=user.organisation.region
    ).order_by("name")


def active_break_glass(user: Any, case: Case) -> BreakGlass | None:
    """Return the running break-the-glass by which `user` sees `case`, or None.

    None too when the user sees the case by right (on its team, or its municipality's case
    work): then the page needs no warning.
    """
    use = (
        BreakGlass.objects.filter(user_id=user.pk, case=case, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )
    if use is None or sees_by_right(user, case):
        return None
    return use


def break_glass_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[BreakGlass]:
    """Return the uses of break-the-glass `user` may see: pending first, then newest first."""
    pending_first = SqlCase(When(review=BreakGlassReview.PENDING, then=Value(0)), default=Value(1))
    return (
        visible(user, BreakGlass.objects.all(), action)
        .select_related("case", "case__municipality", "user", "organisation", "reviewed_by")
        .order_by(pending_first, "-opened_at", "-id")
    )


def break_glass_pending_count(user: Any) -> int:
    """Count the uses that wait for `user`'s review (a count, not a read)."""
    return (
        visible(user, BreakGlass.objects.all(), Action.MANAGE)
        .filter(review=BreakGlassReview.PENDING)
        .count()
    )


def break_glass_submission(user: Any, key: str) -> BreakGlass | None:
    """Return the user's own use sent with this Idempotency-Key, if any."""
    key = key.strip()[:64]
    if not key:
        return None
    return BreakGlass.objects.filter(user_id=user.pk, submission_key=key).first()


def break_glass_queue(user: Any, *, api: bool = False) -> list[BreakGlass]:
    """Return the uses `user` may see (a privacy officer's queue, or the user's own uses).

    The read is audited with the uses shown, so that the review itself leaves a trace.
    """
    rows = list(break_glass_visible_to(user)[:BREAK_GLASS_QUEUE_MAX])
    audit.record(
        Event.BREAK_GLASS_QUEUE_VIEWED,
        by=user,
        purpose=Purpose.AUDIT_REVIEW,
        shown=len(rows),
        pending=sum(1 for r in rows if r.pending),
        uses=[str(r.uuid) for r in rows],
        api=api,
    )
    return rows


def break_glass_reviewable(user: Any, uuids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Return which of these uses `user` may review (one query for the whole queue)."""
    if not uuids:
        return set()
    return set(
        visible(user, BreakGlass.objects.filter(uuid__in=uuids), Action.MANAGE).values_list(
            "uuid", flat=True
        )
    )


def get_break_glass_for(user: Any, use_uuid: uuid.UUID, action: Action = Action.VIEW) -> BreakGlass:
    """Return one use of break-the-glass `user` may see, or raise a 404."""
    return get_visible_or_404(
        user,
        BreakGlass.objects.select_related(
            "case", "case__municipality", "user", "organisation", "reviewed_by"
        ),
        action,
        uuid=use_uuid,
    )


@dataclass(frozen=True)
class BreakGlassFigures:
    """How often break-the-glass was used, and how the uses were judged, for one organisation."""

    organisation: str
    pending_30: int
    accepted_30: int
    flagged_30: int
    pending_365: int
    accepted_365: int
    flagged_365: int


def break_glass_figures(user: Any) -> list[BreakGlassFigures]:
    """Count the uses `user` may see of the last 30 and 365 days, per organisation of the user
    who broke the glass, by review: pending, accepted, flagged. One query."""
    now = timezone.now()
    month, year = now - dt.timedelta(days=30), now - dt.timedelta(days=365)

    def count(review: str, since: dt.datetime) -> Count:
        return Count("id", filter=Q(review=review, opened_at__gte=since))

    rows = (
        visible(user, BreakGlass.objects.filter(opened_at__gte=year))
        .order_by()
        .values("organisation__name")
        .annotate(
            pending_30=count(BreakGlassReview.PENDING, month),
            accepted_30=count(BreakGlassReview.ACCEPTED, month),
            flagged_30=count(BreakGlassReview.FLAGGED, month),
            pending_365=count(BreakGlassReview.PENDING, year),
            accepted_365=count(BreakGlassReview.ACCEPTED, year),
            flagged_365=count(BreakGlassReview.FLAGGED, year),
        )
        .order_by("organisation__name")
    )
    return [
        BreakGlassFigures(
            organisation=row["organisation__name"],
            pending_30=row["pending_30"],
            accepted_30=row["accepted_30"],
            flagged_30=row["flagged_30"],
            pending_365=row["pending_365"],
            accepted_365=row["accepted_365"],
            flagged_365=row["flagged_365"],
        )
        for row in rows
    ]
