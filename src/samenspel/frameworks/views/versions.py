"""The version history, its differences row by row, and publishing, withdrawing, deleting."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from samenspel.accounts.models import User
from samenspel.accounts.selectors import request_user
from samenspel.frameworks import content, selectors, services
from samenspel.frameworks.models import FrameworkVersion, VersionStatus
from samenspel.frameworks.schema import SECTIONS, count_uncertain
from samenspel.frameworks.views.common import EMPTY, SECTION_TITLES, not_found, row_url
from samenspel.lib.forms import UtrechtForm
from samenspel.sharing.policy import Action

VERSION_ACTIONS = ("publiceren", "intrekken", "verwijderen")
# Dutch names for the fields a diff shows most; any other field shows its name in the file.
FIELD_LABELS: dict[str, Promise] = {
    "title": gettext_lazy("Titel"),
    "version": gettext_lazy("Versie"),
    "valid_from": gettext_lazy("Geldig vanaf"),
    "valid_until": gettext_lazy("Geldig tot"),
    "description": gettext_lazy("Beschrijving"),
    "name": gettext_lazy("Naam"),
    "role": gettext_lazy("Rol"),
    "tasks": gettext_lazy("Taken"),
    "does_not": gettext_lazy("Doet niet"),
    "may_share": gettext_lazy("Mag delen"),
    "may_not_share": gettext_lazy("Mag niet delen"),
    "legal_domains": gettext_lazy("Rechtsdomeinen"),
    "entry": gettext_lazy("Begint als"),
    "exit": gettext_lazy("Eindigt als"),
    "criteria": gettext_lazy("Voorwaarden"),
    "value": gettext_lazy("Rol (RACI)"),
    "note": gettext_lazy("Toelichting"),
    "legal_domain": gettext_lazy("Rechtsdomein"),
    "legal_basis.text": gettext_lazy("Grondslag"),
    "legal_basis.reference": gettext_lazy("Grondslag (artikel)"),
    "decision_role.actors": gettext_lazy("Wie beslist"),
    "decision_role.text": gettext_lazy("Wie beslist (tekst)"),
    "executors": gettext_lazy("Wie voert uit"),
    "executor_text": gettext_lazy("Wie voert uit (tekst)"),
    "phases": gettext_lazy("Fasen"),
    "stages": gettext_lazy("Processtappen"),
    "max_term.value": gettext_lazy("Maximale duur"),
    "max_term.unit": gettext_lazy("Maximale duur (eenheid)"),
    "extension": gettext_lazy("Verlengen"),
    "notes": gettext_lazy("Opmerkingen"),
    "purpose": gettext_lazy("Doel"),
    "competent_authorities": gettext_lazy("Bevoegd gezag"),
    "review_route": gettext_lazy("Bezwaar en beroep"),
    "objection_term.value": gettext_lazy("Termijn voor bezwaar of beroep"),
    "objection_term.unit": gettext_lazy("Termijn voor bezwaar of beroep (eenheid)"),
    "objection_term.src": gettext_lazy("Termijn voor bezwaar of beroep (bronnen)"),
    "user_roles": gettext_lazy("Rollen in Samenspel die als deze actor werken"),
    "dossier": gettext_lazy("Opent het besluitdossier van"),
    "compartment": gettext_lazy("Compartiment (bron van informatie)"),
    "situation": gettext_lazy("Situatie"),
    "urgency": gettext_lazy("Spoed"),
    "route": gettext_lazy("Route"),
    "contact": gettext_lazy("Contact"),
    "when": gettext_lazy("Wanneer"),
    "content": gettext_lazy("Inhoud"),
    "legal_ground": gettext_lazy("Grondslag"),
    "restrictions": gettext_lazy("Beperkingen"),
    "src": gettext_lazy("Bronnen"),
}


def _manageable(me: User, versions: Iterable[FrameworkVersion]) -> set[int]:
    ids = [v.pk for v in versions]
    return set(
        selectors.versions_visible_to(me, Action.MANAGE)
        .filter(pk__in=ids)
        .values_list("pk", flat=True)
    )


def _actions_for(version: FrameworkVersion) -> list[tuple[str, str]]:
    """Return the (action, label) pairs a national administrator can take on a version."""
    if version.status == VersionStatus.DRAFT:
        return [("publiceren", _("Publiceren")), ("verwijderen", _("Verwijderen"))]
    if version.status == VersionStatus.PUBLISHED:
        return [("intrekken", _("Intrekken"))]
    return [("verwijderen", _("Verwijderen"))]


@require_safe
def version_list(request: HttpRequest) -> HttpResponse:
    """List the versions: published and withdrawn for everybody, drafts for national admins."""
    me = request_user(request)
    versions = list(selectors.versions_visible_to(me))
    manageable = _manageable(me, versions)
    current = selectors.current_version(me)
    rows = [
        {
            "version": v,
            "is_current": current is not None and v.pk == current.pk,
            "actions": _actions_for(v) if v.pk in manageable else [],
        }
        for v in versions
    ]
    return render(
        request,
        "frameworks/version_list.html",
        {"rows": rows, "versions": versions, "can_manage": bool(manageable)},
    )


@require_safe
def version_detail(request: HttpRequest, version_uuid: uuid.UUID) -> HttpResponse:
    """Show one version: validity, who published it, what it holds, and what changed."""
    me = request_user(request)
    version = selectors.get_version_for(me, version_uuid)
    document = selectors.document_of(version)
    previous = (
        selectors.versions_visible_to(me)
        .filter(framework=version.framework)
        .exclude(pk=version.pk)
        .filter(loaded_at__lt=version.loaded_at)
        .order_by("-loaded_at")
        .first()
    )
    current = selectors.current_version(me, framework=version.framework)
    manageable = _manageable(me, [version])
    return render(
        request,
        "frameworks/version_detail.html",
        {
            "v": version,
            "is_current": current is not None and current.pk == version.pk,
            "counts": [
                {"title": SECTION_TITLES[s.name], "count": len(document.get(s.name) or [])}
                for s in SECTIONS
            ],
            "uncertain_count": count_uncertain(document),
            "previous": previous,
            "actions": _actions_for(version) if manageable else [],
        },
    )


@require_POST
def version_action(request: HttpRequest, version_uuid: uuid.UUID, action: str) -> HttpResponse:
    """Publish, withdraw or delete a version (national administrators only)."""
    me = request_user(request)
    version = selectors.get_version_for(me, version_uuid, Action.MANAGE)
    if action not in VERSION_ACTIONS:
        raise not_found("frameworkversion", str(version_uuid))
    try:
        if action == "publiceren":
            services.publish_version(version, by=me)
            messages.success(
                request,
                _("Versie %(label)s is gepubliceerd. Iedereen ziet haar nu.")
                % {"label": version.label},
            )
        elif action == "intrekken":
            services.withdraw_version(version, by=me)
            messages.success(
                request, _("Versie %(label)s is ingetrokken.") % {"label": version.label}
            )
        else:
            services.delete_version(version, by=me)
            messages.success(
                request, _("Versie %(label)s is verwijderd.") % {"label": version.label}
            )
            return redirect("frameworks:version_list")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("frameworks:version_detail", version_uuid=version.uuid)


def _shown(value: Any) -> str:
    """Write a field value of a diff in plain text."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return _("ja") if value else _("nee")
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_shown(v)}" for k, v in value.items())
    return str(value)


class DiffForm(UtrechtForm):
    oud = forms.ChoiceField(label=gettext_lazy("Oude versie"))
    nieuw = forms.ChoiceField(label=gettext_lazy("Nieuwe versie"))

    def __init__(self, *args: Any, versions: list[FrameworkVersion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (str(v.uuid), f"{v.label}: {v.title} ({v.get_status_display()})") for v in versions
        ]
        for name in ("oud", "nieuw"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices


@require_safe
def version_diff(request: HttpRequest) -> HttpResponse:
    """Show what changed between two versions, row by row and field by field."""
    me = request_user(request)
    versions = list(selectors.versions_visible_to(me))
    form = DiffForm(request.GET or None, versions=versions)
    context: dict[str, Any] = {"form": form, "versions": versions}
    if form.is_bound and form.is_valid():
        old = selectors.get_version_for(me, uuid.UUID(form.cleaned_data["oud"]))
        new = selectors.get_version_for(me, uuid.UUID(form.cleaned_data["nieuw"]))
        changes = content.diff(
            selectors.document_of(old),
            selectors.document_of(new),
        )
        kinds = {"added": _("Toegevoegd"), "removed": _("Verwijderd"), "changed": _("Gewijzigd")}
        groups: dict[str, list[dict[str, Any]]] = {}
        for change in changes:
            url = ""
            if change.kind != "removed" and change.section != "framework":
                url = row_url(change.section, change.key, f"?versie={new.uuid}")
            elif change.kind == "removed":
                url = row_url(change.section, change.key, f"?versie={old.uuid}")
            groups.setdefault(change.section, []).append(
                {
                    "key": change.key,
                    "label": change.label,
                    "kind": change.kind,
                    "kind_label": kinds[change.kind],
                    "url": url,
                    "fields": [
                        {
                            "name": FIELD_LABELS.get(f.field, f.field),
                            "field": f.field,
                            "old": _shown(f.old),
                            "new": _shown(f.new),
                        }
                        for f in change.fields
                    ],
                }
            )
        order = ["framework", *(s.name for s in SECTIONS)]
        context.update(
            {
                "old": old,
                "new": new,
                "groups": [
                    {"title": SECTION_TITLES[name], "changes": groups[name]}
                    for name in order
                    if name in groups
                ],
                "counts": {
                    kind: sum(1 for c in changes if c.kind == kind)
                    for kind in ("added", "removed", "changed")
                },
            }
        )
    return render(
        request, "frameworks/version_diff.html", context, status=400 if form.errors else 200
    )
