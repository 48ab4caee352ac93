"""Load, publish, withdraw and delete framework versions. Each change audits itself."""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samenspel import audit
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.frameworks import content
from samenspel.frameworks.models import FrameworkRow, FrameworkVersion, VersionStatus
from samenspel.frameworks.schema import Result, validate_text
from samenspel.sharing.policy import Denied, allowed

if TYPE_CHECKING:
    from samenspel.accounts.models import User


class InvalidFrameworkError(Exception):
    """The file did not pass validation; `result.problems` says what to fix."""

    def __init__(self, result: Result) -> None:
        super().__init__(f"{len(result.problems)} problem(s) in {result.file}")
        self.result = result


def _require_national_admin(by: User | None) -> None:
    if by is not None and not allowed(by, "framework.manage"):
        raise Denied("frameworks.frameworkversion", "", exists=False)


def load_version(text: str, *, source_name: str, by: User | None) -> FrameworkVersion:
    """Validate a framework file and store it as a new draft version."""
    _require_national_admin(by)
    result = validate_text(text, file=source_name)
    if not result.ok or result.data is None:
        raise InvalidFrameworkError(result)
    document = result.data
    fw = document["framework"]
    if FrameworkVersion.objects.filter(framework=fw["id"], label=fw["version"]).exists():
        raise ValidationError(
            _(
                "Versie %(label)s van kader %(fw)s is al geladen. "
                "Geef het bestand een nieuw versienummer."
            )
            % {"label": fw["version"], "fw": fw["id"]}
        )
    with transaction.atomic():
        version = FrameworkVersion.objects.create(
            framework=fw["id"],
            label=fw["version"],
            title=fw["title"],
            valid_from=fw["valid_from"],
            valid_until=fw.get("valid_until"),
            content=document,
            content_sha256=content.digest(document),
            source_name=source_name[-255:],
            loaded_by=by,
        )
        FrameworkRow.objects.bulk_create(
            FrameworkRow(
                version=version,
                section=row.section,
                key=row.key,
                label=row.label,
                position=row.position,
                uncertain=row.uncertain,
                data=row.data,
                search_text=content.search_text(row.data),
            )
            for row in content.flatten(document)
        )
        audit.record(
            Event.FRAMEWORK_LOADED,
            by=by,
            obj=version,
            purpose=Purpose.FRAMEWORK_MANAGEMENT,
            framework=version.framework,
            label=version.label,
            sha256=version.content_sha256,
        )
    return version


def publish_version(version: FrameworkVersion, *, by: User) -> FrameworkVersion:
    """Publish a draft; from now on its content can never change."""
    _require_national_admin(by)
    with transaction.atomic():
        locked = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != VersionStatus.DRAFT:
            raise ValidationError(_("Alleen een concept kan worden gepubliceerd."))
        locked.status = VersionStatus.PUBLISHED
        locked.published_by = by
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_by", "published_at"])
        audit.record(
            Event.FRAMEWORK_PUBLISHED,
            by=by,
            obj=locked,
            purpose=Purpose.FRAMEWORK_MANAGEMENT,
            label=locked.label,
        )
    return locked


def usage_count(version: FrameworkVersion) -> int:
    """Count the records (cases, ...) of other apps that point at this version."""
    total = 0
    for relation in FrameworkVersion._meta.related_objects:
        if relation.related_model is FrameworkRow or not relation.field.concrete:
            continue
        total += relation.related_model._default_manager.filter(
            **{relation.field.name: version}
        ).count()
    return total


def _refuse(version: FrameworkVersion, used: int, *, by: User | None, action: str) -> NoReturn:
    # Called after the caller's atomic block, so that the refusal's record is not rolled back.
    audit.record(
        Event.FRAMEWORK_REFUSED,
        by=by,
        obj=version,
        purpose=Purpose.FRAMEWORK_MANAGEMENT,
        outcome=Outcome.DENIED,
        action=action,
        used_by=used,
    )
    raise ValidationError(
        ngettext(
            "Dit kan niet: %(count)d casus gebruikt deze versie.",
            "Dit kan niet: %(count)d casussen gebruiken deze versie.",
            used,
        )
        % {"count": used}
    )


def withdraw_version(version: FrameworkVersion, *, by: User) -> FrameworkVersion:
    """Unpublish a version that no case uses; its content stays as it was."""
    _require_national_admin(by)
    with transaction.atomic():
        locked = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != VersionStatus.PUBLISHED:
            raise ValidationError(_("Alleen een gepubliceerde versie kan worden ingetrokken."))
        used = usage_count(locked)
        if not used:
            locked.status = VersionStatus.WITHDRAWN
            locked.save(update_fields=["status"])
            audit.record(
                Event.FRAMEWORK_WITHDRAWN, by=by, obj=locked, purpose=Purpose.FRAMEWORK_MANAGEMENT
            )
            return locked
    _refuse(locked, used, by=by, action="withdraw")


def delete_version(version: FrameworkVersion, *, by: User) -> None:
    """Delete a draft or withdrawn version that no case uses."""
    _require_national_admin(by)
    with transaction.atomic():
        locked = FrameworkVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status == VersionStatus.PUBLISHED:
            raise ValidationError(
                _("Een gepubliceerde versie kan niet worden verwijderd. Trek haar eerst in.")
            )
        used = usage_count(locked)
        if not used:
            audit.record(
                Event.FRAMEWORK_DELETED,
                by=by,
                obj=locked,
                purpose=Purpose.FRAMEWORK_MANAGEMENT,
                label=locked.label,
            )
            locked.delete()
            return
    _refuse(locked, used, by=by, action="delete")
