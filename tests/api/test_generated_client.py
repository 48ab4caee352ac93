"""A client generated from the OpenAPI document works, as an integrator would build one.

`openapi-python-client` generates a Python package from `/api/v1/openapi.json` of a running
demo; the test then reports a signal with it (police key), opens a case from it and edits the
case with If-Match (case director's key), and handles each error answer through the typed
models the document declares: 412 with the current version, 404, 422 with the field, 401.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import re
import subprocess
import sys
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.demo import DemoServer, running_demo

PACKAGE = "samenspel_client"


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    with running_demo("samenspel-client-") as server:
        yield server


@pytest.fixture(scope="module")
def generated(demo: DemoServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Generate the client into a throwaway folder and import it."""
    folder = tmp_path_factory.mktemp("client")
    with urllib.request.urlopen(demo.url("/api/v1/openapi.json"), timeout=10) as answer:  # noqa: S310
        (folder / "openapi.json").write_bytes(answer.read())
    (folder / "config.json").write_text(
        json.dumps({"package_name_override": PACKAGE, "post_hooks": []})
    )
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "openapi-python-client"),
            "generate",
            "--path",
            "openapi.json",
            "--config",
            "config.json",
            "--meta",
            "none",
            "--output-path",
            PACKAGE,
        ],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def _key(demo: DemoServer, user: str) -> str:
    output = demo.command("apitoken", "create", user, "--name", "generated-client")
    found = re.search(r"^secret:\s+(\S+)", output, re.MULTILINE)
    assert found, output
    return found.group(1)


def _module(package: Any, tag: str, operation: str) -> Any:
    return importlib.import_module(f"{package.__name__}.api.{tag}.{operation}")


def test_a_generated_client_reports_opens_edits_and_handles_every_error(
    demo: DemoServer, generated: Any
) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    client_module = importlib.import_module(f"{PACKAGE}.client")

    def client(user: str | None, token: str | None = None) -> Any:
        return client_module.AuthenticatedClient(
            base_url=demo.base_url,
            token=token or _key(demo, user or ""),
            raise_on_unexpected_status=True,
        )

    police = client("politie")
    director = client("regisseur")

    # The police officer reports a signal to Havenstad.
    directory = _module(generated, "organisations", "samenspel_api_main_organisation_directory")
    found = directory.sync(client=police)
    havenstad = next(o for o in found if o.name == "Gemeente Havenstad")
    submit = _module(generated, "signals", "samenspel_api_intake_submit_signal")
    signal_in = models.SignalIn(
        municipality=havenstad.uuid,
        observed_on=dt.date.today(),
        observation="Deelt oproepen tot geweld in een groepsapp.",
        concern="Mogelijke radicalisering.",
        family_name="Generiek",
        given_names="Client",
    )
    key = str(uuid.uuid4())
    first = submit.sync_detailed(client=police, body=signal_in, idempotency_key=key)
    assert first.status_code == 201, first.content
    again = submit.sync_detailed(client=police, body=signal_in, idempotency_key=key)
    assert again.status_code == 200  # the same key: the first answer, nothing new
    assert again.parsed.uuid == first.parsed.uuid
    signal_uuid = first.parsed.uuid

    # The case director picks it up and opens a case (If-Match: the signal's ETag).
    pick_up = _module(generated, "triage", "samenspel_api_intake_pick_up")
    picked = pick_up.sync_detailed(signal_uuid, client=director)
    assert picked.status_code == 200, picked.content
    users = _module(generated, "users", "samenspel_api_main_list_users").sync(client=director)
    me = next(u for u in users if u.username == "regisseur")
    decide = _module(generated, "triage", "samenspel_api_intake_decide")
    decision = models.DecisionIn(
        outcome="include",
        reason="Voldoet aan de criteria.",
        criteria="Criteria weegploeg 2026",
        create_person=True,
        case_director=me.uuid,
        phase="PH-1",
    )
    decided = decide.sync_detailed(
        signal_uuid, client=director, body=decision, if_match=picked.headers["ETag"]
    )
    assert decided.status_code == 200, decided.content
    case_uuid = decided.parsed.case
    assert case_uuid is not None

    # Edit the case with If-Match; a stale version answers 412 with the current one.
    get_case = _module(generated, "cases", "samenspel_api_cases_get_case")
    read = get_case.sync_detailed(case_uuid, client=director)
    assert read.status_code == 200
    etag = read.headers["ETag"]
    change_phase = _module(generated, "cases", "samenspel_api_cases_change_phase")
    move = models.MoveIn(to="PH-2", reason="Verhuisd naar een andere wijk.")
    moved = change_phase.sync_detailed(case_uuid, client=director, body=move, if_match=etag)
    assert moved.status_code == 200, moved.content
    assert moved.headers["ETag"] != etag
    onward = models.MoveIn(to="PH-3", reason="Volgende fase.")
    stale = change_phase.sync_detailed(case_uuid, client=director, body=onward, if_match=etag)
    assert stale.status_code == 412
    assert isinstance(stale.parsed, models.StaleProblemOut)
    assert stale.parsed.current_version == int(moved.headers["ETag"].strip('"'))

    # Each error arrives as the documented problem.
    unknown = get_case.sync_detailed(uuid.uuid4(), client=director)
    assert unknown.status_code == 404
    assert isinstance(unknown.parsed, models.ProblemOut)
    assert unknown.parsed.code == "not_found"
    invalid = change_phase.sync_detailed(
        case_uuid,
        client=director,
        body=models.MoveIn(to="PH-99", reason="x"),
        if_match=moved.headers["ETag"],
    )
    assert invalid.status_code == 422
    assert isinstance(invalid.parsed, models.ProblemOut)
    assert "to" in invalid.parsed.errors.to_dict()
    hidden = get_case.sync_detailed(case_uuid, client=police)  # not on the team
    assert hidden.status_code == 404
    nobody = client(None, token="ssp_not-a-key")
    refused = get_case.sync_detailed(case_uuid, client=nobody)
    assert refused.status_code == 401
    assert refused.parsed.code == "unauthenticated"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
