"""Tables as spreadsheet files (CSV and XLSX), and the one rule that keeps a cell's text from
running as a formula. Plain Python with openpyxl: no Django here.

- `defuse` puts a quote before text a spreadsheet program would take for a formula ("=", "+",
  "-", "@", a tab or a carriage return first), and before text starting with a quote, so that
  `undefuse` gives back exactly what was written (the action plans' files are read back).
- `csv_bytes` writes UTF-8 with a byte order mark (so that spreadsheet programs read it as
  UTF-8), dates in ISO form, empty cells for None.
- `xlsx_bytes` writes one sheet per `Sheet`: its header rows bold and frozen, numbers as
  numbers, dates as dates.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: What spreadsheet programs take for the start of a formula ("'" too, so that the quote put
#: before those can be told apart from one typed by a person: see `undefuse`).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def defuse(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading quote; so does text starting
    with a quote, so that `undefuse` restores it exactly. Anything else is returned as is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def undefuse(text: str) -> str:
    """The text `defuse` was given: drops the quote it put before a formula character."""
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        return text[1:]
    return text


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return defuse(value)


def csv_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """The rows (header rows included) as CSV in UTF-8 with a byte order mark."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: `header` rows (bold, frozen), then `rows`."""

    title: str
    header: Sequence[Sequence[Any]]
    rows: Sequence[Sequence[Any]]
    widths: Mapping[int, float] = field(default_factory=dict)
    """Column index (0 first) -> width in characters."""


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """The sheets as an XLSX workbook (at least one)."""
    from openpyxl import Workbook  # type: ignore[import-untyped]
    from openpyxl.styles import Font  # type: ignore[import-untyped]
    from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

    if not sheets:
        raise ValueError("A workbook has at least one sheet.")
    workbook = Workbook()
    for index, sheet in enumerate(sheets):
        worksheet = workbook.active if index == 0 else workbook.create_sheet()
        assert worksheet is not None
        worksheet.title = sheet.title[:31]  # the longest title a sheet may have
        for row in sheet.header:
            worksheet.append([defuse(value) for value in row])
            for cell in worksheet[worksheet.max_row]:
                cell.font = Font(bold=True)
        for row in sheet.rows:
            worksheet.append([defuse(value) for value in row])
        if sheet.header:
            worksheet.freeze_panes = f"A{len(sheet.header) + 1}"
        for column, width in sheet.widths.items():
            worksheet.column_dimensions[get_column_letter(column + 1)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
