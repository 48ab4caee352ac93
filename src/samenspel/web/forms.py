"""Forms for the web pages: they validate input; the services decide and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
