"""Tables as files: rows in, CSV or XLSX bytes out. Pure functions, no database, no HTTP.

A cell is a string, a number, a datetime (already in the time zone the reader expects, written
without one since spreadsheets have no time zones), a `Share` (a ratio shown as a percentage in
a spreadsheet) or None for an empty cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font


@dataclass(frozen=True)
class Share:
    """A share from 0 to 1, written as a number with a percentage format."""

    ratio: float


Cell = str | int | float | Decimal | datetime | Share | None

CSV_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
XLSX_PERCENT_FORMAT = "0%"  # whole percentages, as every page and PDF writes them
SHEET_TITLE_MAX = 31  # Excel refuses longer sheet names

# A spreadsheet runs a cell that starts with one of these as a formula. Names come from a public
# sign-up form, so a person could plant `=HYPERLINK(...)` in an organiser's export (OWASP "CSV
# injection"). A leading `+` or `-` followed only by digits is a phone number or a number, and is
# left alone so that E.164 phones stay readable.
_FORMULA_START = ("=", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-][\d\s().-]*")


def neutralise_formula(text: str) -> str:
    """`text`, with a leading apostrophe when a spreadsheet would read it as a formula."""
    if text.startswith(_FORMULA_START) or (
        text.startswith(("+", "-")) and not _SIGNED_NUMBER.fullmatch(text)
    ):
        return "'" + text
    return text


def _csv_text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(CSV_DATETIME_FORMAT)
    if isinstance(value, str):
        return neutralise_formula(value)
    if isinstance(value, Share):
        return f"{value.ratio:.1%}"
    return str(value)


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    """A CSV file in UTF-8 with a byte-order mark, which is how Excel recognises UTF-8 (without
    it, Arabic and accented names come out garbled). Lines end with CRLF, as RFC 4180 says."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: its title, its header row and its rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence[Cell]]


def xlsx_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    sheet_title: str = "Sheet",
    right_to_left: bool = False,
) -> bytes:
    """An Excel workbook with one sheet."""
    return xlsx_workbook([Sheet(sheet_title, headers, rows)], right_to_left=right_to_left)


def xlsx_workbook(sheets: Iterable[Sheet], *, right_to_left: bool = False) -> bytes:
    """An Excel workbook with these sheets, headers in bold. Written in openpyxl's write-only
    mode, which streams rows instead of keeping a cell object for each of them: 10,000 rows stay
    cheap."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet_data in sheets:
        sheet = workbook.create_sheet(_sheet_title(sheet_data.title))
        sheet.sheet_view.rightToLeft = right_to_left
        header_cells = []
        for header in sheet_data.headers:
            cell = WriteOnlyCell(sheet, value=_clean(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in sheet_data.rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet: object, value: Cell) -> object:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_clean(value))
        # Text stays text: openpyxl would otherwise store "=…" as a formula.
        cell.data_type = "s"
        return cell
    if isinstance(value, datetime):
        cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
        cell.number_format = XLSX_DATETIME_FORMAT
        return cell
    if isinstance(value, Share):
        cell = WriteOnlyCell(sheet, value=value.ratio)
        cell.number_format = XLSX_PERCENT_FORMAT
        return cell
    return value


def _clean(text: str) -> str:
    """Control characters are not allowed in XLSX cells (openpyxl raises on them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", _clean(title)).strip() or "Sheet"
    return cleaned[:SHEET_TITLE_MAX]
