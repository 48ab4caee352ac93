"""The information on a case by source compartment: the list, one item, its file, and the form.

Every read goes through cases.selectors, which start from the compartment rules and audit what
they show; the form records through one service, which checks everything and audits a refused
source. The form offers only the sources the user may record in (and so read afterwards), each
with who reads it, from the framework version the case runs under. A double submit (the same
hidden key) records once; a wrong post shows the form again with the service's messages at the
fields and keeps what was typed (a browser never keeps a chosen file).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from samenspel.accounts.models import User
from samenspel.accounts.selectors import request_user
from samenspel.cases import selectors, services
from samenspel.cases.forms import InformationForm
from samenspel.cases.models import Case, CaseStatus, Compartment, Intervention
from samenspel.cases.selectors.information import LIST_MAX
from samenspel.cases.views._common import _framework, _page
from samenspel.frameworks.types import Framework

# --- Who reads a compartment --------------------------------------------------------------------


def _actor_names(framework: Framework, actor_ids: Iterable[str], first: str = "") -> str:
    """Return "a, b en c": the short names of the actors, those of compartment `first` first."""
    wanted = set(actor_ids)
    actors = [a for a in framework.actors if a.id in wanted]
    actors.sort(key=lambda a: a.compartment != first)  # stable: else the framework's order
    names = list(dict.fromkeys(a.name.split(" (")[0] for a in actors))
    return str(get_text_list(names, _("en")))


def readers_of(framework: Framework, compartment: str) -> str:
    """Say in one line who reads the information of a compartment on a case."""
    if compartment == Compartment.AIVD:
        return _(
            "Leest: alleen de burgemeester en de ambtenaren die de burgemeester aanwijst (Wiv)."
        )
    flows = [f for f in framework.flows if f.compartment == compartment]
    if compartment == Compartment.CARE:
        receivers = {a for f in flows for a in f.to_actors}
        return _(
            "Leest: uw eigen organisatie, en de organisaties die de toestemming van de persoon "
            "noemt. Zonder toestemming (conflict van plichten of wettelijke uitzondering): "
            "%(names)s%(flows)s."
        ) % {
            "names": _actor_names(framework, receivers) or _("niemand anders"),
            "flows": f" ({', '.join(f.id for f in flows)})" if flows else "",
        }
    readers = _actor_names(framework, framework.compartment_readers(compartment), compartment)
    return _("Leest: %(names)s%(flows)s.") % {
        "names": readers or _("uw eigen organisatie"),
        "flows": f" ({', '.join(f.id for f in flows)})" if flows else "",
    }


# --- The list, one item and its file --------------------------------------------------------------


def _may_record(me: User, case: Case) -> list[str]:
    """Return the compartments `me` may record in now (none on a closed case, or by
    break-the-glass, which opens a case for reading only)."""
    if case.status != CaseStatus.OPEN:
        return []
    return selectors.compartments_for(me, case)


@require_safe
def information(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """List the information on the case the user reads, grouped by source."""
    me = request_user(request)
    # The list's read is audited by information_of, with the items it names.
    case = selectors.get_case_for(me, case_uuid, record_read=False)
    items = selectors.information_of(me, case)
    groups = [
        {
            "compartment": value,
            "label": capfirst(label),
            "items": [i for i in items if i.compartment == value],
        }
        for value, label in Compartment.choices
    ]
    return _page(
        request,
        "cases/information.html",
        case,
        {
            "groups": [g for g in groups if g["items"]],
            "count": len(items),
            "at_most": LIST_MAX if len(items) >= LIST_MAX else 0,
            "may_record": bool(_may_record(me, case)),
        },
    )


@require_safe
def information_detail(
    request: HttpRequest, case_uuid: uuid.UUID, item_uuid: uuid.UUID
) -> HttpResponse:
    """Show one information item, with its ground for sharing if it is care information."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, record_read=False)
    item = selectors.get_information_for(me, case, item_uuid)
    return _page(
        request,
        "cases/information_detail.html",
        case,
        {
            "item": item,
            "readers": readers_of(_framework(case), item.compartment),
            "shared_with": _shared_with(item.consent_of),
        },
    )


def _shared_with(intervention: Intervention | None) -> str:
    """Return the organisations a consent names, as "a, b en c"."""
    if intervention is None:
        return ""
    names = [o.name for o in intervention.consent_shared_with.order_by("name")]
    return str(get_text_list(names, _("en")))


@require_safe
def information_file(
    request: HttpRequest, case_uuid: uuid.UUID, item_uuid: uuid.UUID
) -> HttpResponse:
    """Send the file of an item as a download, never shown inline (the download is audited)."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, record_read=False)
    item = selectors.information_file_for(me, case, item_uuid)
    response = HttpResponse(bytes(item.file_content), content_type=item.file_type)
    response["Content-Disposition"] = content_disposition_header(True, item.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


# --- The form ------------------------------------------------------------------------------------


def _file_help(aivd: bool) -> str:
    mb = {"mb": settings.ATTACHMENT_MAX_BYTES // 1_048_576}
    if not aivd:
        return _("PDF, PNG, JPEG of tekst (.txt), ten hoogste %(mb)s MB.") % mb
    return (
        _(
            "PDF, PNG, JPEG of tekst (.txt), ten hoogste %(mb)s MB. Niet bij een "
            "AIVD-ambtsbericht: daarvan legt u alleen de samenvatting vast."
        )
        % mb
    )


def _consent_label(intervention: Intervention) -> str:
    return _("%(measure)s %(name)s (toestemming van %(by)s, %(on)s)") % {
        "measure": intervention.measure,
        "name": intervention.name,
        "by": intervention.consent_by,
        "on": intervention.consent_on.strftime("%d-%m-%Y") if intervention.consent_on else "",
    }


def _form(me: User, case: Case, compartments: list[str], *args: Any, **kwargs: Any) -> Any:
    framework = _framework(case)
    options = [
        (
            value,
            format_html(
                '{}<br><span class="fw-basis">{}</span>',
                capfirst(Compartment(value).label),
                readers_of(framework, value),
            ),
        )
        for value in compartments
    ]
    consents = [(str(i.uuid), _consent_label(i)) for i in selectors.consents_of(me, case)]
    return InformationForm(
        *args,
        compartments=options,
        consents=consents,
        file_help=_file_help(Compartment.AIVD in compartments),
        **kwargs,
    )


def _read(upload: UploadedFile[bytes] | None) -> services.ItemFile | None:
    """Read an uploaded file, but never more than one byte past the limit."""
    if upload is None:
        return None
    content = upload.read(settings.ATTACHMENT_MAX_BYTES + 1)
    return services.ItemFile(name=upload.name or "", content=content)


@require_http_methods(["GET", "POST"])
def information_add(request: HttpRequest, case_uuid: uuid.UUID) -> HttpResponse:
    """Record information on the case, in a compartment the user may read afterwards."""
    me = request_user(request)
    case = selectors.get_case_for(me, case_uuid, record_read=request.method == "GET")
    compartments = _may_record(me, case)
    if not compartments and case.status == CaseStatus.OPEN:
        # Whoever sees the case but records nothing in it (a break-the-glass reader, an
        # adviser without a source of their own) gets no form.
        raise PermissionDenied("case.record_information")
    files_lost = False
    if request.method == "POST":
        form = _form(me, case, compartments, request.POST, request.FILES)
        files_lost = bool(request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            care = data["compartment"] == Compartment.CARE
            try:
                item = services.record_information(
                    case,
                    kind=data["kind"],
                    compartment=data["compartment"],
                    title=data["title"],
                    text=data["text"],
                    source=data["source"],
                    file=_read(data["file"]),
                    # The ground is only for care: radio buttons cannot be cleared without a
                    # script, so what was chosen under another source is left out.
                    care_basis=data["care_basis"] if care else "",
                    consent_of=uuid.UUID(data["consent_of"])
                    if care and data["consent_of"]
                    else None,
                    basis_reason=data["basis_reason"] if care else "",
                    submission_key=data["submission_key"] or "",
                    by=me,
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("De informatie is vastgelegd."))
                return redirect(
                    "cases:information_detail", case_uuid=case.uuid, item_uuid=item.uuid
                )
    else:
        initial: dict[str, Any] = {"submission_key": uuid.uuid4().hex, "kind": "note"}
        if len(compartments) == 1:
            initial["compartment"] = compartments[0]
        form = _form(me, case, compartments, initial=initial)
    return _page(
        request,
        "cases/information_form.html",
        case,
        {
            "form": form,
            "is_open": case.status == CaseStatus.OPEN,
            "files_lost": files_lost and bool(form.errors),
        },
        status=400 if form.errors else 200,
    )
