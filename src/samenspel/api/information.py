"""JSON endpoints for the information on a case by source compartment: notes, documents,
summaries and attachments from the police, the OM, the AIVD (the summary only), care and the
municipality.

Every read goes through `cases.selectors` (filtered by the compartment rules of
`sharing/rules/compartments.py`, and audited), the one write through
`cases.services.record_information`. An item you may not read answers 404, exactly like one
that does not exist; an item is never changed once recorded. A file travels as base64 in the
JSON body, like a signal's attachments, and comes back as its own bytes from `/file`.

`case_router` holds the list and the create under /cases, `router` one item and its file under
/information.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from samenspel.accounts.models import User
from samenspel.api.auth import idempotency_key, me
from samenspel.api.cases import Ref
from samenspel.api.schemas import In
from samenspel.cases import selectors, services
from samenspel.cases.models import Case, InformationItem
from samenspel.lib.files import ALLOWED_TYPES
from samenspel.sharing.policy import Action, get_visible_or_404

router = Router(tags=["information"])
case_router = Router(tags=["information"])  # the information of one case, under /cases


# --- Schemas ------------------------------------------------------------------------------------


class InformationFileIn(In):
    name: str = Field(max_length=200)
    content_base64: str


class InformationIn(In):
    kind: str
    compartment: str
    title: str = ""
    text: str = ""
    source: str = ""
    file: InformationFileIn | None = None
    care_basis: str = ""
    consent_of: UUID | None = None
    basis_reason: str = ""


class InformationFileOut(Schema):
    name: str
    type: str
    size: int
    sha256: str
    url: str


class InformationItemOut(Schema):
    uuid: UUID
    case: UUID
    kind: str
    compartment: str
    title: str
    source: str
    text: str
    organisation: Ref
    created_at: dt.datetime
    care_basis: str
    consent_of: UUID | None
    basis_reason: str
    file: InformationFileOut | None


class InformationOut(Schema):
    compartments: list[str]
    consents: list[UUID]
    items: list[InformationItemOut]


# A file has no response schema: its content types are declared here, and its headers.
_FILE = {
    "responses": {
        200: {
            "description": "The file, as it was recorded, for download (never shown inline).",
            "headers": {
                "Content-Disposition": {
                    "description": "attachment, with the file's name.",
                    "schema": {"type": "string"},
                },
                "X-Content-Type-Options": {
                    "description": "nosniff: the stored type holds.",
                    "schema": {"type": "string"},
                },
            },
            "content": {
                content_type: {"schema": {"type": "string", "format": "binary"}}
                for content_type in ALLOWED_TYPES
            },
        }
    }
}


# --- Converters and lookups ---------------------------------------------------------------------


def _item_out(item: InformationItem, case: Case) -> InformationItemOut:
    file = None
    if item.file_name:
        file = InformationFileOut(
            name=item.file_name,
            type=item.file_type,
            size=item.file_size,
            sha256=item.file_sha256,
            url=reverse("api:information_file", kwargs={"item_uuid": item.uuid}),
        )
    return InformationItemOut(
        uuid=item.uuid,
        case=case.uuid,
        kind=item.kind,
        compartment=item.compartment,
        title=item.title,
        source=item.source,
        text=item.text,
        organisation=Ref(uuid=item.organisation.uuid, name=item.organisation.name),
        created_at=item.created_at,
        care_basis=item.care_basis,
        consent_of=item.consent_of.uuid if item.consent_of else None,
        basis_reason=item.basis_reason,
        file=file,
    )


def _file(file: InformationFileIn | None) -> services.ItemFile | None:
    if file is None:
        return None
    try:
        content = base64.b64decode(file.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            {"file": _("%(name)s is geen geldige base64-tekst.") % {"name": file.name[:80]}}
        ) from None
    return services.ItemFile(name=file.name, content=content)


def _case_of_item(user: User, item_uuid: UUID) -> Case:
    """Return the case of an item `user` reads; 404 for any other (the policy decides)."""
    item = get_visible_or_404(
        user,
        InformationItem.objects.select_related("case").defer("file_content"),
        Action.VIEW,
        uuid=item_uuid,
    )
    return selectors.get_case_for(user, item.case.uuid, record_read=False)


# --- The information of a case ------------------------------------------------------------------


@case_router.get("/{case_uuid}/information", response=InformationOut)
def list_information(request: HttpRequest, case_uuid: UUID) -> Any:
    """List the information on the case you read, newest first (at most 200): by compartment,
    as the framework's flows, the person's consent and the law open it. `compartments`: where you
    may record information on this case (empty: nowhere); `consents`: the voluntary
    interventions with standing consent you see, which a care item on consent names. Audited as
    `INFORMATION_LISTED`."""
    user = me(request)
    case = selectors.get_case_for(user, case_uuid, record_read=False)
    items = selectors.information_of(user, case)
    return InformationOut(
        compartments=selectors.compartments_for(user, case),
        consents=[i.uuid for i in selectors.consents_of(user, case)],
        items=[_item_out(i, case) for i in items],
    )


@case_router.post(
    "/{case_uuid}/information", response={200: InformationItemOut, 201: InformationItemOut}
)
def record_information(request: HttpRequest, case_uuid: UUID, payload: InformationIn) -> Any:
    """Record a note, document, summary or attachment from a compartment you read yourself
    (201); never changed afterwards. AIVD: only the summary, with the report's reference in
    `source`, no file. Care: `care_basis` `consent` (naming the intervention in `consent_of`),
    `conflict_of_duties` or `statutory` (with `basis_reason`). A file as
    `{name, content_base64}`: PDF, PNG, JPEG or text. The same Idempotency-Key again answers the
    first item (200); a key is yours alone."""
    user = me(request)
    key = idempotency_key(request)
    case = selectors.get_case_for(user, case_uuid, record_read=False)
    started = timezone.now()
    item = services.record_information(
        case,
        kind=payload.kind,
        compartment=payload.compartment,
        title=payload.title,
        text=payload.text,
        source=payload.source,
        file=_file(payload.file),
        care_basis=payload.care_basis,
        consent_of=payload.consent_of,
        basis_reason=payload.basis_reason,
        submission_key=key,
        by=user,
    )
    # (The service answers another user's key with a refusal: it never hands back their item.)
    fresh = selectors.get_information_for(user, case, item.uuid, record_read=False)
    return Status(201 if item.created_at >= started else 200, _item_out(fresh, case))


# --- One item -----------------------------------------------------------------------------------


@router.get("/{item_uuid}", response=InformationItemOut)
def get_information(request: HttpRequest, item_uuid: UUID) -> Any:
    """Return one item you read. Audited as `INFORMATION_VIEWED`."""
    user = me(request)
    case = _case_of_item(user, item_uuid)
    return _item_out(selectors.get_information_for(user, case, item_uuid), case)


@router.get("/{item_uuid}/file", openapi_extra=_FILE, url_name="information_file")
def information_file(request: HttpRequest, item_uuid: UUID) -> Any:
    """Return the file of an item you read: its bytes, with the type found on receipt, as an
    attachment (404 for an item without a file). Audited as `INFORMATION_FILE_DOWNLOADED`."""
    user = me(request)
    case = _case_of_item(user, item_uuid)
    item = selectors.information_file_for(user, case, item_uuid)
    response = HttpResponse(bytes(item.file_content), content_type=item.file_type)
    response["Content-Disposition"] = content_disposition_header(True, item.file_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
