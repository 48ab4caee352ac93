"""Pages for the privacy officer: browse, filter and export the audit log."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from samenspel.accounts import selectors as accounts_selectors
from samenspel.accounts.models import Role, User
from samenspel.accounts.selectors import request_user as _me
from samenspel.audit.forms import AuditFilterForm
from samenspel.lib.spreadsheet import csv_lines
from samenspel.sharing import selectors as sharing_selectors
from samenspel.sharing.policy import Denied, allowed

# --- Audit log ----------------------------------------------------------------------------


def _audit_filters(form: AuditFilterForm) -> sharing_selectors.AuditFilter:
    if not (form.is_bound and form.is_valid()):
        return sharing_selectors.AuditFilter()
    data = form.cleaned_data
    until = AuditFilterForm.day_start(data["until"])
    return sharing_selectors.AuditFilter(
        actor_uuid=str(data["actor"] or ""),
        event=data["event"],
        object_type=data["object_type"],
        object_id=data["object_id"],
        purpose=data["purpose"],
        outcome=data["outcome"],
        since=AuditFilterForm.day_start(data["since"]),
        until=until + dt.timedelta(days=1) if until else None,
    )


def _users(me: User) -> list[tuple[str, str]]:
    """Return the users the privacy officer may filter on, by name (with their organisation)."""
    users = accounts_selectors.users_visible_to(me).select_related("organisation")
    return [(str(u.uuid), f"{u.full_name} ({u.organisation.name})") for u in users[:5000]]


def _require_privacy_officer(me: User) -> None:
    if not allowed(me, "audit.read"):
        raise Denied("audit.auditevent", "log", exists=True)


def audit_log(request: HttpRequest) -> HttpResponse:
    """Let the privacy officer browse and filter the log: who saw what, when, why."""
    me = _me(request)
    _require_privacy_officer(me)
    form = AuditFilterForm(request.GET or None, users=_users(me))
    filters = _audit_filters(form)
    qs = sharing_selectors.audit_events_visible_to(me, filters)
    page = Paginator(qs, 50).get_page(request.GET.get("pagina"))
    records = list(page.object_list)
    labels = sharing_selectors.object_labels(me, records)
    for record in records:
        record.object_label = labels.get(record.seq, "")  # type: ignore[attr-defined]
    sharing_selectors.record_log_read(me, filters, count=len(records), page_number=page.number)
    query = request.GET.copy()
    query.pop("pagina", None)
    return render(
        request,
        "web/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


EXPORT_LIMIT = 100_000
EXPORT_COLUMNS = [
    "seq",
    "occurred_at_utc",
    "event",
    "event_label",
    "outcome",
    "actor",
    "actor_name",
    "actor_organisation",
    "actor_roles",
    "object_type",
    "object_id",
    "purpose",
    "request_id",
    "client_address",
    "details",
    "hash",
]


def audit_export(request: HttpRequest) -> HttpResponseBase:
    """Export the filtered log as CSV for the privacy officer (at most EXPORT_LIMIT rows)."""
    me = _me(request)
    _require_privacy_officer(me)
    form = AuditFilterForm(request.GET or None, users=_users(me))
    if form.is_bound and not form.is_valid():
        messages.error(request, _("De filters zijn niet goed ingevuld. Er is niets geëxporteerd."))
        return redirect("web:audit_log")
    filters = _audit_filters(form)
    qs = sharing_selectors.audit_events_visible_to(me, filters)[:EXPORT_LIMIT]
    count = qs.count()
    sharing_selectors.record_log_export(me, filters, count=count)

    rows = (
        (
            r.seq,
            r.occurred_at.astimezone(dt.UTC).isoformat(),
            r.event,
            r.event_label,
            r.outcome,
            r.actor.uuid if r.actor else "",
            r.actor.full_name if r.actor else "",
            r.actor_organisation.name if r.actor_organisation else "",
            " ".join(r.actor_roles),
            r.object_type,
            r.object_id,
            r.purpose,
            r.request_id,
            r.client_address,
            json.dumps(r.details, sort_keys=True),
            r.hash,
        )
        for r in qs.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(
        csv_lines(EXPORT_COLUMNS, rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="logboek-{stamp}.csv"'
    return response


def audit_record_detail(request: HttpRequest, seq: int) -> HttpResponse:
    me = _me(request)
    record = sharing_selectors.get_audit_event_for(me, seq)
    roles = [Role(r).label if r in Role.values else r for r in record.actor_roles or []]
    label = sharing_selectors.object_labels(me, [record]).get(record.seq, "")
    return render(
        request,
        "web/audit_record.html",
        {"record": record, "roles": roles, "object_label": label},
    )
