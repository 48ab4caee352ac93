"""Pages of case consultations: series, meetings, the agenda, the meeting view, minutes, actions.

The meeting page is one screen a chair runs the meeting from: its item forms post with htmx
and get back only that item, so the page does not reload; without JavaScript they post and
redirect as any form. Every page reads through one selector and changes through one service.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel.accounts.models import Organisation, User
from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors as case_selectors
from samenspel.consultations import selectors, services
from samenspel.consultations.forms.meetings import (
    ActionForm,
    AddItemForm,
    CloseActionForm,
    CommentForm,
    DecisionForm,
    InviteForm,
    MeetingForm,
    NominateForm,
    NoteForm,
    PartnerForm,
    ReasonForm,
    SeriesForm,
)
from samenspel.consultations.models import (
    AgendaItem,
    ItemStatus,
    Meeting,
    MeetingStatus,
    MinutesStatus,
)
from samenspel.consultations.views.agenda import entries as _entries
from samenspel.frameworks.selectors import current_version, framework_of
from samenspel.lib.errors import DecisionConflict, StaleEdit
from samenspel.sharing.policy import Action, Denied, allowed


def _status(form: Any) -> int:
    return 400 if form.errors else 200


def _form_page(
    request: HttpRequest, form: Any, *, title: str, submit: str, back: str, intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "consultations/form.html",
        {"form": form, "title": title, "submit": submit, "back": back, "intro": intro},
        status=_status(form),
    )


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


# --- Series --------------------------------------------------------------------------------------


@require_safe
def series_list(request: HttpRequest) -> HttpResponse:
    """List the consultations the user takes part in, and what waits for them."""
    me = request_user(request)
    series = list(selectors.series_visible_to(me))
    may_create = me.organisation.type in ("municipality", "zvh") and allowed(
        me, "series.create", within=me.organisation
    )
    actions = selectors.actions_for(me, scope="mine")
    return render(
        request,
        "consultations/series_list.html",
        {"series": series, "may_create": may_create, "actions": actions},
    )


def series_create(request: HttpRequest) -> HttpResponse:
    """Set up a standing case consultation for the user's municipality or ZVH."""
    me = request_user(request)
    if not allowed(me, "series.create", within=me.organisation):
        raise Denied("consultations.series", "", exists=False)
    people = {
        str(u.uuid): u
        for u in User.objects.filter(organisation=me.organisation, is_active=True).order_by(
            "full_name"
        )
    }
    options = [(key, u.full_name) for key, u in people.items()]
    form = SeriesForm(request.POST or None, people=options, initial={"chair": str(me.uuid)})
    if request.method == "POST" and form.is_valid():
        try:
            series = services.create_series(
                owner=me.organisation,
                name=form.cleaned_data["name"],
                chair=people.get(form.cleaned_data["chair"]),
                secretary=people.get(form.cleaned_data["secretary"] or ""),
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Het casusoverleg is ingesteld. Voeg nu de partners toe."))
            return redirect("consultations:series_detail", series_uuid=series.uuid)
    return _form_page(
        request,
        form,
        title=_("Nieuw casusoverleg"),
        submit=_("Casusoverleg instellen"),
        back=reverse("consultations:series_list"),
    )


@require_safe
def series_detail(request: HttpRequest, series_uuid: uuid.UUID) -> HttpResponse:
    """Show a series: its partners with their grounds, and its meetings."""
    me = request_user(request)
    series = selectors.get_series_for(me, series_uuid)
    selectors.record_series_read(me, series)
    manages = allowed(me, "series.manage", on=series)
    return render(
        request,
        "consultations/series_detail.html",
        {
            "series": series,
            "partners": selectors.partners_of(series),
            "meetings": selectors.meetings_of(me, series),
            "manages": manages,
            # Who runs the series keeps track of its open actions, overdue ones first in view.
            "actions": selectors.actions_for(me, scope="series", series=series)
            if manages
            else None,
        },
    )


def _flows(user: User) -> list[tuple[str, str]]:
    version = current_version(user)
    if version is None:
        return []
    framework = framework_of(version)
    return [(f.id, f"{f.id} {f.legal_ground}"[:120]) for f in framework.flows]


def partner_add(request: HttpRequest, series_uuid: uuid.UUID) -> HttpResponse:
    """Add a partner to a series, with the legal ground under which it shares."""
    me = request_user(request)
    series = selectors.get_series_for(me, series_uuid, Action.MANAGE)
    organisations = {str(o.uuid): o for o in selectors.partner_candidates(series)}
    form = PartnerForm(
        request.POST or None,
        organisations=[(k, o.name) for k, o in organisations.items()],
        flows=_flows(me),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.add_partner(
                series,
                organisation=organisations.get(form.cleaned_data["organisation"]),
                kind=form.cleaned_data["kind"],
                flow=form.cleaned_data["flow"],
                legal_ground=form.cleaned_data["legal_ground"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De partner is toegevoegd."))
            return redirect("consultations:series_detail", series_uuid=series.uuid)
    return _form_page(
        request,
        form,
        title=_("Partner toevoegen aan %(name)s") % {"name": series.name},
        submit=_("Partner toevoegen"),
        back=reverse("consultations:series_detail", kwargs={"series_uuid": series.uuid}),
        intro=_(
            "Een partner deelt alleen op een grondslag: de politie op art. 18 lid 2 Wpg, "
            "zorgpartners alleen met toestemming of bij een conflict van plichten."
        ),
    )


def meeting_create(request: HttpRequest, series_uuid: uuid.UUID) -> HttpResponse:
    """Plan a meeting of a series."""
    me = request_user(request)
    series = selectors.get_series_for(me, series_uuid, Action.MANAGE)
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.plan_meeting(
                series,
                starts_at=form.cleaned_data["starts_at"],
                place=form.cleaned_data["place"],
                video_link=form.cleaned_data["video_link"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Het overleg is gepland. Stel nu de agenda voor uit de casussen.")
            )
            return redirect("consultations:meeting", meeting_uuid=meeting.uuid)
    return _form_page(
        request,
        form,
        title=_("Overleg plannen"),
        submit=_("Overleg plannen"),
        back=reverse("consultations:series_detail", kwargs={"series_uuid": series.uuid}),
    )


# --- The meeting page ----------------------------------------------------------------------------


def _item_forms(me: User, meeting: Meeting, item: AgendaItem) -> dict[str, Any]:
    """Return the forms a runner of the meeting uses on one item, unbound."""
    if meeting.status == MeetingStatus.PLANNED:
        partners = [
            (str(p.organisation.uuid), p.organisation.name) for p in meeting_partners(meeting)
        ]
        return {"invite_form": InviteForm(partners=partners, prefix=f"i{item.pk}")}
    participants = _participant_orgs(meeting, item)
    organisations = [(str(o.uuid), o.name) for o in participants]
    framework = framework_of(item.case.framework_version)
    measures = [(m.id, m.label) for m in framework.measures]
    owners = [
        (str(u.uuid), f"{u.full_name} ({u.organisation.name})")
        for u in selectors.action_owners(item)
    ]
    return {
        "note_form": NoteForm(
            organisations=organisations,
            prefix=f"n{item.pk}",
            initial=_note_initial(item, participants),
        ),
        "decision_form": DecisionForm(
            measures=measures,
            organisations=organisations,
            prefix=f"d{item.pk}",
            initial={"key": secrets.token_hex(8)},
        ),
        "action_form": ActionForm(
            owners=owners, prefix=f"a{item.pk}", initial={"key": secrets.token_hex(8)}
        ),
    }


def _note_initial(item: AgendaItem, organisations: list[Organisation]) -> dict[str, Any]:
    """Start the note form from the note as it is now, with its version."""
    note = services.note_of(item)
    if note is None:
        return {"version": 0}
    present = [str(o.uuid) for o in organisations if o.pk in note.attendance]
    return {"version": note.version, "summary": note.summary, "attendance": present}


def meeting_partners(meeting: Meeting) -> list[Any]:
    return selectors.partners_of(meeting.series)


def _participant_orgs(meeting: Meeting, item: AgendaItem) -> list[Organisation]:
    ids = services.participant_organisations(item) | {
        p.organisation_id for p in selectors.partners_of(meeting.series)
    }
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


@require_safe
def meeting(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Show a meeting: the agenda as this reader may see it, and for the chair its controls."""
    me = request_user(request)
    return _meeting_page(request, selectors.get_meeting_for(me, meeting_uuid))


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    comment_form: CommentForm | None = None,
    correction_form: ReasonForm | None = None,
) -> HttpResponse:
    """Render the meeting page; with a bound form that failed, with its errors (400)."""
    me = request_user(request)
    rows = selectors.agenda_of(me, meeting)
    runs = allowed(me, "meeting.run", on=meeting)
    minutes = services.current_minutes(meeting)
    context: dict[str, Any] = {
        "meeting": meeting,
        "rows": rows,
        "runs": runs,
        "minutes": minutes,
        "may_approve": allowed(me, "minutes.approve", on=meeting),
        # "Held" only from the meeting's day on (the service refuses it before).
        "may_hold": timezone.localtime(meeting.starts_at).date() <= timezone.localdate(),
        "versions": selectors.minutes_of(meeting) if minutes else [],
    }
    if runs:
        # The item forms come one item at a time (item_edit), so that the page stays light
        # however long the agenda is.
        context["comment_form"] = comment_form or CommentForm()
        context["correction_form"] = correction_form or ReasonForm()
    context["entries"] = _entries(rows, {}, runs=runs, status=meeting.status)
    failed = any(f is not None and f.errors for f in (comment_form, correction_form))
    return render(request, "consultations/meeting.html", context, status=400 if failed else 200)


def _back_to_meeting(meeting: Meeting, anchor: str = "") -> HttpResponse:
    url = reverse("consultations:meeting", kwargs={"meeting_uuid": meeting.uuid})
    return redirect(f"{url}#{anchor}" if anchor else url)


@require_POST
def agenda_propose(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Propose the agenda from the cases."""
    me = request_user(request)
    meeting = selectors.get_meeting_for(me, meeting_uuid, Action.MANAGE)
    try:
        new = services.propose_agenda(meeting, by=me)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(
            request,
            _("%(n)d casussen voorgesteld. Kijk de agenda na en stel haar vast.") % {"n": len(new)}
            if new
            else _("Er zijn geen nieuwe casussen om voor te stellen."),
        )
    return _back_to_meeting(meeting)


@require_POST
def agenda_confirm(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Fix the agenda and tell the participants."""
    me = request_user(request)
    meeting = selectors.get_meeting_for(me, meeting_uuid, Action.MANAGE)
    try:
        services.confirm_agenda(meeting, by=me)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("De agenda is vastgesteld. De deelnemers krijgen bericht."))
    return _back_to_meeting(meeting)


def item_add(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Put a case on the agenda: the open cases of the series' municipalities to choose from."""
    me = request_user(request)
    meeting = selectors.get_meeting_for(me, meeting_uuid, Action.MANAGE)
    cases = {
        str(c.uuid): c
        for c in selectors.candidate_cases(me, meeting, record_read=request.method == "GET")
    }
    options = [
        (k, f"{c.reference} {c.person.full_name} ({c.municipality.name})") for k, c in cases.items()
    ]
    form = AddItemForm(request.POST or None, cases=options)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_item(
                meeting,
                case=cases.get(form.cleaned_data["case"]),
                note=form.cleaned_data["note"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De casus staat op de agenda."))
            return _back_to_meeting(meeting, "agenda")
    return _form_page(
        request,
        form,
        title=_("Casus op de agenda zetten"),
        submit=_("Op de agenda zetten"),
        back=reverse("consultations:meeting", kwargs={"meeting_uuid": meeting.uuid}),
        intro=_("U ziet de open casussen van de gemeenten van dit casusoverleg."),
    )


def _item(request: HttpRequest, item_uuid: uuid.UUID, action: Action) -> AgendaItem:
    return selectors.get_item_for(request_user(request), item_uuid, action)


@require_POST
def agenda_edit(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Move an item one place up or down, or take it off the agenda (one form per agenda)."""
    me = request_user(request)
    meeting = selectors.get_meeting_for(me, meeting_uuid, Action.MANAGE)
    for verb in ("up", "down", "remove"):
        value = request.POST.get(verb)
        if value:
            break
    else:
        messages.error(request, _("Kies wat er met de casus moet gebeuren."))
        return _back_to_meeting(meeting, "agenda")
    try:
        item_uuid = uuid.UUID(value)
    except ValueError:
        raise Denied("consultations.agendaitem", value[:40], exists=False) from None
    item = selectors.get_item_for(me, item_uuid, Action.MANAGE)
    if item.meeting_id != meeting.pk:
        raise Denied("consultations.agendaitem", str(item_uuid), exists=True)
    try:
        if verb == "remove":
            services.remove_item(item, by=me)
            messages.success(request, _("De casus is van de agenda gehaald."))
        else:
            services.move_item(item, up=verb == "up", by=me)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    return _back_to_meeting(meeting, "agenda")


def _item_response(
    request: HttpRequest,
    item: AgendaItem,
    *,
    bound: dict[str, Any],
    message: str = "",
    edit: bool = False,
) -> HttpResponse:
    """Answer an item form: the item alone for htmx, else back to the meeting page."""
    me = request_user(request)
    meeting = item.meeting
    if not request.htmx and not bound and not edit:  # type: ignore[attr-defined]
        if message:
            messages.success(request, message)
        return _back_to_meeting(meeting, f"item-{item.uuid}")
    rows = [
        r
        for r in selectors.agenda_of(me, meeting, record_read=False, only=item)
        if r.uuid == item.uuid
    ]
    forms = {**_item_forms(me, meeting, item), **bound}
    htmx = bool(request.htmx)  # type: ignore[attr-defined]
    # htmx swaps only 2xx answers: the item with its field errors comes back as 200.
    status = 400 if not htmx and any(f.errors for f in bound.values()) else 200
    template = "consultations/_item.html" if htmx else "consultations/item_form.html"
    return render(
        request,
        template,
        {
            "e": _entries(
                rows, {item.uuid: forms}, runs=True, status=meeting.status, saved=message
            )[0],
            "meeting": meeting,
            "runs": True,
            "saved": message,
            "has_errors": any(f.errors for f in bound.values()),
        },
        status=status,
    )


@require_safe
def item_edit(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Show one item with the forms to run it (htmx: the item alone; else as a page)."""
    item = _item(request, item_uuid, Action.MANAGE)
    if item.status == ItemStatus.REMOVED:
        raise Denied("consultations.agendaitem", str(item_uuid), exists=True)
    return _item_response(request, item, bound={}, edit=True)


@require_POST
def item_invite(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Invite a partner for one item, with the reason."""
    me = request_user(request)
    item = _item(request, item_uuid, Action.MANAGE)
    partners = {str(p.organisation.uuid): p.organisation for p in meeting_partners(item.meeting)}
    form = InviteForm(
        request.POST, partners=[(k, o.name) for k, o in partners.items()], prefix=f"i{item.pk}"
    )
    if form.is_valid():
        try:
            services.invite(
                item,
                organisation=partners.get(form.cleaned_data["organisation"]),
                reason=form.cleaned_data["reason"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _item_response(request, item, bound={}, message=_("De partner is uitgenodigd."))
    return _item_response(request, item, bound={"invite_form": form})


@require_POST
def item_note(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Write who attended an item and what was discussed."""
    me = request_user(request)
    item = _item(request, item_uuid, Action.MANAGE)
    organisations = {str(o.uuid): o for o in _participant_orgs(item.meeting, item)}
    form = NoteForm(
        request.POST,
        organisations=[(k, o.name) for k, o in organisations.items()],
        prefix=f"n{item.pk}",
    )
    if form.is_valid():
        try:
            services.write_note(
                item,
                attendance=[organisations[k] for k in form.cleaned_data["attendance"]],
                summary=form.cleaned_data["summary"],
                expected_version=form.cleaned_data["version"],
                by=me,
            )
        except StaleEdit as exc:
            # Keep what this writer typed, on top of the newer version, and say so.
            data = request.POST.copy()
            data[f"n{item.pk}-version"] = str(exc.current_version)
            form = NoteForm(
                data,
                organisations=[(k, o.name) for k, o in organisations.items()],
                prefix=f"n{item.pk}",
            )
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Iemand anders heeft het verslag van deze casus intussen bewaard. Uw "
                    "tekst staat hieronder en is nog niet opgeslagen: vergelijk en bewaar opnieuw."
                ),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _item_response(request, item, bound={}, message=_("Het verslag is bewaard."))
    return _item_response(request, item, bound={"note_form": form})


@require_POST
def item_decision(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Record an advice, agreement or decision on an item."""
    me = request_user(request)
    item = _item(request, item_uuid, Action.MANAGE)
    organisations = {str(o.uuid): o for o in _participant_orgs(item.meeting, item)}
    framework = framework_of(item.case.framework_version)
    form = DecisionForm(
        request.POST,
        measures=[(m.id, m.label) for m in framework.measures],
        organisations=[(k, o.name) for k, o in organisations.items()],
        prefix=f"d{item.pk}",
    )
    if form.is_valid():
        try:
            services.record_decision(
                item,
                kind=form.cleaned_data["kind"],
                measure=form.cleaned_data["measure"],
                decided_by=organisations.get(form.cleaned_data["decided_by"] or ""),
                text=form.cleaned_data["text"],
                key=form.cleaned_data["key"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _item_response(request, item, bound={}, message=_("Vastgelegd."))
    return _item_response(request, item, bound={"decision_form": form})


@require_POST
def item_action(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Agree an action on an item: who, what, before when."""
    me = request_user(request)
    item = _item(request, item_uuid, Action.MANAGE)
    owners = {str(u.uuid): u for u in selectors.action_owners(item)}
    form = ActionForm(
        request.POST,
        owners=[(k, u.full_name) for k, u in owners.items()],
        prefix=f"a{item.pk}",
    )
    if form.is_valid():
        try:
            services.add_action(
                item,
                description=form.cleaned_data["description"],
                owner=owners.get(form.cleaned_data["owner"]),
                deadline=form.cleaned_data["deadline"],
                key=form.cleaned_data["key"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            return _item_response(
                request,
                item,
                bound={},
                message=_("De actie is gemaakt; de eigenaar krijgt bericht."),
            )
    return _item_response(request, item, bound={"action_form": form})


@require_safe
def item(request: HttpRequest, item_uuid: uuid.UUID) -> HttpResponse:
    """Show one agenda item to a participant: the case as shared with this reader."""
    me = request_user(request)
    item = selectors.get_item_for(me, item_uuid)
    view = selectors.item_view(me, item)
    framework = framework_of(item.case.framework_version)
    return render(
        request,
        "consultations/item.html",
        {
            "view": view,
            "item": item,
            "stage_name": framework.label_of(item.case.stage),
            "phase_name": framework.label_of(item.case.phase),
            "may_edit_plan": allowed(me, "case.edit_plan", on=item.case),
        },
    )


# --- Holding the meeting and its minutes ------------------------------------------------------


@require_POST
def meeting_held(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Record that the meeting took place; its minutes open."""
    me = request_user(request)
    meeting = selectors.get_meeting_for(me, meeting_uuid, Action.MANAGE)
    try:
        services.mark_held(meeting, by=me)
    except DecisionConflict as exc:
        messages.info(request, _message(exc))
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Het overleg is gehouden. Schrijf nu per casus het verslag."))
    return _back_to_meeting(meeting)


@require_POST
def minutes_comment(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Send the draft minutes to the participants for comment."""
    me = request_user(request)
    meeting = selectors.get_meeting_for(me, meeting_uuid, Action.MANAGE)
    minutes = services.current_minutes(meeting)
    form = CommentForm(request.POST)
    if minutes is None:
        messages.error(request, _("Leg eerst vast dat het overleg is gehouden."))
        return _back_to_meeting(meeting, "verslag")
    if form.is_valid():
        try:
            services.open_for_comment(minutes, until=form.cleaned_data["until"], by=me)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Het verslag ligt voor commentaar bij de deelnemers."))
            return _back_to_meeting(meeting, "verslag")
    return _meeting_page(request, meeting, comment_form=form)


@require_POST
def minutes_approve(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Approve the minutes (the chair); they are frozen from then on."""
    me = request_user(request)
    meeting = selectors.get_meeting_for(me, meeting_uuid)
    minutes = services.current_minutes(meeting)
    if minutes is None or minutes.status == MinutesStatus.APPROVED:
        messages.info(request, _("Er is geen verslag om vast te stellen."))
        return _back_to_meeting(meeting, "verslag")
    try:
        services.approve_minutes(minutes, by=me)
    except ValidationError as exc:
        messages.error(request, _message(exc))
    else:
        messages.success(request, _("Het verslag is vastgesteld en verandert niet meer."))
    return _back_to_meeting(meeting, "verslag")


@require_POST
def minutes_correct(request: HttpRequest, meeting_uuid: uuid.UUID) -> HttpResponse:
    """Start a correction of approved minutes, with a reason."""
    me = request_user(request)
    meeting = selectors.get_meeting_for(me, meeting_uuid, Action.MANAGE)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.start_correction(meeting, reason=form.cleaned_data["reason"], by=me)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Er is een nieuwe versie van het verslag om te corrigeren.")
            )
            return _back_to_meeting(meeting, "verslag")
    return _meeting_page(request, meeting, correction_form=form)


# --- Action items and nominations ----------------------------------------------------------------


@require_safe
def actions(request: HttpRequest) -> HttpResponse:
    """List action items: my own, my organisation's, or only the overdue ones."""
    me = request_user(request)
    scope = request.GET.get("van", "mij")
    overdue = request.GET.get("over") == "1"
    rows = selectors.actions_for(
        me, scope="organisation" if scope == "organisatie" else "mine", overdue_only=overdue
    )
    return render(
        request,
        "consultations/actions.html",
        {"actions": rows, "scope": scope, "overdue": overdue},
    )


def action_close(request: HttpRequest, action_uuid: uuid.UUID) -> HttpResponse:
    """Close an action: done, or no longer needed with a reason."""
    me = request_user(request)
    action = selectors.get_action_for(me, action_uuid, Action.MANAGE)
    form = CloseActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_action(
                action, done=form.cleaned_data["done"], result=form.cleaned_data["result"], by=me
            )
        except DecisionConflict as exc:
            messages.info(request, _message(exc))
            return redirect("consultations:actions")
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De actie is afgesloten."))
            return redirect("consultations:actions")
    return _form_page(
        request,
        form,
        title=_("Actie afsluiten: %(text)s") % {"text": action.description[:80]},
        submit=_("Afsluiten"),
        back=reverse("consultations:actions"),
    )


def nominate(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Put a case forward for the next meeting of a consultation, with a reason."""
    me = request_user(request)
    case = case_selectors.get_case_for(me, case_uuid, record_read=request.method == "GET")
    options = {str(s.uuid): s for s in selectors.nominable_series(me, case)}
    form = NominateForm(request.POST or None, series=[(k, s.name) for k, s in options.items()])
    if request.method == "POST" and form.is_valid():
        series = options.get(form.cleaned_data["series"])
        if series is None:
            form.add_error("series", _("Kies een casusoverleg uit de lijst."))
        else:
            try:
                services.nominate(case, series=series, reason=form.cleaned_data["reason"], by=me)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("De casus komt op de agenda van het volgende overleg."))
                return redirect("cases:detail", case_uuid=case.uuid)
    return _form_page(
        request,
        form,
        title=_("Casus %(ref)s inbrengen voor het casusoverleg") % {"ref": case.reference},
        submit=_("Inbrengen"),
        back=reverse("cases:detail", kwargs={"case_uuid": case.uuid}),
    )
