"""The API of the information on a case by source compartment, and the consent record of the
plan: the same rules and audit as the services, over HTTP."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from typing import Any

import pytest
from django.test import Client

from samenspel.accounts.models import User
from samenspel.audit.events import Event
from samenspel.audit.models import AuditEvent
from samenspel.cases import services as cases
from samenspel.cases.models import Case, InformationItem, Intervention
from samenspel.testing import Cast, force_verified_login, make_case

pytestmark = pytest.mark.django_db

API = "/api/v1"
PDF = b"%PDF-1.7\n% proces-verbaal\n"
PROBLEM = "application/problem+json"


@pytest.fixture
def case(cast: Cast) -> Case:
    return make_case(cast, team=(cast.police_officer, cast.prosecutor, cast.care_worker))


def _client(user: User) -> Client:
    client = Client(REMOTE_ADDR="127.0.0.1")
    force_verified_login(client, user)
    return client


def _post(client: Client, url: str, body: Any, key: str | None = None, **headers: str) -> Any:
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(url, body, content_type="application/json", **headers)


def _record(user: User, case: Case, compartment: str, key: str | None = None, **fields: Any) -> Any:
    body = {
        "kind": "note",
        "compartment": compartment,
        "title": f"{compartment} notitie",
        "text": "Tekst van de notitie.",
        "source": "Kenmerk 2026-1, 1 december 2026",
        **fields,
    }
    return _post(
        _client(user), f"{API}/cases/{case.uuid}/information", body, key or str(uuid.uuid4())
    )


def _titles(user: User, case: Case) -> set[str]:
    answer = _client(user).get(f"{API}/cases/{case.uuid}/information")
    assert answer.status_code == 200, answer.content
    return {item["title"] for item in answer.json()["items"]}


def _care_line(case: Case, cast: Cast) -> Intervention:
    return cases.add_intervention(
        case, measure="I-08", domain="care", owner=cast.care, by=cast.case_manager
    )


def _consent(**overrides: Any) -> dict[str, Any]:
    return {
        "consent": "given",
        "consent_by": "De persoon zelf",
        "consent_on": "2026-12-01",
        "consent_scope": "Delen van de voortgang van de behandeling met het casusoverleg.",
        **overrides,
    }


# --- Recording and reading per compartment -----------------------------------------------------


def test_each_compartment_is_recorded_and_reaches_only_its_readers(case: Case, cast: Cast) -> None:
    police = _record(cast.police_officer, case, "police", title="politie")
    assert police.status_code == 201, police.content
    assert _record(cast.prosecutor, case, "om", title="om").status_code == 201
    assert _record(cast.case_manager, case, "municipal", title="gemeente").status_code == 201
    aivd = _record(cast.mayor, case, "aivd", kind="summary", title="aivd")
    assert aivd.status_code == 201, aivd.content
    item = police.json()
    assert item["compartment"] == "police" and item["kind"] == "note"
    assert item["case"] == str(case.uuid)
    assert item["organisation"] == {"uuid": str(cast.police.uuid), "name": cast.police.name}
    assert item["source"] == "Kenmerk 2026-1, 1 december 2026"
    assert item["file"] is None and item["care_basis"] == "" and item["consent_of"] is None
    assert AuditEvent.objects.filter(event=Event.INFORMATION_RECORDED).count() == 4

    assert _titles(cast.police_officer, case) == {"politie"}
    assert _titles(cast.prosecutor, case) == {"om"}
    assert _titles(cast.case_manager, case) == {"politie", "gemeente"}
    assert _titles(cast.mayor, case) == {"politie", "om", "gemeente", "aivd"}
    assert _titles(cast.care_worker, case) == set()
    listed = AuditEvent.objects.filter(event=Event.INFORMATION_LISTED, actor=cast.case_manager)
    assert listed.count() == 1
    assert set(listed.get().details["items"]) == {
        str(i.uuid) for i in InformationItem.objects.exclude(compartment__in=["om", "aivd"])
    }


def test_the_list_is_newest_first_and_names_where_the_caller_may_record(
    case: Case, cast: Cast
) -> None:
    _record(cast.police_officer, case, "police", title="eerste")
    _record(cast.police_officer, case, "police", title="tweede")
    answer = _client(cast.police_officer).get(f"{API}/cases/{case.uuid}/information").json()
    assert [i["title"] for i in answer["items"]] == ["tweede", "eerste"]
    assert answer["compartments"] == ["police"]
    assert answer["consents"] == []
    mayor = _client(cast.mayor).get(f"{API}/cases/{case.uuid}/information").json()
    assert "aivd" in mayor["compartments"] and "police" in mayor["compartments"]
    director = _client(cast.case_manager).get(f"{API}/cases/{case.uuid}/information").json()
    assert "aivd" not in director["compartments"]
    assert "om" not in director["compartments"]


def test_a_compartment_the_caller_may_not_read_is_refused_on_compartment(
    case: Case, cast: Cast
) -> None:
    for user, compartment in (
        (cast.police_officer, "om"),
        (cast.police_officer, "aivd"),
        (cast.case_manager, "aivd"),
        (cast.care_worker, "police"),
    ):
        refused = _record(user, case, compartment, kind="summary")
        assert refused.status_code == 422, refused.content
        assert refused["Content-Type"] == PROBLEM
        assert "u mag die zelf niet lezen" in refused.json()["errors"]["compartment"][0]
    unknown = _record(cast.police_officer, case, "geheim")
    assert unknown.status_code == 422
    assert unknown.json()["errors"]["compartment"] == ["Kies een bron uit de lijst."]
    assert InformationItem.objects.count() == 0
    assert AuditEvent.objects.filter(event=Event.INFORMATION_REFUSED).count() == 4


def test_an_aivd_item_is_only_a_summary_with_its_reference_and_no_file(
    case: Case, cast: Cast
) -> None:
    refused = _record(
        cast.mayor,
        case,
        "aivd",
        kind="document",
        source="",
        file={"name": "ambtsbericht.pdf", "content_base64": base64.b64encode(PDF).decode()},
    )
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert "alleen de samenvatting" in errors["kind"][0]
    assert "nooit onderliggend materiaal" in errors["file"][0]
    assert "kenmerk" in errors["source"][0]
    assert InformationItem.objects.count() == 0


def test_care_information_needs_its_ground(case: Case, cast: Cast) -> None:
    line = _care_line(case, cast)
    worker = cast.care_worker
    no_basis = _record(worker, case, "care")
    assert no_basis.status_code == 422
    assert "beroepsgeheim" in no_basis.json()["errors"]["care_basis"][0]
    no_consent_named = _record(worker, case, "care", care_basis="consent")
    assert "vrijwillige interventie" in no_consent_named.json()["errors"]["consent_of"][0]
    not_given = _record(worker, case, "care", care_basis="consent", consent_of=str(line.uuid))
    assert "geen toestemming" in not_given.json()["errors"]["consent_of"][0]
    no_reason = _record(worker, case, "care", care_basis="conflict_of_duties")
    assert "zonder toestemming" in no_reason.json()["errors"]["basis_reason"][0]
    not_care = _record(cast.police_officer, case, "police", care_basis="statutory")
    assert "Alleen zorginformatie" in not_care.json()["errors"]["care_basis"][0]
    bad_uuid = _record(worker, case, "care", care_basis="consent", consent_of="geen-uuid")
    assert bad_uuid.json()["errors"]["consent_of"] == ["Dit is geen geldige uuid."]
    assert InformationItem.objects.count() == 0


def test_care_information_on_consent_reaches_whom_the_consent_names_while_it_stands(
    case: Case, cast: Cast
) -> None:
    line = _care_line(case, cast)
    worker = _client(cast.care_worker)
    url = f"{API}/cases/{case.uuid}/plan/{line.uuid}"
    given = worker.patch(
        url,
        _consent(consent_shared_with=[str(cast.municipality_a.uuid)]),
        content_type="application/json",
        HTTP_IF_MATCH=f'"{line.version}"',
    )
    assert given.status_code == 200, given.content
    listing = worker.get(f"{API}/cases/{case.uuid}/information").json()
    assert listing["consents"] == [str(line.uuid)]
    recorded = _record(
        cast.care_worker,
        case,
        "care",
        title="voortgang",
        care_basis="consent",
        consent_of=str(line.uuid),
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["care_basis"] == "consent"
    assert recorded.json()["consent_of"] == str(line.uuid)
    assert _titles(cast.case_manager, case) == {"voortgang"}
    assert _titles(cast.police_officer, case) == set()
    withdrawn = worker.patch(
        url, {"consent": "withdrawn"}, content_type="application/json", HTTP_IF_MATCH=given["ETag"]
    )
    assert withdrawn.status_code == 200, withdrawn.content
    assert _titles(cast.case_manager, case) == set()
    assert _titles(cast.care_worker, case) == {"voortgang"}
    item = recorded.json()["uuid"]
    assert _client(cast.case_manager).get(f"{API}/information/{item}").status_code == 404


def test_conflict_of_duties_is_recorded_with_its_reason(case: Case, cast: Cast) -> None:
    reason = "Acuut gevaar voor anderen; de zwijgplicht wijkt (conflict van plichten)."
    recorded = _record(
        cast.care_worker, case, "care", care_basis="conflict_of_duties", basis_reason=reason
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["basis_reason"] == reason
    assert recorded.json()["consent_of"] is None


# --- Idempotency ------------------------------------------------------------------------------


def test_a_repeated_key_records_once_and_a_key_is_yours_alone(case: Case, cast: Cast) -> None:
    url = f"{API}/cases/{case.uuid}/information"
    body = {"kind": "note", "compartment": "police", "title": "Melding", "text": "Tekst."}
    police = _client(cast.police_officer)
    assert _post(police, url, body).status_code == 400  # no Idempotency-Key
    first = _post(police, url, body, "info-1")
    assert first.status_code == 201, first.content
    again = _post(police, url, body, "info-1")
    assert again.status_code == 200 and again.json() == first.json()
    assert InformationItem.objects.count() == 1
    assert AuditEvent.objects.filter(event=Event.INFORMATION_RECORDED).count() == 1
    # The care worker does not read police information: the key never hands it out.
    other = _post(_client(cast.care_worker), url, {**body, "compartment": "care"}, "info-1")
    assert other.status_code == 422
    assert "sleutel" in other.json()["errors"]["__all__"][0]
    assert "Melding" not in other.content.decode()
    assert InformationItem.objects.count() == 1


# --- Need-to-know: 404 ------------------------------------------------------------------------


def test_the_police_gets_404_on_an_aivd_item_and_its_file_like_on_nothing(
    case: Case, cast: Cast
) -> None:
    aivd = _record(cast.mayor, case, "aivd", kind="summary", title="aivd").json()["uuid"]
    police = _client(cast.police_officer)
    for path in ("/information/{}", "/information/{}/file"):
        hidden = police.get(API + path.format(aivd))
        missing = police.get(API + path.format(uuid.uuid4()))
        assert hidden.status_code == missing.status_code == 404
        assert hidden.content == missing.content
        assert hidden["Content-Type"] == PROBLEM
    denied = AuditEvent.objects.filter(event=Event.ACCESS_DENIED, actor=cast.police_officer)
    assert denied.filter(object_id=aivd).count() == 2
    assert not AuditEvent.objects.filter(
        event__in=[Event.INFORMATION_VIEWED, Event.INFORMATION_FILE_DOWNLOADED],
        actor=cast.police_officer,
    ).exists()
    mayor = _client(cast.mayor).get(f"{API}/information/{aivd}")
    assert mayor.status_code == 200 and mayor.json()["compartment"] == "aivd"
    assert AuditEvent.objects.filter(event=Event.INFORMATION_VIEWED, actor=cast.mayor).exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/cases/{c}/information"),
        ("post", "/cases/{c}/information"),
        ("get", "/information/{i}"),
        ("get", "/information/{i}/file"),
    ],
)
def test_an_outsider_gets_404_on_every_information_endpoint(
    case: Case, cast: Cast, method: str, path: str
) -> None:
    item = _record(
        cast.police_officer,
        case,
        "police",
        file={"name": "pv.pdf", "content_base64": base64.b64encode(PDF).decode()},
    ).json()["uuid"]
    outsider = _client(cast.outsider)
    body = {"kind": "note", "compartment": "municipal", "title": "x", "text": "x"}

    def call(c: Any, i: Any) -> Any:
        url = API + path.format(c=c, i=i)
        if method == "post":
            return _post(outsider, url, body, "k")
        return outsider.get(url)

    hidden = call(case.uuid, item)
    missing = call(uuid.uuid4(), uuid.uuid4())
    assert hidden.status_code == missing.status_code == 404, hidden.content
    assert hidden.content == missing.content
    assert InformationItem.objects.count() == 1


# --- Files ------------------------------------------------------------------------------------


def test_a_file_is_recorded_from_base64_and_downloaded_as_an_attachment(
    case: Case, cast: Cast
) -> None:
    recorded = _record(
        cast.police_officer,
        case,
        "police",
        kind="document",
        text="",
        file={
            "name": "proces verbaal \u201cdef\u201d.pdf",
            "content_base64": base64.b64encode(PDF).decode(),
        },
    )
    assert recorded.status_code == 201, recorded.content
    file = recorded.json()["file"]
    item = recorded.json()["uuid"]
    assert file["type"] == "application/pdf" and file["size"] == len(PDF)
    assert file["url"] == f"{API}/information/{item}/file"
    director = _client(cast.case_manager)
    listed = director.get(f"{API}/cases/{case.uuid}/information").json()["items"]
    assert listed[0]["file"] == file
    download = director.get(file["url"])
    assert download.status_code == 200
    assert download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment; filename")
    assert "proces%20verbaal" in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert file["sha256"] == hashlib.sha256(PDF).hexdigest()
    downloaded = AuditEvent.objects.get(event=Event.INFORMATION_FILE_DOWNLOADED)
    assert downloaded.actor == cast.case_manager and downloaded.details["item"] == item
    # An item without a file has no file to download; the care worker reads neither.
    text_only = _record(cast.police_officer, case, "police").json()["uuid"]
    assert director.get(f"{API}/information/{text_only}/file").status_code == 404
    assert _client(cast.care_worker).get(file["url"]).status_code == 404


def test_a_file_that_is_not_base64_or_not_allowed_is_refused_on_file(
    case: Case, cast: Cast
) -> None:
    not_base64 = _record(
        cast.police_officer, case, "police", file={"name": "a.pdf", "content_base64": "%%%"}
    )
    assert not_base64.status_code == 422
    assert "base64" in not_base64.json()["errors"]["file"][0]
    program = base64.b64encode(b"MZ\x90\x00\xff\xfe").decode()
    refused = _record(
        cast.police_officer, case, "police", file={"name": "x.exe", "content_base64": program}
    )
    assert refused.status_code == 422
    assert "soort bestand" in refused.json()["errors"]["file"][0]
    empty = _record(
        cast.police_officer, case, "police", file={"name": "leeg.txt", "content_base64": ""}
    )
    assert "leeg" in empty.json()["errors"]["file"][0]
    assert InformationItem.objects.count() == 0


# --- The plan: consent record, hidden lines, balance -------------------------------------------


def test_the_plan_counts_lines_the_caller_may_not_read_and_balances_over_all(
    case: Case, cast: Cast
) -> None:
    _care_line(case, cast)
    cases.add_intervention(
        case, measure="I-01", domain="prevention", owner=cast.municipality_a, by=cast.case_manager
    )
    police = _client(cast.police_officer).get(f"{API}/cases/{case.uuid}/plan").json()
    assert [i["measure"] for i in police["interventions"]] == ["I-01"]
    assert police["hidden"] == 1
    director = _client(cast.case_manager).get(f"{API}/cases/{case.uuid}/plan").json()
    assert {i["measure"] for i in director["interventions"]} == {"I-01", "I-08"}
    assert director["hidden"] == 0
    # The balance is the same for the whole team: over every line, read or not.
    assert police["balance"] == director["balance"]
    assert police["balance"]["counts"] == {"prevention": 1, "care": 1, "repression": 0}


def test_given_consent_needs_its_record_and_names_whom_it_is_shared_with(
    case: Case, cast: Cast
) -> None:
    director = _client(cast.case_manager)
    url = f"{API}/cases/{case.uuid}/plan"
    line = {"measure": "I-08", "domain": "care", "owner": str(cast.care.uuid)}
    bare = _post(director, url, {**line, "consent": "given"}, "care-1")
    assert bare.status_code == 422
    assert set(bare.json()["errors"]) == {"consent_by", "consent_on", "consent_scope"}
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    later = _post(director, url, {**line, **_consent(consent_on=future)}, "care-1")
    assert "toekomst" in later.json()["errors"]["consent_on"][0]
    unknown = _post(
        director, url, {**line, **_consent(consent_shared_with=[str(uuid.uuid4())])}, "care-1"
    )
    assert unknown.json()["errors"]["consent_shared_with"] == ["Kies actieve partnerorganisaties."]
    assert Intervention.objects.count() == 0

    shared = [str(cast.municipality_a.uuid), str(cast.police.uuid)]
    added = _post(director, url, {**line, **_consent(consent_shared_with=shared)}, "care-1")
    assert added.status_code == 201, added.content
    out = added.json()
    assert out["consent"] == "given" and out["consent_by"] == "De persoon zelf"
    assert out["consent_on"] == "2026-12-01"
    assert out["consent_scope"].startswith("Delen van de voortgang")
    assert set(out["consent_shared_with"]) == set(shared)
    # The police is named in the consent: it reads the line, nothing is hidden from it.
    police = _client(cast.police_officer).get(url).json()
    assert police["hidden"] == 0
    assert police["interventions"][0]["consent_shared_with"] == out["consent_shared_with"]


def test_the_consent_record_changes_with_if_match_and_withdrawal_stops_the_line(
    case: Case, cast: Cast
) -> None:
    line = _care_line(case, cast)
    worker = _client(cast.care_worker)
    url = f"{API}/cases/{case.uuid}/plan/{line.uuid}"
    body = _consent(consent_shared_with=[str(cast.municipality_a.uuid)])
    assert worker.patch(url, body, content_type="application/json").status_code == 428
    stale = worker.patch(url, body, content_type="application/json", HTTP_IF_MATCH='"9"')
    assert stale.status_code == 412 and stale.json()["current_version"] == line.version
    missing = worker.patch(
        url, {"consent": "given"}, content_type="application/json", HTTP_IF_MATCH='"1"'
    )
    assert missing.status_code == 422
    assert {"consent_by", "consent_on", "consent_scope"} <= set(missing.json()["errors"])
    given = worker.patch(url, body, content_type="application/json", HTTP_IF_MATCH='"1"')
    assert given.status_code == 200, given.content
    assert given["ETag"] == '"2"'
    assert given.json()["consent_shared_with"] == [str(cast.municipality_a.uuid)]
    running = worker.patch(
        url, {"status": "running"}, content_type="application/json", HTTP_IF_MATCH='"2"'
    )
    assert running.status_code == 200 and running.json()["status"] == "running"
    dropped = worker.patch(
        url, {"consent_shared_with": None}, content_type="application/json", HTTP_IF_MATCH='"3"'
    )
    assert dropped.status_code == 200 and dropped.json()["consent_shared_with"] == []
    withdrawn = worker.patch(
        url, {"consent": "withdrawn"}, content_type="application/json", HTTP_IF_MATCH='"4"'
    )
    assert withdrawn.status_code == 200, withdrawn.content
    assert withdrawn.json()["status"] == "stopped"
    assert "toestemming ingetrokken" in withdrawn.json()["outcome"]
    assert AuditEvent.objects.filter(event=Event.CONSENT_WITHDRAWN).count() == 1
    # The police neither reads nor changes a care line it is not named in: 404.
    police = _client(cast.police_officer).patch(
        url, {"goal": "Anders"}, content_type="application/json", HTTP_IF_MATCH='"5"'
    )
    assert police.status_code == 404


def test_a_plan_key_is_yours_alone(case: Case, cast: Cast) -> None:
    url = f"{API}/cases/{case.uuid}/plan"
    care = {"measure": "I-08", "domain": "care", "owner": str(cast.care.uuid)}
    assert _post(_client(cast.case_manager), url, care, "plan-k").status_code == 201
    prevention = {"measure": "I-01", "domain": "prevention", "owner": str(cast.police.uuid)}
    other = _post(_client(cast.police_officer), url, prevention, "plan-k")
    assert other.status_code == 422, other.content
    assert "sleutel" in other.json()["errors"]["__all__"][0]
    assert "I-08" not in other.content.decode()
    assert Intervention.objects.count() == 1


# --- The OpenAPI document ---------------------------------------------------------------------


def test_the_information_operations_are_documented(client: Client) -> None:
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    listing = paths[f"{API}/cases/{{case_uuid}}/information"]
    assert {"200", "401", "404", "422"} <= set(listing["get"]["responses"])
    create = listing["post"]
    assert {"200", "201", "400", "403", "404", "413", "422"} <= set(create["responses"])
    headers = {p["name"]: p for p in create["parameters"] if p["in"] == "header"}
    assert headers["Idempotency-Key"]["required"] is True
    assert "If-Match" not in headers
    one = paths[f"{API}/information/{{item_uuid}}"]["get"]
    assert {"200", "404"} <= set(one["responses"])
    file = paths[f"{API}/information/{{item_uuid}}/file"]["get"]
    assert set(file["responses"]["200"]["content"]) == {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "text/plain",
    }
    assert "Content-Disposition" in file["responses"]["200"]["headers"]
    assert file["responses"]["404"]["content"][PROBLEM]
    plan = paths[f"{API}/cases/{{case_uuid}}/plan"]
    body = plan["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"].endswith("/InterventionIn")
