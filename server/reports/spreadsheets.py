"""The programme bulletin as a workbook, for donors who recompute: figures in, XLSX bytes out.

Pure, written by `server.documents.tables.xlsx_workbook`: text cells stay text (a name starting
with "="
is never a formula), control characters are dropped, Arabic sheets read right to left.
Counts stay numbers, except the hidden ones of a breakdown, which are the text "<5" or "hidden" as
in the PDF (`server.reports.disclosure` decides, for every output alike); the rule is the last
row of the Breakdowns sheet.
"""

from __future__ import annotations

from server.documents.pdf_text import in_language
from server.documents.tables import Cell, Share, Sheet, xlsx_workbook
from server.i18n import current_language, gettext
from server.i18n.labels import label
from server.models.enums import EventKind, PledgeKind
from server.reports.disclosure import RULE, publish_breakdown, publish_ratings
from server.reports.disclosure import Cell as Published
from server.reports.figures import (
    Breakdown,
    PledgeTotal,
    ProgrammeFigures,
    ProgrammeLine,
    category_label,
    dimension_title,
)


def bulletin_xlsx(figures: ProgrammeFigures, *, language: str) -> bytes:
    """The bulletin's figures in six sheets (Summary, By city, By kind, Breakdowns, Pledges,
    Employers), with sheet names and headers in `language`."""
    return in_language(language, _bulletin, figures)


def _bulletin(figures: ProgrammeFigures) -> bytes:
    lines_header = [gettext("Events"), gettext("Registrations"), gettext("Attended")]
    sheets = [
        Sheet(gettext("Summary"), [gettext("Indicator"), gettext("Value")], _summary(figures)),
        Sheet(
            gettext("By city"),
            [gettext("City"), *lines_header],
            [_line(line.key, line) for line in figures.by_city],
        ),
        Sheet(
            gettext("By kind of event"),
            [gettext("Kind of event"), *lines_header],
            [_line(label(EventKind(line.key)), line) for line in figures.by_kind],
        ),
        Sheet(
            gettext("Breakdowns"),
            [gettext("Breakdown"), gettext("Category"), gettext("Registered"), gettext("Attended")],
            [
                *(row for breakdown in figures.breakdowns for row in _breakdown_rows(breakdown)),
                [gettext(RULE)],
            ],
        ),
        Sheet(
            gettext("Pledges"),
            [gettext("Commitment"), *_pledge_header()],
            [[label(PledgeKind(total.kind)), *_pledge_values(total)] for total in figures.pledges],
        ),
        Sheet(
            gettext("Employers"),
            [gettext("Employer"), gettext("Commitment"), *_pledge_header()],
            [
                [employer.employer, label(PledgeKind(total.kind)), *_pledge_values(total)]
                for employer in figures.employers
                for total in employer.pledges
            ],
        ),
    ]
    return xlsx_workbook(sheets, right_to_left=current_language().direction == "rtl")


def _summary(figures: ProgrammeFigures) -> list[list[Cell]]:
    ratings = publish_ratings(figures.satisfaction)
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
        [gettext("Satisfaction answers"), _count(ratings.answers)],
        [gettext("Average rating (out of 5)"), ratings.average],
    ]


def _line(name: str, line: ProgrammeLine) -> list[Cell]:
    return [name, line.events, line.registrations, line.attended]


def _breakdown_rows(breakdown: Breakdown) -> list[list[Cell]]:
    """A breakdown's rows as published: hidden counts read "<5" or "hidden" (text, not numbers)."""
    published = publish_breakdown(breakdown)
    return [
        [
            dimension_title(breakdown.dimension),
            category_label(breakdown.dimension, row.key),
            _count(row.registered),
            _count(row.attended),
        ]
        for row in published.rows
    ]


def _count(cell: Published) -> Cell:
    return cell.text if cell.count is None else cell.count


def _pledge_header() -> list[str]:
    return [
        gettext("Pledges"),
        gettext("Pledged quantity"),
        gettext("Pledged amount (MAD)"),
        gettext("Delivered quantity"),
        gettext("Delivered amount (MAD)"),
    ]


def _pledge_values(total: PledgeTotal) -> list[Cell]:
    return [
        total.pledges,
        total.quantity,
        total.amount_mad,
        total.delivered_quantity,
        total.delivered_amount_mad,
    ]


def _share(ratio: float | None) -> Share | None:
    return None if ratio is None else Share(ratio)
