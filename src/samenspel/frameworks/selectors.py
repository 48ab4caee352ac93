"""Read framework versions and rows, always through the access policy."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from samenspel.frameworks.models import FrameworkRow, FrameworkVersion, VersionStatus
from samenspel.frameworks.typed import document_of, framework_of
from samenspel.frameworks.types import Framework
from samenspel.sharing.policy import Action, get_visible_or_404, visible

__all__ = [
    "DEFAULT_FRAMEWORK",
    "current_version",
    "document_of",
    "framework_in_force",
    "framework_of",
    "get_row_for",
    "get_version_for",
    "rows_of",
    "search",
    "versions_visible_to",
]

DEFAULT_FRAMEWORK = "nl-pga"


def versions_visible_to(user: Any, action: Action = Action.VIEW) -> QuerySet[FrameworkVersion]:
    """Return the versions `user` may see, newest first."""
    return visible(user, FrameworkVersion.objects.all(), action).order_by(
        "framework", "-valid_from", "-loaded_at"
    )


def get_version_for(
    user: Any, version_uuid: uuid.UUID, action: Action = Action.VIEW
) -> FrameworkVersion:
    """Return one version `user` may see (or manage), or raise a 404."""
    return get_visible_or_404(user, FrameworkVersion.objects.all(), action, uuid=version_uuid)


def current_version(
    user: Any, framework: str = DEFAULT_FRAMEWORK, on: dt.date | None = None
) -> FrameworkVersion | None:
    """Return the published version in force on `on` (today by default)."""
    day = on or timezone.localdate()
    return (
        versions_visible_to(user)
        .filter(framework=framework, status=VersionStatus.PUBLISHED, valid_from__lte=day)
        .exclude(valid_until__lte=day)
        .order_by("-valid_from", "-published_at")
        .first()
    )


def framework_in_force(
    framework: str = DEFAULT_FRAMEWORK, on: dt.date | None = None
) -> Framework | None:
    """Return the published framework in force on `on`, for work outside a request (the worker).

    Framework content is shared reference data that every user may read: no user's view is
    needed here, and reading it is not audited.
    """
    day = on or timezone.localdate()
    version = (
        FrameworkVersion.objects.filter(
            framework=framework, status=VersionStatus.PUBLISHED, valid_from__lte=day
        )
        .exclude(valid_until__lte=day)
        .order_by("-valid_from", "-published_at")
        .first()
    )
    return framework_of(version) if version is not None else None


def rows_of(user: Any, version: FrameworkVersion, section: str) -> QuerySet[FrameworkRow]:
    """Return the rows of one section of a version, in file order."""
    return visible(user, FrameworkRow.objects.all()).filter(version=version, section=section)


def get_row_for(user: Any, version: FrameworkVersion, section: str, key: str) -> FrameworkRow:
    """Return one row of a version, or raise a 404."""
    return get_visible_or_404(
        user, FrameworkRow.objects.filter(version=version, section=section), key=key
    )


def search(
    user: Any, version: FrameworkVersion, query: str, limit: int = 200
) -> list[FrameworkRow]:
    """Return the rows whose text contains every word of `query`, best sections first."""
    words = [w for w in query.lower().split() if w]
    if not words:
        return []
    qs = visible(user, FrameworkRow.objects.all()).filter(version=version)
    for word in words[:8]:
        qs = qs.filter(search_text__contains=word)
    return list(qs.order_by("section", "position")[:limit])
