"""The base of every request body the API reads.

- Unknown fields are refused with 422 ("Dit veld kent de API niet."), so a misspelt field
  never passes unnoticed; the OpenAPI document says `additionalProperties: false`.
- No text may hold a NUL character (PostgreSQL cannot store one; `RefuseNulMiddleware`
  refuses it with 422); the document says so with a pattern on every text field.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict

NO_NUL = "^[^\\u0000]*$"
# Text that must say something: at least one character that is not a space (and no NUL).
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


def _no_nul_in_texts(schema: dict[str, Any]) -> None:
    for prop in schema.get("properties", {}).values():
        for variant in [prop, *prop.get("anyOf", [])]:
            if variant.get("type") == "string" and "format" not in variant:
                variant.setdefault("pattern", NO_NUL)
            items = variant.get("items")
            if isinstance(items, dict) and items.get("type") == "string":
                items.setdefault("pattern", NO_NUL)


class In(Schema):
    """A request body: unknown fields refused, no NUL in any text."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_no_nul_in_texts)
