"""Helpers shared by the consultation pages."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from samenspel.consultations.models import (
    Meeting,
)


def _status(form: Any) -> int:
    return 400 if form.errors else 200


def _form_page(
    request: HttpRequest, form: Any, *, title: str, submit: str, back: str, intro: str = ""
) -> HttpResponse:
    return render(
        request,
        "consultations/form.html",
        {"form": form, "title": title, "submit": submit, "back": back, "intro": intro},
        status=_status(form),
    )


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _back_to_meeting(meeting: Meeting, anchor: str = "") -> HttpResponse:
    url = reverse("consultations:meeting", kwargs={"meeting_uuid": meeting.uuid})
    return redirect(f"{url}#{anchor}" if anchor else url)
