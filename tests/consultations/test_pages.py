"""The consultation pages: the chair builds and runs the meeting; each partner sees its own."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.consultations import services
from samenspel.consultations.models import (
    ActionItem,
    AgendaItem,
    Decision,
    ItemStatus,
    Meeting,
    MeetingStatus,
    Series,
)
from samenspel.testing import (
    Cast,
    force_verified_login,
    make_case,
    make_cast,
    make_meeting,
    make_series,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast() -> Cast:
    return make_cast()


def _client(user: object) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)  # type: ignore[arg-type]
    return client


def _world(cast: Cast) -> tuple[Meeting, AgendaItem, AgendaItem]:
    series = make_series(cast)
    shared = make_case(cast, family_name="Gedeeld")
    secret = make_case(cast, family_name="Geheim")
    meeting = make_meeting(series, by=cast.case_manager)
    first = services.add_item(meeting, case=shared, by=cast.case_manager)
    second = services.add_item(meeting, case=secret, by=cast.case_manager)
    services.invite(first, organisation=cast.police, reason="Handhaving.", by=cast.case_manager)
    return meeting, first, second


def _hold(meeting: Meeting, cast: Cast) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    meeting.refresh_from_db()
    services.mark_held(meeting, by=cast.case_manager)


def test_chair_sets_up_a_series_plans_a_meeting_and_builds_the_agenda(cast: Cast) -> None:
    make_case(cast, family_name="Nieuw")
    client = _client(cast.case_manager)
    response = client.post(
        reverse("consultations:series_create"),
        {"name": "Casusoverleg A", "chair": str(cast.case_manager.uuid), "secretary": ""},
    )
    assert response.status_code == 302
    series = Series.objects.get(name="Casusoverleg A")
    response = client.post(
        reverse("consultations:partner_add", kwargs={"series_uuid": series.uuid}),
        {
            "organisation": str(cast.police.uuid),
            "kind": "core",
            "flow": "F-05",
            "legal_ground": "Art. 18 lid 2 Wpg.",
        },
    )
    assert response.status_code == 302
    when = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT10:00")
    response = client.post(
        reverse("consultations:meeting_create", kwargs={"series_uuid": series.uuid}),
        {"starts_at": when, "place": "Stadhuis"},
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get(series=series)
    client.post(reverse("consultations:agenda_propose", kwargs={"meeting_uuid": meeting.uuid}))
    assert AgendaItem.objects.filter(meeting=meeting).count() == 1
    client.post(reverse("consultations:agenda_confirm", kwargs={"meeting_uuid": meeting.uuid}))
    assert AgendaItem.objects.get(meeting=meeting).status == ItemStatus.CONFIRMED
    page = client.get(reverse("consultations:meeting", kwargs={"meeting_uuid": meeting.uuid}))
    assert page.status_code == 200
    assert "Nieuw" in page.content.decode()
    # A meeting three days ahead cannot be marked as held yet: the button waits for its day.
    assert "Het overleg is gehouden" not in page.content.decode()


def test_bad_input_on_the_forms_gets_dutch_messages_and_saves_nothing(cast: Cast) -> None:
    series = make_series(cast)
    client = _client(cast.case_manager)
    past = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT10:00")
    response = client.post(
        reverse("consultations:meeting_create", kwargs={"series_uuid": series.uuid}),
        {"starts_at": past, "place": "Stadhuis"},
    )
    assert response.status_code == 400
    assert "in het verleden" in response.content.decode()
    assert not Meeting.objects.exists()
    response = client.post(
        reverse("consultations:partner_add", kwargs={"series_uuid": series.uuid}),
        {"organisation": str(cast.nctv.uuid), "kind": "case", "legal_ground": ""},
    )
    assert response.status_code == 400
    assert "grondslag" in response.content.decode()


def test_police_sees_its_item_and_not_for_you_for_the_other(cast: Cast) -> None:
    meeting, first, second = _world(cast)
    client = _client(cast.police_officer)
    page = client.get(reverse("consultations:meeting", kwargs={"meeting_uuid": meeting.uuid}))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Gedeeld" in text
    assert "Geheim" not in text
    assert "niet voor u" in text
    assert (
        client.get(reverse("consultations:item", kwargs={"item_uuid": first.uuid})).status_code
        == 200
    )
    assert (
        client.get(reverse("consultations:item", kwargs={"item_uuid": second.uuid})).status_code
        == 404
    )


def test_decision_form_refuses_the_casusoverleg_and_accepts_an_advice_with_htmx(cast: Cast) -> None:
    meeting, first, _second = _world(cast)
    _hold(meeting, cast)
    client = _client(cast.case_manager)
    url = reverse("consultations:item_decision", kwargs={"item_uuid": first.uuid})
    prefix = f"d{first.pk}"
    refused = client.post(
        url,
        {f"{prefix}-kind": "decision", f"{prefix}-measure": "I-07", f"{prefix}-text": "Gesprek."},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 200  # htmx swaps only 2xx: the item with its error
    body = refused.content.decode()
    assert body.lstrip().startswith("<li")
    assert "bevoegd gezag" in body
    assert not Decision.objects.exists()
    accepted = client.post(
        url,
        {
            f"{prefix}-kind": "advice",
            f"{prefix}-measure": "I-07",
            f"{prefix}-text": "Advies: gesprek.",
        },
        headers={"HX-Request": "true"},
    )
    assert accepted.status_code == 200
    assert "Advies: gesprek." in accepted.content.decode()
    assert Decision.objects.get().kind == "advice"


def test_action_form_without_owner_or_deadline_shows_field_errors(cast: Cast) -> None:
    meeting, first, _second = _world(cast)
    _hold(meeting, cast)
    client = _client(cast.case_manager)
    prefix = f"a{first.pk}"
    response = client.post(
        reverse("consultations:item_action", kwargs={"item_uuid": first.uuid}),
        {f"{prefix}-description": "Bellen."},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Kies wie de actie uitvoert." in text
    assert "Vul in wanneer de actie af moet zijn." in text
    assert not ActionItem.objects.exists()


def test_owner_closes_an_action_from_the_action_list(cast: Cast) -> None:
    meeting, first, _second = _world(cast)
    _hold(meeting, cast)
    action = services.add_action(
        first,
        description="Ouders spreken.",
        owner=cast.police_officer,
        deadline=timezone.localdate() + dt.timedelta(days=2),
        by=cast.case_manager,
    )
    client = _client(cast.police_officer)
    listing = client.get(reverse("consultations:actions"))
    assert "Ouders spreken." in listing.content.decode()
    response = client.post(
        reverse("consultations:action_close", kwargs={"action_uuid": action.uuid}),
        {"done": "1", "result": "Gedaan."},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"


def test_minutes_are_sent_for_comment_approved_and_corrected_from_the_page(cast: Cast) -> None:
    meeting, _first, _second = _world(cast)
    _hold(meeting, cast)
    client = _client(cast.case_manager)
    kwargs = {"meeting_uuid": meeting.uuid}
    client.post(
        reverse("consultations:minutes_comment", kwargs=kwargs),
        {"until": timezone.localdate().isoformat()},
    )
    client.post(reverse("consultations:minutes_approve", kwargs=kwargs))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.APPROVED
    client.post(reverse("consultations:minutes_correct", kwargs=kwargs), {"reason": "Typfout."})
    assert meeting.minutes.count() == 2


def test_team_member_nominates_a_case_from_the_case_page(cast: Cast) -> None:
    series = make_series(cast)
    case = make_case(cast)
    client = _client(cast.adviser)
    url = reverse("consultations:nominate", kwargs={"case_uuid": case.uuid})
    assert client.get(url).status_code == 200
    response = client.post(url, {"series": str(series.uuid), "reason": "Nieuwe zorgen."})
    assert response.status_code == 302
    assert series.nominations.get().reason == "Nieuwe zorgen."


def test_every_object_page_is_audited_and_a_404_for_the_outsider(cast: Cast) -> None:
    meeting, first, _second = _world(cast)
    _hold(meeting, cast)
    action = services.add_action(
        first,
        description="Gesprek.",
        owner=cast.police_officer,
        deadline=timezone.localdate() + dt.timedelta(days=2),
        by=cast.case_manager,
    )
    series = meeting.series
    pages = [
        ("consultations:series_detail", {"series_uuid": series.uuid}, Event.SERIES_VIEWED),
        ("consultations:meeting", {"meeting_uuid": meeting.uuid}, Event.MEETING_VIEWED),
        ("consultations:item", {"item_uuid": first.uuid}, Event.AGENDA_ITEM_VIEWED),
    ]
    chair = _client(cast.case_manager)
    outsider = _client(cast.outsider)
    for name, kwargs, event in pages:
        before = AuditEvent.objects.filter(event=event).count()
        assert chair.get(reverse(name, kwargs=kwargs)).status_code == 200, name
        assert AuditEvent.objects.filter(event=event).count() == before + 1, name
        assert outsider.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    posts = [
        ("consultations:partner_add", {"series_uuid": series.uuid}),
        ("consultations:meeting_create", {"series_uuid": series.uuid}),
        ("consultations:agenda_propose", {"meeting_uuid": meeting.uuid}),
        ("consultations:agenda_confirm", {"meeting_uuid": meeting.uuid}),
        ("consultations:item_add", {"meeting_uuid": meeting.uuid}),
        ("consultations:meeting_held", {"meeting_uuid": meeting.uuid}),
        ("consultations:minutes_comment", {"meeting_uuid": meeting.uuid}),
        ("consultations:minutes_approve", {"meeting_uuid": meeting.uuid}),
        ("consultations:minutes_correct", {"meeting_uuid": meeting.uuid}),
        ("consultations:agenda_edit", {"meeting_uuid": meeting.uuid}),
        ("consultations:item_invite", {"item_uuid": first.uuid}),
        ("consultations:item_note", {"item_uuid": first.uuid}),
        ("consultations:item_decision", {"item_uuid": first.uuid}),
        ("consultations:item_action", {"item_uuid": first.uuid}),
        ("consultations:action_close", {"action_uuid": action.uuid}),
        ("consultations:nominate", {"case_uuid": first.case.uuid}),
    ]
    for name, kwargs in posts:
        assert outsider.post(reverse(name, kwargs=kwargs), {}).status_code == 404, name
    # The police participant may read the meeting but not run it.
    police = _client(cast.police_officer)
    assert police.post(
        reverse("consultations:item_decision", kwargs={"item_uuid": first.uuid}), {}
    ).status_code in (403, 404)
    # A privacy officer organises no consultation; the outsider may for its own municipality.
    create = reverse("consultations:series_create")
    assert _client(cast.privacy_officer).get(create).status_code == 404
    assert outsider.get(create).status_code == 200


def test_chair_reorders_and_removes_items_with_one_agenda_form(cast: Cast) -> None:
    meeting, first, second = _world(cast)
    client = _client(cast.case_manager)
    url = reverse("consultations:agenda_edit", kwargs={"meeting_uuid": meeting.uuid})
    assert client.post(url, {"up": str(second.uuid)}).status_code == 302
    order = list(
        AgendaItem.objects.filter(meeting=meeting).order_by("position").values_list("pk", flat=True)
    )
    assert order == [second.pk, first.pk]
    client.post(url, {"remove": str(first.uuid)})
    assert AgendaItem.objects.get(pk=first.pk).status == ItemStatus.REMOVED
    page = client.get(reverse("consultations:meeting", kwargs={"meeting_uuid": meeting.uuid}))
    assert "Van de agenda gehaald:" in page.content.decode()
    # The police participant sees no removed item, and cannot edit the agenda.
    police = _client(cast.police_officer)
    text = police.get(reverse("consultations:meeting", kwargs={"meeting_uuid": meeting.uuid}))
    assert "Gedeeld" not in text.content.decode()
    assert police.post(url, {"up": str(second.uuid)}).status_code in (403, 404)
    # An item of another meeting is not this agenda's.
    other = make_meeting(meeting.series, by=cast.case_manager, days_ahead=9)
    other_url = reverse("consultations:agenda_edit", kwargs={"meeting_uuid": other.uuid})
    assert client.post(other_url, {"up": str(second.uuid)}).status_code == 404
    assert client.post(url, {"up": "geen-uuid"}).status_code == 404


def test_item_edit_returns_the_item_with_its_forms_for_htmx(cast: Cast) -> None:
    meeting, first, _second = _world(cast)
    _hold(meeting, cast)
    client = _client(cast.case_manager)
    url = reverse("consultations:item_edit", kwargs={"item_uuid": first.uuid})
    before = AuditEvent.objects.filter(event=Event.MEETING_VIEWED).count()
    partial = client.get(url, headers={"HX-Request": "true"})
    body = partial.content.decode()
    # Opening an item's forms shows its case: the read is audited with that case only.
    read = AuditEvent.objects.filter(event=Event.MEETING_VIEWED).latest("seq")
    assert AuditEvent.objects.filter(event=Event.MEETING_VIEWED).count() == before + 1
    assert read.details == {"cases": [str(first.case.uuid)]}
    assert body.lstrip().startswith("<li")
    assert "Advies, afspraak of besluit vastleggen" in body
    page = client.get(url)
    assert "<html" in page.content.decode()
    assert _client(cast.police_officer).get(url).status_code in (403, 404)


def test_chair_adds_a_case_from_the_series_cases_only(cast: Cast) -> None:
    series = make_series(cast)
    own = make_case(cast, family_name="Eigen")
    other = make_case(cast, municipality=cast.municipality_b, case_director=cast.outsider)
    meeting = make_meeting(series, by=cast.case_manager)
    client = _client(cast.case_manager)
    url = reverse("consultations:item_add", kwargs={"meeting_uuid": meeting.uuid})
    before = AuditEvent.objects.filter(event=Event.CASE_LIST_VIEWED).count()
    page = client.get(url)
    assert page.status_code == 200
    assert "Eigen" in page.content.decode()
    assert AuditEvent.objects.filter(event=Event.CASE_LIST_VIEWED).count() == before + 1
    refused = client.post(url, {"case": str(other.uuid)})
    assert refused.status_code == 400
    assert not AgendaItem.objects.exists()
    assert client.post(url, {"case": str(own.uuid), "note": "Zorg"}).status_code == 302
    assert AgendaItem.objects.get().case_id == own.pk


def test_minutes_forms_show_their_errors_at_the_field(cast: Cast) -> None:
    meeting, _first, _second = _world(cast)
    _hold(meeting, cast)
    client = _client(cast.case_manager)
    kwargs = {"meeting_uuid": meeting.uuid}
    past = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(reverse("consultations:minutes_comment", kwargs=kwargs), {"until": past})
    assert response.status_code == 400
    assert "Kies een datum vanaf vandaag." in response.content.decode()
    client.post(
        reverse("consultations:minutes_comment", kwargs=kwargs),
        {"until": timezone.localdate().isoformat()},
    )
    client.post(reverse("consultations:minutes_approve", kwargs=kwargs))
    response = client.post(reverse("consultations:minutes_correct", kwargs=kwargs), {"reason": ""})
    assert response.status_code == 400
    assert "Geef een reden op." in response.content.decode()
    assert meeting.minutes.count() == 1


def test_a_stale_note_keeps_the_writers_text_and_says_so(cast: Cast) -> None:
    meeting, first, _second = _world(cast)
    _hold(meeting, cast)
    services.write_note(
        first, attendance=[], summary="Van de secretaris.", expected_version=0, by=cast.adviser
    )
    client = _client(cast.case_manager)
    prefix = f"n{first.pk}"
    response = client.post(
        reverse("consultations:item_note", kwargs={"item_uuid": first.uuid}),
        {f"{prefix}-summary": "Van de voorzitter.", f"{prefix}-version": "0"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "intussen bewaard" in body
    assert "Van de voorzitter." in body  # nothing typed is lost
    assert f'name="{prefix}-version" value="1"' in body
    assert services.note_of(first).summary == "Van de secretaris."  # type: ignore[union-attr]


def test_agenda_lines_escape_what_users_typed(cast: Cast) -> None:
    series = make_series(cast)
    case = make_case(cast, family_name='<b onmouseover="x">Vet</b>')
    meeting = make_meeting(series, by=cast.case_manager)
    item = services.add_item(meeting, case=case, note="<i>schuin</i> & zo", by=cast.case_manager)
    services.invite(item, organisation=cast.police, reason="<script>", by=cast.case_manager)
    page = _client(cast.case_manager).get(
        reverse("consultations:meeting", kwargs={"meeting_uuid": meeting.uuid})
    )
    text = page.content.decode()
    assert "&lt;b onmouseover=&quot;x&quot;&gt;Vet&lt;/b&gt;" in text
    assert "&lt;i&gt;schuin&lt;/i&gt; &amp; zo" in text
    assert "(&lt;script&gt;)" in text
    assert "<script>" not in text.split('id="agenda"')[1]


def test_the_series_page_lists_its_open_actions_for_who_runs_it(cast: Cast) -> None:
    meeting, first, _second = _world(cast)
    _hold(meeting, cast)
    services.add_action(
        first,
        description="Huisbezoek afleggen.",
        owner=cast.police_officer,
        deadline=timezone.localdate() + dt.timedelta(days=2),
        by=cast.case_manager,
    )
    url = reverse("consultations:series_detail", kwargs={"series_uuid": meeting.series.uuid})
    assert "Huisbezoek afleggen." in _client(cast.case_manager).get(url).content.decode()
    # A partner sees the series, not the list of all its actions.
    assert "Huisbezoek afleggen." not in _client(cast.prosecutor).get(url).content.decode()
