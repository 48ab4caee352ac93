"""Forms for the web pages: they validate input; the services decide and save."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenspel.accounts.models import Organisation, OrganisationType, Role
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.lib.forms import UtrechtForm


class LoginForm(UtrechtForm):
    username = forms.CharField(label=_("Gebruikersnaam"), max_length=150)
    password = forms.CharField(
        label=_("Wachtwoord"), max_length=4096, strip=False, widget=forms.PasswordInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "autocapitalize": "none"}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class TokenForm(UtrechtForm):
    token = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        help_text=_("Zes cijfers. De code verandert elke 30 seconden."),
        max_length=8,
        min_length=6,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) not in (6, 8):
            raise ValidationError(_("Vul de code in: zes cijfers."))
        return token


class RecoveryCodeForm(UtrechtForm):
    code = forms.CharField(
        label=_("Herstelcode"),
        help_text=_(
            "Een van de herstelcodes die u bij het instellen kreeg, "
            "bijvoorbeeld ABCDE-FGHJK-LMNPQ-RSTUV."
        ),
        max_length=40,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters"}
        )


class PasswordConfirmForm(UtrechtForm):
    password = forms.CharField(
        label=_("Uw wachtwoord"), max_length=4096, strip=False, widget=forms.PasswordInput
    )


class ChangePasswordForm(UtrechtForm):
    old_password = forms.CharField(
        label=_("Huidig wachtwoord"), max_length=4096, strip=False, widget=forms.PasswordInput
    )
    new_password = forms.CharField(
        label=_("Nieuw wachtwoord"),
        help_text=_(
            "Minstens 12 tekens. Een zin van een paar woorden is sterk en makkelijk te onthouden."
        ),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput,
    )
    new_password_again = forms.CharField(
        label=_("Nieuw wachtwoord nog een keer"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        again = data.get("new_password_again")
        if data.get("new_password") and again and data.get("new_password") != again:
            self.add_error("new_password_again", _("De twee nieuwe wachtwoorden zijn niet gelijk."))
        return data


class OrganisationForm(UtrechtForm):
    name = forms.CharField(label=_("Naam"), max_length=200)
    type = forms.ChoiceField(label=_("Soort organisatie"), choices=OrganisationType.choices)
    region = forms.CharField(label=_("Regio"), max_length=120, required=False)
    is_priority = forms.BooleanField(label=_("Prioriteitsgemeente"), required=False)
    is_active = forms.BooleanField(label=_("Actief"), required=False, initial=True)


def role_choices(*, national: bool) -> list[tuple[str, str]]:
    return [
        (value, str(label))
        for value, label in Role.choices
        if national or value != Role.NATIONAL_ADMIN
    ]


class UserForm(UtrechtForm):
    organisation = forms.ModelChoiceField(
        label=_("Organisatie"),
        queryset=Organisation.objects.none(),
        to_field_name="uuid",
        empty_label=None,
    )
    username = forms.CharField(
        label=_("Gebruikersnaam"),
        max_length=150,
        help_text=_("Kleine letters, cijfers en . - _ (bijvoorbeeld j.jansen)."),
    )
    full_name = forms.CharField(label=_("Naam"), max_length=200)
    email = forms.EmailField(label=_("E-mailadres"), required=False)
    roles = forms.MultipleChoiceField(
        label=_("Rollen"), required=False, widget=forms.CheckboxSelectMultiple
    )
    oidc_subject = forms.CharField(
        label=_("SSO-kenmerk"),
        max_length=255,
        required=False,
        help_text=_(
            "Alleen bij inloggen via de identiteitsprovider (SSO): "
            "het kenmerk (sub) van deze persoon."
        ),
    )
    password = forms.CharField(
        label=_("Eerste wachtwoord"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput,
        help_text=_(
            "Minstens 12 tekens. Geef het op een veilige manier door; de gebruiker stelt bij "
            "de eerste keer inloggen de tweede factor in."
        ),
    )

    def __init__(
        self, *args: Any, organisations: Any, national: bool, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(
            "forms.ModelChoiceField[Organisation]", self.fields["organisation"]
        ).queryset = organisations
        cast(forms.MultipleChoiceField, self.fields["roles"]).choices = role_choices(
            national=national
        )
        if editing:
            for name in ("organisation", "username", "password"):
                del self.fields[name]


class SetPasswordForm(UtrechtForm):
    password = forms.CharField(
        label=_("Nieuw wachtwoord"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput,
        help_text=_("Minstens 12 tekens. Alle sessies van deze gebruiker stoppen direct."),
    )


class AuditFilterForm(UtrechtForm):
    actor = forms.UUIDField(label=_("Gebruiker (kenmerk)"), required=False)
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


class ApiTokenForm(UtrechtForm):
    name = forms.CharField(
        label=_("Naam van de sleutel"),
        help_text=_("Waarvoor u de sleutel gebruikt, bijvoorbeeld het koppelsysteem."),
        max_length=100,
    )
    days = forms.IntegerField(
        label=_("Geldig (dagen)"),
        help_text=_("Ten hoogste 365 dagen."),
        min_value=1,
        max_value=365,
        initial=90,
        error_messages={
            "min_value": _("Kies ten minste 1 dag."),
            "max_value": _("Kies ten hoogste 365 dagen."),
            "invalid": _("Vul een aantal dagen in."),
            "required": _("Vul een aantal dagen in."),
        },
    )
