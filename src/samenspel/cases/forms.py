"""Forms for the case pages: they check input; the services decide and save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samenspel.cases.models import (
    BREAK_GLASS_TEXT_MAX,
    JUSTIFICATION_MAX,
    BreakGlassReview,
    CaseStatus,
    Consent,
    InterventionStatus,
)
from samenspel.lib.forms import UtrechtForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


class CaseFilterForm(UtrechtForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[*CaseStatus.choices, ("all", _("alle"))]
    )
    mine = forms.BooleanField(
        label=_("Alleen mijn casussen (ik ben casusregisseur)"), required=False
    )
    q = forms.CharField(
        label=_("Zoeken"),
        required=False,
        max_length=100,
        help_text=_("Kenmerk of naam van de persoon."),
    )


class VersionedForm(UtrechtForm):
    """A form that edits a row: it carries the version the editor saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ReasonForm(VersionedForm):
    reason = forms.CharField(
        label=_("Reden"),
        widget=TEXT,
        max_length=2000,
        error_messages={"required": _("Geef een reden op.")},
    )


class TransitionForm(ReasonForm):
    """Move the stage or phase along a transition of the framework.

    The choice is not checked here but by the service, so that a forged value gets the
    framework's own explanation.
    """

    to = forms.CharField(
        label=_("Naar"),
        max_length=16,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies waar de casus naartoe gaat.")},
    )

    field_order = ["to", "reason", "version"]

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = cast(forms.RadioSelect, self.fields["to"].widget)
        widget.choices = choices
        widget.attrs["class"] = "utrecht-radio-button utrecht-radio-button--html-input"


class TracksForm(ReasonForm):
    tracks = forms.MultipleChoiceField(
        label=_("Sporen"), required=False, widget=forms.CheckboxSelectMultiple
    )

    field_order = ["tracks", "reason", "version"]

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["tracks"])
        field.choices = choices


class CloseForm(ReasonForm):
    aftercare_until = forms.DateField(
        label=_("Nazorg en monitoring tot"),
        required=False,
        widget=DATE,
        help_text=_("Laat leeg als er geen nazorg is. Dan wordt de casus direct gesloten."),
    )

    field_order = ["reason", "aftercare_until", "version"]


class JustifyForm(VersionedForm):
    text = forms.CharField(
        label=_("Waarom heeft het plan geen preventie of zorg?"),
        widget=TEXT,
        max_length=JUSTIFICATION_MAX,
        required=False,
        help_text=_("Laat leeg en sla op om een eerdere onderbouwing te wissen."),
    )

    field_order = ["text", "version"]


class InterventionAddForm(UtrechtForm):
    """Add an intervention: one choice holds the measure and its domain."""

    measure = forms.ChoiceField(
        label=_("Interventie uit het kader"),
        help_text=_(
            "Gegroepeerd naar soort. Een interventie die bij twee soorten past, staat bij allebei."
        ),
        error_messages={
            "required": _("Kies een interventie."),
            "invalid_choice": _("Kies een interventie uit de lijst."),
        },
    )
    owner = forms.ChoiceField(
        label=_("Eigenaar (organisatie)"),
        error_messages={
            "required": _("Kies de organisatie die de interventie uitvoert."),
            "invalid_choice": _("Kies een organisatie uit de lijst."),
        },
    )
    goal = forms.CharField(label=_("Doel"), widget=TEXT, max_length=4000, required=False)
    consent = forms.ChoiceField(
        label=_("Toestemming van de persoon"),
        required=False,
        help_text=_('Alleen bij een vrijwillige interventie (gemarkeerd met "vrijwillig").'),
        choices=[
            ("", _("nog niet gevraagd")),
            *[(v, label) for v, label in Consent.choices if v not in ("not_needed", "not_asked")],
        ],
    )
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("Einde"), required=False, widget=DATE)
    review_date = forms.DateField(label=_("Evaluatie op"), required=False, widget=DATE)
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(
        self,
        *args: Any,
        measures: list[tuple[str, list[tuple[str, str]]]],
        owners: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        measure = cast(forms.ChoiceField, self.fields["measure"])
        measure.choices = [("", _("Kies een interventie")), *measures]
        owner = cast(forms.ChoiceField, self.fields["owner"])
        owner.choices = [("", _("Kies een organisatie")), *owners]


class InterventionEditForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=InterventionStatus.choices)
    consent = forms.ChoiceField(
        label=_("Toestemming van de persoon"),
        choices=[(v, label) for v, label in Consent.choices if v != "not_needed"],
    )
    goal = forms.CharField(label=_("Doel"), widget=TEXT, max_length=4000, required=False)
    start_date = forms.DateField(label=_("Start"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("Einde"), required=False, widget=DATE)
    review_date = forms.DateField(label=_("Evaluatie op"), required=False, widget=DATE)
    outcome = forms.CharField(
        label=_("Uitkomst van de evaluatie"),
        widget=TEXT,
        max_length=4000,
        required=False,
        help_text=_("Nodig als de interventie is afgerond of gestopt."),
    )

    field_order = [
        "status",
        "consent",
        "goal",
        "start_date",
        "end_date",
        "review_date",
        "outcome",
        "version",
    ]

    def __init__(self, *args: Any, voluntary: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not voluntary:
            del self.fields["consent"]


class MemberForm(UtrechtForm):
    user = forms.ChoiceField(
        label=_("Wie"),
        error_messages={
            "required": _("Kies wie u aan het team toevoegt."),
            "invalid_choice": _("Kies iemand uit de lijst."),
        },
    )
    task = forms.CharField(
        label=_("Taak in het team"),
        max_length=200,
        required=False,
        help_text=_("Bijvoorbeeld: zorgcoördinatie, contact met school."),
    )

    def __init__(self, *args: Any, candidates: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["user"])
        field.choices = [("", _("Kies een persoon")), *candidates]


class TransferRequestForm(UtrechtForm):
    to_municipality = forms.ChoiceField(
        label=_("Naar gemeente"),
        error_messages={
            "required": _("Kies een gemeente uit de lijst."),
            "invalid_choice": _("Kies een gemeente uit de lijst."),
        },
    )
    reason = forms.CharField(
        label=_("Reden"),
        widget=TEXT,
        max_length=2000,
        help_text=_("Bijvoorbeeld: de persoon is verhuisd. Schrijf geen andere persoonsgegevens."),
        error_messages={"required": _("Geef een reden op.")},
    )

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["to_municipality"])
        field.choices = [("", _("Kies een gemeente")), *municipalities]


class AcceptTransferForm(UtrechtForm):
    case_director = forms.ChoiceField(
        label=_("Casusregisseur bij ons"),
        error_messages={
            "required": _("Kies een casusregisseur."),
            "invalid_choice": _("Kies een casusregisseur uit de lijst."),
        },
    )
    reason = forms.CharField(label=_("Toelichting"), widget=TEXT, max_length=2000, required=False)

    def __init__(self, *args: Any, directors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["case_director"])
        field.choices = [("", _("Kies een casusregisseur")), *directors]


class DeclineTransferForm(UtrechtForm):
    reason = forms.CharField(
        label=_("Reden van afwijzen"),
        widget=TEXT,
        max_length=2000,
        error_messages={"required": _("Geef een reden op.")},
    )


class BreakGlassForm(UtrechtForm):
    """Ask for break-the-glass. What is missing is found (and the refusal audited) by the
    service, not here, so that a request without a reason leaves its trace in the log too."""

    municipality = forms.ChoiceField(
        label=_("Gemeente van de casus"),
        required=False,
        error_messages={"invalid_choice": _("Kies een gemeente uit de lijst.")},
    )
    reference = forms.CharField(
        label=_("Kenmerk van de casus"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 40, "autocomplete": "off"}),
        help_text=_("Bijvoorbeeld PGA-2026-1A2B3C."),
    )
    reason = forms.CharField(
        label=_("Reden"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": BREAK_GLASS_TEXT_MAX}),
        required=False,
        help_text=_(
            "Waarom hebt u deze casus nu nodig, en waarom kan het niet wachten? Schrijf geen "
            "andere persoonsgegevens op."
        ),
    )
    # What to open: only the case itself. Never AIVD material or another ground's dossier.
    part = forms.CharField(widget=forms.HiddenInput, required=False, initial="case")
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, municipalities: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["municipality"])
        field.choices = [("", _("Kies een gemeente")), *municipalities]
        # Required, but checked by the service: shown as required, not as "niet verplicht".
        for name in ("municipality", "reference", "reason"):
            self.fields[name].conditional = True  # type: ignore[attr-defined]
            self.fields[name].widget.attrs["aria-required"] = "true"


class BreakGlassReviewForm(UtrechtForm):
    outcome = forms.ChoiceField(
        label=_("Beoordeling"),
        widget=forms.RadioSelect,
        choices=[
            (BreakGlassReview.ACCEPTED, _("In orde: de noodtoegang was nodig")),
            (BreakGlassReview.FLAGGED, _("Niet in orde: ik bespreek dit")),
        ],
        error_messages={
            "required": _("Kies: in orde, of niet in orde."),
            "invalid_choice": _("Kies: in orde, of niet in orde."),
        },
    )
    comment = forms.CharField(
        label=_("Toelichting"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": BREAK_GLASS_TEXT_MAX}),
        required=False,
        help_text=_("Verplicht bij niet in orde."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        widget = cast(forms.RadioSelect, self.fields["outcome"].widget)
        widget.attrs["class"] = "utrecht-radio-button utrecht-radio-button--html-input"
        self.fields["comment"].conditional = True  # type: ignore[attr-defined]
