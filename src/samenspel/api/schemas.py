"""The base of every request body the API reads.

- Unknown fields are refused with 422 ("Dit veld kent de API niet."), so a misspelt field
  never passes unnoticed; the OpenAPI document says `additionalProperties: false`.
- No text may hold a NUL character (PostgreSQL cannot store one; `RefuseNulMiddleware`
  refuses it with 422); the document says so with a pattern on every text field.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Schema
from pydantic import BeforeValidator, ConfigDict
from pydantic_core import PydanticCustomError

NO_NUL = "^[^\\u0000]*$"
# Text that must say something: at least one character that is not a space (and no NUL).
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    # Pydantic would read a number as seconds since 1970 ("?start=0" as 1 January 1970): a
    # date here is written as a date, jjjj-mm-dd, as the document says.
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_parsing", "Dit is geen geldige datum (jjjj-mm-dd).")


# A date in a query parameter or a body, only as jjjj-mm-dd.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


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
