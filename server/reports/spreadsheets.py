"""The programme bulletin as a workbook, for donors who recompute: figures in, XLSX bytes out.

Pure, like `server.exports` whose conventions it follows: text cells stay text (a name starting
with "=" is never a formula), control characters are dropped, Arabic sheets read right to left.
Counts stay numbers, except a breakdown's small ones, which are the text "<5" as in the PDF.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from server.i18n import current_language, gettext
from server.labels import label
from server.models.enums import EventKind, PledgeKind
from server.pdf_text import in_language
from server.reports.figures import (
    Breakdown,
    PledgeTotal,
    ProgrammeFigures,
    ProgrammeLine,
    category_label,
    cell_masks,
    dimension_title,
)


@dataclass(frozen=True)
class _Share:
    """A share from 0 to 1, written as a number with a percentage format."""

    ratio: float


Value = str | int | float | Decimal | _Share | None
PERCENT_FORMAT = "0.0%"
SHEET_TITLE_MAX = 31  # Excel refuses longer sheet names


def bulletin_xlsx(figures: ProgrammeFigures, *, language: str) -> bytes:
    """The bulletin's figures in six sheets (Summary, By city, By kind, Breakdowns, Pledges,
    Employers), with sheet names and headers in `language`."""
    return in_language(language, _bulletin, figures)


def _bulletin(figures: ProgrammeFigures) -> bytes:
    workbook = Workbook(write_only=True)
    right_to_left = current_language().direction == "rtl"

    def sheet(title: str, header: Sequence[str], rows: Sequence[Sequence[Value]]) -> None:
        _write_sheet(workbook, title, header, rows, right_to_left=right_to_left)

    sheet(gettext("Summary"), [gettext("Indicator"), gettext("Value")], _summary(figures))
    lines_header = [gettext("Events"), gettext("Registrations"), gettext("Attended")]
    sheet(
        gettext("By city"),
        [gettext("City"), *lines_header],
        [_line(line.key, line) for line in figures.by_city],
    )
    sheet(
        gettext("By kind of event"),
        [gettext("Kind of event"), *lines_header],
        [_line(label(EventKind(line.key)), line) for line in figures.by_kind],
    )
    sheet(
        gettext("Breakdowns"),
        [gettext("Breakdown"), gettext("Category"), gettext("Registered"), gettext("Attended")],
        [row for breakdown in figures.breakdowns for row in _breakdown_rows(breakdown)],
    )
    sheet(
        gettext("Pledges"),
        [gettext("Commitment"), *_pledge_header()],
        [[label(PledgeKind(total.kind)), *_pledge_values(total)] for total in figures.pledges],
    )
    sheet(
        gettext("Employers"),
        [gettext("Employer"), gettext("Commitment"), *_pledge_header()],
        [
            [employer.employer, label(PledgeKind(total.kind)), *_pledge_values(total)]
            for employer in figures.employers
            for total in employer.pledges
        ],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _summary(figures: ProgrammeFigures) -> list[list[Value]]:
    satisfaction = figures.satisfaction
    return [
        [gettext("Organisation"), figures.organisation],
        [gettext("From"), figures.period_start.isoformat()],
        [gettext("To"), figures.period_end.isoformat()],
        [gettext("Events"), figures.events],
        [gettext("Registrations"), figures.registrations],
        [gettext("Confirmed registrations"), figures.confirmed],
        [gettext("Attended"), figures.attended],
        [gettext("Walk-ins"), figures.walk_ins],
        [gettext("Show-up rate"), _share(figures.show_up_rate)],
        [gettext("People who came to at least one event"), figures.people],
        [gettext("Satisfaction answers"), satisfaction.answers],
        [
            gettext("Average rating (out of 5)"),
            None if satisfaction.average is None else round(satisfaction.average, 2),
        ],
    ]


def _line(name: str, line: ProgrammeLine) -> list[Value]:
    return [name, line.events, line.registrations, line.attended]


def _breakdown_rows(breakdown: Breakdown) -> list[list[Value]]:
    """A breakdown's rows as published: hidden counts read "<5" or ">4" (text, not numbers)."""
    masks = cell_masks(breakdown)
    return [
        [
            dimension_title(breakdown.dimension),
            category_label(breakdown.dimension, row.key),
            masks[row.key][0] or row.registered,
            masks[row.key][1] or row.attended,
        ]
        for row in breakdown.rows
    ]


def _pledge_header() -> list[str]:
    return [
        gettext("Pledges"),
        gettext("Pledged quantity"),
        gettext("Pledged amount (MAD)"),
        gettext("Delivered quantity"),
        gettext("Delivered amount (MAD)"),
    ]


def _pledge_values(total: PledgeTotal) -> list[Value]:
    return [
        total.pledges,
        total.quantity,
        total.amount_mad,
        total.delivered_quantity,
        total.delivered_amount_mad,
    ]


def _share(ratio: float | None) -> _Share | None:
    return None if ratio is None else _Share(ratio)


def _write_sheet(
    workbook: Workbook,
    title: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Value]],
    *,
    right_to_left: bool,
) -> None:
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.sheet_view.rightToLeft = right_to_left
    bold = Font(bold=True)
    header_cells = []
    for text in header:
        cell = _cell(sheet, text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])


def _cell(sheet: WriteOnlyWorksheet, value: Value) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=_clean(value))
        cell.data_type = "s"  # text stays text: openpyxl would store "=…" as a formula
        return cell
    if isinstance(value, _Share):
        cell = WriteOnlyCell(sheet, value=value.ratio)
        cell.number_format = PERCENT_FORMAT
        return cell
    return WriteOnlyCell(sheet, value=value)


def _clean(text: str) -> str:
    """Control characters are not allowed in XLSX cells (openpyxl raises on them)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", _clean(title)).strip() or "Sheet"
    return cleaned[:SHEET_TITLE_MAX]
