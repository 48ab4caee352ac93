"""The audit log's filter form."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.lib.forms import UtrechtForm


class AuditFilterForm(UtrechtForm):
    actor = forms.ChoiceField(
        label=_("Gebruiker"),
        required=False,
        help_text=_("Typ de eerste letters van de naam om te springen."),
        error_messages={"invalid_choice": _("Kies een gebruiker uit de lijst.")},
    )
    event = forms.TypedChoiceField(
        label=_("Gebeurtenis"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Alle gebeurtenissen")), *Event.choices],
    )
    purpose = forms.ChoiceField(
        label=_("Doel"), required=False, choices=[("", _("Alle doelen")), *Purpose.choices]
    )
    outcome = forms.ChoiceField(
        label=_("Resultaat"), required=False, choices=[("", _("Alle resultaten")), *Outcome.choices]
    )
    object_type = forms.CharField(label=_("Soort object"), required=False, max_length=64)
    object_id = forms.CharField(label=_("Kenmerk object"), required=False, max_length=64)
    since = forms.DateField(
        label=_("Vanaf datum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Tot en met datum"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, users: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["actor"]
        field.choices = [("", _("Alle gebruikers")), *users]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("Deze datum ligt voor de begindatum."))
        return data

    @staticmethod
    def day_start(day: dt.date | None) -> dt.datetime | None:
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
