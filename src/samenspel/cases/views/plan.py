"""The plan editor: add and change interventions."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors, services
from samenspel.cases.balance import DOMAINS
from samenspel.cases.forms import InterventionAddForm, InterventionEditForm
from samenspel.cases.models import Case, CaseStatus, InterventionDomain
from samenspel.cases.views._common import (
    _case,
    _form_status,
    _page,
    _record_conflict,
    _stale_message,
)
from samenspel.cases.views.detail import _balance_rows
from samenspel.frameworks.selectors import framework_of
from samenspel.frameworks.views.common import DOMAIN_LABELS
from samenspel.lib.errors import StaleEdit
from samenspel.sharing.policy import Action, allowed

# --- Plan editor ------------------------------------------------------------------------------


def _measure_choices(case: Case) -> tuple[list[tuple[str, list[tuple[str, str]]]], set[str]]:
    """Return the measures of the case's framework grouped by domain, and the voluntary ones."""
    measures = framework_of(case.framework_version).measures
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    voluntary = {m.id for m in measures if m.flags.voluntary}
    for domain in DOMAINS:
        options = []
        for m in measures:
            if domain in m.domains:
                label = m.label
                if m.id in voluntary:
                    label += " " + _("(vrijwillig)")
                options.append((f"{m.id}/{domain}", label))
        groups.append((str(InterventionDomain(domain).label).capitalize(), options))
    return groups, voluntary


@require_safe
def plan(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Show the plan editor: the plan and the form to add an intervention."""
    case = _case(request, case_uuid)  # whoever sees the case reads its plan (web and API)
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
    me = request_user(request)
    interventions = selectors.plan_of(me, case)
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
            "can_edit": allowed(me, "case.edit_plan", on=case),
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
