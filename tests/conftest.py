from __future__ import annotations

import os

import pytest
from django.test import Client

from samenspel.testing import Cast, make_cast


def require_or_skip(kind: str, reason: str) -> None:
    """Skip a test whose prerequisite is missing, unless .ci/run made that prerequisite mandatory.

    `.ci/run` sets SAMENSPEL_REQUIRE_<KIND>=1 (for example SAMENSPEL_REQUIRE_BROWSER), so there
    a missing prerequisite fails the test instead of skipping it.
    """
    if os.environ.get(f"SAMENSPEL_REQUIRE_{kind.upper()}") == "1":
        pytest.fail(f"{reason} (mandatory here: SAMENSPEL_REQUIRE_{kind.upper()}=1)")
    pytest.skip(reason)


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()


@pytest.fixture
def client() -> Client:
    return Client(REMOTE_ADDR="127.0.0.1")
