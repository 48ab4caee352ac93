"""Measure how deeply a JSON text nests, without parsing it and without recursion."""

from __future__ import annotations

import re

# A JSON string, escapes included; possessive, so that a long string cannot backtrack.
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.DOTALL)
_OPENERS = frozenset(b"[{")
_NOT_A_BRACKET = bytes(sorted(set(range(256)) - set(b"[]{}")))


def nests_deeper_than(body: bytes, limit: int) -> bool:
    """Tell whether arrays and objects in `body` nest more than `limit` levels deep.

    Brackets inside strings do not count. The scan is linear and stops at the first level past
    the limit, so a hostile body costs no more than reading it.
    """
    brackets = _STRING.sub(b"", body).translate(None, _NOT_A_BRACKET)
    depth = 0
    for byte in brackets:
        if byte in _OPENERS:
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False
