"""The typed framework of a stored version, built once per process.

Framework content is shared reference data, not case data: reading it is not audited and needs
no access rule, so the access rules themselves (sharing) may read a case's framework here.
"""

from __future__ import annotations

from typing import Any

from samenspel.frameworks.models import FrameworkVersion, VersionStatus
from samenspel.frameworks.types import Framework

__all__ = ["document_of", "framework_of"]

# Decoded content of stored versions, per process. The database freezes a version's content once
# it is published (frameworks/db.py), so (id, content hash) names one document for good.
_DOCUMENTS: dict[tuple[int, str], dict[str, Any]] = {}
_DOCUMENTS_MAX = 16


def document_of(version: FrameworkVersion) -> dict[str, Any]:
    """Return a version's content, decoded once per process; callers must not change it.

    Case pages load versions with their content deferred: a framework is about 100 KB of JSON,
    and reading and decoding it on every case read was most of a case page's time.
    """
    key = (version.pk, version.content_sha256)
    found = _DOCUMENTS.get(key)
    if found is not None:
        return found
    if "content" in version.get_deferred_fields():
        content = FrameworkVersion.objects.values_list("content", flat=True).get(pk=version.pk)
    else:
        content = version.content
    document = content if isinstance(content, dict) else {}
    if version.status != VersionStatus.DRAFT:  # a draft may still be reloaded
        if len(_DOCUMENTS) >= _DOCUMENTS_MAX:
            _DOCUMENTS.clear()
        _DOCUMENTS[key] = document
    return document


# Typed frameworks of stored versions, per process, under the same key as their documents.
_FRAMEWORKS: dict[tuple[int, str], Framework] = {}


def framework_of(version: FrameworkVersion) -> Framework:
    """Return a version's content as a typed, unchangeable Framework, built once per process.

    Framework content is shared reference data, not case data: reading it is not audited.
    """
    key = (version.pk, version.content_sha256)
    found = _FRAMEWORKS.get(key)
    if found is not None:
        return found
    framework = Framework.from_document(document_of(version))
    if version.status != VersionStatus.DRAFT:
        if len(_FRAMEWORKS) >= _DOCUMENTS_MAX:
            _FRAMEWORKS.clear()
        _FRAMEWORKS[key] = framework
    return framework
