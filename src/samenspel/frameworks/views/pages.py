"""The reference pages: overview, who does what, actors, stages, measures, routing, search."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from samenspel.accounts import selectors as account_selectors
from samenspel.accounts.models import OrganisationType
from samenspel.accounts.selectors import request_user
from samenspel.frameworks import selectors
from samenspel.frameworks.schema import (
    FLAG_NAMES,
    MEASURE_DOMAINS,
    NO_ROLE,
    SECTIONS,
    count_uncertain,
)
from samenspel.frameworks.views.common import (
    DOMAIN_LABELS,
    FLAG_TEXTS,
    RACI_LETTERS,
    SECTION_TITLES,
    Frame,
    course_context,
    flow_out,
    get_frame,
    marked,
    measure_summary,
    organisation_type_for,
    organisation_type_label,
    raci_role,
    refs,
    render_empty,
    render_page,
    require_frame,
    row_url,
    term_text,
)
from samenspel.lib.forms import UtrechtForm


@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    """Show the version in force: its validity, what it holds and where to read on."""
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    doc = frame.doc
    counts = [
        {"section": s.name, "title": SECTION_TITLES[s.name], "count": len(doc.get(s.name) or [])}
        for s in SECTIONS
    ]
    return render_page(
        request,
        "frameworks/overview.html",
        frame,
        {
            "description": (doc.get("framework") or {}).get("description", ""),
            "counts": counts,
            "uncertain_count": count_uncertain(doc),
            "stages": frame.ordered("stages"),
            "phases": frame.ordered("phases"),
        },
    )


@require_safe
def raci(request: HttpRequest) -> HttpResponse:
    """Show the RACI matrix: stages as rows, actors as columns."""
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    actors = frame.rows("actors")
    cells = {(c["stage"], c["actor"]): c for c in frame.rows("raci")}
    stages = frame.ordered("stages")
    matrix: list[dict[str, Any]] = []
    for stage in stages:
        row = [
            {"actor": actor, **raci_role(cells.get((stage["id"], actor["id"])))} for actor in actors
        ]
        matrix.append({"stage": stage, "cells": row})
    context: dict[str, Any] = {
        "actors": actors,
        "matrix": matrix,
        "stages": stages,
        "legend": RACI_LETTERS,
        "no_role": NO_ROLE,
    }
    # One stage at a time fits a laptop screen: who has a role, grouped, and who has none.
    chosen = next((r for r in matrix if r["stage"]["id"] == request.GET.get("stap")), None)
    if chosen is not None:
        context["row"] = chosen
        context["with_role"] = [c for c in chosen["cells"] if c["has_role"]]
        context["without_role"] = [c["actor"] for c in chosen["cells"] if not c["has_role"]]
        return render_page(request, "frameworks/raci_stage.html", frame, context)
    return render_page(request, "frameworks/raci.html", frame, context)


@require_safe
def raci_cell(request: HttpRequest, stage_id: str, actor_id: str) -> HttpResponse:
    """Show what one actor does in one stage, what it does not do, why and when."""
    me = request_user(request)
    frame = require_frame(request, me, "stages", stage_id)
    stage_row = selectors.get_row_for(me, frame.version, "stages", stage_id)
    actor_row = selectors.get_row_for(me, frame.version, "actors", actor_id)
    stage, actor = marked(stage_row.data), marked(actor_row.data)
    cell = next(
        (c for c in frame.rows("raci") if c["stage"] == stage_id and c["actor"] == actor_id),
        None,
    )
    domains = frame.index("legal_domains")
    decides = [
        measure_summary(m, frame)
        for m in frame.rows("measures")
        if stage_id in (m.get("stages") or []) and actor_id in m["decision_role"]["actors"]
    ]
    executes = [
        measure_summary(m, frame)
        for m in frame.rows("measures")
        if stage_id in (m.get("stages") or [])
        and actor_id in (m.get("executors") or [])
        and actor_id not in m["decision_role"]["actors"]
    ]
    return render_page(
        request,
        "frameworks/raci_cell.html",
        frame,
        {
            "stage": stage,
            "actor": actor,
            "role": raci_role(cell),
            "legal_domains": refs(actor.get("legal_domains") or [], domains),
            "decides": decides,
            "executes": executes,
        },
    )


@require_safe
def actor_list(request: HttpRequest) -> HttpResponse:
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    actors = [
        {**a, "type_label": organisation_type_label(a.get("organisation_type", ""))}
        for a in frame.rows("actors")
    ]
    return render_page(request, "frameworks/actor_list.html", frame, {"actors": actors})


@require_safe
def actor_detail(request: HttpRequest, actor_id: str) -> HttpResponse:
    """Show one actor: its role, tasks, limits, legal domains, RACI column and measures."""
    me = request_user(request)
    frame = require_frame(request, me, "actors", actor_id)
    actor = marked(selectors.get_row_for(me, frame.version, "actors", actor_id).data)
    actors = frame.index("actors")
    cells = {c["stage"]: c for c in frame.rows("raci") if c["actor"] == actor_id}
    column = [
        {"stage": stage, **raci_role(cells.get(stage["id"]))} for stage in frame.ordered("stages")
    ]
    measures = frame.rows("measures")
    flows = [
        flow_out(f, actors)
        for f in frame.rows("flows")
        if actor_id in f["from"] or actor_id in f["to"]
    ]
    return render_page(
        request,
        "frameworks/actor_detail.html",
        frame,
        {
            "actor": actor,
            "type_label": organisation_type_label(actor.get("organisation_type", "")),
            "legal_domains": refs(actor.get("legal_domains") or [], frame.index("legal_domains")),
            "column": column,
            "decides": [
                measure_summary(m, frame)
                for m in measures
                if actor_id in m["decision_role"]["actors"]
            ],
            "executes": [
                measure_summary(m, frame)
                for m in measures
                if actor_id in (m.get("executors") or [])
                and actor_id not in m["decision_role"]["actors"]
            ],
            "flows": flows,
            "tracks": [t for t in frame.rows("tracks") if actor_id in (t.get("lead_actors") or [])],
        },
    )


@require_safe
def scope_list(request: HttpRequest) -> HttpResponse:
    """List the stages of the process, the phases of radicalisation and their tracks."""
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    actors = frame.index("actors")
    tracks = [
        {**t, "leads": refs(t.get("lead_actors") or [], actors)} for t in frame.rows("tracks")
    ]
    return render_page(
        request,
        "frameworks/scope_list.html",
        frame,
        {"stages": frame.ordered("stages"), "phases": frame.ordered("phases"), "tracks": tracks},
    )


@require_safe
def scope_detail(request: HttpRequest, scope_id: str) -> HttpResponse:
    """Show a stage or phase: entry, exit, transitions, tracks, measures, RACI and the course."""
    me = request_user(request)
    frame = require_frame(request, me, "stages", scope_id)
    section = "phases" if scope_id.startswith("PH-") else "stages"
    scope = marked(selectors.get_row_for(me, frame.version, section, scope_id).data)
    names = {**frame.index("stages"), **frame.index("phases")}
    actors = frame.index("actors")
    transitions = frame.rows("transitions")
    raci_column = []
    if section == "stages":
        cells = {c["actor"]: c for c in frame.rows("raci") if c["stage"] == scope_id}
        roles = [(actor, raci_role(cells.get(actor["id"]))) for actor in frame.rows("actors")]
        raci_column = [{"actor": actor, **role} for actor, role in roles if role["has_role"]]
    organisation_type, form = organisation_type_for(request, me)
    return render_page(
        request,
        "frameworks/scope_detail.html",
        frame,
        {
            "scope": scope,
            "is_stage": section == "stages",
            "outgoing": [
                {**t, "target": refs([t["to"]], names)[0]}
                for t in transitions
                if t["from"] == scope_id
            ],
            "incoming": [
                {**t, "source": refs([t["from"]], names)[0]}
                for t in transitions
                if t["to"] == scope_id
            ],
            "tracks": [
                {**t, "leads": refs(t.get("lead_actors") or [], actors)}
                for t in frame.rows("tracks")
                if t["id"] in (scope.get("tracks") or [])
            ],
            "measures": [
                measure_summary(m, frame)
                for m in frame.rows("measures")
                if scope_id in (m.get("stages") or []) or scope_id in (m.get("phases") or [])
            ],
            "raci_column": raci_column,
            "course": course_context(frame, scope_id, organisation_type),
            "form": form,
        },
    )


@require_safe
def domain_list(request: HttpRequest) -> HttpResponse:
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    actors = frame.index("actors")
    domains = [
        {**d, "authorities": refs(d["competent_authorities"], actors)}
        for d in frame.rows("legal_domains")
    ]
    return render_page(request, "frameworks/domain_list.html", frame, {"domains": domains})


@require_safe
def domain_detail(request: HttpRequest, domain_id: str) -> HttpResponse:
    """Show a legal domain: its purpose, competent authorities, review route and measures."""
    me = request_user(request)
    frame = require_frame(request, me, "legal_domains", domain_id)
    domain = marked(selectors.get_row_for(me, frame.version, "legal_domains", domain_id).data)
    actors = frame.index("actors")
    return render_page(
        request,
        "frameworks/domain_detail.html",
        frame,
        {
            "domain": domain,
            "authorities": refs(domain["competent_authorities"], actors),
            "objection_term": term_text(domain.get("objection_term")),
            "measures": [
                measure_summary(m, frame)
                for m in frame.rows("measures")
                if m["legal_domain"] == domain_id
            ],
            "actors": [
                a for a in frame.rows("actors") if domain_id in (a.get("legal_domains") or [])
            ],
        },
    )


class MeasureFilterForm(UtrechtForm):
    domein = forms.ChoiceField(label=gettext_lazy("Soort maatregel"), required=False)
    fase = forms.ChoiceField(label=gettext_lazy("Fase of processtap"), required=False)

    def __init__(self, *args: Any, frame: Frame, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        domain = cast(forms.ChoiceField, self.fields["domein"])
        scope = cast(forms.ChoiceField, self.fields["fase"])
        domain.choices = [("", _("Alle soorten"))] + [
            (d, str(DOMAIN_LABELS[d]).capitalize()) for d in MEASURE_DOMAINS
        ]
        phases = [(p["id"], p["name"]) for p in frame.ordered("phases")]
        stages = [(s["id"], s["name"]) for s in frame.ordered("stages")]
        scope.choices = [
            ("", _("Alle fasen en stappen")),
            (_("Fasen van radicalisering"), phases),
            (_("Processtappen"), stages),
        ]


@require_safe
def measure_list(request: HttpRequest) -> HttpResponse:
    """List the measures, to filter by prevention, care or repression and by phase."""
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    data = request.GET.copy()
    data.pop("versie", None)
    form = MeasureFilterForm(data or None, frame=frame)
    domain = scope = ""
    if form.is_bound and form.is_valid():
        domain, scope = form.cleaned_data["domein"], form.cleaned_data["fase"]
    measures = [
        measure_summary(m, frame)
        for m in frame.rows("measures")
        if (not domain or domain in m["domains"])
        and (not scope or scope in (m.get("phases") or []) or scope in (m.get("stages") or []))
    ]
    return render_page(
        request,
        "frameworks/measure_list.html",
        frame,
        {
            "form": form,
            "measures": measures,
            "filtered": bool(domain or scope),
            "total": len(frame.doc.get("measures") or []),
        },
        status=400 if form.errors else 200,
    )


@require_safe
def measure_detail(request: HttpRequest, measure_id: str) -> HttpResponse:
    """Show a measure: who decides, who executes, legal basis, flags, term and extension."""
    me = request_user(request)
    frame = require_frame(request, me, "measures", measure_id)
    measure = marked(selectors.get_row_for(me, frame.version, "measures", measure_id).data)
    actors = frame.index("actors")
    names = {**frame.index("phases"), **frame.index("stages")}
    flags = measure.get("flags") or {}
    return render_page(
        request,
        "frameworks/measure_detail.html",
        frame,
        {
            "measure": measure,
            "domains": [DOMAIN_LABELS.get(d, d) for d in measure["domains"]],
            "deciders": refs(measure["decision_role"]["actors"], actors),
            "executors": refs(measure.get("executors") or [], actors),
            "legal_domain": refs([measure["legal_domain"]], frame.index("legal_domains"))[0],
            "phases": refs(measure.get("phases") or [], names),
            "stages": refs(measure.get("stages") or [], names),
            "flags": [FLAG_TEXTS[name] for name in FLAG_NAMES if flags.get(name)],
            "term": term_text(measure.get("max_term")),
        },
    )


@require_safe
def flow_list(request: HttpRequest) -> HttpResponse:
    """List which information goes from whom to whom, and on which legal ground."""
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    actors = frame.index("actors")
    flows = [flow_out(f, actors) for f in frame.rows("flows")]
    return render_page(request, "frameworks/flow_list.html", frame, {"flows": flows})


@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    """List the sources the framework rests on, and what the source tags mean."""
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    sources = [
        {**s, "href": s.get("url", "") if _is_web_address(s.get("url", "")) else ""}
        for s in frame.rows("sources")
    ]
    return render_page(request, "frameworks/source_list.html", frame, {"sources": sources})


def _is_web_address(value: str) -> bool:
    # Only http(s) links are clickable: a file's text must never become a javascript: link.
    return value.startswith(("https://", "http://"))


@require_safe
def retention_list(request: HttpRequest) -> HttpResponse:
    """List how long each kind of data is kept, and why."""
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    rows = [{**r, "term_text": term_text(r.get("term"))} for r in frame.rows("retention")]
    return render_page(request, "frameworks/retention_list.html", frame, {"rows": rows})


@require_safe
def routing(request: HttpRequest) -> HttpResponse:
    """Show where to go: acute routes first (112 first), then non-acute, then the own region."""
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    actors = frame.index("actors")
    routes = [
        {**r, "actor_refs": refs(r.get("actors") or [], actors)} for r in frame.rows("routes")
    ]
    acute = sorted(
        (r for r in routes if r["urgency"] == "acute"),
        key=lambda r: "112" not in f"{r['contact']} {r['route']}",
    )
    organisation = me.organisation
    region = organisation.region
    zvhs = (
        list(
            account_selectors.organisation_directory(me).filter(
                type=OrganisationType.ZVH, region=region
            )
        )
        if region
        else []
    )
    return render_page(
        request,
        "frameworks/routing.html",
        frame,
        {
            "acute": acute,
            "non_acute": [r for r in routes if r["urgency"] != "acute"],
            "organisation": organisation,
            "region": region,
            "zvhs": zvhs,
        },
    )


@require_safe
def search(request: HttpRequest) -> HttpResponse:
    """Search the whole framework; results are grouped by section."""
    me = request_user(request)
    frame = get_frame(request, me)
    if frame is None:
        return render_empty(request)
    query = request.GET.get("q", "").strip()[:200]
    rows = selectors.search(me, frame.version, query) if query else []
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row.section, []).append(
            {
                "key": row.key,
                "label": row.label,
                "uncertain": row.uncertain,
                "url": row_url(row.section, row.key, frame.query),
            }
        )
    ordered = [
        {"title": SECTION_TITLES[s.name], "rows": groups[s.name]}
        for s in SECTIONS
        if s.name in groups
    ]
    return render_page(
        request,
        "frameworks/search.html",
        frame,
        {"q": query, "groups": ordered, "count": len(rows)},
    )
