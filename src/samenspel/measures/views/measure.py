"""One measure: its framework facts, status and term, and for its dossier readers the
decision dossier as a guided form, the decision and what comes after.

The page reads through `selectors.get_measure_for` (which audits the read and says what the
reader may do); each form posts to its own route, changes through one service and comes back
to the page (POST-redirect-GET). A refused or wrong post shows the page again with the
service's message at the form, and changes nothing. The decision route answers whoever sees
the measure, so that a user who is not the competent authority gets the refusal in words (the
service audits it) rather than a bare 403. Every form that adds a row carries a hidden
submission key, so that a double submit adds it once. Objection and appeal, and where the
preparation stands, post to views/reviews.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
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
from samenspel.frameworks.types import Measure as FrameworkMeasure
from samenspel.lib.errors import StaleEdit
from samenspel.lib.forms import UtrechtForm
from samenspel.measures import selectors, services
from samenspel.measures.forms import (
    AdviceForm,
    AnswerForm,
    BasisForm,
    DecisionForm,
    EndForm,
    ExtendForm,
    ExternalDecisionForm,
    LocalConsultationForm,
    MinisterRequestForm,
    MoveForm,
    ReasonsForm,
    ReviewForm,
    ReviewOutcomeForm,
    VerificationForm,
    WithdrawForm,
)
from samenspel.measures.models import RUNNING_STATUSES, CaseMeasure, Consultation, Review
from samenspel.measures.selectors import MeasureView
from samenspel.measures.services.proposals import MOVES
from samenspel.measures.services.reviews import REVIEWABLE
from samenspel.sharing.policy import allowed

# Where each part the decision still needs is filled in on the page.
ANCHORS = {
    "basis": "dossier-informatie",
    "verification": "dossier-verificatie",
    "necessity": "dossier-motivering",
    "proportionality": "dossier-motivering",
    "subsidiarity": "dossier-motivering",
    "persons_view": "dossier-zienswijze",
    "consultation": "dossier-overleg",
}
# One prefix per form, so that the fields of the forms on one page have ids of their own.
PREFIXES = {
    "basis_form": "b",
    "verification_form": "v",
    "reasons_form": "r",
    "consultation_form": "c",
    "minister_form": "m",
    "decision_form": "d",
    "external_form": "x",
    "advice_form": "adv",
    "withdraw_form": "w",
    "end_form": "e",
    "extend_form": "l",
    "move_form": "st",
    "review_form": "bz",
}


def _flags(row: FrameworkMeasure | None, measure: CaseMeasure) -> list[str]:
    """Say in plain Dutch what the framework's flags mean for this measure."""
    texts = []
    if measure.external:
        texts.append(
            _(
                "Het besluit valt buiten Samenspel. Wie het dossier leest, legt het besluit "
                "hier vast uit de beschikking."
            )
        )
    if row is None:
        return texts
    flags = row.flags
    if flags.consult_mayor:
        texts.append(_("De Minister vraagt eerst de burgemeester om advies (raadpleging)."))
    if flags.trust_tension:
        texts.append(
            _(
                "Deze maatregel kan het vertrouwen van de persoon en de omgeving schaden. "
                "Overleg eerst met het lokale bestuur."
            )
        )
    if flags.relies_on_aivd:
        texts.append(
            _(
                "Het besluit rust vaak op een ambtsbericht van de AIVD. Alleen de burgemeester "
                "en de ambtenaren die de burgemeester aanwijst, lezen de samenvatting."
            )
        )
    if flags.verify_duty:
        texts.append(
            _(
                "Wie besluit, gaat zelf na of de informatie van anderen klopt en actueel is "
                "(vergewisplicht)."
            )
        )
    if flags.voluntary:
        texts.append(_("Alleen met toestemming van de persoon."))
    return texts


def _forms(me: User, view: MeasureView) -> dict[str, Any]:
    """Return the unbound forms of the page, as far as the reader may use them."""
    measure, may = view.measure, view.may
    forms: dict[str, Any] = {}
    if view.dossier is not None and "measure.prepare" in may:
        dossier = view.dossier.dossier
        forms["basis_form"] = BasisForm(prefix="b", initial=_key())
        forms["verification_form"] = VerificationForm(prefix="v", initial=_key())
        forms["reasons_form"] = ReasonsForm(
            prefix="r",
            initial={
                "necessity": dossier.necessity,
                "proportionality": dossier.proportionality,
                "subsidiarity": dossier.subsidiarity,
                "persons_view": dossier.persons_view,
                "persons_view_text": dossier.persons_view_text,
                "version": dossier.version,
            },
        )
        if not measure.external:
            forms["consultation_form"] = LocalConsultationForm(prefix="c", initial=_key())
        elif view.row is not None and view.row.flags.consult_mayor:
            forms["minister_form"] = MinisterRequestForm(prefix="m", initial=_key())
        if any(measure.status in sources for sources in MOVES.values()):
            forms["move_form"] = MoveForm(prefix="st")
    if measure.is_open:
        if "measure.decide" in may:
            forms["decision_form"] = DecisionForm(
                prefix="d", initial={"decided_on": timezone.localdate()}
            )
        if "measure.record_external" in may:
            forms["external_form"] = ExternalDecisionForm(prefix="x")
        if "measure.advise" in may:
            forms["advice_form"] = AdviceForm(prefix="adv", initial={"advice": measure.advice})
        if "measure.withdraw" in may:
            forms["withdraw_form"] = WithdrawForm(prefix="w")
    elif measure.status in RUNNING_STATUSES and "measure.close" in may:
        forms["end_form"] = EndForm(prefix="e")
        if not view.extensions or all(not e.is_open for e in view.extensions):
            forms["extend_form"] = ExtendForm(prefix="l")
    return forms


def _key() -> dict[str, str]:
    """The initial data of a form that adds a row: a fresh submission key."""
    return {"submission_key": uuid.uuid4().hex}


def _moves(measure: CaseMeasure) -> list[tuple[str, str]]:
    """Return where the preparation can go from here, as (status, button text)."""
    texts = {
        "requested": _("Aangevraagd bij het bevoegd gezag"),
        "intended": _("Voornemen vastgelegd"),
    }
    return [(to, texts[to]) for to, sources in MOVES.items() if measure.status in sources]


def _reviews(me: User, view: MeasureView, bound: dict[str, Any]) -> dict[str, Any]:
    """Return the objection and appeal part of a decided measure for its dossier readers: the
    reviews, each pending one with its outcome form, the form to file one, and the term."""
    measure = view.measure
    if view.reviews is None or measure.status not in REVIEWABLE:
        return {}
    domain = view.framework.legal_domains.get(measure.legal_domain)
    term = domain.objection_term if domain is not None else None
    may = "measure.review" in view.may
    rows: list[tuple[Review, ReviewOutcomeForm | None]] = []
    for review in view.reviews:
        form = bound.get(f"outcome-{review.uuid}")
        if form is None and may and review.pending:
            form = ReviewOutcomeForm(prefix=f"u-{review.uuid}")
        rows.append((review, form))
    form = bound.get("review_form")
    if form is None and may and term is not None:
        form = ReviewForm(prefix="bz", initial=_key())
    first_day = measure.decided_on
    return {
        "review_part": True,
        "reviews": rows,
        "review_term": term.words() if term is not None else "",
        "review_last_day": (
            services.review_deadline(measure, first_day) if term and first_day else None
        ),
        "review_form": form,
    }


def _answers(
    me: User, view: MeasureView, bound: dict[str, Any]
) -> list[tuple[Consultation, AnswerForm | None]]:
    """Return the dossier's consultations, each with the mayor's answer form where it applies."""
    if view.dossier is None:
        return []
    rows: list[tuple[Consultation, AnswerForm | None]] = []
    for c in view.dossier.consultations:
        key = f"answer-{c.uuid}"
        form = bound.get(key)
        if form is None and allowed(me, "measure.answer_consultation", on=c):
            form = AnswerForm(prefix=f"a-{c.uuid}")
        rows.append((c, form))
    return rows


def _page(
    request: HttpRequest,
    view: MeasureView,
    *,
    bound: dict[str, Any] | None = None,
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    me = request_user(request)
    bound = bound or {}
    measure = view.measure
    domain = view.framework.legal_domains.get(measure.legal_domain)
    missing = [
        {"message": m.message, "anchor": ANCHORS.get(m.part, "dossier")}
        for m in (view.dossier.missing if view.dossier else [])
    ]
    forms = {**_forms(me, view), **{k: v for k, v in bound.items() if k in PREFIXES}}
    forms.update(_reviews(me, view, bound))
    return render(
        request,
        "measures/measure.html",
        {
            "view": view,
            "measure": measure,
            "case": measure.case,
            # Seen by break-the-glass: the page says so, and until when.
            "break_glass": case_selectors.active_break_glass(me, measure.case),
            "row": view.row,
            "domain": domain,
            "flags": _flags(view.row, measure),
            "max_term": services.max_term_text(view.row) if view.row else "",
            "missing": missing,
            "answers": _answers(me, view, bound),
            "stale": stale,
            "running": measure.status in RUNNING_STATUSES,
            "consultation_needed": bool(
                view.row and (view.row.flags.trust_tension or view.row.flags.consult_mayor)
            ),
            "moves": _moves(measure) if "move_form" in forms else [],
            **forms,
        },
        status=status,
    )


@require_safe
def detail(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Show one measure: the facts for its readers, the dossier for its dossier readers."""
    return _page(request, selectors.get_measure_for(request_user(request), measure_uuid))


def _again(
    request: HttpRequest, measure: CaseMeasure, bound: dict[str, Any], **kwargs: Any
) -> HttpResponse:
    """Show the page again with the form that failed (its read is audited by the selector)."""
    view = selectors.get_measure_for(request_user(request), measure.uuid)
    return _page(request, view, bound=bound, **kwargs)


def _back(measure: CaseMeasure, anchor: str) -> HttpResponse:
    url = reverse("measures:detail", kwargs={"measure_uuid": measure.uuid})
    return redirect(f"{url}#{anchor}")


Act = Callable[[CaseMeasure, dict[str, Any], User], Any]


def _post(
    request: HttpRequest,
    measure_uuid: uuid.UUID,
    name: str,
    form_class: type[UtrechtForm],
    act: Act,
    *,
    done: str,
    anchor: str,
    verb: str = "",
) -> HttpResponse:
    """Check a form, change through one service, and go back to the page, or show why not.

    With `verb`, a user who may not do it still reaches the service, which refuses in words
    (and audits the refusal), even when the form itself is not filled in well.
    """
    me = request_user(request)
    measure = selectors.get_measure(me, measure_uuid)
    form = form_class(request.POST, prefix=PREFIXES[name])
    valid = form.is_valid()
    if valid or (verb and not allowed(me, verb, on=measure)):
        try:
            act(measure, form.cleaned_data, me)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, done)
            return _back(measure, anchor)
    return _again(request, measure, {name: form}, status=400)


def _service_errors(form: UtrechtForm, exc: ValidationError) -> None:
    """Add a service's errors, leaving out a field's where the form already named one."""
    if hasattr(exc, "error_dict"):
        extra = {f: e for f, e in exc.error_dict.items() if f not in form.errors}
        if not extra:
            return
        exc = ValidationError(extra)
    form.add_service_errors(exc)


# --- The dossier -------------------------------------------------------------------------------


@require_POST
def basis_add(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Add a piece of information the decision rests on, with its source."""
    return _post(
        request,
        measure_uuid,
        "basis_form",
        BasisForm,
        lambda m, d, me: services.add_basis_item(
            m,
            compartment=d["compartment"],
            source=d["source"],
            received_on=d["received_on"],
            summary=d["summary"],
            submission_key=d["submission_key"] or "",
            by=me,
        ),
        done=_("De informatie is toegevoegd."),
        anchor="dossier-informatie",
    )


@require_POST
def verification_add(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Record that information of others was checked (vergewisplicht)."""
    return _post(
        request,
        measure_uuid,
        "verification_form",
        VerificationForm,
        lambda m, d, me: services.add_verification(
            m,
            asked=d["asked"],
            asked_on=d["asked_on"],
            result=d["result"],
            answer=d["answer"],
            submission_key=d["submission_key"] or "",
            by=me,
        ),
        done=_("De verificatie is vastgelegd."),
        anchor="dossier-verificatie",
    )


@require_POST
def reasons(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Save the reasons and the person's view; a stale save keeps the writer's text."""
    me = request_user(request)
    measure = selectors.get_measure(me, measure_uuid)
    form = ReasonsForm(request.POST, prefix="r")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_reasons(
                measure,
                necessity=data["necessity"],
                proportionality=data["proportionality"],
                subsidiarity=data["subsidiarity"],
                persons_view=data["persons_view"],
                persons_view_text=data["persons_view_text"],
                expected_version=data["version"],
                by=me,
            )
        except StaleEdit as exc:
            # Keep what this writer typed, on top of the newer version, and say so.
            posted = request.POST.copy()
            posted["r-version"] = str(exc.current_version)
            form = ReasonsForm(posted, prefix="r")
            form.is_valid()
            form.add_error(
                None,
                _(
                    "Iemand anders heeft de motivering intussen opgeslagen. Uw tekst staat "
                    "hieronder en is nog niet opgeslagen. Vergelijk met de opgeslagen tekst en "
                    "sla opnieuw op."
                ),
            )
            return _again(request, measure, {"reasons_form": form}, stale=True, status=409)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("De motivering is opgeslagen."))
            return _back(measure, "dossier-motivering")
    return _again(request, measure, {"reasons_form": form}, status=400)


@require_POST
def consultation_add(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Record the consultation with the local government: with whom, when, the advice."""
    return _post(
        request,
        measure_uuid,
        "consultation_form",
        LocalConsultationForm,
        lambda m, d, me: services.add_consultation(
            m,
            consulted=d["consulted"],
            held_on=d["held_on"],
            outcome=d["outcome"],
            submission_key=d["submission_key"] or "",
            by=me,
        ),
        done=_("Het overleg is vastgelegd."),
        anchor="dossier-overleg",
    )


@require_POST
def minister_request(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Record the minister's request to consult the mayor, with its deadline."""
    return _post(
        request,
        measure_uuid,
        "minister_form",
        MinisterRequestForm,
        lambda m, d, me: services.receive_mayor_consultation(
            m,
            received_on=d["held_on"],
            answer_due=d["answer_due"],
            submission_key=d["submission_key"] or "",
            by=me,
        ),
        done=_("Het verzoek van de Minister is vastgelegd. De burgemeester krijgt bericht."),
        anchor="dossier-overleg",
    )


@require_POST
def consultation_answer(
    request: HttpRequest, measure_uuid: uuid.UUID, consultation_uuid: uuid.UUID
) -> HttpResponse:
    """The mayor answers the minister's consultation."""
    me = request_user(request)
    measure = selectors.get_measure(me, measure_uuid)
    consultation = selectors.get_consultation_for(me, measure, consultation_uuid)
    form = AnswerForm(request.POST, prefix=f"a-{consultation.uuid}")
    if form.is_valid():
        try:
            services.answer_consultation(consultation, answer=form.cleaned_data["outcome"], by=me)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Uw antwoord aan de Minister is vastgelegd."))
            return _back(measure, "dossier-overleg")
    return _again(request, measure, {f"answer-{consultation.uuid}": form}, status=400)


# --- The decision and after -----------------------------------------------------------------------


def _decision(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "decision_text": data.get("decision_text") or "",
        "decided_on": data.get("decided_on"),
        "starts_on": data.get("starts_on"),
        "ends_on": data.get("ends_on"),
    }


@require_POST
def decide(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """The competent authority decides; anyone else gets the refusal in words."""
    return _post(
        request,
        measure_uuid,
        "decision_form",
        DecisionForm,
        lambda m, d, me: services.decide_measure(m, **_decision(d), by=me),
        done=_("Het besluit is vastgelegd. Wie de maatregel ziet, krijgt bericht."),
        anchor="besluit",
        verb="measure.decide",
    )


@require_POST
def record_external(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Record a decision taken outside Samenspel from its document."""
    return _post(
        request,
        measure_uuid,
        "external_form",
        ExternalDecisionForm,
        lambda m, d, me: services.record_external_decision(
            m,
            authority=d.get("external_authority") or "",
            reference=d.get("external_reference") or "",
            **_decision(d),
            by=me,
        ),
        done=_("Het besluit is vastgelegd. Wie de maatregel ziet, krijgt bericht."),
        anchor="besluit",
        verb="measure.record_external",
    )


@require_POST
def advise(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Record the case consultation's advice on a proposed measure."""
    return _post(
        request,
        measure_uuid,
        "advice_form",
        AdviceForm,
        lambda m, d, me: services.advise_measure(m, advice=d["advice"], by=me),
        done=_("Het advies is vastgelegd."),
        anchor="voorstel",
    )


@require_POST
def withdraw(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Withdraw a proposal before a decision."""
    return _post(
        request,
        measure_uuid,
        "withdraw_form",
        WithdrawForm,
        lambda m, d, me: services.withdraw_measure(m, reason=d["closing_note"], by=me),
        done=_("De maatregel is ingetrokken."),
        anchor="status",
    )


@require_POST
def end(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """End a running measure with its evaluation."""
    return _post(
        request,
        measure_uuid,
        "end_form",
        EndForm,
        lambda m, d, me: services.end_measure(m, evaluation=d["closing_note"], by=me),
        done=_("De maatregel is beëindigd. De evaluatie is vastgelegd."),
        anchor="status",
    )


@require_POST
def extend(request: HttpRequest, measure_uuid: uuid.UUID) -> HttpResponse:
    """Propose an extension: a new decision with a dossier of its own."""
    me = request_user(request)
    measure = selectors.get_measure(me, measure_uuid)
    form = ExtendForm(request.POST, prefix="l")
    if form.is_valid():
        try:
            extension = services.extend_measure(measure, reason=form.cleaned_data["reason"], by=me)
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "De verlenging is voorgesteld. Het is een nieuw besluit: vul het dossier "
                    "opnieuw aan."
                ),
            )
            return redirect("measures:detail", measure_uuid=extension.uuid)
    return _again(request, measure, {"extend_form": form}, status=400)
