"""Read-only JSON endpoints for the framework: versions, their rows and the course of action.

Framework content is shared reference data, not personal data: reading it writes no audit
record. Drafts are visible to national administrators only; anything else answers 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema

from samenspel.accounts.models import User
from samenspel.frameworks import selectors
from samenspel.frameworks.course import Item, course_of_action
from samenspel.frameworks.models import FrameworkVersion
from samenspel.sharing.policy import Denied

router = Router(tags=["frameworks"])

# Kept in step with frameworks.schema by tests/frameworks/test_api.py.
Section = Literal[
    "sources",
    "actors",
    "stages",
    "phases",
    "tracks",
    "transitions",
    "legal_domains",
    "measures",
    "raci",
    "flows",
    "routes",
    "retention",
]
OrganisationTypeName = Literal[
    "municipality",
    "zvh",
    "police",
    "om",
    "nctv",
    "aivd",
    "reclassering",
    "rvdk",
    "care_partner",
    "lse",
]


class VersionOut(Schema):
    uuid: uuid.UUID
    framework: str
    label: str
    title: str
    status: str
    valid_from: dt.date
    valid_until: dt.date | None
    published_at: dt.datetime | None
    content_sha256: str


class VersionDetailOut(VersionOut):
    counts: dict[str, int]
    uncertain_rows: int


class RowOut(Schema):
    key: str
    label: str
    uncertain: bool
    data: dict[str, Any]


class ItemOut(Schema):
    text: str
    ref: str
    legal_basis: str
    uncertain: bool


class CourseOut(Schema):
    version: uuid.UUID
    scope: str
    scope_name: str
    organisation_type: str
    actors: list[str]
    must_do: list[ItemOut]
    can_do: list[ItemOut]
    must_not_do: list[ItemOut]
    involve: list[ItemOut]
    acute: list[ItemOut]
    non_acute: list[ItemOut]
    next_steps: list[ItemOut]


def _me(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):  # pragma: no cover - the API's auth guarantees it
        raise Denied("accounts.user", "", exists=False)
    return user


def _version(me: User, ref: str) -> FrameworkVersion:
    """Return the version `ref` names: a UUID, or "current" for the version in force."""
    if ref == "current":
        current = selectors.current_version(me)
        if current is None:
            raise Denied("frameworks.frameworkversion", "current", exists=False)
        return current
    try:
        wanted = uuid.UUID(ref)
    except ValueError:
        raise Denied("frameworks.frameworkversion", ref[:64], exists=False) from None
    return selectors.get_version_for(me, wanted)


def _version_out(version: FrameworkVersion) -> dict[str, Any]:
    return {
        "uuid": version.uuid,
        "framework": version.framework,
        "label": version.label,
        "title": version.title,
        "status": version.status,
        "valid_from": version.valid_from,
        "valid_until": version.valid_until,
        "published_at": version.published_at,
        "content_sha256": version.content_sha256,
    }


def _item(item: Item) -> ItemOut:
    return ItemOut(
        text=item.text, ref=item.ref, legal_basis=item.legal_basis, uncertain=item.uncertain
    )


@router.get("/versions", response=list[VersionOut])
def list_framework_versions(request: HttpRequest) -> Any:
    """List the framework versions you may see, newest first (drafts for national admins)."""
    return [_version_out(v) for v in selectors.versions_visible_to(_me(request))]


@router.get("/versions/{version}", response=VersionDetailOut)
def get_framework_version(request: HttpRequest, version: str) -> Any:
    """Return one version (a UUID, or "current" for the version in force) and its counts."""
    found = _version(_me(request), version)
    framework = selectors.framework_of(found)
    return {
        **_version_out(found),
        "counts": framework.counts(),
        "uncertain_rows": framework.uncertain_rows,
    }


@router.get("/versions/{version}/{section}", response=list[RowOut])
def list_framework_rows(request: HttpRequest, version: str, section: Section) -> Any:
    """Return the rows of one section of a version, in file order; `uncertain` marks GK? rows."""
    me = _me(request)
    found = _version(me, version)
    return [
        RowOut(key=row.key, label=row.label, uncertain=row.uncertain, data=row.data)
        for row in selectors.rows_of(me, found, section)
    ]


@router.get("/course-of-action", response=CourseOut)
def get_course_of_action(
    request: HttpRequest,
    scope: str,
    organisation_type: OrganisationTypeName,
    version: str = "current",
) -> Any:
    """Return what an organisation type can, must and must not do in a stage or phase."""
    found = _version(_me(request), version)
    try:
        course = course_of_action(
            selectors.framework_of(found), scope=scope, organisation_type=organisation_type
        )
    except KeyError:
        raise Denied("frameworks.stages", scope[:64], exists=False) from None
    return CourseOut(
        version=found.uuid,
        scope=course.scope,
        scope_name=course.scope_name,
        organisation_type=course.organisation_type,
        actors=course.actors,
        must_do=[_item(i) for i in course.must_do],
        can_do=[_item(i) for i in course.can_do],
        must_not_do=[_item(i) for i in course.must_not_do],
        involve=[_item(i) for i in course.involve],
        acute=[_item(i) for i in course.acute],
        non_acute=[_item(i) for i in course.non_acute],
        next_steps=[_item(i) for i in course.next_steps],
    )
