"""Exports: the case file as PDF and the case list as CSV."""

from __future__ import annotations

import re
import secrets
import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors
from samenspel.cases.forms import CaseFilterForm
from samenspel.cases.models import CaseStatus
from samenspel.cases.views._common import _framework, _named
from samenspel.cases.views.detail import _balance_rows, _history_steps
from samenspel.frameworks.pdf import render_pdf
from samenspel.lib.spreadsheet import csv_lines
from samenspel.measures import selectors as measure_selectors

# --- Exports ----------------------------------------------------------------------------------
# An export takes case data out of Samenspel: it reads through the same policy as the pages
# (a case the user may not see is a 404) and is audited as an export. The PDF prints who made
# it, when and an export number on every page; its audit record holds the same number, so a
# copy can be traced.


@require_safe
def case_pdf(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Return the case file as a tagged PDF: person, stage, plan with balance, the information
    the user reads, measures, team, history.

    Everything comes through the same selectors as the pages: the information items the user
    reads by their compartment (the read is audited as on the page; a file is named, never
    printed), and the care lines the user may not read as a count only.
    """
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, record_read=False)
    framework = _framework(case)
    plan = selectors.plan_of(me, case)
    # The balance counts every line the user knows exists, care they may not read included.
    balance, balance_rows = _balance_rows(selectors.plan_balance(me, case))
    information = selectors.information_of(me, case)
    # The export is recorded once the PDF exists; the export number ties the PDF to its record.
    export_id = secrets.token_hex(6)
    measures = measure_selectors.measures_for_export(me, case, export=export_id)
    html = render_to_string(
        "cases/case_pdf.html",
        {
            "case": case,
            "stage_name": _named(framework, case.stage),
            "phase_name": _named(framework, case.phase),
            "tracks": [_named(framework, t) for t in case.tracks],
            "plan": plan,
            "hidden_plan": selectors.hidden_plan_count(me, case),
            "information": information,
            "balance": balance,
            "balance_rows": balance_rows,
            "team": selectors.team_of(me, case),
            "steps": _history_steps(me, case, record_read=False),
            "transfers": selectors.transfers_of(me, case),
            "measures": measures,
            "made_by": me,
            "made_at": timezone.now(),
            "export_id": export_id,
        },
        request=request,
    )
    pdf = render_pdf(html, base_url=request.build_absolute_uri("/"))
    selectors.record_case_export(me, case, format="pdf", export=export_id)
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
    selectors.record_list_export(me, count=count, status=status, format="csv")

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
