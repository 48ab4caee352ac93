"""Read capacity requests through the access policy; reads and exports are audited here.

The statistics count every request the access policy lets the reader name (`Action.NAME`,
see sharing/rules/consultations.py): for whoever may see the statistics, that is every
request. They read only partner, municipality, priority flag, status and times, never the
question or the answer, and a request holds no person data, so small counts are shown as they
are. Time to answer is counted in calendar hours from the request to the desk's answer.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, User
from samenspel.audit.events import Event, Purpose
from samenspel.consultations.models import CapacityRequest, CapacityStatus, Meeting, MeetingStatus
from samenspel.sharing.policy import Action, allowed, get_visible_or_404, require, visible
from samenspel.sharing.rules.consultations import CAPACITY_PARTNERS

__all__ = [
    "CapacityStatistics",
    "Figures",
    "MunicipalityFigures",
    "PartnerFigures",
    "capacity_assignees",
    "capacity_list",
    "capacity_meetings",
    "capacity_municipalities",
    "capacity_partners",
    "capacity_requests_visible_to",
    "capacity_statistics",
    "capacity_submission",
    "get_capacity_request_for",
    "record_capacity_form_read",
]

PURPOSE = Purpose.COLLABORATION
LIST_MAX = 500


def capacity_requests_visible_to(
    user: Any, action: Action = Action.VIEW
) -> QuerySet[CapacityRequest]:
    """Return the capacity requests `user` may `action`, with what a list shows."""
    return visible(user, CapacityRequest.objects.all(), action).select_related(
        "requester", "municipality", "addressed", "requested_by", "assignee", "meeting__series"
    )


def capacity_list(
    user: Any, *, record_read: bool = True, api: bool = False
) -> list[CapacityRequest]:
    """Return the requests the user's organisation asked or received: open ones first.

    Open ones come by the date they are needed, the others newest first; the read is audited.
    """
    found = list(capacity_requests_visible_to(user).order_by("-requested_at", "-id")[:LIST_MAX])
    waiting = sorted(
        (r for r in found if r.status == CapacityStatus.REQUESTED),
        key=lambda r: (r.needed_by, r.requested_at),
    )
    rows = waiting + [r for r in found if r.status != CapacityStatus.REQUESTED]
    if record_read:
        details: dict[str, Any] = {"api": True} if api else {}
        audit.record(
            Event.CAPACITY_LIST_VIEWED, by=user, purpose=PURPOSE, shown=len(rows), **details
        )
    return rows


def get_capacity_request_for(
    user: Any,
    request_uuid: uuid.UUID,
    action: Action = Action.VIEW,
    *,
    record_read: bool = True,
) -> CapacityRequest:
    """Return one capacity request, or raise a 404; the read is audited."""
    request = get_visible_or_404(
        user,
        CapacityRequest.objects.select_related(
            "requester",
            "municipality",
            "addressed",
            "requested_by",
            "answered_by",
            "assignee",
            "meeting__series",
        ),
        action,
        uuid=request_uuid,
    )
    if record_read:
        audit.record(Event.CAPACITY_VIEWED, by=user, obj=request, purpose=PURPOSE)
    return request


def capacity_submission(user: Any, key: str) -> CapacityRequest | None:
    """Return the user's request made with this submission key, if any (a repeated submit)."""
    if not key:
        return None
    return (
        capacity_requests_visible_to(user)
        .filter(requested_by_id=getattr(user, "pk", None), submission_key=key)
        .first()
    )


def record_capacity_form_read(user: Any) -> None:
    """Audit that the user opened the request form (it lists their meetings)."""
    audit.record(Event.PAGE_VIEWED, by=user, purpose=PURPOSE, page="capacity_request")


# --- Choices for the forms ---------------------------------------------------------------------


def capacity_municipalities(user: Any) -> list[Organisation]:
    """Return the municipalities `user` may ask capacity for: its own, or its ZVH's region's."""
    organisation = getattr(user, "organisation", None)
    if organisation is None:
        return []
    near = Q(pk=organisation.pk)
    if organisation.type == OrganisationType.ZVH and organisation.region:
        near |= Q(region=organisation.region)
    candidates = Organisation.objects.filter(
        near, type=OrganisationType.MUNICIPALITY, is_active=True
    ).order_by("name")
    return [o for o in candidates if allowed(user, "capacity.request", within=o)]


def capacity_partners() -> QuerySet[Organisation]:
    """Return the active national partners a request may go to (NCTV, OM, police)."""
    return Organisation.objects.filter(type__in=CAPACITY_PARTNERS, is_active=True).order_by(
        "type", "name"
    )


def capacity_meetings(user: Any) -> QuerySet[Meeting]:
    """Return the planned, coming meetings `user` may see, for "the meeting it is for"."""
    return (
        visible(user, Meeting.objects.all())
        .filter(status=MeetingStatus.PLANNED, starts_at__gte=timezone.now())
        .select_related("series")
        .order_by("starts_at", "id")
    )


def capacity_assignees(request: CapacityRequest) -> QuerySet[User]:
    """Return who the desk may name to come or deliver: active users of its own organisation."""
    return User.objects.filter(organisation_id=request.addressed_id, is_active=True).order_by(
        "full_name", "id"
    )


# --- Statistics --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """How one group of requests was answered."""

    requests: int  # asked in the period
    withdrawn: int
    accepted: int
    answered: int  # accepted, other date or declined
    median_hours: float | None
    p90_hours: float | None

    @property
    def accepted_share(self) -> float | None:
        """Return the percentage accepted of the requests the partner could answer."""
        considered = self.requests - self.withdrawn
        return round(100 * self.accepted / considered, 1) if considered else None


@dataclass(frozen=True)
class PartnerFigures:
    """One national partner, for priority and other municipalities side by side."""

    uuid: uuid.UUID
    name: str
    priority: Figures
    other: Figures
    total: Figures


@dataclass(frozen=True)
class MunicipalityFigures:
    """One municipality that asked, with whether it was a priority municipality then."""

    uuid: uuid.UUID
    name: str
    priority: bool
    figures: Figures


@dataclass(frozen=True)
class CapacityStatistics:
    """The figures of a period (`start` to `end`, both included)."""

    start: dt.date
    end: dt.date
    partners: list[PartnerFigures]
    municipalities: list[MunicipalityFigures]
    priority: Figures
    other: Figures
    total: Figures


def _percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of sorted `values` (p90: the value 90% stay under)."""
    rank = max(1, math.ceil(share * len(values)))
    return values[rank - 1]


def _figures(rows: Iterable[dict[str, Any]]) -> Figures:
    rows = list(rows)
    hours = sorted(
        (r["answered_at"] - r["requested_at"]).total_seconds() / 3600
        for r in rows
        if r["answered_at"] is not None
    )
    return Figures(
        requests=len(rows),
        withdrawn=sum(r["status"] == CapacityStatus.WITHDRAWN for r in rows),
        accepted=sum(r["status"] == CapacityStatus.ACCEPTED for r in rows),
        answered=len(hours),
        median_hours=round(statistics.median(hours), 1) if hours else None,
        p90_hours=round(_percentile(hours, 0.9), 1) if hours else None,
    )


def capacity_statistics(
    user: Any, *, start: dt.date, end: dt.date, export: str = "", api: bool = False
) -> CapacityStatistics:
    """Return the figures of requests asked from `start` to `end`; the read is audited.

    With `export` ("csv") the read is audited as an export instead.
    """
    require(user, "capacity.statistics")
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in visible(user, CapacityRequest.objects.all(), Action.NAME)
        .filter(requested_at__gte=since, requested_at__lt=until)
        .values(
            "addressed__uuid",
            "addressed__name",
            "municipality__uuid",
            "municipality__name",
            "priority_municipality",
            "status",
            "requested_at",
            "answered_at",
        )
    ]
    by_partner: dict[tuple[uuid.UUID, str], list[dict[str, Any]]] = defaultdict(list)
    by_municipality: dict[tuple[uuid.UUID, str, bool], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_partner[(row["addressed__uuid"], row["addressed__name"])].append(row)
        key = (row["municipality__uuid"], row["municipality__name"], row["priority_municipality"])
        by_municipality[key].append(row)
    partners = [
        PartnerFigures(
            uuid=key,
            name=name,
            priority=_figures(r for r in group if r["priority_municipality"]),
            other=_figures(r for r in group if not r["priority_municipality"]),
            total=_figures(group),
        )
        for (key, name), group in sorted(by_partner.items(), key=lambda item: item[0][1])
    ]
    municipalities = [
        MunicipalityFigures(uuid=key, name=name, priority=priority, figures=_figures(group))
        for (key, name, priority), group in sorted(
            by_municipality.items(), key=lambda item: (item[0][1], not item[0][2])
        )
    ]
    result = CapacityStatistics(
        start=start,
        end=end,
        partners=partners,
        municipalities=municipalities,
        priority=_figures(r for r in rows if r["priority_municipality"]),
        other=_figures(r for r in rows if not r["priority_municipality"]),
        total=_figures(rows),
    )
    details: dict[str, Any] = {"start": start.isoformat(), "end": end.isoformat()}
    if api:
        details["api"] = True
    if export:
        audit.record(
            Event.CAPACITY_STATISTICS_EXPORTED,
            by=user,
            purpose=PURPOSE,
            format=export,
            count=len(rows),
            **details,
        )
    else:
        audit.record(
            Event.CAPACITY_STATISTICS_VIEWED, by=user, purpose=PURPOSE, count=len(rows), **details
        )
    return result
