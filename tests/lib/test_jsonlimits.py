"""The JSON depth check agrees with a parser on every value, and never recurses."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from samenspel.lib.jsonlimits import nests_deeper_than


def depth_of(value: Any) -> int:
    """Return the nesting depth of a parsed value (the independent oracle, recursive)."""
    if isinstance(value, dict):
        return 1 + max((depth_of(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth_of(v) for v in value), default=0)
    return 0


TEXT = st.text(alphabet=st.sampled_from('ab[]{}"\\:,\x00é'), max_size=8)
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=30,
)


@given(VALUES, st.integers(min_value=0, max_value=12))
def test_the_depth_check_agrees_with_a_parser(value: Any, limit: int) -> None:
    body = json.dumps(value, ensure_ascii=False).encode()
    assert nests_deeper_than(body, limit) == (depth_of(value) > limit)


def test_brackets_inside_strings_do_not_count() -> None:
    assert not nests_deeper_than(b'{"a": "[[[[{{{{\\"[[["}', 1)
    assert nests_deeper_than(b'{"a": [["\\\\"]]}', 2)


def test_a_body_far_deeper_than_python_can_recurse_is_measured() -> None:
    body = b"[" * 200_000 + b"]" * 200_000
    assert nests_deeper_than(body, 32)
    assert not nests_deeper_than(body, 200_000)
