"""Forms for the signal and triage pages: they check input; the services decide and save."""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.forms.utils import ErrorDict
from django.utils.translation import gettext_lazy as _

from samenspel.accounts.models import Organisation, User
from samenspel.cases.services import clean_person
from samenspel.intake.models import TriageOutcome
from samenspel.lib.forms import UtrechtForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})
RADIO_CLASS = "utrecht-radio-button utrecht-radio-button--html-input"
NEW_PERSON = "nieuw"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; the service checks their number, size and type."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile[bytes]]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def attachment_help() -> str:
    """Return the help text for the attachments, with the limits of this installation."""
    return str(
        _(
            "Ten hoogste %(count)d bestanden van elk ten hoogste %(mb)s MB: PDF, PNG, JPEG of "
            "tekst (.txt). Stuur alleen wat nodig is om het signaal te begrijpen."
        )
        % {
            "count": settings.ATTACHMENT_MAX_COUNT,
            "mb": settings.ATTACHMENT_MAX_BYTES // 1_048_576 or 1,
        }
    )


class SignalForm(UtrechtForm):
    """A signal (melding): what was seen, the concern, and about whom."""

    municipality = forms.ModelChoiceField(
        label=_("Gemeente"),
        help_text=_("De gemeente waar de persoon woont. Die gemeente weegt het signaal."),
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        empty_label=_("Kies een gemeente"),
        error_messages={
            "required": _("Kies de gemeente waar de persoon woont."),
            "invalid_choice": _("Kies de gemeente waar de persoon woont."),
        },
    )
    observed_on = forms.DateField(
        label=_("Wanneer zag of hoorde u het?"),
        widget=DATE,
        error_messages={
            "required": _("Vul in wanneer u het zag of hoorde."),
            "invalid": _("Vul een datum in, bijvoorbeeld 14-03-2026."),
        },
    )
    observation = forms.CharField(
        label=_("Wat zag of hoorde u?"),
        help_text=_("Beschrijf alleen feiten: wat, waar, wie was erbij. Geen oordeel."),
        widget=TEXT,
        max_length=10_000,
        error_messages={"required": _("Beschrijf wat u zag of hoorde.")},
    )
    concern = forms.CharField(
        label=_("Wat is uw zorg?"),
        help_text=_("Waarom maakt u zich zorgen? Wat kan er gebeuren als niemand iets doet?"),
        widget=TEXT,
        max_length=10_000,
        error_messages={"required": _("Beschrijf uw zorg.")},
    )
    is_acute = forms.TypedChoiceField(
        label=_("Is het acuut?"),
        help_text=_(
            "Acuut betekent: er kan binnen uren of dagen iets ernstigs gebeuren, bijvoorbeeld "
            "geweld of vertrek naar het buitenland. De weegploeg pakt een acuut signaal dan "
            "binnen %(minutes)d minuten op."
        ),
        choices=[("nee", _("Nee")), ("ja", _("Ja, het is acuut"))],
        coerce=lambda value: value == "ja",
        initial="nee",
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies of het acuut is.")},
    )
    subject_family_name = forms.CharField(
        label=_("Achternaam"),
        max_length=200,
        error_messages={"required": _("Vul de achternaam in.")},
    )
    subject_given_names = forms.CharField(label=_("Voornamen"), max_length=200, required=False)
    subject_birth_date = forms.DateField(
        label=_("Geboortedatum"),
        widget=DATE,
        required=False,
        error_messages={"invalid": _("Vul een datum in, bijvoorbeeld 14-03-2005.")},
    )
    subject_bsn = forms.CharField(
        label=_("BSN"),
        help_text=_("Alleen als u het BSN mag delen en het zeker weet. Negen cijfers."),
        max_length=20,
        required=False,
    )
    subject_address = forms.CharField(label=_("Adres"), max_length=300, required=False)
    attachments = MultipleFileField(label=_("Bijlagen"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args: Any, municipalities: QuerySet[Organisation], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organisation]", self.fields["municipality"])
        field.queryset = municipalities
        acute = self.fields["is_acute"]
        acute.help_text = str(acute.help_text) % {"minutes": settings.SIGNAL_ACUTE_PICKUP_MINUTES}
        acute.widget.attrs["class"] = RADIO_CLASS
        self.fields["attachments"].help_text = attachment_help()
        self.fields["subject_bsn"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off"}
        )
        self.fields["subject_family_name"].widget.attrs["autocomplete"] = "off"
        self.fields["subject_given_names"].widget.attrs["autocomplete"] = "off"
        self.fields["subject_address"].widget.attrs["autocomplete"] = "off"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The service checks this again; here it shows with the other errors in one round.
        errors = clean_person(
            family_name=data.get("subject_family_name") or "-",
            given_names=data.get("subject_given_names") or "",
            birth_date=data.get("subject_birth_date"),
            bsn=data.get("subject_bsn") or "",
        )
        for key, message in errors.items():
            field = f"subject_{key}"
            if field in self.fields and field not in self.errors:
                self.add_error(field, message)
        return data

    def refuse_attachments(self, message: str) -> None:
        """Show `message` at the attachments of an unbound form: the body was never read."""
        self._errors = ErrorDict({"attachments": self.error_class([message])})
        widget = self.fields["attachments"].widget
        widget.attrs["aria-invalid"] = "true"
        widget.attrs["aria-describedby"] = "id_attachments_helptext id_attachments_error"


class QueueFilterForm(UtrechtForm):
    show = forms.ChoiceField(
        label=_("Toon"),
        required=False,
        choices=[
            ("", _("alle open signalen")),
            ("te-laat", _("alleen te laat")),
            ("acuut", _("alleen acuut")),
        ],
    )


JOIN, SECOND = "join", "second"


class TriageForm(UtrechtForm):
    """The weging: outcome, reason and criteria, and for inclusion the person and the case."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    outcome = forms.ChoiceField(
        label=_("Uitkomst van de weging"),
        choices=TriageOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies een uitkomst.")},
    )
    reason = forms.CharField(
        label=_("Reden"),
        help_text=_("Waarom kiest de weegploeg deze uitkomst?"),
        widget=TEXT,
        max_length=5000,
        error_messages={"required": _("Geef de reden van deze uitkomst.")},
    )
    criteria = forms.CharField(
        label=_("Gebruikte criteria"),
        help_text=_("Welke criteria heeft de weegploeg gebruikt? Dit is verplicht."),
        widget=TEXT,
        max_length=5000,
        error_messages={"required": _("Leg vast welke criteria de weegploeg heeft gebruikt.")},
    )
    person = forms.ChoiceField(
        label=_("Persoon"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Kies een persoon uit de lijst.")},
    )
    case_director = forms.ModelChoiceField(
        label=_("Casusregisseur"),
        help_text=_("Nodig als er een nieuwe casus opent."),
        queryset=User.objects.none(),
        to_field_name="uuid",
        required=False,
        empty_label=_("Kies een casusregisseur"),
        error_messages={"invalid_choice": _("Kies een casusregisseur uit de lijst.")},
    )
    phase = forms.ChoiceField(
        label=_("Fase"),
        help_text=_("Nodig als er een nieuwe casus opent."),
        required=False,
        error_messages={"invalid_choice": _("Kies een fase uit het kader.")},
    )
    tracks = forms.MultipleChoiceField(
        label=_("Sporen"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Kiest u niets, dan is het spoor de lokale persoonsgerichte aanpak."),
        error_messages={"invalid_choice": _("Kies alleen sporen uit het kader.")},
    )
    open_case = forms.ChoiceField(
        label=_("De persoon heeft al een open casus"),
        required=False,
        widget=forms.RadioSelect,
        choices=[
            (JOIN, _("Voeg het signaal toe aan die casus (aanbevolen)")),
            (SECOND, _("Open een tweede casus naast die casus")),
        ],
        initial=JOIN,
    )
    second_case_reason = forms.CharField(
        label=_("Reden voor een tweede open casus"),
        help_text=_(
            "Nodig als u een tweede casus opent. Eén persoon heeft in principe één open casus; "
            "een tweede kan naast de eerste lopen, bijvoorbeeld voor een apart spoor."
        ),
        widget=TEXT,
        max_length=2000,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        persons: list[tuple[str, str]],
        case_directors: QuerySet[User],
        phases: list[tuple[str, str]],
        tracks: list[tuple[str, str]],
        open_cases: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        # The known persons (uuid) with an open case, and its reference.
        self.open_cases = open_cases or {}
        self.fields["outcome"].widget.attrs["class"] = RADIO_CLASS
        self.fields["open_case"].widget.attrs["class"] = RADIO_CLASS
        # Needed only when a new case opens: asked as such, not as "niet verplicht".
        for name in ("case_director", "phase", "second_case_reason"):
            self.fields[name].conditional = True  # type: ignore[attr-defined]
        person = cast(forms.ChoiceField, self.fields["person"])
        person.choices = [*persons, (NEW_PERSON, _("Nieuwe persoon registreren"))]
        person.widget.attrs["class"] = RADIO_CLASS
        director = cast("forms.ModelChoiceField[User]", self.fields["case_director"])
        director.queryset = case_directors
        cast(forms.ChoiceField, self.fields["phase"]).choices = [
            ("", _("Kies een fase")),
            *phases,
        ]
        cast(forms.MultipleChoiceField, self.fields["tracks"]).choices = tracks

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The service checks this again; here it shows with the other errors in one round.
        if data.get("outcome") == TriageOutcome.INCLUDE:
            if not data.get("person") and "person" not in self.errors:
                self.add_error("person", _("Koppel een bekende persoon of registreer een nieuwe."))
            joins = self.joins_open_case(data)
            second = data.get("person") in self.open_cases and not joins
            if second and not data.get("second_case_reason", "").strip():
                self.add_error(
                    "second_case_reason",
                    _("Schrijf op waarom er een tweede open casus komt, of voeg het signaal toe."),
                )
            if not joins:
                if not data.get("case_director") and "case_director" not in self.errors:
                    self.add_error("case_director", _("Kies een casusregisseur."))
                if not data.get("phase") and "phase" not in self.errors:
                    self.add_error("phase", _("Kies een fase uit het kader."))
        return data

    def joins_open_case(self, data: dict[str, Any]) -> bool:
        """Tell whether the signal goes to the chosen person's open case (the default)."""
        return data.get("person") in self.open_cases and data.get("open_case") != SECOND


class PartnerChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.full_name} ({obj.organisation.name})"


class SeatForm(UtrechtForm):
    user = PartnerChoiceField(
        label=_("Medewerker van politie of OM"),
        help_text=_("Alleen medewerkers van politie en OM in de regio van uw gemeente."),
        queryset=User.objects.none(),
        to_field_name="uuid",
        empty_label=_("Kies een medewerker"),
        error_messages={
            "required": _("Kies een medewerker."),
            "invalid_choice": _("Kies een medewerker uit de lijst."),
        },
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[User]", self.fields["user"])
        field.queryset = User.objects.filter(pk__in=[u.pk for u in candidates]).select_related(
            "organisation"
        )
