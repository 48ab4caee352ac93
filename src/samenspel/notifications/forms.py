"""The form of the notification settings page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samenspel.lib.forms import UtrechtForm
from samenspel.notifications.models import Topic


class MailTopicsForm(UtrechtForm):
    topics = forms.MultipleChoiceField(
        label=_("Stuur mij ook een e-mail bij"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "U ziet elk bericht altijd in Samenspel. De e-mail zegt alleen dat er een bericht "
            "is, met een link. Er staan geen namen of gegevens over een casus in."
        ),
    )
