"""Capacity request pages: the list, the request form, the answer of the desk, the statistics."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from samenspel.accounts.selectors import request_user
from samenspel.consultations import selectors, services
from samenspel.consultations.forms.capacity import (
    AcceptCapacityForm,
    CapacityRequestForm,
    DeclineCapacityForm,
    OtherDateForm,
    StatisticsFilterForm,
)
from samenspel.consultations.models import CapacityRequest, CapacityStatus
from samenspel.lib.errors import DecisionConflict
from samenspel.lib.spreadsheet import csv_lines
from samenspel.sharing.policy import Action, Denied, allowed

# --- List and request --------------------------------------------------------------------------


def _when(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


def _overdue(row: CapacityRequest, today: Any) -> bool:
    """An open request is overdue once escalated or past the date it was needed."""
    return row.status == CapacityStatus.REQUESTED and (
        row.escalated_at is not None or row.needed_by < today
    )


@require_safe
def capacity_list(request: HttpRequest) -> HttpResponse:
    """Show the requests the user's organisation asked and, for a desk, received."""
    me = request_user(request)
    rows = selectors.capacity_list(me)
    today = timezone.localdate()
    entries = [(r, _overdue(r, today)) for r in rows]
    received = [
        {"request": r, "overdue": late}
        for r, late in entries
        if r.addressed_id == me.organisation_id
    ]
    asked = [
        {"request": r, "overdue": late}
        for r, late in entries
        if r.addressed_id != me.organisation_id
    ]
    return render(
        request,
        "consultations/capacity_list.html",
        {
            "received": received,
            "asked": asked,
            "may_request": bool(selectors.capacity_municipalities(me)),
            "may_see_statistics": allowed(me, "capacity.statistics"),
        },
    )


def capacity_create(request: HttpRequest) -> HttpResponse:
    """Ask the NCTV, the OM or the police for capacity."""
    me = request_user(request)
    municipalities = {str(o.uuid): o for o in selectors.capacity_municipalities(me)}
    if not municipalities:
        raise Denied("consultations.capacityrequest", "", exists=False)
    partners = {str(o.uuid): o for o in selectors.capacity_partners()}
    meetings = {str(m.uuid): m for m in selectors.capacity_meetings(me)}
    options = {
        "municipalities": [(k, o.name) for k, o in municipalities.items()],
        "partners": [(k, o.name) for k, o in partners.items()],
        "meetings": [(k, f"{m.series.name}, {_when(m.starts_at)}") for k, m in meetings.items()],
    }
    if request.method == "POST":
        form = CapacityRequestForm(request.POST, **options)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = services.request_capacity(
                    municipalities[data["municipality"]],
                    addressed=partners[data["addressed"]],
                    kind=data["kind"],
                    urgency=data["urgency"],
                    needed_by=data["needed_by"],
                    question=data["question"],
                    meeting=meetings.get(data["meeting"] or ""),
                    submission_key=data["submission_key"] or "",
                    by=me,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request, _("Uw verzoek is verstuurd. U krijgt bericht als er antwoord is.")
                )
                return redirect("consultations:capacity_detail", request_uuid=created.uuid)
    else:
        selectors.record_capacity_form_read(me)
        initial: dict[str, Any] = {"submission_key": uuid.uuid4().hex}
        if len(municipalities) == 1:
            initial["municipality"] = next(iter(municipalities))
        form = CapacityRequestForm(initial=initial, **options)
    return render(
        request,
        "consultations/capacity_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


# --- One request and its answer ----------------------------------------------------------------


def _detail(
    request: HttpRequest,
    capacity: CapacityRequest,
    *,
    status: int = 200,
    conflict: str = "",
    **forms: Any,
) -> HttpResponse:
    me = request_user(request)
    open_ = capacity.status == CapacityStatus.REQUESTED
    may_answer = open_ and allowed(me, "capacity.answer", on=capacity)
    context: dict[str, Any] = {
        "capacity": capacity,
        "overdue": _overdue(capacity, timezone.localdate()),
        "may_answer": may_answer,
        "may_withdraw": open_ and allowed(me, "capacity.withdraw", on=capacity),
        "conflict": conflict,
    }
    if may_answer:
        people = [(str(u.uuid), u.full_name) for u in selectors.capacity_assignees(capacity)]
        context["accept_form"] = forms.get("accept_form") or AcceptCapacityForm(people=people)
        context["other_form"] = forms.get("other_form") or OtherDateForm()
        context["decline_form"] = forms.get("decline_form") or DeclineCapacityForm()
    return render(request, "consultations/capacity_detail.html", context, status=status)


@require_safe
def capacity_detail(request: HttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    """Show one request; the desk answers it here, the requester may withdraw it."""
    capacity = selectors.get_capacity_request_for(request_user(request), request_uuid)
    return _detail(request, capacity)


def _answered_meanwhile(request: HttpRequest, capacity: CapacityRequest) -> HttpResponse:
    """Answer a decision that lost the race: say so, change nothing, record the conflict."""
    me = request_user(request)
    services.record_capacity_conflict(capacity, by=me)
    fresh = selectors.get_capacity_request_for(me, capacity.uuid, record_read=False)
    return _detail(
        request,
        fresh,
        status=409,
        conflict=_("Dit verzoek is al beantwoord of ingetrokken. Er is niets gewijzigd."),
    )


def _for_answer(request: HttpRequest, request_uuid: uuid.UUID) -> CapacityRequest:
    return selectors.get_capacity_request_for(
        request_user(request), request_uuid, Action.MANAGE, record_read=False
    )


@require_POST
def capacity_accept(request: HttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    """Accept the request and name who comes or delivers."""
    me = request_user(request)
    capacity = _for_answer(request, request_uuid)
    people = {str(u.uuid): u for u in selectors.capacity_assignees(capacity)}
    form = AcceptCapacityForm(request.POST, people=[(k, u.full_name) for k, u in people.items()])
    if form.is_valid():
        try:
            services.accept_capacity_request(
                capacity,
                assignee=people[form.cleaned_data["assignee"]],
                answer=form.cleaned_data["accept_note"],
                by=me,
            )
        except DecisionConflict:
            return _answered_meanwhile(request, capacity)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("U heeft het verzoek toegezegd. De aanvrager krijgt bericht.")
            )
            return redirect("consultations:capacity_detail", request_uuid=capacity.uuid)
    return _detail(request, capacity, status=400, accept_form=form)


@require_POST
def capacity_other_date(request: HttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    """Propose another date."""
    me = request_user(request)
    capacity = _for_answer(request, request_uuid)
    form = OtherDateForm(request.POST)
    if form.is_valid():
        try:
            services.propose_capacity_date(
                capacity,
                proposed_date=form.cleaned_data["proposed_date"],
                answer=form.cleaned_data["other_note"],
                by=me,
            )
        except DecisionConflict:
            return _answered_meanwhile(request, capacity)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("U heeft een andere datum voorgesteld."))
            return redirect("consultations:capacity_detail", request_uuid=capacity.uuid)
    return _detail(request, capacity, status=400, other_form=form)


@require_POST
def capacity_decline(request: HttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    """Decline the request, with the reason."""
    me = request_user(request)
    capacity = _for_answer(request, request_uuid)
    form = DeclineCapacityForm(request.POST)
    if form.is_valid():
        try:
            services.decline_capacity_request(capacity, reason=form.cleaned_data["reason"], by=me)
        except DecisionConflict:
            return _answered_meanwhile(request, capacity)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("U heeft het verzoek afgewezen."))
            return redirect("consultations:capacity_detail", request_uuid=capacity.uuid)
    return _detail(request, capacity, status=400, decline_form=form)


@require_POST
def capacity_withdraw(request: HttpRequest, request_uuid: uuid.UUID) -> HttpResponse:
    """Withdraw a request that is not yet answered."""
    me = request_user(request)
    capacity = selectors.get_capacity_request_for(me, request_uuid, record_read=False)
    try:
        services.withdraw_capacity_request(capacity, by=me)
    except DecisionConflict:
        return _answered_meanwhile(request, capacity)
    messages.success(request, _("Uw verzoek is ingetrokken."))
    return redirect("consultations:capacity_detail", request_uuid=capacity.uuid)


# --- Statistics --------------------------------------------------------------------------------


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    groups: list[tuple[str, list[float | None]]],
    series: list[str],
    unit: str,
) -> SafeString:
    """Return a grouped horizontal bar chart as inline SVG, with its title and description.

    Each group (a partner) has one bar per series (priority, other municipalities). Each bar
    carries its value as text, and the series differ by pattern as well as colour, so the
    chart reads without colour; the data table beside it holds the same figures.
    """
    # Each partner's name stands on its own line above its bars, so a long name never runs
    # into a bar (the bars start at the left edge, under the name).
    label_width, bar_area, bar_height, gap = 0, 480, 18, 14
    styles = (("#01689b", ""), ("#e17000", f"url(#{chart_id}-hatch)"))
    peak = max((v for _label, values in groups for v in values if v is not None), default=0.0)
    scale = bar_area / peak if peak else 0.0
    rows: list[SafeString] = []
    y = 30
    for label, values in groups:
        rows.append(
            format_html(
                '<text x="0" y="{}" font-size="13" font-weight="bold" '
                'dominant-baseline="middle">{}</text>',
                y + 9,
                label,
            )
        )
        y += 22
        for i, value in enumerate(values):
            colour, pattern = styles[i % len(styles)]
            width = round((value or 0) * scale, 1)
            text = (
                _("geen antwoord") if value is None else f"{formats.number_format(value, 1)} {unit}"
            )
            rows.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>{}'
                    '<text x="{}" y="{}" font-size="12" dominant-baseline="middle">{}</text>',
                    label_width,
                    y,
                    width,
                    bar_height,
                    colour,
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                        label_width,
                        y,
                        width,
                        bar_height,
                        pattern,
                    )
                    if pattern
                    else "",
                    label_width + width + 6,
                    y + bar_height / 2,
                    text,
                )
            )
            y += bar_height
        y += gap
    legend = format_html_join(
        "",
        '<rect x="{}" y="4" width="14" height="14" fill="{}"/>'
        '<text x="{}" y="11" font-size="12" dominant-baseline="middle">{}</text>',
        (
            (label_width + i * 180, styles[i][0], label_width + i * 180 + 20, name)
            for i, name in enumerate(series)
        ),
    )
    height = max(y, 60)
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {} {}" '
        'aria-labelledby="{}-title {}-desc" class="ss-chart">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>'
        '<defs><pattern id="{}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="2" height="6" fill="#ffffff" '
        'fill-opacity="0.6"/></pattern></defs>{}{}</svg>',
        label_width + bar_area + 120,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        chart_id,
        legend,
        SafeString("".join(rows)),
    )


def _statistics(request: HttpRequest, *, export: str = "") -> tuple[Any, StatisticsFilterForm]:
    me = request_user(request)
    form = StatisticsFilterForm(request.GET or None)
    start, end = form.period(timezone.localdate())
    figures = selectors.capacity_statistics(me, start=start, end=end, export=export)
    return figures, form


@require_safe
def capacity_statistics(request: HttpRequest) -> HttpResponse:
    """Show how the national partners answered, priority and other municipalities side by side."""
    figures, form = _statistics(request)
    series = [_("prioriteitsgemeenten"), _("andere gemeenten")]
    median = bar_chart(
        chart_id="capacity-median",
        title=_("Mediane tijd tot antwoord per partner, in uren"),
        description=_(
            "Per partner twee balken: voor prioriteitsgemeenten en voor andere gemeenten. "
            "De tabel hieronder geeft dezelfde cijfers."
        ),
        groups=[
            (p.name, [p.priority.median_hours, p.other.median_hours]) for p in figures.partners
        ],
        series=series,
        unit=_("uur"),
    )
    return render(
        request,
        "consultations/capacity_statistics.html",
        {
            "figures": figures,
            "form": form,
            "chart": median,
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


CSV_COLUMNS = (
    "groep",
    "naam",
    "gemeenten",
    "verzoeken",
    "ingetrokken",
    "toegezegd",
    "aandeel toegezegd (%)",
    "beantwoord",
    "mediaan uren tot antwoord",
    "p90 uren tot antwoord",
)


@require_safe
def capacity_statistics_csv(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Return the statistics as CSV (semicolons and a BOM, as Dutch Excel expects)."""
    form = StatisticsFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("De periode is niet goed ingevuld. Er is niets geëxporteerd."))
        return redirect("consultations:capacity_statistics")
    figures, _form = _statistics(request, export="csv")

    def line(group: str, name: str, side: str, f: Any) -> tuple[object, ...]:
        return (
            group,
            name,
            side,
            f.requests,
            f.withdrawn,
            f.accepted,
            "" if f.accepted_share is None else f.accepted_share,
            f.answered,
            "" if f.median_hours is None else f.median_hours,
            "" if f.p90_hours is None else f.p90_hours,
        )

    priority, other, total = _("prioriteit"), _("andere"), _("alle")
    rows: list[tuple[object, ...]] = []
    for p in figures.partners:
        rows += [
            line(_("partner"), p.name, priority, p.priority),
            line(_("partner"), p.name, other, p.other),
            line(_("partner"), p.name, total, p.total),
        ]
    for m in figures.municipalities:
        rows.append(line(_("gemeente"), m.name, priority if m.priority else other, m.figures))
    rows += [
        line(_("totaal"), "", priority, figures.priority),
        line(_("totaal"), "", other, figures.other),
        line(_("totaal"), "", total, figures.total),
    ]
    response = StreamingHttpResponse(
        csv_lines(CSV_COLUMNS, rows, delimiter=";", bom=True),
        content_type="text/csv; charset=utf-8",
    )
    name = f"capaciteitsverzoeken-{figures.start:%Y%m%d}-{figures.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


__all__ = [
    "bar_chart",
    "capacity_accept",
    "capacity_create",
    "capacity_decline",
    "capacity_detail",
    "capacity_list",
    "capacity_other_date",
    "capacity_statistics",
    "capacity_statistics_csv",
    "capacity_withdraw",
]
