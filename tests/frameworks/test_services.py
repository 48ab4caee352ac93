"""Loading, publishing and the immutability of published framework versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError

from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.frameworks import content, selectors, services
from samenspel.frameworks.models import FrameworkRow, FrameworkVersion, VersionStatus
from samenspel.sharing.policy import Denied
from samenspel.testing import Cast

MINIMAL = (Path(__file__).parent / "minimal.yaml").read_text()


def _load(cast: Cast, text: str = MINIMAL) -> FrameworkVersion:
    return services.load_version(text, source_name="minimal.yaml", by=cast.national_admin)


def test_load_stores_a_draft_with_its_rows_and_audits(cast: Cast) -> None:
    version = _load(cast)
    assert version.status == VersionStatus.DRAFT
    assert version.rows.filter(section="measures").count() == 2
    assert version.rows.get(section="raci", key="ST-1/A-POL").data["note"] == "registreert"
    assert version.rows.get(section="actors", key="A-POL").uncertain is True
    row = AuditEvent.objects.get(event=Event.FRAMEWORK_LOADED)
    assert row.actor == cast.national_admin
    assert row.details["sha256"] == version.content_sha256


def test_an_invalid_file_never_loads(cast: Cast) -> None:
    with pytest.raises(services.InvalidFrameworkError) as exc:
        _load(cast, MINIMAL.replace("to: ST-2,", "to: ST-9,"))
    assert "ST-9" in str(exc.value.result.problems[0])
    assert not FrameworkVersion.objects.exists()


def test_the_same_version_label_loads_once(cast: Cast) -> None:
    _load(cast)
    with pytest.raises(ValidationError):
        _load(cast)
    assert FrameworkVersion.objects.count() == 1


def test_only_a_national_admin_loads_and_publishes(cast: Cast) -> None:
    with pytest.raises(Denied):
        services.load_version(MINIMAL, source_name="m.yaml", by=cast.admin_a)
    version = _load(cast)
    with pytest.raises(Denied):
        services.publish_version(version, by=cast.mayor)


def test_drafts_are_hidden_from_everyone_but_national_admins(cast: Cast) -> None:
    version = _load(cast)
    assert list(selectors.versions_visible_to(cast.case_manager)) == []
    assert selectors.current_version(cast.case_manager) is None
    services.publish_version(version, by=cast.national_admin)
    assert list(selectors.versions_visible_to(cast.case_manager)) == [version]
    current = selectors.current_version(cast.case_manager)
    assert current == version
    assert AuditEvent.objects.filter(event=Event.FRAMEWORK_PUBLISHED).count() == 1


def test_a_published_version_cannot_be_changed_even_in_the_database(cast: Cast) -> None:
    version = services.publish_version(_load(cast), by=cast.national_admin)
    for change in (
        lambda: FrameworkVersion.objects.filter(pk=version.pk).update(title="Anders"),
        lambda: FrameworkVersion.objects.filter(pk=version.pk).update(content={}),
        lambda: FrameworkRow.objects.filter(version=version).update(label="Anders"),
        lambda: FrameworkRow.objects.filter(version=version).delete(),
        lambda: FrameworkVersion.objects.filter(pk=version.pk).delete(),
        lambda: FrameworkRow.objects.create(
            version=version, section="actors", key="A-NEW", label="x", position=99, data={}
        ),
    ):
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            change()
    version.refresh_from_db()
    assert version.title == "Testkader"
    assert version.rows.count() == len(content.flatten(version.content))
    with pytest.raises(ValidationError):
        services.publish_version(version, by=cast.national_admin)
    with pytest.raises(ValidationError):
        services.delete_version(version, by=cast.national_admin)


def test_withdraw_then_delete(cast: Cast) -> None:
    version = services.publish_version(_load(cast), by=cast.national_admin)
    services.withdraw_version(version, by=cast.national_admin)
    version.refresh_from_db()
    assert version.status == VersionStatus.WITHDRAWN
    services.delete_version(version, by=cast.national_admin)
    assert not FrameworkVersion.objects.exists()
    assert AuditEvent.objects.filter(event=Event.FRAMEWORK_DELETED).exists()


def test_diff_shows_rows_added_removed_and_changed(cast: Cast) -> None:
    old = _load(cast)
    text = (
        MINIMAL.replace('version: "t.1"', 'version: "t.2"')
        .replace("name: Bestuurlijk gesprek", "name: Bestuurlijk (stop)gesprek")
        .replace("  - {id: C-07,", "  - {id: C-09,")
    )
    new = _load(cast, text)
    changes = {(c.section, c.key, c.kind): c for c in content.diff(old.content, new.content)}
    assert ("measures", "I-07", "changed") in changes
    assert changes[("measures", "I-07", "changed")].fields[0].field == "name"
    assert ("routes", "C-09", "added") in changes
    assert ("routes", "C-07", "removed") in changes
    assert ("framework", "framework", "changed") in changes
    assert content.diff(old.content, old.content) == []


def test_search_finds_rows_by_every_word(cast: Cast) -> None:
    version = services.publish_version(_load(cast), by=cast.national_admin)
    hits = selectors.search(cast.case_manager, version, "Gemeentewet bestuurlijk")
    assert [(r.section, r.key) for r in hits] == [("measures", "I-07")]
    assert selectors.search(cast.case_manager, version, "   ") == []
