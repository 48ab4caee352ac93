"""Forms of the measure pages: they check input; the services decide, refuse and save.

Limits and messages the services give (the competent authority, a complete dossier, the
longest term) are not repeated here: a form only checks that a field is filled in and fits.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samenspel.lib.forms import UtrechtForm
from samenspel.measures.models import (
    Compartment,
    PersonsView,
    ReviewKind,
    ReviewOutcome,
    VerificationResult,
)
from samenspel.measures.services import TEXT_MAX

TEXT = forms.Textarea(attrs={"rows": 3})
LONG_TEXT = forms.Textarea(attrs={"rows": 5})
RADIO_CLASS = "utrecht-radio-button utrecht-radio-button--html-input"
SHORT_MAX = 300


def _text(label: Any, required: Any = None, *, long: bool = False, **kwargs: Any) -> Any:
    """A text area of at most TEXT_MAX characters; `required` is its message when empty."""
    return forms.CharField(
        label=label,
        required=required is not None,
        max_length=TEXT_MAX,
        widget=LONG_TEXT if long else TEXT,
        error_messages={"required": required} if required is not None else {},
        **kwargs,
    )


def _date(label: Any, required: Any = None, **kwargs: Any) -> Any:
    return forms.DateField(
        label=label,
        required=required is not None,
        error_messages={"required": required} if required is not None else {},
        **kwargs,
    )


def _submission_key() -> Any:
    """A hidden key per form shown: the same key twice (a double click, a reload) adds once."""
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class _MeasureForm(UtrechtForm):
    # Radios get the Utrecht radio class (UtrechtForm gives a textbox class to anything else).
    radios: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.radios:
            self.fields[name].widget.attrs["class"] = RADIO_CLASS

    def _choices(self, name: str, options: list[tuple[str, str]], empty: str) -> None:
        cast(forms.ChoiceField, self.fields[name]).choices = [("", empty), *options]


# --- The case's measures -----------------------------------------------------------------------


class ProposeForm(_MeasureForm):
    measure = forms.ChoiceField(
        label=_("Maatregel uit het kader"),
        error_messages={
            "required": _("Kies een maatregel uit de lijst."),
            "invalid_choice": _("Kies een maatregel uit de lijst."),
        },
        help_text=_("Wie erover besluit, volgt uit het kader. U kunt elke maatregel voorstellen."),
    )
    reason = _text(
        _("Waarom stelt u deze maatregel voor?"),
        _("Schrijf waarom u deze maatregel voorstelt."),
    )
    # The same key twice (a double click, a reload) proposes the measure once.
    submission_key = _submission_key()

    def __init__(self, *args: Any, measures: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("measure", measures, str(_("Kies een maatregel")))


# --- The dossier -------------------------------------------------------------------------------


class BasisForm(_MeasureForm):
    compartment = forms.ChoiceField(
        label=_("Waar komt de informatie vandaan?"),
        choices=[("", _("Kies de bron")), *Compartment.choices],
        error_messages={
            "required": _("Kies waar de informatie vandaan komt."),
            "invalid_choice": _("Kies waar de informatie vandaan komt."),
        },
        help_text=_("Van een AIVD-ambtsbericht alleen de samenvatting."),
    )
    source = forms.CharField(
        label=_("Bron en kenmerk"),
        max_length=SHORT_MAX,
        error_messages={"required": _("Noem de bron en het kenmerk.")},
        help_text=_("Bijvoorbeeld: Bestuurlijke rapportage politie, kenmerk 2026-0142."),
    )
    received_on = _date(_("Ontvangen op"), _("Vul de datum van ontvangst in."))
    summary = _text(_("Wat staat erin?"), _("Schrijf op wat erin staat."), long=True)
    submission_key = _submission_key()


class VerificationForm(_MeasureForm):
    radios = ("result",)

    asked = forms.CharField(
        label=_("Wie heeft u gevraagd?"),
        max_length=SHORT_MAX,
        error_messages={"required": _("Noem wie u heeft gevraagd.")},
    )
    asked_on = _date(_("Gevraagd op"), _("Vul in wanneer u het vroeg."))
    result = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=VerificationResult.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies de uitkomst.")},
    )
    answer = _text(
        _("Wat is bevestigd, en wat niet?"),
        _("Schrijf op wat wel en niet is bevestigd."),
        help_text=_("Is de informatie actueel, en komt ze uit meer dan één bron?"),
    )
    submission_key = _submission_key()


class ReasonsForm(_MeasureForm):
    """The reasons under their three headings, and the person's view; saved half done too."""

    radios = ("persons_view",)

    necessity = _text(
        _("Noodzaak: waarom is de maatregel nodig?"),
        long=True,
    )
    proportionality = _text(
        _("Evenredigheid: waarom staat de maatregel in verhouding tot het doel?"),
        long=True,
    )
    subsidiarity = _text(
        _("Subsidiariteit: waarom is een lichter middel niet genoeg?"),
        long=True,
    )
    persons_view = forms.ChoiceField(
        label=_("Zienswijze van de persoon"),
        choices=PersonsView.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een van de mogelijkheden.")},
    )
    persons_view_text = _text(
        _("De zienswijze, of waarom die niet is gevraagd"),
        help_text=_("Bijvoorbeeld: niet gevraagd, omdat vragen de uitreis kan versnellen (spoed)."),
    )
    # The version of the dossier the writer saw, so that two writers do not overwrite each other.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class LocalConsultationForm(_MeasureForm):
    consulted = forms.CharField(
        label=_("Met wie heeft u overlegd?"),
        max_length=SHORT_MAX,
        error_messages={"required": _("Noem met wie u overlegde.")},
        help_text=_("Bijvoorbeeld: de wethouder zorg en het wijkteam."),
    )
    held_on = _date(_("Datum van het overleg"), _("Vul de datum van het overleg in."))
    outcome = _text(_("Uitkomst en advies"), _("Schrijf de uitkomst en het advies op."))
    submission_key = _submission_key()


class MinisterRequestForm(_MeasureForm):
    held_on = _date(_("Verzoek ontvangen op"), _("Vul in wanneer het verzoek binnenkwam."))
    answer_due = _date(
        _("Antwoord uiterlijk"), _("Vul in wanneer de Minister het antwoord wil hebben.")
    )
    submission_key = _submission_key()


class AnswerForm(_MeasureForm):
    outcome = _text(_("Uw antwoord aan de Minister"), _("Schrijf uw antwoord aan de Minister."))


# --- Decisions and after ------------------------------------------------------------------------


class DecisionForm(_MeasureForm):
    decision_text = _text(_("Het besluit"), _("Schrijf het besluit op."), long=True)
    decided_on = _date(_("Besloten op"), _("Vul de datum van het besluit in."))
    starts_on = _date(_("Geldt vanaf"), _("Vul in vanaf wanneer de maatregel geldt."))
    ends_on = _date(_("Geldt tot en met"))


class ExternalDecisionForm(DecisionForm):
    external_authority = forms.CharField(
        label=_("Besluit genomen door"),
        required=False,
        max_length=200,
        help_text=_("Leeg laten: het bevoegd gezag uit het kader."),
    )
    external_reference = forms.CharField(
        label=_("Kenmerk van de beschikking"),
        max_length=100,
        error_messages={"required": _("Vul het kenmerk van de beschikking in.")},
    )

    field_order = [
        "external_authority",
        "external_reference",
        "decision_text",
        "decided_on",
        "starts_on",
        "ends_on",
    ]


class MoveForm(_MeasureForm):
    """Where the preparation stands; the value comes from the button that was pressed."""

    to = forms.ChoiceField(
        choices=[("requested", "requested"), ("intended", "intended")],
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Kies aangevraagd of voornemen."),
            "invalid_choice": _("Kies aangevraagd of voornemen."),
        },
    )


class AdviceForm(_MeasureForm):
    advice = _text(
        _("Advies van het casusoverleg"), _("Schrijf het advies van het casusoverleg op.")
    )


class WithdrawForm(_MeasureForm):
    closing_note = _text(
        _("Waarom gaat de maatregel niet door?"),
        _("Schrijf waarom de maatregel niet doorgaat."),
    )


class EndForm(_MeasureForm):
    closing_note = _text(
        _("Evaluatie: wat heeft de maatregel gedaan, en wat komt nu?"),
        _("Schrijf de evaluatie: wat heeft de maatregel gedaan?"),
        long=True,
    )


class ExtendForm(_MeasureForm):
    reason = _text(
        _("Waarom is verlengen nodig?"),
        _("Schrijf waarom u deze maatregel voorstelt."),
    )


# --- Objection and appeal ------------------------------------------------------------------------


class ReviewForm(_MeasureForm):
    """An objection or appeal against the decision; the service checks the term."""

    radios = ("kind",)

    kind = forms.ChoiceField(
        label=_("Wat is ingediend?"),
        choices=ReviewKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies bezwaar, beroep of hoger beroep."),
            "invalid_choice": _("Kies bezwaar, beroep of hoger beroep."),
        },
    )
    notified_on = _date(
        _("Besluit bekendgemaakt op"), _("Vul in wanneer het besluit is bekendgemaakt.")
    )
    filed_on = _date(_("Ingediend op"), _("Vul in wanneer het is ingediend."))
    grounds = _text(
        _("Gronden: waarom is het besluit volgens de indiener fout?"),
        _("Schrijf de gronden op: waarom is het besluit fout?"),
        long=True,
    )
    late_reason = _text(
        _("Reden voor te laat indienen"),
        help_text=_(
            "Alleen nodig als het na de uiterste datum is ingediend. Schrijf op waarom het "
            "later kwam, bijvoorbeeld: de brief is pas later ontvangen."
        ),
    )
    submission_key = _submission_key()


class ReviewOutcomeForm(_MeasureForm):
    """The outcome of an objection or appeal; only an upheld one can annul the decision."""

    outcome = forms.ChoiceField(
        label=_("Uitkomst"),
        choices=[
            ("", _("Kies de uitkomst")),
            *(c for c in ReviewOutcome.choices if c[0] != ReviewOutcome.PENDING),
        ],
        error_messages={
            "required": _("Kies de uitkomst."),
            "invalid_choice": _("Kies de uitkomst."),
        },
    )
    outcome_on = _date(
        _("Datum van de beslissing of uitspraak"),
        _("Vul de datum van de beslissing of uitspraak in."),
    )
    outcome_text = _text(
        _("Wat is er beslist?"), _("Schrijf kort op wat er is beslist."), long=True
    )
    annuls = forms.BooleanField(
        label=_("Vernietigt het besluit: de maatregel geldt niet meer"), required=False
    )


# --- The mayor's designations --------------------------------------------------------------------


class DesignateForm(_MeasureForm):
    user = forms.ChoiceField(
        label=_("Ambtenaar"),
        error_messages={
            "required": _("Kies een medewerker van uw gemeente."),
            "invalid_choice": _("Kies een medewerker van uw gemeente."),
        },
    )
    reason = _text(
        _("Waarvoor wijst u deze ambtenaar aan?"),
        _("Schrijf waarvoor u deze ambtenaar aanwijst."),
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._choices("user", people, str(_("Kies een medewerker")))
