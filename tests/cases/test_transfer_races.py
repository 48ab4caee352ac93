"""Two decisions on one transfer race each other: one wins, the other conflicts and changes nothing.

The decisions claim the transfer with a guarded update (lib.decisions.claim). The race runs in
a child process on a scratch PostgreSQL database (tests/cases/racer.py): two threads, each with
its own connection and transaction, as two web workers; the winner holds its row lock for a
while, so the loser's claim really waits for the winner's commit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.conftest import require_or_skip
from tests.scratch import environment, run, scratch_postgres

CONFLICT = "Over deze overdracht is al beslist. Er is niets gewijzigd."


@pytest.fixture
def database_url(db: None) -> Iterator[str]:
    if connection.vendor != "postgresql":
        require_or_skip("postgres", "this run is on SQLite; the races run on PostgreSQL")
    with scratch_postgres("races") as url:
        yield url


def race(tmp_path: Path, database_url: str, scenario: str) -> dict[str, Any]:
    env = environment(tmp_path, database_url)
    outcome: dict[str, Any] = json.loads(
        run(env, "-m", "tests.cases.racer", scenario, timeout=120).stdout.splitlines()[-1]
    )
    oks = [i for i, r in enumerate(outcome["results"]) if r.get("ok")]
    conflicts = [r for r in outcome["results"] if r.get("error") == "DecisionConflict"]
    assert len(oks) == 1 and len(conflicts) == 1, outcome
    assert conflicts[0]["message"] == CONFLICT
    assert outcome["claims"] == 1, outcome  # the loser never held the claim
    outcome["winner"] = oks[0]
    return outcome


@pytest.mark.postgres
def test_two_racing_accepts_move_the_case_once(tmp_path: Path, database_url: str) -> None:
    outcome = race(tmp_path, database_url, "accept-accept")
    assert outcome["status"] == "accepted"
    assert outcome["municipality"] == outcome["b"]
    assert outcome["moves"] == 1
    assert outcome["decision_events"] == ["TRANSFER_ACCEPTED"]
    winner = [outcome["outsider"], "Collega Buiten"][outcome["winner"]]
    assert outcome["case_director"] == winner
    assert outcome["team"] == [winner]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("scenario", "other_status", "other_event"),
    [
        ("accept-decline", "declined", "TRANSFER_DECLINED"),
        ("accept-cancel", "cancelled", "TRANSFER_CANCELLED"),
    ],
)
def test_an_accept_racing_another_decision_leaves_one_decision(
    tmp_path: Path, database_url: str, scenario: str, other_status: str, other_event: str
) -> None:
    outcome = race(tmp_path, database_url, scenario)
    if outcome["winner"] == 0:
        expected = ("accepted", outcome["b"], 1, ["TRANSFER_ACCEPTED"])
    else:
        expected = (other_status, outcome["a"], 0, [other_event])
        assert outcome["police_on_team"]  # the sender's team keeps the case
    got = (outcome["status"], outcome["municipality"], outcome["moves"])
    assert (*got, outcome["decision_events"]) == expected
