"""The form base every page uses: Utrecht (NL Design System) classes and accessible errors.

It sits below the domain apps, so that their forms can use it without importing the web app.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Dates are written the Dutch way whatever the browser's language: a text field, not the
# browser's date picker (which shows mm/dd/yyyy in an English browser). ISO dates from scripts
# and older forms are read too.
DATE_FORMAT = "%d-%m-%Y"
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_FORMAT = "%d-%m-%Y %H:%M"
DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%d-%m-%Y %H.%M",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
]


def _dutch_dates(field: forms.Field) -> None:
    """Make a date (and time) field read and show Dutch dates, with a hint in words."""
    if isinstance(field, forms.DateTimeField):
        field.input_formats = DATETIME_INPUT_FORMATS
        field.widget = forms.DateTimeInput(format=DATETIME_FORMAT)
        hint = _("Schrijf datum en tijd als dd-mm-jjjj uu:mm, bijvoorbeeld 14-01-2027 10:00.")
        invalid = _("Vul een datum en tijd in als dd-mm-jjjj uu:mm, bijvoorbeeld 14-01-2027 10:00.")
    elif isinstance(field, forms.DateField):
        field.input_formats = DATE_INPUT_FORMATS
        field.widget = forms.DateInput(format=DATE_FORMAT)
        hint = _("Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 31-12-2026.")
        invalid = _("Vul een datum in als dd-mm-jjjj, bijvoorbeeld 31-12-2026.")
    else:
        return
    field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
    field.help_text = field.help_text or hint
    if field.error_messages.get("invalid") == type(field).default_error_messages.get("invalid"):
        field.error_messages["invalid"] = invalid  # unless the form says it its own way


class UtrechtForm(forms.Form):
    """Give every widget the Utrecht classes and link errors to their fields for screen readers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            _dutch_dates(field)
            widget = field.widget
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
                # The custom checkbox is 24 by 24 pixels: WCAG 2.2 target size (2.5.8).
                widget.attrs.setdefault(
                    "class",
                    "utrecht-checkbox utrecht-checkbox--html-input utrecht-checkbox--custom",
                )
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "utrecht-select utrecht-select--html-select")
            else:
                widget.attrs.setdefault("class", "utrecht-textbox utrecht-textbox--html-input")
            described = []
            if field.help_text:
                described.append(f"id_{name}_helptext")
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()
        # Re-run the attribute pass now that errors are known.
        if self.is_bound:
            for name in self.errors:
                if name in self.fields:
                    widget = self.fields[name].widget
                    widget.attrs["aria-invalid"] = "true"
                    ids = widget.attrs.get("aria-describedby", "").split()
                    if f"id_{name}_error" not in ids:
                        ids.append(f"id_{name}_error")
                    widget.attrs["aria-describedby"] = " ".join(ids)

    def add_service_errors(self, exc: ValidationError) -> None:
        """Show a service's ValidationError at the right fields."""
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, exc)
