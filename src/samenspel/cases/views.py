"""The case pages: list, case file with plan and balance, plan editor, team, history, transfers.

Every page reads through cases.selectors (which start from the access policy and audit the
read) and changes through cases.services. A case the user may not reach is a 404.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel import audit
from samenspel.accounts.models import User
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.cases import selectors, services
from samenspel.cases.balance import DOMAINS
from samenspel.cases.forms import (
    AcceptTransferForm,
    CaseFilterForm,
    CloseForm,
    DeclineTransferForm,
    InterventionAddForm,
    InterventionEditForm,
    JustifyForm,
    MemberForm,
    ReasonForm,
    TracksForm,
    TransferRequestForm,
    TransitionForm,
)
from samenspel.cases.models import (
    Case,
    CaseStatus,
    Dimension,
    Intervention,
    InterventionDomain,
    TransferStatus,
)
from samenspel.frameworks.pdf import render_pdf
from samenspel.frameworks.selectors import document_of
from samenspel.frameworks.views.common import (
    DOMAIN_LABELS,
    Frame,
    emergency_first,
    item_out,
    organisation_type_label,
    refs,
    request_user,
)
from samenspel.lib.errors import StaleEdit
from samenspel.lib.spreadsheet import csv_lines
from samenspel.sharing.policy import Action, Denied, can

PAGE_SIZE = 100


# --- Helpers --------------------------------------------------------------------------------


def _stale_message() -> str:
    return _(
        "Iemand anders heeft dit intussen gewijzigd. Uw wijziging is niet opgeslagen; "
        "bekijk de nieuwe stand."
    )


def _record_conflict(me: User, case: Case, what: str) -> None:
    audit.record(
        Event.CASE_EDIT_CONFLICT,
        by=me,
        obj=case,
        purpose=Purpose.CASE_WORK,
        outcome=Outcome.DENIED,
        changed=what,
    )


def _rows(case: Case) -> dict[str, dict[str, Any]]:
    """Return the framework rows of the case's version by id (stages, phases, tracks, ...)."""
    document = document_of(case.framework_version)
    if not isinstance(document, dict):
        return {}
    return {
        row["id"]: row
        for section in ("stages", "phases", "tracks", "measures")
        for row in document.get(section) or []
    }


def _named(rows: dict[str, dict[str, Any]], key: str) -> str:
    row = rows.get(key)
    return f"{key} {row['name']}" if row else key


def _uncertain(row: dict[str, Any]) -> bool:
    return "GK?" in (row.get("src") or [])


def _case(request: HttpRequest, case_uuid: uuid.UUID, action: Action = Action.VIEW) -> Case:
    """Return the case for this request; a GET is a read and is audited, a POST is not."""
    return selectors.get_case_for(
        request_user(request), case_uuid, action, record_read=request.method == "GET"
    )


def _page(
    request: HttpRequest,
    template: str,
    case: Case,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    rows = _rows(case)
    return render(
        request,
        template,
        {
            "case": case,
            "stage_name": _named(rows, case.stage),
            "phase_name": _named(rows, case.phase),
            **context,
        },
        status=status,
    )


def _form_status(form: Any) -> int:
    return 400 if form.errors else 200


# --- Case list --------------------------------------------------------------------------------


@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    """List the cases the user may see, by status, with a search."""
    me = request_user(request)
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or CaseStatus.OPEN
    mine, search = bool(data.get("mine")), data.get("q") or ""
    cases = selectors.case_list(me, status=status, mine=mine, query=search)
    counts = selectors.count_cases(me)
    paginator = Paginator(cases, PAGE_SIZE)
    if not mine and not search:
        paginator.count = counts.get(status, 0)  # the tabs counted these already
    page = paginator.get_page(request.GET.get("pagina"))
    selectors.record_list_read(me, len(page.object_list))
    query = request.GET.copy()
    query.pop("pagina", None)
    tabs = [
        {
            "value": value,
            "label": label,
            "count": counts.get(value, 0),
            "current": value == status,
            "url": f"?status={value}",
        }
        for value, label in CaseStatus.choices
    ]
    return render(
        request,
        "cases/case_list.html",
        {
            "form": form,
            "page": page,
            "tabs": tabs,
            "status": status,
            "query": query.urlencode(),
        },
        status=_form_status(form),
    )


# --- Case page --------------------------------------------------------------------------------


def _balance_rows(interventions: list[Intervention]) -> tuple[Any, list[dict[str, Any]]]:
    result = selectors.balance(interventions)
    rows = [
        {
            "domain": domain,
            "label": DOMAIN_LABELS.get(domain, domain),
            "count": count,
            "share": share,
            "step": 5 * round(share / 5),
        }
        for domain, count, share in result.rows()
    ]
    return result, rows


def _course(case: Case, me: User) -> dict[str, Any] | None:
    course = selectors.course_for(case, me)
    if course is None:
        return None
    frame = Frame(case.framework_version, chosen=True, is_current=False)
    q = frame.query
    return {
        "scope": course.scope,
        "scope_name": course.scope_name,
        "organisation_type": course.organisation_type,
        "organisation_type_label": organisation_type_label(course.organisation_type),
        "actors": refs(course.actors, frame.index("actors")),
        "must_do": [item_out(i, q) for i in course.must_do],
        "can_do": [item_out(i, q) for i in course.can_do],
        "must_not_do": [item_out(i, q) for i in course.must_not_do],
        "involve": [item_out(i, q) for i in course.involve],
        "acute": [item_out(i, q) for i in emergency_first(course.acute)],
        "non_acute": [item_out(i, q) for i in course.non_acute],
        "next_steps": [item_out(i, q) for i in course.next_steps],
    }


@require_safe
def detail(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Show the case: person, stage and phase, plan with its balance, team, course of action."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid)
    return _detail(request, me, case)


def _detail(
    request: HttpRequest,
    me: User,
    case: Case,
    *,
    justify_form: JustifyForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rows = _rows(case)
    plan = selectors.plan_of(case)
    balance, balance_rows = _balance_rows(plan)
    can_manage = can(me, Action.MANAGE, case)
    can_edit = can_manage or can(me, Action.EDIT, case)
    if justify_form is None and can_manage:
        justify_form = JustifyForm(
            initial={"text": case.balance_justification, "version": case.version}
        )
    transfers = selectors.transfers_of(case)
    return _page(
        request,
        "cases/case_detail.html",
        case,
        {
            "tracks": [_named(rows, t) for t in case.tracks],
            "plan": plan,
            "balance": balance,
            "balance_rows": balance_rows,
            "team": selectors.team_of(case),
            "course": _course(case, me),
            "transfers": transfers,
            "pending_transfer": next(
                (t for t in transfers if t.status == TransferStatus.REQUESTED), None
            ),
            "can_manage": can_manage,
            "can_edit": can_edit,
            "is_open": case.status == CaseStatus.OPEN,
            "justify_form": justify_form,
        },
        status=status,
    )


@require_POST
def justify(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Record why the plan has no prevention or care."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, Action.MANAGE, record_read=False)
    form = JustifyForm(request.POST)
    if form.is_valid():
        try:
            services.justify_balance(
                case,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
                by=me,
            )
        except StaleEdit:
            _record_conflict(me, case, "case")
            messages.error(request, _stale_message())
            return redirect("cases:detail", case_uuid=case.uuid)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De onderbouwing van de balans is opgeslagen."))
            return redirect("cases:detail", case_uuid=case.uuid)
    return _detail(request, me, case, justify_form=form, status=400)


@require_safe
def history(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Show the history of the case: every stage, phase, track, status and municipality step."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, record_read=False)
    steps = _history_steps(case)
    selectors.record_history_read(me, case)
    return _page(request, "cases/case_history.html", case, {"steps": steps})


def _history_steps(case: Case) -> list[dict[str, Any]]:
    rows = _rows(case)
    return [
        {
            "step": step,
            "from": _named(rows, step.from_value) if step.from_value else "",
            "to": ", ".join(_named(rows, v) for v in step.to_value.split(","))
            if step.dimension == Dimension.TRACKS
            else _named(rows, step.to_value),
        }
        for step in selectors.history_of(case)
    ]


# --- Exports ----------------------------------------------------------------------------------
# An export takes case data out of Samenspel: it reads through the same policy as the pages
# (a case the user may not see is a 404) and is audited as an export. The PDF prints who made
# it, when and an export number on every page; its audit record holds the same number, so a
# copy can be traced.


@require_safe
def case_pdf(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Return the case file (person, stage, plan with balance, team, history) as a tagged PDF."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, record_read=False)
    rows = _rows(case)
    plan = selectors.plan_of(case)
    balance, balance_rows = _balance_rows(plan)
    # The export is recorded once the PDF exists; the export number ties the PDF to its record.
    export_id = secrets.token_hex(6)
    html = render_to_string(
        "cases/case_pdf.html",
        {
            "case": case,
            "stage_name": _named(rows, case.stage),
            "phase_name": _named(rows, case.phase),
            "tracks": [_named(rows, t) for t in case.tracks],
            "plan": plan,
            "balance": balance,
            "balance_rows": balance_rows,
            "team": selectors.team_of(case),
            "steps": _history_steps(case),
            "transfers": selectors.transfers_of(case),
            "made_by": me,
            "made_at": timezone.now(),
            "export_id": export_id,
        },
        request=request,
    )
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    audit.record(
        Event.CASE_EXPORTED,
        by=me,
        obj=case,
        purpose=Purpose.CASE_WORK,
        format="pdf",
        export=export_id,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = _FILENAME_UNSAFE.sub("-", case.reference)
    response["Content-Disposition"] = f'attachment; filename="casus-{name}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


_FILENAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

# Stable column names, the same in every language, so that a sheet built on them keeps working.
CSV_COLUMNS = [
    "kenmerk",
    "persoon",
    "gemeente",
    "casusregisseur",
    "processtap",
    "fase",
    "status",
    "geopend",
    "gesloten",
]


@require_safe
def case_list_csv(request: HttpRequest) -> HttpResponseBase:
    """Return the filtered case list as CSV (semicolons and a BOM, as Dutch Excel expects)."""
    me = request_user(request)
    form = CaseFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("De filters zijn niet goed ingevuld. Er is niets geëxporteerd."))
        return redirect("cases:list")
    data = form.cleaned_data if form.is_bound else {}
    status = data.get("status") or CaseStatus.OPEN
    cases = selectors.case_list(
        me, status=status, mine=bool(data.get("mine")), query=data.get("q") or ""
    )
    count = cases.count()
    audit.record(
        Event.CASE_LIST_EXPORTED,
        by=me,
        purpose=Purpose.CASE_WORK,
        count=count,
        status=status,
        format="csv",
    )

    rows = (
        (
            c.reference,
            c.person.full_name,
            c.municipality.name,
            c.case_director.full_name,
            c.stage,
            c.phase,
            c.get_status_display(),
            timezone.localtime(c.opened_at).date().isoformat(),
            timezone.localtime(c.closed_at).date().isoformat() if c.closed_at else "",
        )
        for c in cases.iterator(chunk_size=500)
    )
    lines = csv_lines(CSV_COLUMNS, rows, delimiter=";", bom=True)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="casussen-{stamp}.csv"'
    response["Cache-Control"] = "no-store"
    return response


# --- Plan editor ------------------------------------------------------------------------------


def _measure_choices(case: Case) -> tuple[list[tuple[str, list[tuple[str, str]]]], set[str]]:
    """Return the measures of the case's framework grouped by domain, and the voluntary ones."""
    document = document_of(case.framework_version)
    measures = (document.get("measures") or []) if isinstance(document, dict) else []
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    voluntary = {m["id"] for m in measures if (m.get("flags") or {}).get("voluntary")}
    for domain in DOMAINS:
        options = []
        for m in measures:
            if domain in (m.get("domains") or []):
                label = f"{m['id']} {m['name']}"
                if m["id"] in voluntary:
                    label += " " + _("(vrijwillig)")
                options.append((f"{m['id']}/{domain}", label))
        groups.append((str(InterventionDomain(domain).label).capitalize(), options))
    return groups, voluntary


@require_safe
def plan(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Show the plan editor: the plan and the form to add an intervention."""
    case = _case(request, case_uuid, Action.EDIT)
    return _plan_page(request, case, None)


def _plan_page(
    request: HttpRequest, case: Case, form: InterventionAddForm | None, status: int = 200
) -> HttpResponse:
    measures, _voluntary = _measure_choices(case)
    owners = [(str(o.uuid), o.name) for o in selectors.intervention_owners()]
    if form is None:
        form = InterventionAddForm(
            measures=measures,
            owners=owners,
            initial={"submission_key": uuid.uuid4().hex},
        )
    interventions = selectors.plan_of(case)
    _balance, balance_rows = _balance_rows(interventions)
    return _page(
        request,
        "cases/plan.html",
        case,
        {
            "form": form,
            "plan": interventions,
            "balance_rows": balance_rows,
            "is_open": case.status == CaseStatus.OPEN,
        },
        status=status,
    )


@require_POST
def intervention_add(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Add an intervention; a double submit (same submission key) adds it once."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, Action.EDIT, record_read=False)
    measures, voluntary = _measure_choices(case)
    owner_list = list(selectors.intervention_owners())
    owners = {str(o.uuid): o for o in owner_list}
    form = InterventionAddForm(
        request.POST,
        measures=measures,
        owners=[(key, o.name) for key, o in owners.items()],
    )
    if form.is_valid():
        data = form.cleaned_data
        measure, _slash, domain = data["measure"].partition("/")
        try:
            services.add_intervention(
                case,
                measure=measure,
                domain=domain,
                owner=owners[data["owner"]],
                goal=data["goal"],
                consent=data["consent"] if measure in voluntary else "",
                start_date=data["start_date"],
                end_date=data["end_date"],
                review_date=data["review_date"],
                submission_key=data["submission_key"] or "",
                by=me,
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "domain" in exc.error_dict:
                exc.error_dict["measure"] = exc.error_dict.pop("domain")
            form.add_service_errors(exc)
        else:
            messages.success(request, _("De interventie is aan het plan toegevoegd."))
            return redirect("cases:plan", case_uuid=case.uuid)
    return _plan_page(request, case, form, status=400)


def intervention_edit(
    request: HttpRequest, case_uuid: uuid.UUID, intervention_uuid: uuid.UUID
) -> HttpResponse:
    """Change status, consent, dates, goal or outcome of an intervention."""
    me = request_user(request)
    case = _case(request, case_uuid, Action.EDIT)
    intervention = selectors.get_intervention_for(me, case, intervention_uuid, Action.EDIT)
    fields = ("status", "consent", "goal", "start_date", "end_date", "review_date", "outcome")

    def fresh() -> InterventionEditForm:
        initial = {f: getattr(intervention, f) for f in fields}
        initial["version"] = intervention.version
        return InterventionEditForm(voluntary=intervention.voluntary, initial=initial)

    conflict = False
    if request.method == "POST":
        form = InterventionEditForm(request.POST, voluntary=intervention.voluntary)
        if form.is_valid():
            data = form.cleaned_data
            changes = {f: data[f] for f in fields if f in form.fields}
            try:
                services.change_intervention(
                    intervention, expected_version=data["version"], by=me, **changes
                )
            except StaleEdit:
                _record_conflict(me, case, "intervention")
                intervention.refresh_from_db()
                form, conflict = fresh(), True
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("De interventie is gewijzigd."))
                return redirect("cases:plan", case_uuid=case.uuid)
    else:
        form = fresh()
    status = 409 if conflict else _form_status(form)
    return _page(
        request,
        "cases/intervention_edit.html",
        case,
        {
            "form": form,
            "intervention": intervention,
            "conflict": _stale_message() if conflict else "",
            "domain_label": DOMAIN_LABELS.get(intervention.domain, intervention.domain),
        },
        status=status,
    )


# --- Stage, phase, tracks ---------------------------------------------------------------------


def _transition_choices(case: Case, dimension: Dimension) -> list[tuple[str, str]]:
    rows = _rows(case)
    current = case.stage if dimension == Dimension.STAGE else case.phase
    choices = []
    for t in services.allowed_transitions(case.framework_version, current):
        if dimension == Dimension.STAGE and t["to"] == services.STAGE_CLOSE:
            continue  # closing has its own form, with the aftercare period
        label = f"{_named(rows, t['to'])}. {_('Voorwaarde')}: {t.get('criteria', '')}"
        if _uncertain(t):
            label += " " + _("(onzeker, GK?: controleren)")
        choices.append((t["to"], label))
    return choices


def _transition(request: HttpRequest, case_uuid: uuid.UUID, dimension: Dimension) -> HttpResponse:
    me = request_user(request)
    case = _case(request, case_uuid, Action.MANAGE)
    choices = _transition_choices(case, dimension)
    conflict = False
    if request.method == "POST":
        form = TransitionForm(request.POST, choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            change = (
                services.change_stage if dimension == Dimension.STAGE else services.change_phase
            )
            try:
                change(
                    case,
                    to=data["to"],
                    reason=data["reason"],
                    expected_version=data["version"],
                    by=me,
                )
            except StaleEdit:
                _record_conflict(me, case, "case")
                case = selectors.get_case_for(me, case.uuid, Action.MANAGE, record_read=False)
                choices = _transition_choices(case, dimension)
                form = TransitionForm(choices=choices, initial={"version": case.version})
                conflict = True
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("De casus is bijgewerkt."))
                return redirect("cases:detail", case_uuid=case.uuid)
    else:
        form = TransitionForm(choices=choices, initial={"version": case.version})
    is_stage = dimension == Dimension.STAGE
    return _page(
        request,
        "cases/transition.html",
        case,
        {
            "form": form,
            "is_stage": is_stage,
            "title": _("Processtap wijzigen") if is_stage else _("Fase wijzigen"),
            "choices": choices,
            "is_open": case.status == CaseStatus.OPEN,
            "conflict": _stale_message() if conflict else "",
        },
        status=409 if conflict else _form_status(form),
    )


def stage(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Move the case to another process stage the framework allows."""
    return _transition(request, case_uuid, Dimension.STAGE)


def phase(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Record another phase the framework allows."""
    return _transition(request, case_uuid, Dimension.PHASE)


def _case_form(
    request: HttpRequest,
    case_uuid: uuid.UUID,
    *,
    make_form: Callable[[Any, Case], Any],
    apply: Callable[[Case, dict[str, Any], User], object],
    title: str,
    submit: str,
    done: str,
) -> HttpResponse:
    """Show and handle one versioned change of a case on the plain case form page.

    `make_form(data, case)` builds the form (unbound when `data` is None); `apply` calls the
    service. A stale version shows the current state again with the conflict message (409).
    """
    me = request_user(request)
    case = _case(request, case_uuid, Action.MANAGE)
    conflict = False
    form = make_form(request.POST if request.method == "POST" else None, case)
    if request.method == "POST" and form.is_valid():
        try:
            apply(case, form.cleaned_data, me)
        except StaleEdit:
            _record_conflict(me, case, "case")
            case = selectors.get_case_for(me, case.uuid, Action.MANAGE, record_read=False)
            form, conflict = make_form(None, case), True
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, done)
            return redirect("cases:detail", case_uuid=case.uuid)
    return _page(
        request,
        "cases/case_form.html",
        case,
        {
            "form": form,
            "title": title,
            "submit": submit,
            "conflict": _stale_message() if conflict else "",
        },
        status=409 if conflict else _form_status(form),
    )


def tracks(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Set the parallel tracks of the case."""

    def make_form(data: Any, case: Case) -> TracksForm:
        document = document_of(case.framework_version)
        choices = [(t["id"], f"{t['id']} {t['name']}") for t in document.get("tracks") or []]
        initial = {"tracks": case.tracks, "version": case.version}
        return TracksForm(data, choices=choices, initial=initial)

    return _case_form(
        request,
        case_uuid,
        make_form=make_form,
        apply=lambda case, data, me: services.set_tracks(
            case,
            tracks=data["tracks"],
            reason=data["reason"],
            expected_version=data["version"],
            by=me,
        ),
        title=_("Sporen wijzigen"),
        submit=_("Sporen opslaan"),
        done=_("De sporen zijn gewijzigd."),
    )


# --- Team -------------------------------------------------------------------------------------


def team(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Show the team and add a member (for whoever manages the case)."""
    me = request_user(request)
    case = _case(request, case_uuid, Action.MANAGE)
    candidates = {str(u.uuid): u for u in services.candidate_members(case)}
    options = [(key, f"{u.full_name} ({u.organisation.name})") for key, u in candidates.items()]
    if request.method == "POST":
        form = MemberForm(request.POST, candidates=options)
        if form.is_valid():
            try:
                services.add_member(
                    case,
                    user=candidates[form.cleaned_data["user"]],
                    task=form.cleaned_data["task"],
                    by=me,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("Het teamlid is toegevoegd."))
                return redirect("cases:team", case_uuid=case.uuid)
    else:
        form = MemberForm(candidates=options)
    return _page(
        request,
        "cases/team.html",
        case,
        {"form": form, "team": selectors.team_of(case)},
        status=_form_status(form),
    )


def team_remove(request: HttpRequest, case_uuid: uuid.UUID, user_uuid: uuid.UUID) -> HttpResponse:
    """Ask to confirm, then take a member off the team; their access ends at once."""
    me = request_user(request)
    case = _case(request, case_uuid, Action.MANAGE)
    member = next((m for m in selectors.team_of(case) if m.user.uuid == user_uuid), None)
    if member is None:
        raise Denied("cases.casemember", str(user_uuid), exists=False)
    error = ""
    if request.method == "POST":
        try:
            services.remove_member(case, user=member.user, by=me)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Het teamlid is uit het team gehaald."))
            return redirect("cases:team", case_uuid=case.uuid)
    return _page(
        request,
        "cases/team_remove.html",
        case,
        {"member": member, "error": error},
        status=400 if error else 200,
    )


# --- Closing and reopening --------------------------------------------------------------------


def close(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Close the case, with an optional aftercare period."""
    return _case_form(
        request,
        case_uuid,
        make_form=lambda data, case: CloseForm(data, initial={"version": case.version}),
        apply=lambda case, data, me: services.close_case(
            case,
            reason=data["reason"],
            aftercare_until=data["aftercare_until"],
            expected_version=data["version"],
            by=me,
        ),
        title=_("Casus sluiten"),
        submit=_("Casus sluiten"),
        done=_("De casus is gesloten."),
    )


def reopen(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Reopen a closed case (back to the plan stage)."""
    return _case_form(
        request,
        case_uuid,
        make_form=lambda data, case: ReasonForm(data, initial={"version": case.version}),
        apply=lambda case, data, me: services.reopen_case(
            case, reason=data["reason"], expected_version=data["version"], by=me
        ),
        title=_("Casus heropenen"),
        submit=_("Casus heropenen"),
        done=_("De casus is heropend."),
    )


# --- Transfers --------------------------------------------------------------------------------


def transfer_request(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Ask another municipality to take over the case."""
    me = request_user(request)
    case = _case(request, case_uuid, Action.MANAGE)
    municipalities = {str(o.uuid): o for o in selectors.other_municipalities(case)}
    options = [(key, o.name) for key, o in municipalities.items()]
    if request.method == "POST":
        form = TransferRequestForm(request.POST, municipalities=options)
        if form.is_valid():
            try:
                services.request_transfer(
                    case,
                    to_municipality=municipalities[form.cleaned_data["to_municipality"]],
                    reason=form.cleaned_data["reason"],
                    by=me,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("De overdracht is aangevraagd. De andere gemeente beslist erover."),
                )
                return redirect("cases:detail", case_uuid=case.uuid)
    else:
        form = TransferRequestForm(municipalities=options)
    return _page(
        request,
        "cases/case_form.html",
        case,
        {
            "form": form,
            "title": _("Casus overdragen aan een andere gemeente"),
            "submit": _("Overdracht aanvragen"),
            "intro": _(
                "Gebruik dit als de persoon naar een andere gemeente is verhuisd. Na "
                "acceptatie hoort de casus bij die gemeente; u houdt alleen een verwijzing."
            ),
        },
        status=_form_status(form),
    )


@require_POST
def transfer_cancel(
    request: HttpRequest, case_uuid: uuid.UUID, transfer_uuid: uuid.UUID
) -> HttpResponse:
    """Withdraw a pending transfer request."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, Action.MANAGE, record_read=False)
    transfer = selectors.get_transfer_for(me, transfer_uuid)
    if transfer.case_id != case.pk:
        raise Denied("cases.transfer", str(transfer_uuid), exists=True)
    try:
        services.cancel_transfer(transfer, by=me)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De overdracht is ingetrokken."))
    return redirect("cases:detail", case_uuid=case.uuid)


@require_safe
def transfers(request: HttpRequest) -> HttpResponse:
    """Show incoming transfer requests and the stubs of cases this municipality handed over."""
    me = request_user(request)
    incoming = list(selectors.incoming_transfers(me))
    stubs = list(selectors.transfer_stubs(me))
    selectors.record_list_read(me, len(incoming) + len(stubs), page="transfers")
    return render(request, "cases/transfers.html", {"incoming": incoming, "stubs": stubs})


def transfer_accept(request: HttpRequest, transfer_uuid: uuid.UUID) -> HttpResponse:
    """Take over a case: choose the case director who will run it here."""
    me = request_user(request)
    transfer = selectors.get_transfer_for(me, transfer_uuid, Action.MANAGE)
    directors = {str(u.uuid): u for u in selectors.case_directors_of(me.organisation)}
    options = [(key, u.full_name) for key, u in directors.items()]
    if request.method == "POST":
        form = AcceptTransferForm(request.POST, directors=options)
        if form.is_valid():
            try:
                case = services.accept_transfer(
                    transfer,
                    case_director=directors[form.cleaned_data["case_director"]],
                    reason=form.cleaned_data["reason"],
                    by=me,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("U heeft de casus overgenomen."))
                return redirect("cases:detail", case_uuid=case.uuid)
    else:
        form = AcceptTransferForm(directors=options, initial={"case_director": str(me.uuid)})
    return _transfer_page(request, transfer, form, accept=True)


def transfer_decline(request: HttpRequest, transfer_uuid: uuid.UUID) -> HttpResponse:
    """Decline a transfer request, with the reason."""
    me = request_user(request)
    transfer = selectors.get_transfer_for(me, transfer_uuid, Action.MANAGE)
    if request.method == "POST":
        form = DeclineTransferForm(request.POST)
        if form.is_valid():
            try:
                services.decline_transfer(transfer, reason=form.cleaned_data["reason"], by=me)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("De overdracht is afgewezen."))
                return redirect("cases:transfers")
    else:
        form = DeclineTransferForm()
    return _transfer_page(request, transfer, form, accept=False)


def _transfer_page(request: HttpRequest, transfer: Any, form: Any, *, accept: bool) -> HttpResponse:
    if transfer.status != TransferStatus.REQUESTED:
        raise Denied("cases.transfer", str(transfer.uuid), exists=True)
    if request.method == "GET":
        selectors.record_list_read(request_user(request), 1, page="transfer", obj=transfer)
    return render(
        request,
        "cases/transfer_decide.html",
        {"transfer": transfer, "form": form, "accept": accept},
        status=_form_status(form),
    )
