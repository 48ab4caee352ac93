"""Forms of the capacity request pages: they check input; the services decide and save."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samenspel.consultations.models import CapacityKind, Urgency
from samenspel.lib.forms import UtrechtForm

__all__ = [
    "AcceptCapacityForm",
    "CapacityRequestForm",
    "DeclineCapacityForm",
    "OtherDateForm",
    "StatisticsFilterForm",
]

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 4})
TEXT_MAX = 4000
INVALID_DATE = _("Vul een geldige datum in, bijvoorbeeld 31-12-2026.")


def _choices(form: forms.Form, name: str, empty: str, options: list[tuple[str, str]]) -> None:
    field = cast(forms.ChoiceField, form.fields[name])
    field.choices = [("", empty), *options]


class CapacityRequestForm(UtrechtForm):
    """Ask a national partner for capacity. The key makes a double submit harmless."""

    municipality = forms.ChoiceField(
        label=_("Voor gemeente"),
        error_messages={
            "required": _("Kies de gemeente waarvoor u het vraagt."),
            "invalid_choice": _("Kies een gemeente uit de lijst."),
        },
    )
    addressed = forms.ChoiceField(
        label=_("Gevraagd aan"),
        help_text=_("De NCTV, het OM of de politie."),
        error_messages={
            "required": _("Kies de NCTV, het OM of de politie."),
            "invalid_choice": _("Kies de NCTV, het OM of de politie uit de lijst."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Wat vraagt u?"),
        choices=CapacityKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies wat u vraagt."),
            "invalid_choice": _("Kies wat u vraagt."),
        },
    )
    urgency = forms.ChoiceField(
        label=_("Urgentie"),
        choices=Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Kies of het acuut is of niet."),
            "invalid_choice": _("Kies of het acuut is of niet."),
        },
    )
    needed_by = forms.DateField(
        label=_("Nodig op"),
        widget=DATE,
        error_messages={
            "required": _("Vul de datum in waarop u het nodig heeft."),
            "invalid": INVALID_DATE,
        },
    )
    meeting = forms.ChoiceField(
        label=_("Voor welk overleg"),
        required=False,
        error_messages={"invalid_choice": _("Kies een gepland overleg uit de lijst.")},
    )
    question = forms.CharField(
        label=_("Uw vraag"),
        widget=TEXT,
        max_length=TEXT_MAX,
        help_text=_(
            "Schrijf geen persoonsgegevens: geen namen, geboortedata of adressen. Gaat uw vraag "
            "over een persoon? Stel die dan in de casus."
        ),
        error_messages={
            "required": _("Schrijf uw vraag. Noem geen persoonsgegevens."),
            "max_length": _("Uw vraag is te lang: ten hoogste %(limit_value)d tekens."),
        },
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(
        self,
        *args: Any,
        municipalities: list[tuple[str, str]],
        partners: list[tuple[str, str]],
        meetings: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "municipality", str(_("Kies een gemeente")), municipalities)
        _choices(self, "addressed", str(_("Kies een partner")), partners)
        _choices(self, "meeting", str(_("Geen overleg")), meetings)
        for name in ("kind", "urgency"):
            widget = cast(forms.RadioSelect, self.fields[name].widget)
            widget.attrs["class"] = "utrecht-radio-button utrecht-radio-button--html-input"


class AcceptCapacityForm(UtrechtForm):
    assignee = forms.ChoiceField(
        label=_("Wie komt of levert"),
        help_text=_("Iemand van uw eigen organisatie."),
        error_messages={
            "required": _("Kies wie van uw organisatie komt of levert."),
            "invalid_choice": _("Kies iemand van uw eigen organisatie uit de lijst."),
        },
    )
    accept_note = forms.CharField(
        label=_("Toelichting bij de toezegging"), widget=TEXT, max_length=TEXT_MAX, required=False
    )

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self, "assignee", str(_("Kies een persoon")), people)


class OtherDateForm(UtrechtForm):
    proposed_date = forms.DateField(
        label=_("Voorgestelde datum"),
        widget=DATE,
        error_messages={"required": _("Vul de datum in die u voorstelt."), "invalid": INVALID_DATE},
    )
    other_note = forms.CharField(
        label=_("Toelichting bij de andere datum"),
        widget=TEXT,
        max_length=TEXT_MAX,
        required=False,
    )


class DeclineCapacityForm(UtrechtForm):
    reason = forms.CharField(
        label=_("Reden van afwijzen"),
        widget=TEXT,
        max_length=TEXT_MAX,
        error_messages={"required": _("Geef een reden op, zodat de gemeente verder kan.")},
    )


class StatisticsFilterForm(UtrechtForm):
    start = forms.DateField(
        label=_("Van"), widget=DATE, required=False, error_messages={"invalid": INVALID_DATE}
    )
    end = forms.DateField(
        label=_("Tot en met"), widget=DATE, required=False, error_messages={"invalid": INVALID_DATE}
    )

    def period(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """Return the chosen period; the last twelve months by default."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or end - dt.timedelta(days=365)
        return start, end

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("Deze datum ligt voor de begindatum. Kies een latere datum."))
        return data
