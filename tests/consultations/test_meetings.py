"""Series, meetings, the agenda from cases, per-partner visibility, minutes, decisions, actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases import services as case_services
from samenspel.consultations import selectors, services
from samenspel.consultations.models import (
    ActionStatus,
    AgendaItem,
    Decision,
    ItemReason,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)
from samenspel.lib.errors import DecisionConflict
from samenspel.notifications.models import Notification, Topic
from samenspel.sharing.policy import Action, Denied, can
from samenspel.testing import Cast, make_case, make_cast, make_meeting, make_series

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def _held(meeting: Meeting, cast: Cast) -> Minutes:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=2))
    meeting.refresh_from_db()
    return services.mark_held(meeting, by=cast.case_manager)


def _last(event: Event) -> AuditEvent:
    record = AuditEvent.objects.filter(event=event).order_by("-seq").first()
    assert record is not None, f"no audit record {event.name}"
    return record


def test_series_is_created_with_its_organiser_as_core_partner(cast: Cast) -> None:
    series = make_series(cast)
    partners = {p.organisation_id: p for p in selectors.partners_of(series)}
    assert set(partners) == {cast.municipality_a.pk, cast.police.pk, cast.om.pk, cast.care.pk}
    assert partners[cast.police.pk].legal_ground.startswith("Art. 18 lid 2 Wpg")
    assert _last(Event.SERIES_CREATED).object_id == str(series.uuid)
    assert _last(Event.SERIES_PARTNER_ADDED).details["kind"] == "case"


def test_outsider_cannot_create_a_series_for_another_municipality(cast: Cast) -> None:
    with pytest.raises(Denied):
        services.create_series(
            owner=cast.municipality_a,
            name="X",
            chair=cast.case_manager,
            secretary=None,
            by=cast.outsider,
        )


def test_a_partner_without_legal_ground_is_refused_at_the_field(cast: Cast) -> None:
    series = make_series(cast)
    with pytest.raises(ValidationError) as caught:
        services.add_partner(
            series, organisation=cast.nctv, kind="case", legal_ground="  ", by=cast.case_manager
        )
    assert "legal_ground" in caught.value.error_dict


def test_meeting_in_the_past_is_refused(cast: Cast) -> None:
    series = make_series(cast)
    with pytest.raises(ValidationError) as caught:
        services.plan_meeting(
            series,
            starts_at=timezone.now() - dt.timedelta(days=1),
            place="Stadhuis",
            by=cast.case_manager,
        )
    assert "starts_at" in caught.value.error_dict
    assert not Meeting.objects.exists()


def test_meeting_needs_a_place_or_a_video_link(cast: Cast) -> None:
    series = make_series(cast)
    with pytest.raises(ValidationError) as caught:
        services.plan_meeting(
            series, starts_at=timezone.now() + dt.timedelta(days=2), by=cast.case_manager
        )
    assert "place" in caught.value.error_dict


def test_agenda_is_proposed_from_new_cases_nominations_and_actions(cast: Cast) -> None:
    series = make_series(cast)
    new_case = make_case(cast, family_name="Nieuw")
    other_municipality = make_case(
        cast, municipality=cast.municipality_b, case_director=cast.outsider, family_name="Ander"
    )
    meeting = make_meeting(series, by=cast.case_manager)
    proposed = services.propose_agenda(meeting, by=cast.case_manager)
    assert [item.case_id for item in proposed] == [new_case.pk]
    assert proposed[0].reason == ItemReason.NEW_CASE
    assert other_municipality.pk not in {i.case_id for i in proposed}
    assert _last(Event.AGENDA_PROPOSED).details["proposed"] == 1
    # Proposing again adds nothing twice.
    assert services.propose_agenda(meeting, by=cast.case_manager) == []


def test_nominated_case_comes_on_the_next_agenda_with_its_reason(cast: Cast) -> None:
    series = make_series(cast)
    case = make_case(cast, family_name="Oud")
    first = make_meeting(series, by=cast.case_manager, days_ahead=1)
    services.propose_agenda(first, by=cast.case_manager)
    _held(first, cast)
    services.nominate(case, series=series, reason="Zorgen over nieuwe contacten.", by=cast.adviser)
    second = make_meeting(series, by=cast.case_manager, days_ahead=14)
    proposed = services.propose_agenda(second, by=cast.case_manager)
    assert [(i.case_id, i.reason, i.note) for i in proposed] == [
        (case.pk, ItemReason.NOMINATED, "Zorgen over nieuwe contacten.")
    ]


def test_a_case_of_another_municipality_cannot_be_added(cast: Cast) -> None:
    series = make_series(cast)
    other = make_case(cast, municipality=cast.municipality_b, case_director=cast.outsider)
    meeting = make_meeting(series, by=cast.case_manager)
    with pytest.raises(ValidationError) as caught:
        services.add_item(meeting, case=other, by=cast.case_manager)
    assert "case" in caught.value.error_dict
    assert not AgendaItem.objects.exists()


def test_invitation_without_a_reason_is_refused(cast: Cast) -> None:
    series = make_series(cast)
    case = make_case(cast)
    meeting = make_meeting(series, by=cast.case_manager)
    item = services.add_item(meeting, case=case, by=cast.case_manager)
    with pytest.raises(ValidationError) as caught:
        services.invite(item, organisation=cast.police, reason=" ", by=cast.case_manager)
    assert "reason" in caught.value.error_dict


def test_police_sees_only_its_items_and_not_for_you_for_the_others(cast: Cast) -> None:
    series = make_series(cast)
    invited_case = make_case(cast, family_name="Gedeeld")
    other_case = make_case(cast, family_name="Geheim")
    meeting = make_meeting(series, by=cast.case_manager)
    first = services.add_item(meeting, case=invited_case, by=cast.case_manager)
    services.add_item(meeting, case=other_case, by=cast.case_manager)
    services.invite(
        first, organisation=cast.police, reason="Politie-informatie nodig.", by=cast.case_manager
    )
    rows = selectors.agenda_of(cast.police_officer, meeting)
    assert [(r.number, r.shown) for r in rows] == [(1, True), (2, False)]
    assert rows[0].item is not None and rows[0].item.case.person.family_name == "Gedeeld"
    assert rows[1].item is None
    record = _last(Event.MEETING_VIEWED)
    assert record.details == {"cases": [str(invited_case.uuid)], "hidden": 1}
    # The chair sees both; an outsider sees nothing of the meeting.
    assert all(r.shown for r in selectors.agenda_of(cast.case_manager, meeting))
    with pytest.raises(Denied):
        selectors.get_meeting_for(cast.outsider, meeting.uuid)


def test_care_information_is_left_out_for_a_partner_without_consent(cast: Cast) -> None:
    series = make_series(cast)
    case = make_case(cast)
    meeting = make_meeting(series, by=cast.case_manager)
    item = services.add_item(meeting, case=case, by=cast.case_manager)
    services.invite(item, organisation=cast.police, reason="Handhaving.", by=cast.case_manager)
    case_services.add_intervention(
        case,
        measure="I-08",
        domain="care",
        owner=cast.care,
        consent="not_asked",
        by=cast.case_manager,
    )
    case_services.add_intervention(
        case,
        measure="I-07",
        domain="repression",
        owner=cast.municipality_a,
        by=cast.case_manager,
    )
    seen = selectors.item_view(cast.police_officer, item)
    assert [i.measure for i in seen.plan] == ["I-07"]
    assert seen.hidden_plan == 1
    assert _last(Event.AGENDA_ITEM_VIEWED).details["hidden_interventions"] == 1
    # The case director sees the whole plan.
    assert len(selectors.item_view(cast.case_manager, item).plan) == 2


def test_consent_reaches_only_the_participants_it_names(cast: Cast) -> None:
    series = make_series(cast)
    # The police is on the team too: seeing the case does not open the care line.
    case = make_case(cast, team=(cast.police_officer,))
    meeting = make_meeting(series, by=cast.case_manager)
    item = services.add_item(meeting, case=case, by=cast.case_manager)
    services.invite(item, organisation=cast.police, reason="Handhaving.", by=cast.case_manager)
    line = case_services.add_intervention(
        case,
        measure="I-08",
        domain="care",
        owner=cast.care,
        consent="given",
        consent_by="De persoon zelf",
        consent_on=dt.date(2026, 11, 2),
        consent_scope="Delen van de voortgang met de gemeente.",
        consent_shared_with=[cast.municipality_a],
        by=cast.case_manager,
    )
    assert selectors.item_view(cast.police_officer, item).plan == []
    assert selectors.item_view(cast.police_officer, item).hidden_plan == 1
    case_services.change_intervention(
        line,
        expected_version=line.version,
        consent_shared_with=[cast.municipality_a, cast.police],
        by=cast.case_manager,
    )
    assert [i.measure for i in selectors.item_view(cast.police_officer, item).plan] == ["I-08"]


def test_confirming_the_agenda_tells_the_participants_through_the_outbox(cast: Cast) -> None:
    series = make_series(cast)
    case = make_case(cast)
    meeting = make_meeting(series, by=cast.case_manager)
    item = services.add_item(meeting, case=case, by=cast.case_manager)
    services.invite(item, organisation=cast.police, reason="Handhaving.", by=cast.case_manager)
    services.confirm_agenda(meeting, by=cast.case_manager)
    assert AgendaItem.objects.get(pk=item.pk).status == ItemStatus.CONFIRMED
    told = Notification.objects.filter(topic=Topic.AGENDA_INVITED)
    assert cast.police_officer.pk in set(told.values_list("recipient_id", flat=True))
    assert cast.prosecutor.pk not in set(told.values_list("recipient_id", flat=True))


def _meeting_with_item(cast: Cast) -> AgendaItem:
    series = make_series(cast)
    case = make_case(cast)
    meeting = make_meeting(series, by=cast.case_manager)
    item = services.add_item(meeting, case=case, by=cast.case_manager)
    services.invite(item, organisation=cast.police, reason="Handhaving.", by=cast.case_manager)
    _held(meeting, cast)
    item.refresh_from_db()
    return item


def test_decision_of_the_casusoverleg_on_a_mayors_measure_is_refused(cast: Cast) -> None:
    item = _meeting_with_item(cast)
    with pytest.raises(ValidationError) as caught:
        services.record_decision(
            item, kind="decision", measure="I-07", text="Gesprek voeren.", by=cast.case_manager
        )
    assert "decided_by" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.record_decision(
            item,
            kind="decision",
            measure="I-07",
            decided_by=cast.police,
            text="Gesprek voeren.",
            by=cast.case_manager,
        )
    assert "niet het bevoegd gezag" in caught.value.message_dict["decided_by"][0]
    assert _last(Event.DECISION_REFUSED).details["organisation"] == str(cast.police.uuid)
    assert not Decision.objects.exists()


def test_advice_on_a_mayors_measure_is_accepted_and_the_mayor_may_decide(cast: Cast) -> None:
    item = _meeting_with_item(cast)
    advice = services.record_decision(
        item, kind="advice", measure="I-07", text="Adviseert een gesprek.", by=cast.case_manager
    )
    assert advice.decided_by is None
    decision = services.record_decision(
        item,
        kind="decision",
        measure="I-07",
        decided_by=cast.municipality_a,
        text="De burgemeester voert het gesprek.",
        by=cast.case_manager,
    )
    assert decision.decided_by_id == cast.municipality_a.pk
    assert _last(Event.DECISION_RECORDED).details["kind"] == "decision"


def test_ministers_measure_cannot_be_decided_here(cast: Cast) -> None:
    item = _meeting_with_item(cast)
    with pytest.raises(ValidationError) as caught:
        services.record_decision(
            item,
            kind="decision",
            measure="I-19",
            decided_by=cast.municipality_a,
            text="Meldplicht.",
            by=cast.case_manager,
        )
    assert "Minister" in caught.value.message_dict["decided_by"][0]


def test_action_item_needs_owner_and_deadline_and_reaches_the_owner(cast: Cast) -> None:
    item = _meeting_with_item(cast)
    with pytest.raises(ValidationError) as caught:
        services.add_action(
            item, description="Bellen", owner=None, deadline=None, by=cast.case_manager
        )
    assert set(caught.value.error_dict) == {"owner", "deadline"}
    with pytest.raises(ValidationError) as caught:
        services.add_action(
            item,
            description="Bellen",
            owner=cast.nctv_adviser,
            deadline=timezone.localdate(),
            by=cast.case_manager,
        )
    assert "owner" in caught.value.error_dict
    action = services.add_action(
        item,
        description="Buurtagent spreekt de ouders.",
        owner=cast.police_officer,
        deadline=timezone.localdate() + dt.timedelta(days=3),
        key="k1",
        by=cast.case_manager,
    )
    again = services.add_action(
        item,
        description="Buurtagent spreekt de ouders.",
        owner=cast.police_officer,
        deadline=timezone.localdate() + dt.timedelta(days=3),
        key="k1",
        by=cast.case_manager,
    )
    assert again.pk == action.pk
    note = Notification.objects.get(topic=Topic.ACTION_ASSIGNED)
    assert note.recipient_id == cast.police_officer.pk
    assert _last(Event.ACTION_CREATED).object_id == str(action.uuid)


def test_action_reminders_reach_the_owner_before_at_and_after_the_deadline(cast: Cast) -> None:
    item = _meeting_with_item(cast)
    today = timezone.localdate()
    action = services.add_action(
        item,
        description="Verslag aanleveren.",
        owner=cast.police_officer,
        deadline=today + dt.timedelta(days=2),
        by=cast.case_manager,
    )
    assert services.create_action_reminders(today=today) == 1
    assert services.create_action_reminders(today=today) == 0  # once
    assert services.create_action_reminders(today=action.deadline) == 1
    assert services.create_action_reminders(today=action.deadline + dt.timedelta(days=1)) == 1
    topics = list(
        Notification.objects.filter(
            recipient=cast.police_officer,
            object_uuid=action.uuid,
            topic__in=[Topic.ACTION_DUE, Topic.ACTION_OVERDUE],
        )
        .order_by("id")
        .values_list("topic", flat=True)
    )
    assert topics == [Topic.ACTION_DUE, Topic.ACTION_DUE, Topic.ACTION_OVERDUE]


def test_closing_an_action_twice_is_a_conflict(cast: Cast) -> None:
    item = _meeting_with_item(cast)
    action = services.add_action(
        item,
        description="Gesprek.",
        owner=cast.police_officer,
        deadline=timezone.localdate() + dt.timedelta(days=3),
        by=cast.case_manager,
    )
    services.close_action(action, done=True, by=cast.police_officer)
    with pytest.raises(DecisionConflict):
        services.close_action(action, done=True, by=cast.case_manager)
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert _last(Event.ACTION_CLOSED).actor_id == cast.police_officer.pk


def test_overdue_actions_are_listed_per_owner_and_come_back_on_the_agenda(cast: Cast) -> None:
    item = _meeting_with_item(cast)
    action = services.add_action(
        item,
        description="Gesprek.",
        owner=cast.police_officer,
        deadline=timezone.localdate() + dt.timedelta(days=1),
        by=cast.case_manager,
    )
    later = timezone.localdate() + dt.timedelta(days=5)
    overdue = selectors.actions_for(cast.police_officer, overdue_only=True, today=later)
    assert [a.pk for a in overdue] == [action.pk]
    assert selectors.actions_for(cast.prosecutor, scope="organisation") == []
    next_meeting = make_meeting(item.meeting.series, by=cast.case_manager, days_ahead=10)
    proposed = services.propose_agenda(next_meeting, by=cast.case_manager)
    assert [(i.case_id, i.reason) for i in proposed] == [(item.case_id, ItemReason.OVERDUE_ACTIONS)]


def test_minutes_are_approved_by_the_chair_after_comments_and_then_frozen(cast: Cast) -> None:
    item = _meeting_with_item(cast)
    services.write_note(
        item,
        attendance=[cast.police],
        summary="Besproken.",
        expected_version=0,
        by=cast.case_manager,
    )
    services.record_decision(item, kind="advice", text="Advies.", by=cast.case_manager)
    minutes = services.current_minutes(item.meeting)
    assert minutes is not None
    with pytest.raises(ValidationError):
        services.approve_minutes(minutes, by=cast.case_manager)  # not yet for comment
    minutes = services.open_for_comment(minutes, until=timezone.localdate(), by=cast.adviser)
    with pytest.raises(Exception):  # noqa: B017 - a 403 or 404: the secretary is not the chair
        services.approve_minutes(minutes, by=cast.adviser)
    minutes = services.approve_minutes(minutes, by=cast.case_manager)
    assert minutes.status == MinutesStatus.APPROVED
    assert Meeting.objects.get(pk=item.meeting_id).status == MeetingStatus.APPROVED
    with pytest.raises(ValidationError):
        services.write_note(
            item, attendance=[], summary="Anders.", expected_version=1, by=cast.case_manager
        )
    # The database refuses a change even when the service is bypassed (SQLite raises an
    # IntegrityError, PostgreSQL a ProgrammingError: both are a DatabaseError).
    frozen = "approved minutes cannot be changed"
    with pytest.raises(DatabaseError, match=frozen), transaction.atomic():
        Minutes.objects.filter(pk=minutes.pk).update(correction_reason="x")
    with pytest.raises(DatabaseError, match=frozen), transaction.atomic():
        minutes.notes.update(summary="Stiekem anders.")
    with pytest.raises(DatabaseError, match=frozen), transaction.atomic():
        Decision.objects.filter(minutes=minutes).delete()
    # A correction is a new version with a reason; the approved one stays.
    with pytest.raises(ValidationError):
        services.start_correction(item.meeting, reason="", by=cast.case_manager)
    correction = services.start_correction(
        item.meeting, reason="Aanwezigheid klopte niet.", by=cast.case_manager
    )
    assert correction.number == 2
    assert correction.notes.get().summary == "Besproken."
    assert correction.decisions.get().text == "Advies."
    assert Minutes.objects.get(pk=minutes.pk).notes.get().summary == "Besproken."


def test_participant_sees_actions_of_its_organisation_but_outsider_does_not(cast: Cast) -> None:
    item = _meeting_with_item(cast)
    action = services.add_action(
        item,
        description="Gesprek.",
        owner=cast.police_officer,
        deadline=timezone.localdate() + dt.timedelta(days=3),
        by=cast.case_manager,
    )
    assert can(cast.police_officer, Action.VIEW, action)
    assert not can(cast.outsider, Action.VIEW, action)
    with pytest.raises(Denied):
        selectors.get_action_for(cast.outsider, action.uuid)


def test_the_worker_mails_an_action_reminder_to_an_owner_who_chose_mail(cast: Cast) -> None:
    from django.core import mail

    from samenspel.notifications import services as notification_services
    from samenspel.notifications.worker import Worker

    item = _meeting_with_item(cast)
    cast.police_officer.email = "paul@politie.example"
    cast.police_officer.save(update_fields=["email"])
    notification_services.set_mail_topics([Topic.ACTION_DUE], by=cast.police_officer)
    action = services.add_action(
        item,
        description="Verslag aanleveren.",
        owner=cast.police_officer,
        deadline=timezone.localdate() + dt.timedelta(days=1),
        by=cast.case_manager,
    )
    mail.outbox.clear()
    Worker(interval=0).run_once()
    reminder = Notification.objects.get(topic=Topic.ACTION_DUE, object_uuid=action.uuid)
    assert reminder.recipient_id == cast.police_officer.pk
    assert [m.to for m in mail.outbox] == [["paul@politie.example"]]
    # The mail names no person and no case: only that there is something to look at.
    assert "Verslag aanleveren" not in mail.outbox[0].body
    assert item.case.person.family_name not in mail.outbox[0].body


def test_two_writers_of_one_note_do_not_overwrite_each_other(cast: Cast) -> None:
    from samenspel.lib.errors import StaleEdit

    item = _meeting_with_item(cast)
    first = services.write_note(
        item, attendance=[], summary="Eerste.", expected_version=0, by=cast.case_manager
    )
    assert first.version == 1
    with pytest.raises(StaleEdit) as caught:
        services.write_note(
            item, attendance=[], summary="Tweede.", expected_version=0, by=cast.adviser
        )
    assert caught.value.current_version == 1
    first.refresh_from_db()
    assert first.summary == "Eerste."
    second = services.write_note(
        item, attendance=[], summary="Tweede.", expected_version=1, by=cast.adviser
    )
    assert second.version == 2
    assert _last(Event.MINUTES_WRITTEN).details == {"version": 2}
