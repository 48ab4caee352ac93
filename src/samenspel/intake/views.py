"""The signal pages: report a signal, follow its status, the triage queue, weging and weegploeg.

Every page reads through intake.selectors (which start from the access policy and audit single
reads) and changes through intake.services. A signal the user may not reach is a 404. The
reporter sees the status of their own signals only, never the case or the outcome behind them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenspel.accounts import selectors as account_selectors
from samenspel.accounts.models import Organisation, OrganisationType, User
from samenspel.accounts.selectors import request_user
from samenspel.audit.events import Purpose
from samenspel.cases import selectors as case_selectors
from samenspel.cases.models import Case
from samenspel.cases.selectors import Candidate
from samenspel.frameworks import selectors as framework_selectors
from samenspel.frameworks.models import FrameworkVersion
from samenspel.frameworks.types import Route
from samenspel.intake import selectors, services
from samenspel.intake.forms import (
    NEW_PERSON,
    QueueFilterForm,
    SeatForm,
    SignalForm,
    TriageForm,
)
from samenspel.intake.models import Signal, SignalStatus, TriageOutcome
from samenspel.lib.errors import StaleEdit
from samenspel.sharing.policy import Action, Denied, allowed

PURPOSE = Purpose.SIGNAL_INTAKE
PAGE_SIZE = 50


# --- Helpers --------------------------------------------------------------------------------


def _acute_routes(me: User) -> list[Route]:
    """Return the acute routes of the framework in force, the emergency number first."""
    routes = selectors.acute_routes(framework_selectors.current_version(me))
    return sorted(routes, key=lambda r: "112" not in r.contact)


def _body_limit() -> int:
    """Return the largest request body a signal may have: its files plus room for the text."""
    files = settings.ATTACHMENT_MAX_COUNT * settings.ATTACHMENT_MAX_BYTES
    return int(files + settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def _content_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _read(upload: UploadedFile[bytes]) -> services.Upload:
    """Read an uploaded file, but never more than one byte past the limit."""
    content = upload.read(settings.ATTACHMENT_MAX_BYTES + 1)
    return services.Upload(name=upload.name or "", content=content)


def _case_url(case: Case | None) -> str:
    """Return the page of the case a signal opened, if the case pages exist."""
    if case is None:
        return ""
    try:
        return reverse("cases:detail", kwargs={"case_uuid": case.uuid})
    except NoReverseMatch:
        return ""


# --- Signal melden ----------------------------------------------------------------------------


@csrf_exempt  # only so that the CSRF check does not parse an oversized body; see below
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Show the signal form and submit a signal; a double submit returns the first signal.

    A body larger than all allowed attachments together is refused before it is read (the
    CSRF check would otherwise parse it): that answer changes nothing. Every other request
    goes through the CSRF check in _submit.
    """
    if request.method == "POST" and _content_length(request) > _body_limit():
        return _refuse_too_large(request)
    return _submit(request)


def _signal_form_page(
    request: HttpRequest, me: User, form: SignalForm, *, files_lost: bool
) -> HttpResponse:
    selectors.record_page_read(me, "signal_submit")
    return render(
        request,
        "intake/submit.html",
        {
            "form": form,
            "acute_routes": _acute_routes(me),
            "files_lost": files_lost,
        },
    )


def _municipalities(me: User) -> QuerySet[Organisation]:
    return account_selectors.organisation_directory(me).filter(type=OrganisationType.MUNICIPALITY)


def _reporter(request: HttpRequest) -> User:
    me = request_user(request)
    if not services.may_report(me):
        raise Denied("intake.signal", "new", exists=False)
    return me


def _refuse_too_large(request: HttpRequest) -> HttpResponse:
    """Answer an oversized signal with the empty form: the typed text cannot come back."""
    me = _reporter(request)
    form = SignalForm(municipalities=_municipalities(me))
    form.refuse_attachments(
        _(
            "De bijlagen zijn samen te groot: ten hoogste %(count)d bestanden van elk "
            "%(mb)s MB. Er is niets verstuurd en niets opgeslagen. Vul het formulier "
            "opnieuw in en stuur kleinere of minder bestanden mee."
        )
        % {
            "count": settings.ATTACHMENT_MAX_COUNT,
            "mb": settings.ATTACHMENT_MAX_BYTES // 1_048_576 or 1,
        },
    )
    return _signal_form_page(request, me, form, files_lost=True)


@csrf_protect
def _submit(request: HttpRequest) -> HttpResponse:
    me = _reporter(request)
    municipalities = _municipalities(me)
    if request.method != "POST":
        return _signal_form_page(
            request, me, SignalForm(municipalities=municipalities), files_lost=False
        )
    form = SignalForm(request.POST, request.FILES, municipalities=municipalities)
    if form.is_valid():
        data = form.cleaned_data
        try:
            signal = services.submit_signal(
                services.SignalInput(
                    municipality=data["municipality"],
                    observed_on=data["observed_on"],
                    observation=data["observation"],
                    concern=data["concern"],
                    is_acute=data["is_acute"],
                    family_name=data["subject_family_name"],
                    given_names=data["subject_given_names"],
                    birth_date=data["subject_birth_date"],
                    bsn=data["subject_bsn"],
                    address=data["subject_address"],
                ),
                uploads=[_read(f) for f in data["attachments"]],
                idempotency_key=data["idempotency_key"],
                by=me,
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("Uw signaal is verstuurd. Het kenmerk is %(reference)s.")
                % {"reference": signal.reference},
            )
            return redirect("intake:status", signal_uuid=signal.uuid)
    return _signal_form_page(request, me, form, files_lost=bool(request.FILES))


@require_safe
def my_signals(request: HttpRequest) -> HttpResponse:
    """List the reporter's own signals with their status only."""
    me = request_user(request)
    signals = selectors.my_signals(me)
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("pagina"))
    selectors.record_page_read(me, "my_signals", shown=len(page.object_list))
    return render(
        request,
        "intake/my_signals.html",
        {"page": page, "may_report": services.may_report(me)},
    )


@require_safe
def status(request: HttpRequest, signal_uuid: uuid.UUID) -> HttpResponse:
    """Show the reporter the status of one of their own signals (and, if acute, where to go)."""
    me = request_user(request)
    signal = selectors.get_own_signal_status(me, signal_uuid)
    selectors.record_page_read(me, "signal_status", obj=signal)
    return render(
        request,
        "intake/status.html",
        {
            "signal": signal,
            "acute_routes": _acute_routes(me) if signal.is_acute else [],
            "SignalStatus": SignalStatus,
        },
    )


# --- Weeglijst --------------------------------------------------------------------------------


@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """Show the triage queue: acute first, then by deadline, overdue marked."""
    me = request_user(request)
    municipalities = services.municipalities_triaged_by(me)
    if not municipalities:
        raise Denied("intake.signal", "queue", exists=False)
    form = QueueFilterForm(request.GET or None)
    show = form.cleaned_data.get("show", "") if form.is_valid() else ""
    signals = selectors.triage_queue(me)
    if show == "te-laat":
        signals = selectors.overdue(signals)
    elif show == "acuut":
        signals = signals.filter(is_acute=True)
    page = Paginator(signals, PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows = list(page.object_list)
    late = set(
        selectors.overdue(selectors.triage_queue(me))
        .filter(pk__in=[s.pk for s in rows])
        .values_list("pk", flat=True)
    )
    selectors.record_queue_read(me, rows)
    return render(
        request,
        "intake/queue.html",
        {
            "form": form,
            "page": page,
            "rows": [{"signal": s, "overdue": s.pk in late} for s in rows],
            "municipalities": municipalities,
            "query": f"show={show}" if show else "",
            "manages_seats": allowed(me, "triage_seat.manage"),
            "SignalStatus": SignalStatus,
        },
    )


# --- Signal for the triage team ------------------------------------------------------------------


def _phases_and_tracks(
    version: FrameworkVersion | None,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    if version is None:
        return [], []
    framework = framework_selectors.framework_of(version)
    phases = sorted(framework.phases, key=lambda phase: phase.order)
    return (
        [(phase.id, phase.label) for phase in phases],
        [(track.id, track.name) for track in framework.tracks],
    )


def _candidate_label(candidate: Candidate) -> str:
    person = candidate.person
    born = person.birth_date.strftime("%d-%m-%Y") if person.birth_date else _("onbekend")
    return _("%(name)s, geboren %(born)s") % {"name": person.full_name, "born": born}


def _open_cases(candidates: list[Candidate]) -> dict[str, str]:
    """Return, per known person with an open case (uuid), the reference of that case."""
    return {str(c.person.uuid): c.open_references[0] for c in candidates if c.open_references}


def _person_rows(form: TriageForm | None, candidates: list[Candidate]) -> list[dict[str, Any]]:
    """Pair each person radio with its candidate (the last radio registers a new person)."""
    if form is None:
        return []
    options = form["person"].subwidgets
    return [
        {"option": option, "candidate": candidates[i] if i < len(candidates) else None}
        for i, option in enumerate(options)
    ]


def _service_errors(exc: ValidationError) -> ValidationError:
    """Put the person registry's errors (a BSN already known) at the person choice."""
    if not hasattr(exc, "error_dict"):
        return exc
    mapped: dict[str, Any] = {}
    for field, errors in exc.error_dict.items():
        key = "person" if field in ("bsn", "family_name", "birth_date") else field
        mapped.setdefault(key, []).extend(errors)
    return ValidationError(mapped)


def _triage_done(request: HttpRequest, signal: Signal, *, joined: bool = False) -> HttpResponse:
    case = selectors.linked_case(request_user(request), signal)
    if signal.outcome == TriageOutcome.INCLUDE and case is not None and (url := _case_url(case)):
        text = (
            _("Het signaal is gewogen en toegevoegd aan de open casus %(reference)s.")
            if joined
            else _("Het signaal is gewogen. De casus %(reference)s is geopend.")
        )
        messages.success(request, text % {"reference": case.reference})
        return redirect(url)
    messages.success(request, _("Het signaal is gewogen en afgehandeld."))
    return redirect("intake:detail", signal_uuid=signal.uuid)


def _stale() -> str:
    return _(
        "Iemand anders heeft dit signaal intussen gewogen of gewijzigd. Bekijk de nieuwe stand."
    )


@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, signal_uuid: uuid.UUID) -> HttpResponse:
    """Show a signal to the triage team with the weging form; a POST weighs the signal."""
    me = request_user(request)
    posted = request.method == "POST"
    signal = selectors.get_signal_for(
        me, signal_uuid, Action.MANAGE if posted else Action.VIEW, record_read=not posted
    )
    conflict = ""
    if posted and signal.status == SignalStatus.CLOSED:
        # Weighed already: the same decision twice is harmless, anything else is a conflict.
        try:
            signal = services.triage(
                signal,
                services.TriageDecision(
                    outcome=request.POST.get("outcome", ""), reason="", criteria=""
                ),
                expected_version=signal.version,
                by=me,
            )
        except StaleEdit:
            conflict = _stale()
        else:
            return _triage_done(request, signal)
    version = framework_selectors.current_version(me)
    form: TriageForm | None = None
    candidates: list[Candidate] = []
    if signal.status != SignalStatus.CLOSED:
        candidates = case_selectors.find_candidates(
            me,
            signal.municipality,
            family_name=signal.subject_family_name,
            given_names=signal.subject_given_names,
            birth_date=signal.subject_birth_date,
            bsn=signal.subject_bsn,
        )
        phases, tracks = _phases_and_tracks(version)
        form = TriageForm(
            request.POST if posted else None,
            initial={"version": signal.version},
            persons=[(str(c.person.uuid), _candidate_label(c)) for c in candidates],
            open_cases=_open_cases(candidates),
            case_directors=case_selectors.case_directors_of(signal.municipality),
            phases=phases,
            tracks=tracks,
        )
        if posted and form.is_valid():
            data = form.cleaned_data
            include = data["outcome"] == TriageOutcome.INCLUDE
            chosen = data["person"] if include else ""
            by_uuid = {str(c.person.uuid): c.person for c in candidates}
            decision = services.TriageDecision(
                outcome=data["outcome"],
                reason=data["reason"],
                criteria=data["criteria"],
                person=by_uuid.get(chosen),
                create_person=chosen == NEW_PERSON,
                case_director=data["case_director"] if include else None,
                phase=data["phase"] if include else "",
                tracks=tuple(data["tracks"]) if include else (),
                second_case_reason=""
                if form.joins_open_case(data)
                else data["second_case_reason"]
                if include
                else "",
            )
            try:
                signal = services.triage(signal, decision, expected_version=data["version"], by=me)
            except ValidationError as exc:
                form.add_service_errors(_service_errors(exc))
            except StaleEdit:
                conflict = _stale()
            else:
                return _triage_done(request, signal, joined=include and form.joins_open_case(data))
            # The service rolled back; show the signal as it is stored.
            signal = selectors.get_signal_for(me, signal_uuid, record_read=False)
    if conflict:
        signal = selectors.get_signal_for(me, signal_uuid, record_read=False)
        if signal.status == SignalStatus.CLOSED:
            form = None
        elif form is not None:
            form = TriageForm(
                initial={"version": signal.version},
                persons=[(str(c.person.uuid), _candidate_label(c)) for c in candidates],
                open_cases=_open_cases(candidates),
                case_directors=case_selectors.case_directors_of(signal.municipality),
                phases=_phases_and_tracks(version)[0],
                tracks=_phases_and_tracks(version)[1],
            )
    return render(
        request,
        "intake/detail.html",
        {
            "signal": signal,
            "attachments": list(selectors.attachments_of(signal)),
            "acute_routes": _acute_routes(me) if signal.is_acute else [],
            "form": form,
            "person_rows": _person_rows(form, candidates),
            "conflict": conflict,
            "linked_case": (linked := selectors.linked_case(me, signal)),
            "case_url": _case_url(linked),
            "overdue": selectors.overdue(selectors.triage_queue(me)).filter(pk=signal.pk).exists(),
            "SignalStatus": SignalStatus,
        },
        status=409 if conflict else 200,
    )


@require_POST
def pick_up(request: HttpRequest, signal_uuid: uuid.UUID) -> HttpResponse:
    """Take a signal into triage (oppakken)."""
    me = request_user(request)
    signal = selectors.get_signal_for(me, signal_uuid, Action.MANAGE, record_read=False)
    services.pick_up(signal, by=me)
    messages.success(request, _("U hebt het signaal opgepakt."))
    return redirect("intake:detail", signal_uuid=signal.uuid)


@require_safe
def attachment(
    request: HttpRequest, signal_uuid: uuid.UUID, attachment_uuid: uuid.UUID
) -> HttpResponse:
    """Send one attachment as a download, never shown inline."""
    me = request_user(request)
    signal = selectors.get_signal_for(me, signal_uuid, record_read=False)
    file = selectors.get_attachment_for(me, signal, attachment_uuid)
    response = HttpResponse(bytes(file.content), content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# --- Weegploeg --------------------------------------------------------------------------------


def _seat_manager(me: User) -> None:
    """Let only who manages the municipality's triage team through (others get a 404)."""
    if not allowed(me, "triage_seat.manage"):
        raise Denied("intake.triageseat", "", exists=False)


@require_http_methods(["GET", "POST"])
def seats(request: HttpRequest) -> HttpResponse:
    """List the partner seats on the municipality's triage team and add one."""
    me = request_user(request)
    _seat_manager(me)
    municipality = me.organisation
    candidates = services.seat_candidates(municipality)
    form = SeatForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.add_triage_seat(municipality, user=form.cleaned_data["user"], by=me)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                _("%(name)s zit nu in de weegploeg.") % {"name": seat.user.full_name},
            )
            return redirect("intake:seats")
    current = list(selectors.triage_seats(me).filter(municipality=municipality).order_by("id"))
    selectors.record_page_read(me, "triage_seats", obj=municipality, shown=len(current))
    return render(
        request,
        "intake/seats.html",
        {"form": form, "seats": current, "municipality": municipality},
    )


@require_POST
def seat_remove(request: HttpRequest, user_uuid: uuid.UUID) -> HttpResponse:
    """Take a partner user off the municipality's triage team."""
    me = request_user(request)
    _seat_manager(me)
    seat = (
        selectors.triage_seats(me)
        .filter(municipality=me.organisation, user__uuid=user_uuid)
        .first()
    )
    if seat is None:
        raise Denied("intake.triageseat", str(user_uuid), exists=False)
    services.remove_triage_seat(seat, by=me)
    messages.success(
        request, _("%(name)s zit niet meer in de weegploeg.") % {"name": seat.user.full_name}
    )
    return redirect("intake:seats")
