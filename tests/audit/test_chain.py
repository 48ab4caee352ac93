"""`audit.record()` appends linked records that hold identifiers only."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from samenspel import audit
from samenspel.audit import chain
from samenspel.audit.context import RequestContext, bound
from samenspel.audit.events import Event, Outcome, Purpose
from samenspel.audit.models import GENESIS_HASH, AuditEvent
from samenspel.audit.services import _check_detail, fields_of
from samenspel.testing import Cast

from .conftest import rows


def test_records_form_one_linear_chain(cast: Cast) -> None:
    with bound(RequestContext(request_id="r1", client_address="198.51.100.7")):
        audit.record(
            Event.USER_VIEWED,
            by=cast.case_manager,
            obj=cast.outsider,
            purpose=Purpose.ADMINISTRATION,
        )
    audit.record(Event.LOGOUT, by=cast.outsider, purpose=Purpose.AUTHENTICATION)
    chain_rows = rows()
    assert [r.seq for r in chain_rows] == list(range(1, len(chain_rows) + 1))
    prev = GENESIS_HASH
    for row in chain_rows:
        assert row.prev_hash == prev
        assert row.hash == chain.link_hash(prev, fields_of(row))
        prev = row.hash
    viewed = chain_rows[-2]
    assert (viewed.request_id, viewed.client_address) == ("r1", "198.51.100.7")
    assert viewed.actor_roles == ["case_director"]
    assert (viewed.actor_organisation_id, viewed.object_organisation_id) == (
        cast.municipality_a.pk,
        cast.municipality_b.pk,
    )


def test_the_first_record_links_to_the_genesis_hash(db: None) -> None:
    row = audit.record(Event.DEMO_LOADED, by=None, purpose=Purpose.SYSTEM)
    assert (row.seq, row.prev_hash) == (1, GENESIS_HASH)


def test_the_hash_covers_every_column_but_the_hashes(db: None) -> None:
    row = audit.record(Event.DEMO_LOADED, by=None, purpose=Purpose.SYSTEM, count=3)
    covered = set(fields_of(row))
    assert covered == {
        "v", "seq", "at", "event", "outcome", "actor", "actor_org", "roles", "object_type",
        "object_id", "object_org", "purpose", "request_id", "client", "details",
    }  # fmt: skip
    stored = {f.name for f in AuditEvent._meta.concrete_fields} - {"id", "prev_hash", "hash"}
    assert len(stored) == len(covered) - 1  # "v" is the hash version, not a column


@pytest.mark.parametrize(
    "value",
    [
        "Jan de Vries",  # a name
        "woont op de Dorpsstraat 1",
        "line\nbreak",
        "x" * 101,
        "<script>",
        "a;b",
    ],
)
def test_details_refuse_free_text(db: None, value: str) -> None:
    with pytest.raises(ValueError, match="not an identifier"):
        audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, note=value)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("value", [1.5, {"nested": 1}, b"bytes", object()])
def test_details_refuse_other_types(db: None, value: Any) -> None:
    with pytest.raises(TypeError, match="unsupported type"):
        audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, value=value)


def test_details_keep_identifiers(db: None) -> None:
    case_id = uuid.uuid4()
    row = audit.record(
        Event.PAGE_VIEWED,
        by=None,
        purpose=Purpose.SYSTEM,
        case=case_id,
        route="web:case-detail",
        page=3,
        sso=True,
        absent=None,
        ids=["a1", "b2"],
    )
    row.refresh_from_db()
    assert row.details == {
        "case": str(case_id),
        "route": "web:case-detail",
        "page": 3,
        "sso": True,
        "absent": None,
        "ids": ["a1", "b2"],
    }


WHITESPACE = [c for c in map(chr, range(0x3000 + 1)) if c.isspace()]


@given(st.text(max_size=40), st.sampled_from(WHITESPACE), st.text(max_size=40))
def test_no_text_with_whitespace_is_an_identifier(before: str, space: str, after: str) -> None:
    with pytest.raises(ValueError, match="not an identifier"):
        _check_detail("note", before + space + after)


@pytest.mark.parametrize(
    ("event", "purpose"),
    [
        (101, Purpose.SYSTEM),
        ("LOGIN_SUCCEEDED", Purpose.SYSTEM),
        (Event.LOGIN_SUCCEEDED, "system"),
        (Event.LOGIN_SUCCEEDED, Outcome.SUCCESS),
        (Outcome.SUCCESS, Purpose.SYSTEM),
    ],
)
def test_event_and_purpose_must_be_their_own_types(db: None, event: Any, purpose: Any) -> None:
    with pytest.raises(TypeError):
        audit.record(event, by=None, purpose=purpose)
    assert not AuditEvent.objects.exists()


def test_details_are_ascii_identifiers_only(db: None) -> None:
    """Non-ASCII detail values are refused: their JSON escapes could be altered unseen."""
    import pytest

    from samenspel import audit
    from samenspel.audit.events import Event, Purpose

    with pytest.raises(ValueError, match="not an identifier"):
        audit.record(Event.PAGE_VIEWED, by=None, purpose=Purpose.SYSTEM, page="café")
