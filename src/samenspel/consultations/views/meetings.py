"""Pages of case consultations: series, meetings, the agenda, minutes, actions, nominations.

The meeting page shows the agenda as the reader may see it; the forms of one item come in its
place (views.items). Every page reads through one selector and changes through one service.
"""

from __future__ import annotations

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

from samenspel.accounts.models import User
from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors as case_selectors
from samenspel.consultations import selectors, services
from samenspel.consultations.forms.meetings import (
    AddItemForm,
    CloseActionForm,
    CommentForm,
    MeetingForm,
    NominateForm,
    PartnerForm,
    ReasonForm,
    SeriesForm,
)
from samenspel.consultations.models import (
    Meeting,
    MinutesStatus,
)
from samenspel.consultations.views._common import _back_to_meeting, _form_page, _message
from samenspel.consultations.views.agenda import entries as _entries
from samenspel.frameworks.selectors import current_version, framework_of
from samenspel.lib.errors import DecisionConflict
from samenspel.sharing.policy import Action, Denied, allowed

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
