"""Forms for the own account, API keys, organisations and users."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samenspel.accounts.models import Organisation, OrganisationType, Role
from samenspel.lib.forms import UtrechtForm


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
