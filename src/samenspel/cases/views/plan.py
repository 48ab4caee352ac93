"""The plan editor: add and change interventions."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel.accounts.models import Organisation, OrganisationType, User
from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors, services
from samenspel.cases.balance import DOMAINS
from samenspel.cases.forms import InterventionAddForm, InterventionEditForm
from samenspel.cases.models import Case, CaseStatus, Intervention, InterventionDomain
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


def _consent_organisations(
    me: User, case: Case, intervention: Intervention | None = None
) -> dict[str, Organisation]:
    """Return the organisations a consent may name, by uuid: the case's municipality, the
    organisations on the team, the intervention's owner, and whom the consent names already."""
    named = list(intervention.consent_shared_with.all()) if intervention is not None else []
    candidates = [case.municipality, *(m.organisation for m in selectors.team_of(me, case))]
    if intervention is not None:
        candidates.append(intervention.owner)
    offered = [o for o in candidates if o.is_active and o.type != OrganisationType.AIVD] + named
    return {str(o.uuid): o for o in sorted(offered, key=lambda o: o.name)}


def _choices(organisations: dict[str, Organisation]) -> list[tuple[str, str]]:
    return [(key, o.name) for key, o in organisations.items()]


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
    me = request_user(request)
    if form is None:
        form = InterventionAddForm(
            measures=measures,
            owners=owners,
            organisations=_choices(_consent_organisations(me, case)),
            initial={"submission_key": uuid.uuid4().hex},
        )
    interventions = selectors.plan_of(me, case)
    _balance, balance_rows = _balance_rows(selectors.plan_balance(me, case))
    return _page(
        request,
        "cases/plan.html",
        case,
        {
            "form": form,
            "plan": interventions,
            "hidden_plan": selectors.hidden_plan_count(me, case),
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
    organisations = _consent_organisations(me, case)
    form = InterventionAddForm(
        request.POST,
        measures=measures,
        owners=[(key, o.name) for key, o in owners.items()],
        organisations=_choices(organisations),
    )
    if form.is_valid():
        data = form.cleaned_data
        measure, _slash, domain = data["measure"].partition("/")
        # The consent and its record only for a voluntary intervention.
        record = (
            {
                "consent": data["consent"],
                "consent_by": data["consent_by"],
                "consent_on": data["consent_on"],
                "consent_scope": data["consent_scope"],
                "consent_shared_with": [organisations[k] for k in data["consent_shared_with"]],
            }
            if measure in voluntary
            else {"consent": ""}
        )
        try:
            services.add_intervention(
                case,
                measure=measure,
                domain=domain,
                owner=owners[data["owner"]],
                goal=data["goal"],
                **record,
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
    """Change status, consent (with its record), dates, goal or outcome of an intervention."""
    me = request_user(request)
    case = _case(request, case_uuid, Action.EDIT)
    intervention = selectors.get_intervention_for(me, case, intervention_uuid, Action.EDIT)
    fields = (
        "status",
        "consent",
        "consent_by",
        "consent_on",
        "consent_scope",
        "goal",
        "start_date",
        "end_date",
        "review_date",
        "outcome",
    )
    organisations = _consent_organisations(me, case, intervention)
    offered = _choices(organisations)

    def fresh() -> InterventionEditForm:
        initial: dict[str, Any] = {f: getattr(intervention, f) for f in fields}
        initial["consent_shared_with"] = [
            str(o.uuid) for o in intervention.consent_shared_with.all()
        ]
        initial["version"] = intervention.version
        return InterventionEditForm(
            initial=initial, voluntary=intervention.voluntary, organisations=offered
        )

    conflict = False
    if request.method == "POST":
        form = InterventionEditForm(
            request.POST, voluntary=intervention.voluntary, organisations=offered
        )
        if form.is_valid():
            data = form.cleaned_data
            changes = {f: data[f] for f in fields if f in form.fields}
            if "consent_shared_with" in form.fields:
                changes["consent_shared_with"] = [
                    organisations[k] for k in data["consent_shared_with"]
                ]
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
