from __future__ import annotations

import pytest

from samenspel.cases.models import Case
from samenspel.testing import Cast, make_case


@pytest.fixture
def case(cast: Cast) -> Case:
    return make_case(cast, family_name="Verzonnen")
