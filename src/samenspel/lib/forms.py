"""The form base every page uses: Utrecht (NL Design System) classes and accessible errors.

It sits below the domain apps, so that their forms can use it without importing the web app.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


class UtrechtForm(forms.Form):
    """Give every widget the Utrecht classes and link errors to their fields for screen readers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
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
