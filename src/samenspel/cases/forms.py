"""Forms for the case pages: they check input; the services decide and save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samenspel.cases.models import JUSTIFICATION_MAX, CaseStatus, Consent, InterventionStatus
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
