"""Forms of the consultation pages: they check input; the services decide and save."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samenspel.consultations.models import DecisionKind, PartnerKind
from samenspel.lib.forms import UtrechtForm

DATE = forms.DateInput(attrs={"type": "date", "lang": "nl"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local", "lang": "nl"}, format="%Y-%m-%dT%H:%M"
)
TEXT = forms.Textarea(attrs={"rows": 3})


class _ChoicesForm(UtrechtForm):
    def _field(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])


def _choices(options: list[tuple[str, str]], empty: str) -> list[tuple[str, str]]:
    return [("", empty), *options]


class SeriesForm(_ChoicesForm):
    name = forms.CharField(
        label=_("Naam"),
        max_length=200,
        error_messages={"required": _("Geef het casusoverleg een naam.")},
        help_text=_("Bijvoorbeeld: Casusoverleg radicalisering Havenstad."),
    )
    chair = forms.ChoiceField(
        label=_("Voorzitter"),
        error_messages={"required": _("Kies een voorzitter.")},
    )
    secretary = forms.ChoiceField(label=_("Secretaris"), required=False)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._field("chair").choices = _choices(people, str(_("Kies een persoon")))
        self._field("secretary").choices = _choices(people, str(_("Geen secretaris")))


class PartnerForm(_ChoicesForm):
    organisation = forms.ChoiceField(
        label=_("Organisatie"), error_messages={"required": _("Kies een organisatie.")}
    )
    kind = forms.ChoiceField(
        label=_("Soort partner"),
        choices=PartnerKind.choices,
        initial=PartnerKind.CASE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Kies kernpartner of casuspartner.")},
    )
    flow = forms.ChoiceField(label=_("Informatiestroom uit het kader"), required=False)
    legal_ground = forms.CharField(
        label=_("Grondslag voor delen"),
        widget=TEXT,
        max_length=2000,
        help_text=_("Bijvoorbeeld: art. 18 lid 2 Wpg, of: alleen met toestemming."),
        error_messages={"required": _("Noem de grondslag waarop deze partner gegevens deelt.")},
    )

    def __init__(
        self,
        *args: Any,
        organisations: list[tuple[str, str]],
        flows: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._field("organisation").choices = _choices(
            organisations, str(_("Kies een organisatie"))
        )
        self._field("flow").choices = _choices(flows, str(_("Geen of onbekend")))


class MeetingForm(_ChoicesForm):
    starts_at = forms.DateTimeField(
        label=_("Datum en tijd"),
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M", "%d-%m-%Y %H:%M"],
        error_messages={
            "required": _("Vul de datum en tijd in."),
            "invalid": _("Vul een datum en tijd in, bijvoorbeeld 14-01-2027 10:00."),
        },
    )
    place = forms.CharField(label=_("Plaats"), required=False, max_length=200)
    video_link = forms.URLField(
        label=_("Videoverbinding"),
        required=False,
        max_length=500,
        error_messages={"invalid": _("Vul een volledig webadres in, beginnend met https://.")},
    )


class AddItemForm(_ChoicesForm):
    case = forms.ChoiceField(label=_("Casus"), error_messages={"required": _("Kies een casus.")})
    note = forms.CharField(label=_("Toelichting"), required=False, max_length=2000, widget=TEXT)

    def __init__(self, *args: Any, cases: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._field("case").choices = _choices(cases, str(_("Kies een casus")))


class InviteForm(_ChoicesForm):
    organisation = forms.ChoiceField(
        label=_("Partner"), error_messages={"required": _("Kies een partner.")}
    )
    reason = forms.CharField(
        label=_("Waarom deze partner nodig is"),
        max_length=2000,
        widget=TEXT,
        error_messages={"required": _("Schrijf op waarom deze partner bij deze casus nodig is.")},
    )

    def __init__(self, *args: Any, partners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._field("organisation").choices = _choices(partners, str(_("Kies een partner")))


class NoteForm(_ChoicesForm):
    attendance = forms.MultipleChoiceField(
        label=_("Aanwezig bij deze casus"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    summary = forms.CharField(
        label=_("Samenvatting"),
        required=False,
        max_length=8000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # The version of the note the writer saw (0: none yet), so that two writers do not
    # overwrite each other.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, organisations: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._field("attendance").choices = organisations


class DecisionForm(_ChoicesForm):
    kind = forms.ChoiceField(
        label=_("Soort"),
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        initial=DecisionKind.ADVICE,
        error_messages={"required": _("Kies advies, afspraak of besluit.")},
    )
    measure = forms.ChoiceField(label=_("Over maatregel"), required=False)
    decided_by = forms.ChoiceField(
        label=_("Wie besluit"),
        required=False,
        help_text=_("Alleen bij een besluit: het bevoegd gezag. Het casusoverleg zelf adviseert."),
    )
    text = forms.CharField(
        label=_("Inhoud"),
        max_length=8000,
        widget=TEXT,
        error_messages={"required": _("Schrijf op wat is besloten, geadviseerd of afgesproken.")},
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(
        self,
        *args: Any,
        measures: list[tuple[str, str]],
        organisations: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._field("measure").choices = _choices(
            measures, str(_("Geen maatregel (plan of proces)"))
        )
        self._field("decided_by").choices = _choices(organisations, str(_("Het casusoverleg")))


class ActionForm(_ChoicesForm):
    description = forms.CharField(
        label=_("Actie"),
        max_length=8000,
        widget=TEXT,
        error_messages={"required": _("Beschrijf de actie.")},
    )
    owner = forms.ChoiceField(
        label=_("Wie voert de actie uit"),
        error_messages={"required": _("Kies wie de actie uitvoert.")},
    )
    deadline = forms.DateField(
        label=_("Uiterlijk"),
        widget=DATE,
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        error_messages={
            "required": _("Vul in wanneer de actie af moet zijn."),
            "invalid": _("Vul een datum in, bijvoorbeeld 14-01-2027."),
        },
    )
    key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._field("owner").choices = _choices(owners, str(_("Kies een persoon")))


class CommentForm(_ChoicesForm):
    until = forms.DateField(
        label=_("Reageren kan tot en met"),
        widget=DATE,
        input_formats=["%Y-%m-%d", "%d-%m-%Y"],
        error_messages={
            "required": _("Kies een datum vanaf vandaag."),
            "invalid": _("Vul een datum in, bijvoorbeeld 14-01-2027."),
        },
    )


class ReasonForm(_ChoicesForm):
    reason = forms.CharField(
        label=_("Reden"),
        max_length=2000,
        widget=TEXT,
        error_messages={"required": _("Geef een reden op.")},
    )


class CloseActionForm(_ChoicesForm):
    done = forms.TypedChoiceField(
        label=_("Uitkomst"),
        choices=[("1", _("Gedaan")), ("0", _("Vervalt"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        initial="1",
        error_messages={"required": _("Kies gedaan of vervalt.")},
    )
    result = forms.CharField(
        label=_("Resultaat of reden"), required=False, max_length=8000, widget=TEXT
    )


class NominateForm(_ChoicesForm):
    series = forms.ChoiceField(
        label=_("Casusoverleg"), error_messages={"required": _("Kies een casusoverleg.")}
    )
    reason = forms.CharField(
        label=_("Waarom de casus besproken moet worden"),
        max_length=2000,
        widget=TEXT,
        error_messages={"required": _("Schrijf op waarom de casus besproken moet worden.")},
    )

    def __init__(self, *args: Any, series: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._field("series").choices = _choices(series, str(_("Kies een casusoverleg")))
