"""Read a meeting's agenda or minutes for a PDF of one reader's organisation, and audit it.

The PDF holds what the reader may see on the meeting page and nothing more: the rows come
from `agenda_of` with the reader, so an item the reader's organisation is not invited to
prints as "Casus N (niet voor u)" without anything about its case. Each PDF carries an
export number, printed on every page and kept in its audit record, so a copy that turns up
elsewhere can be traced to who made it, when, and which cases it held.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation
from samenspel.audit.events import Event, Purpose
from samenspel.consultations.models import ItemStatus, Meeting, Minutes, SeriesPartner
from samenspel.consultations.selectors.meetings import (
    AgendaRow,
    agenda_of,
    get_meeting_for,
    partners_of,
)
from samenspel.frameworks.models import FrameworkVersion
from samenspel.frameworks.selectors import framework_of
from samenspel.sharing.policy import Denied, visible

__all__ = [
    "AGENDA",
    "MINUTES",
    "MeetingExport",
    "PrintedDecision",
    "PrintedLine",
    "export_number",
    "meeting_export",
    "record_meeting_export",
]

AGENDA = "agenda"
MINUTES = "minutes"


@dataclass
class PrintedDecision:
    """A decision as printed: its kind, the measure by its framework name, who decides."""

    kind: str
    measure: str
    decided_by: str
    text: str


@dataclass
class PrintedLine:
    """One agenda row as printed, with the names the minutes need resolved."""

    row: AgendaRow
    attendance: list[str] = field(default_factory=list)
    decisions: list[PrintedDecision] = field(default_factory=list)


@dataclass
class MeetingExport:
    """What one reader's PDF of a meeting holds: the rows it may see, and its number."""

    kind: str
    meeting: Meeting
    organisation: Organisation
    number: str
    made_at: dt.datetime
    rows: list[AgendaRow]
    partners: list[SeriesPartner]
    minutes: Minutes | None = None
    lines: list[PrintedLine] = field(default_factory=list)

    @property
    def cases(self) -> list[str]:
        """Return the uuids of the cases printed in the PDF, sorted."""
        return sorted(str(r.item.case.uuid) for r in self.rows if r.item is not None)


def export_number(meeting: Meeting, organisation: Organisation, at: dt.datetime) -> str:
    """Return a new export number: meeting, organisation, time (UTC) and a random tail.

    The tail keeps two PDFs made by one organisation in the same second apart.
    """
    stamp = at.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")
    return f"OV-{meeting.uuid.hex[:8]}-{organisation.uuid.hex[:6]}-{stamp}-{secrets.token_hex(2)}"


def meeting_export(
    user: Any, meeting_uuid: uuid.UUID, *, kind: str, minutes_number: int | None = None
) -> MeetingExport:
    """Return the agenda or the minutes of a meeting as `user`'s organisation may see them.

    Raises Denied (a 404) for a meeting the user may not see, and for minutes that do not
    exist (yet). Nothing is audited here: `record_meeting_export` does, once the PDF exists.
    """
    if kind not in (AGENDA, MINUTES):
        raise ValueError(f"unknown export kind {kind!r}")
    meeting = get_meeting_for(user, meeting_uuid)
    minutes: Minutes | None = None
    if kind == MINUTES:
        versions = visible(user, Minutes.objects.filter(meeting=meeting)).select_related(
            "approved_by"
        )
        if minutes_number is not None:
            versions = versions.filter(number=minutes_number)
        minutes = versions.order_by("-number").first()
        if minutes is None:
            raise Denied("consultations.minutes", str(meeting.uuid), exists=False)
    rows = [
        row
        for row in agenda_of(user, meeting, minutes=minutes, record_read=False)
        if row.status != ItemStatus.REMOVED
    ]
    made_at = timezone.now()
    export = MeetingExport(
        kind=kind,
        meeting=meeting,
        organisation=user.organisation,
        number=export_number(meeting, user.organisation, made_at),
        made_at=made_at,
        rows=rows,
        partners=partners_of(meeting.series),
        minutes=minutes,
    )
    names: dict[int, str] = {}
    labels: dict[tuple[int, str], str] = {}
    if kind == MINUTES:
        present = {pk for r in rows if r.note is not None for pk in r.note.attendance}
        names = dict(Organisation.objects.filter(pk__in=present).values_list("pk", "name"))
        labels = _measure_labels(rows)
    export.lines = [_line(row, names, labels) for row in rows]
    return export


def _line(row: AgendaRow, names: dict[int, str], labels: dict[tuple[int, str], str]) -> PrintedLine:
    if row.item is None:
        return PrintedLine(row=row)
    version = row.item.case.framework_version_id
    council = str(_("het casusoverleg"))
    return PrintedLine(
        row=row,
        attendance=sorted(names.get(pk, "?") for pk in (row.note.attendance if row.note else [])),
        decisions=[
            PrintedDecision(
                kind=d.get_kind_display(),
                measure=labels.get((version, d.measure), d.measure),
                decided_by=d.decided_by.name if d.decided_by is not None else council,
                text=d.text,
            )
            for d in row.decisions
        ],
    )


def _measure_labels(rows: list[AgendaRow]) -> dict[tuple[int, str], str]:
    """Return the framework's name of every measure decided on, per framework version."""
    wanted = {
        (r.item.case.framework_version_id, d.measure)
        for r in rows
        if r.item is not None
        for d in r.decisions
        if d.measure
    }
    versions = FrameworkVersion.objects.in_bulk({version for version, _m in wanted})
    return {
        (version, measure): framework_of(versions[version]).label_of(measure)
        for version, measure in wanted
        if version in versions
    }


def record_meeting_export(user: Any, export: MeetingExport) -> None:
    """Audit that `user` took a meeting's agenda or minutes out of Samenspel as a PDF."""
    details: dict[str, Any] = {
        "meeting": str(export.meeting.uuid),
        "kind": export.kind,
        "export": export.number,
        "cases": export.cases,
        "hidden": sum(1 for r in export.rows if not r.shown),
    }
    if export.minutes is not None:
        details["minutes"] = export.minutes.number
    audit.record(
        Event.MEETING_EXPORTED,
        by=user,
        obj=export.meeting,
        purpose=Purpose.COLLABORATION,
        **details,
    )
