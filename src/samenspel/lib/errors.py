"""Exceptions that services raise and views and the API turn into clear messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class StaleEdit(Exception):  # noqa: N818  # named for the situation, like Http404
    """Somebody else changed the object after the editor loaded it (optimistic concurrency)."""

    def __init__(self, object_type: str, current_version: int) -> None:
        super().__init__(f"{object_type} changed meanwhile; now at version {current_version}")
        self.object_type = object_type
        self.current_version = current_version


class DecisionConflict(ValidationError):  # noqa: N818  # named for the situation, like StaleEdit
    """Somebody else decided first (accepted, declined, cancelled); nothing was changed.

    A ValidationError, so that forms show its message; the API answers it with 409.
    """

    def __init__(self, object_type: str, current_status: str, message: str) -> None:
        super().__init__(message, code="conflict")
        self.object_type = object_type
        self.current_status = current_status
