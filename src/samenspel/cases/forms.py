"""Forms for the case pages: they check input; the services decide and save."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from samenspel.cases.models import (
    BREAK_GLASS_TEXT_MAX,
    JUSTIFICATION_MAX,
    BreakGlassReview,
    CareBasis,
    CaseStatus,
    Compartment,
    Consent,
    InterventionStatus,
    ItemKind,
)
from samenspel.lib.forms import UtrechtForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
RADIO_CLASS = "utrecht-radio-button utrecht-radio-button--html-input"

# A group of fields: its legend (None: no fieldset), a line of explanation, the field names.
Section = tuple[Any, Any, tuple[str, ...]]


class SectionedForm(UtrechtForm):
    """A form whose fields are shown in groups, each in a fieldset with a legend.

    cases/_sections.html renders `sections`; a visible field no group names comes last.
    """

    SECTIONS: tuple[Section, ...] = ()

    @property
    def sections(self) -> list[dict[str, Any]]:
        named = {name for _legend, _intro, names in self.SECTIONS for name in names}
        groups = [
            (legend, intro, [n for n in names if n in self.fields])
            for legend, intro, names in self.SECTIONS
        ]
        rest = [f.name for f in self.visible_fields() if f.name not in named]
        groups.append((None, "", rest))
        return [
            {"legend": legend, "intro": intro, "fields": [self[n] for n in names]}
            for legend, intro, names in groups
            if names
        ]


class ConsentRecordFields(forms.Form):
    """The consent record of a voluntary intervention: by whom, when, for what, with whom.

    The service checks it (given consent needs the first three); the form only reads it.
    """

    consent_by = forms.CharField(
        label=_("Toestemming gegeven door"),
        required=False,
        help_text=_("De persoon zelf, of een ouder of voogd. Nodig als er toestemming is."),
    )
    consent_on = forms.DateField(label=_("Toestemming gegeven op"), required=False)
    consent_scope = forms.CharField(
        label=_("Waarvoor"),
        widget=TEXT,
        required=False,
        help_text=_(
            "Waarvoor geldt de toestemming? Bijvoorbeeld: de voortgang delen met het "
            "casusoverleg. Nodig als er toestemming is."
        ),
    )
    consent_shared_with = forms.MultipleChoiceField(
        label=_("Gedeeld met"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "De organisaties waarmee de persoon het delen goedkeurt. Alleen zij lezen de "
            "zorginformatie die op deze toestemming rust, en alleen zolang die geldt."
        ),
        error_messages={"invalid_choice": _("Kies organisaties uit de lijst.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Required when consent is given, checked by the service: not shown as "niet verplicht".
        for name in ("consent_by", "consent_on", "consent_scope"):
            if name in self.fields:
                self.fields[name].conditional = True  # type: ignore[attr-defined]

    def _offer_organisations(self, organisations: list[tuple[str, str]]) -> None:
        shared = cast(forms.MultipleChoiceField, self.fields["consent_shared_with"])
        shared.choices = organisations


CONSENT_LEGEND = _("Toestemming")
CONSENT_INTRO = _(
    "Alleen bij een vrijwillige interventie. Geeft de persoon toestemming? Leg dan vast wie die "
    "gaf, wanneer, waarvoor en met welke organisaties u de informatie mag delen."
)
CONSENT_FIELDS = ("consent", "consent_by", "consent_on", "consent_scope", "consent_shared_with")


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


class InterventionAddForm(ConsentRecordFields, SectionedForm):
    """Add an intervention: one choice holds the measure and its domain."""

    SECTIONS = (
        (None, "", ("measure", "owner", "goal", "start_date", "end_date", "review_date")),
        (CONSENT_LEGEND, CONSENT_INTRO, CONSENT_FIELDS),
    )

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

    field_order = [
        "measure",
        "owner",
        "goal",
        "start_date",
        "end_date",
        "review_date",
        *CONSENT_FIELDS,
    ]

    def __init__(
        self,
        *args: Any,
        measures: list[tuple[str, list[tuple[str, str]]]],
        owners: list[tuple[str, str]],
        organisations: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._offer_organisations(organisations)
        measure = cast(forms.ChoiceField, self.fields["measure"])
        measure.choices = [("", _("Kies een interventie")), *measures]
        owner = cast(forms.ChoiceField, self.fields["owner"])
        owner.choices = [("", _("Kies een organisatie")), *owners]


class InterventionEditForm(ConsentRecordFields, SectionedForm, VersionedForm):
    SECTIONS = (
        (None, "", ("status",)),
        (CONSENT_LEGEND, CONSENT_INTRO, CONSENT_FIELDS),
        (None, "", ("goal", "start_date", "end_date", "review_date", "outcome")),
    )

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
        *CONSENT_FIELDS,
        "goal",
        "start_date",
        "end_date",
        "review_date",
        "outcome",
        "version",
    ]

    def __init__(
        self,
        *args: Any,
        voluntary: bool,
        organisations: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if not voluntary:
            for name in CONSENT_FIELDS:
                del self.fields[name]
        else:
            self._offer_organisations(organisations or [])


class InformationForm(SectionedForm):
    """Record information on a case. Only the source is checked here; the service checks the
    rest (and audits a source the user may not record in), so that every message comes at
    once, in the service's words."""

    SECTIONS = (
        (None, "", ("compartment",)),
        (
            _("De informatie"),
            _("Schrijf de informatie op, voeg een bestand toe, of allebei."),
            ("kind", "title", "source", "text", "file"),
        ),
        (
            _("Alleen bij zorginformatie: de grond om te delen"),
            _(
                "Zorginformatie valt onder het beroepsgeheim. U deelt die alleen met "
                "toestemming van de persoon, bij een conflict van plichten of op grond van een "
                "wettelijke uitzondering. Bij een andere bron slaat Samenspel deze velden niet op."
            ),
            ("care_basis", "consent_of", "basis_reason"),
        ),
    )

    compartment = forms.CharField(
        label=_("Waar komt de informatie vandaan?"),
        widget=forms.RadioSelect,
        help_text=_(
            "De bron bepaalt wie de informatie leest. U ziet alleen de bronnen die u zelf "
            "mag lezen."
        ),
        error_messages={"required": _("Kies waar de informatie vandaan komt.")},
    )
    kind = forms.ChoiceField(
        label=_("Soort"),
        widget=forms.RadioSelect,
        choices=[(value, capfirst(label)) for value, label in ItemKind.choices],
        required=False,
        help_text=_("Van een AIVD-ambtsbericht legt u alleen de samenvatting vast."),
        error_messages={"invalid_choice": _("Kies een soort uit de lijst.")},
    )
    title = forms.CharField(label=_("Titel"), required=False)
    source = forms.CharField(
        label=_("Bron en kenmerk"),
        required=False,
        help_text=_(
            "Bijvoorbeeld: proces-verbaal 2026-0142 van 1 december 2026. Bij een "
            "AIVD-ambtsbericht verplicht: het kenmerk en de datum."
        ),
    )
    text = forms.CharField(
        label=_("Tekst"), widget=forms.Textarea(attrs={"rows": 6}), required=False
    )
    file = forms.FileField(
        label=_("Bestand"),
        required=False,
        widget=forms.FileInput,
        error_messages={
            "empty": _("Het bestand is leeg."),
            "invalid": _("Dit is geen bestand. Kies het bestand opnieuw."),
        },
    )
    care_basis = forms.ChoiceField(
        label=_("Op welke grond deelt u deze zorginformatie?"),
        widget=forms.RadioSelect,
        choices=[(value, capfirst(label)) for value, label in CareBasis.choices],
        required=False,
        error_messages={"invalid_choice": _("Kies een grond uit de lijst.")},
    )
    consent_of = forms.ChoiceField(
        label=_("Toestemming bij interventie"),
        required=False,
        help_text=_(
            "Alleen bij toestemming: de vrijwillige interventie waarvoor de persoon "
            "toestemming gaf. De organisaties die de toestemming noemt, lezen de informatie."
        ),
        error_messages={"invalid_choice": _("Kies een interventie uit de lijst.")},
    )
    basis_reason = forms.CharField(
        label=_("Toelichting op de grond"),
        widget=TEXT,
        required=False,
        help_text=_(
            "Alleen bij een conflict van plichten of een wettelijke uitzondering: waarom deelt "
            "u zonder toestemming?"
        ),
    )
    # The same key twice (a double click, a reload) records the information once.
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(
        self,
        *args: Any,
        compartments: Sequence[tuple[str, str]],
        consents: list[tuple[str, str]],
        file_help: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        compartment = cast(forms.RadioSelect, self.fields["compartment"].widget)
        compartment.choices = compartments
        consent_of = cast(forms.ChoiceField, self.fields["consent_of"])
        consent_of.choices = [("", _("Kies de interventie")), *consents]
        self.fields["file"].help_text = file_help
        for name in ("compartment", "kind", "care_basis"):
            self.fields[name].widget.attrs["class"] = RADIO_CLASS
        # Required, but checked by the service: shown as required, not as "niet verplicht".
        self.fields["title"].conditional = True  # type: ignore[attr-defined]
        self.fields["title"].widget.attrs["aria-required"] = "true"
        # Required in some cases only (text or file; the ground's fields for care): neither
        # "niet verplicht" nor required; the help text and the section say when.
        for name in ("text", "file", "care_basis", "consent_of", "basis_reason"):
            self.fields[name].conditional = True  # type: ignore[attr-defined]
        offered = {value for value, _label in compartments}
        if Compartment.CARE not in offered:
            # Who cannot record care information is not asked for its ground.
            for name in ("care_basis", "consent_of", "basis_reason"):
                del self.fields[name]
        if Compartment.AIVD not in offered:
            # Who cannot record an AIVD summary does not need its rules.
            self.fields["kind"].help_text = ""
            self.fields["source"].help_text = _(
                "Bijvoorbeeld: proces-verbaal 2026-0142 van 1 december 2026."
            )


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
