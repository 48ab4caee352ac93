"""CSV files that people open in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

# A cell starting with one of these is a formula to Excel and LibreOffice (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Return `value` as text that a spreadsheet shows and never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_lines(
    header: Sequence[str],
    rows: Iterable[Iterable[object]],
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> Iterator[str]:
    """Yield a CSV file a line at a time (for streaming), every cell made safe to open.

    `bom` starts the file with a UTF-8 byte order mark, which Excel needs to read UTF-8.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(header)
    yield _take(buffer)
    for row in rows:
        writer.writerow(safe_cell(value) for value in row)
        yield _take(buffer)


def _take(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate(0)
    return text
