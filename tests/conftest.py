from __future__ import annotations

import pytest
from django.test import Client

from samenspel.testing import Cast, make_cast


@pytest.fixture
def cast(db: None) -> Cast:
    return make_cast()


@pytest.fixture
def client() -> Client:
    return Client(REMOTE_ADDR="127.0.0.1")
