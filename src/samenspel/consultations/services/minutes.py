"""Hold the meeting: minutes per item, decisions by the competent authority, approval.

Minutes are approved by the chair after a comment period and are then frozen
(consultations.db); a correction is a new version with a reason. A decision on a measure is
refused unless the organisation named is the competent authority for it in the framework the
case runs under: the casusoverleg itself advises (Wet PGA), it does not decide on measures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NoReturn

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel import audit
from samenspel.accounts.models import Organisation, OrganisationType, User
from samenspel.audit.events import Event, Outcome
from samenspel.consultations.models import (
    AgendaItem,
    Decision,
    DecisionKind,
    ItemNote,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    SeriesPartner,
)
from samenspel.consultations.services._common import (
    PURPOSE,
    TEXT_MAX,
    _manage,
    _open_minutes,
    _participants,
    _text,
    current_minutes,
    participant_organisations,
)
from samenspel.frameworks.selectors import framework_of
from samenspel.lib.decisions import claim
from samenspel.lib.errors import StaleEdit
from samenspel.notifications import services as notifications
from samenspel.notifications.models import Topic
from samenspel.sharing.policy import require

__all__ = [
    "approve_minutes",
    "decision_authorities",
    "mark_held",
    "open_for_comment",
    "record_decision",
    "start_correction",
    "write_note",
]


def mark_held(meeting: Meeting, *, by: User) -> Minutes:
    """Record that the meeting took place and open its minutes (version 1, a draft)."""
    _manage(by, meeting)
    if meeting.starts_at.date() > timezone.localdate():
        raise ValidationError(_("Dit overleg is nog niet begonnen."))
    with transaction.atomic():
        claim(
            Meeting.objects.all(),
            meeting.pk,
            expected=MeetingStatus.PLANNED,
            message=_("Dit overleg is al als gehouden vastgelegd."),
            status=MeetingStatus.HELD,
            version=F("version") + 1,
        )
        AgendaItem.objects.filter(meeting=meeting, status=ItemStatus.PROPOSED).update(
            status=ItemStatus.CONFIRMED
        )
        minutes = Minutes.objects.create(meeting=meeting, number=1, created_by=by)
        audit.record(Event.MEETING_HELD, by=by, obj=meeting, purpose=PURPOSE)
    meeting.refresh_from_db()
    return minutes


def write_note(
    item: AgendaItem,
    *,
    attendance: Iterable[Organisation],
    summary: str,
    expected_version: int,
    by: User,
) -> ItemNote:
    """Write the minutes of one item: who attended and what was discussed.

    `expected_version` is the version of the note the writer saw (0: there was none yet); when
    somebody saved in between, StaleEdit is raised and nothing is saved.
    """
    _manage(by, item)
    minutes = _open_minutes(item)
    allowed_orgs = participant_organisations(item) | set(
        SeriesPartner.objects.filter(series_id=item.meeting.series_id).values_list(
            "organisation_id", flat=True
        )
    )
    present = sorted({o.pk for o in attendance})
    if any(pk not in allowed_orgs for pk in present):
        raise ValidationError({"attendance": _("Kies alleen partners van dit casusoverleg.")})
    if len(summary) > TEXT_MAX:
        raise ValidationError({"summary": _("Gebruik ten hoogste %(n)d tekens.") % {"n": TEXT_MAX}})
    fields = {
        "attendance": present,
        "summary": summary.strip(),
        "updated_by": by,
        "updated_at": timezone.now(),
    }
    with transaction.atomic():
        current = ItemNote.objects.filter(minutes=minutes, item=item).first()
        seen = current.version if current is not None else 0
        if expected_version != seen:
            raise StaleEdit("consultations.itemnote", seen)
        if current is None:
            try:
                with transaction.atomic():
                    note = ItemNote.objects.create(minutes=minutes, item=item, **fields)
            except IntegrityError:
                raise StaleEdit("consultations.itemnote", 1) from None
        else:
            changed = ItemNote.objects.filter(pk=current.pk, version=seen).update(
                version=F("version") + 1, **fields
            )
            if not changed:
                raise StaleEdit("consultations.itemnote", seen + 1)
            note = ItemNote.objects.get(pk=current.pk)
        audit.record(Event.MINUTES_WRITTEN, by=by, obj=item, purpose=PURPOSE, version=note.version)
    return note


def decision_authorities(item: AgendaItem, measure: str) -> list[Organisation]:
    """Return the organisations that may be recorded as deciding on `measure` for this case.

    From the framework version the case runs under: a measure's decision role names actors;
    an actor of the mayor or the municipality is the case's own municipality; the OM and the
    police are those serving its region. An actor without an organisation in Samenspel (the
    minister, a court) decides outside it: none here, the casusoverleg can only advise.
    """
    framework = framework_of(item.case.framework_version)
    row = framework.measures.get(measure)
    if row is None:
        return []
    types = {
        framework.actors[a].organisation_type
        for a in row.decision_role.actors
        if a in framework.actors
    } - {""}
    municipality = item.case.municipality
    found: list[Organisation] = []
    if OrganisationType.MUNICIPALITY in types:
        found.append(municipality)
    others = types - {OrganisationType.MUNICIPALITY}
    if others and municipality.region:
        found += list(
            Organisation.objects.filter(
                type__in=others, region=municipality.region, is_active=True
            ).exclude(type__in=[OrganisationType.MUNICIPALITY])
        )
    return found


def _refuse_decision(
    item: AgendaItem, by: User, field: str, message: str, **details: Any
) -> NoReturn:
    audit.record(
        Event.DECISION_REFUSED,
        by=by,
        obj=item,
        purpose=PURPOSE,
        outcome=Outcome.DENIED,
        **details,
    )
    raise ValidationError({field: message})


def record_decision(
    item: AgendaItem,
    *,
    kind: str,
    text: str,
    measure: str = "",
    decided_by: Organisation | None = None,
    key: str = "",
    by: User,
) -> Decision:
    """Record an advice, an agreement or a decision on an item, in the open minutes.

    A decision names the organisation that decides. On a measure it must be the competent
    authority in the framework; otherwise the decision is refused (and the refusal audited):
    the casusoverleg advises (Wet PGA), the mayor, the OM or the minister decides.
    """
    _manage(by, item)
    minutes = _open_minutes(item)
    if kind not in DecisionKind.values:
        raise ValidationError({"kind": _("Kies advies, afspraak of besluit.")})
    text = _text(text, "text", _("Schrijf op wat is besloten, geadviseerd of afgesproken."))
    framework = framework_of(item.case.framework_version)
    row = framework.measures.get(measure) if measure else None
    if measure and row is None:
        raise ValidationError({"measure": _("Kies een maatregel uit het kader.")})
    if kind == DecisionKind.DECISION:
        if decided_by is None:
            _refuse_decision(
                item,
                by,
                "decided_by",
                _(
                    "Een besluit neemt het bevoegd gezag, niet het casusoverleg zelf. "
                    "Kies wie besluit, of leg een advies vast."
                ),
                measure=measure,
            )
        if row is not None:
            competent = {o.pk for o in decision_authorities(item, measure)}
            if decided_by.pk not in competent:
                _refuse_decision(
                    item,
                    by,
                    "decided_by",
                    _(
                        "%(org)s is niet het bevoegd gezag voor %(measure)s. Daarover besluit: "
                        "%(who)s. Het casusoverleg kan hierover alleen adviseren."
                    )
                    % {
                        "org": decided_by.name,
                        "measure": row.label,
                        "who": row.decision_role.text.rstrip("."),
                    },
                    measure=measure,
                    organisation=str(decided_by.uuid),
                )
        elif decided_by.pk != item.case.municipality_id:
            # Without a measure it is a decision about the case plan or process: the
            # municipality holds the regie (Wet PGA; RACI stage ST-3: accountable).
            _refuse_decision(
                item,
                by,
                "decided_by",
                _(
                    "Over het plan van aanpak besluit de gemeente %(name)s. Andere partners "
                    "adviseren of maken een afspraak."
                )
                % {"name": item.case.municipality.name},
                organisation=str(decided_by.uuid),
            )
    elif decided_by is not None:
        decided_by = None  # advice and agreements are the casusoverleg's own
    key = key.strip()[:64]
    if key:
        existing = Decision.objects.filter(minutes=minutes, submission_key=key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            decision = Decision.objects.create(
                minutes=minutes,
                item=item,
                kind=kind,
                measure=measure,
                decided_by=decided_by,
                text=text,
                recorded_by=by,
                submission_key=key,
            )
            audit.record(
                Event.DECISION_RECORDED,
                by=by,
                obj=item,
                purpose=PURPOSE,
                decision=str(decision.uuid),
                kind=kind,
                measure=measure,
            )
    except IntegrityError:
        return Decision.objects.get(minutes=minutes, submission_key=key)
    return decision


def open_for_comment(minutes: Minutes, *, until: dt.date | None, by: User) -> Minutes:
    """Send the draft minutes to the participants for comment until a date."""
    _manage(by, minutes.meeting)
    if until is None or until < timezone.localdate():
        raise ValidationError({"until": _("Kies een datum vanaf vandaag.")})
    with transaction.atomic():
        claim(
            Minutes.objects.all(),
            minutes.pk,
            expected=MinutesStatus.DRAFT,
            message=_("Dit verslag ligt al ter becommentariëring of is vastgesteld."),
            status=MinutesStatus.COMMENTS,
            comments_until=until,
            version=F("version") + 1,
        )
        items = AgendaItem.objects.filter(
            meeting_id=minutes.meeting_id, status=ItemStatus.CONFIRMED
        ).select_related("case")
        organisations: set[int] = set()
        for item in items:
            organisations |= participant_organisations(item)
        audit.record(Event.MINUTES_FOR_COMMENT, by=by, obj=minutes.meeting, purpose=PURPOSE)
        notifications.notify(
            Topic.MINUTES_FOR_COMMENT,
            minutes.meeting,
            to=_participants(organisations),
            by=by,
        )
    minutes.refresh_from_db()
    return minutes


def approve_minutes(minutes: Minutes, *, by: User) -> Minutes:
    """Approve the minutes (the chair only, after the comment period); they are then frozen."""
    require(by, "minutes.approve", on=minutes.meeting)
    if minutes.status == MinutesStatus.DRAFT:
        raise ValidationError(_("Leg het verslag eerst voor commentaar voor."))
    if (
        minutes.status == MinutesStatus.COMMENTS
        and minutes.comments_until is not None
        and minutes.comments_until > timezone.localdate()
    ):
        raise ValidationError(
            _("De partners kunnen nog reageren tot en met %(day)s. Stel het verslag daarna vast.")
            % {"day": minutes.comments_until.strftime("%d-%m-%Y")}
        )
    with transaction.atomic():
        claim(
            Minutes.objects.all(),
            minutes.pk,
            expected=MinutesStatus.COMMENTS,
            message=_("Dit verslag is al vastgesteld."),
            status=MinutesStatus.APPROVED,
            approved_by=by,
            approved_at=timezone.now(),
            version=F("version") + 1,
        )
        Meeting.objects.filter(pk=minutes.meeting_id).update(
            status=MeetingStatus.APPROVED, version=F("version") + 1
        )
        audit.record(
            Event.MINUTES_APPROVED,
            by=by,
            obj=minutes.meeting,
            purpose=PURPOSE,
            minutes=str(minutes.uuid),
            number=minutes.number,
        )
    minutes.refresh_from_db()
    return minutes


def start_correction(meeting: Meeting, *, reason: str, by: User) -> Minutes:
    """Start a new version of approved minutes, with a reason; the approved one stays as it is."""
    _manage(by, meeting)
    reason = _text(reason, "reason", _("Schrijf op wat er gecorrigeerd moet worden en waarom."))
    last = current_minutes(meeting)
    if last is None or last.status != MinutesStatus.APPROVED:
        raise ValidationError(
            {"reason": _("Er is geen vastgesteld verslag; wijzig het open verslag.")}
        )
    with transaction.atomic():
        try:
            with transaction.atomic():
                new = Minutes.objects.create(
                    meeting=meeting,
                    number=last.number + 1,
                    correction_reason=reason,
                    created_by=by,
                )
        except IntegrityError:
            raise ValidationError(
                {"reason": _("Er loopt al een correctie op dit verslag.")}
            ) from None
        ItemNote.objects.bulk_create(
            ItemNote(
                minutes=new,
                item_id=n.item_id,
                attendance=n.attendance,
                summary=n.summary,
                updated_by=by,
            )
            for n in last.notes.all()
        )
        Decision.objects.bulk_create(
            Decision(
                minutes=new,
                item_id=d.item_id,
                kind=d.kind,
                measure=d.measure,
                decided_by_id=d.decided_by_id,
                text=d.text,
                recorded_by=d.recorded_by,
                recorded_at=d.recorded_at,
            )
            for d in last.decisions.all()
        )
        audit.record(
            Event.MINUTES_CORRECTED,
            by=by,
            obj=meeting,
            purpose=PURPOSE,
            minutes=str(new.uuid),
            number=new.number,
        )
    return new
