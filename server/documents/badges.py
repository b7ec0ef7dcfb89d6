"""Printable badges: one A6 badge for an attendee, or A4 sheets of four to print a whole event.

Pure rendering (house rule 7): `BadgeData` in, PDF out, no database and no request.

Each line is shaped and drawn run by run, each run in the font that has its glyphs, by
`server.documents.pdf_text` (which says why reportlab cannot do it alone).
"""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO, Literal

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from reportlab.lib.colors import Color, HexColor, black, white
from reportlab.lib.pagesizes import A4, A6
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from server.documents.pdf_stream import StreamingCanvas
from server.documents.pdf_text import ellipsize, in_language, text_width, visual_runs
from server.documents.qr import QUIET_ZONE, dark_runs, qr_matrix
from server.i18n import gettext, lazy

BadgeRole = Literal["visitor", "employer", "staff", "speaker", "organiser"]


@dataclass(frozen=True)
class RoleStyle:
    label: str  # English message, translated into the reader's language when drawn
    colour: Color


# Dark enough for white bold text on the band (contrast ≥ 3.9:1, large text).
ROLE_STYLES: dict[str, RoleStyle] = {
    "visitor": RoleStyle(lazy("Visitor"), HexColor("#1E7B34")),
    "employer": RoleStyle(lazy("Employer"), HexColor("#1F5FAD")),
    "staff": RoleStyle(lazy("Staff"), HexColor("#D35400")),
    "speaker": RoleStyle(lazy("Speaker"), HexColor("#6C3483")),
    "organiser": RoleStyle(lazy("Organiser"), HexColor("#8B1A1A")),
}


@dataclass(frozen=True)
class BadgeData:
    """What one badge shows, as it is printed: event texts already picked in their language.

    Raises ValueError for a role that is not one of `ROLE_STYLES`.
    """

    event_title: str
    event_date: str  # formatted for the reader, e.g. "samedi 14 mars 2026"
    venue: str  # e.g. "Casablanca — Technopark"
    name: str
    role: BadgeRole
    organisation: str  # "" when the person comes on their own
    serial: str  # e.g. "K7P-3QX", read aloud for a lost badge
    qr_text: str  # the signed badge code, server.codes.badges.make_badge_code()
    language: str = "fr"  # the reader's, for the role label
    # The person's interviews at the fair, one line each ("Interview 10:40, booth 12, Company
    # X"), printed on a second page: the back of their own badge. Empty on organisers' sheets.
    interviews: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.role not in ROLE_STYLES:
            raise ValueError(f"unknown badge role {self.role!r}")


# --- Text fitting --------------------------------------------------------------------------------

WRAP_GAIN = 1.25  # wrapping a name costs reading it at a glance: only for much larger text


@dataclass(frozen=True)
class FittedText:
    lines: tuple[str, ...]  # in logical order; each line is shaped and reordered when drawn
    size: float  # font size in points


def fit_text(
    text: str,
    width: float,
    *,
    max_size: float,
    min_size: float,
    max_lines: int = 1,
    two_line_max_size: float | None = None,
    bold: bool = True,
) -> FittedText:
    """The lines and size (a multiple of 0.5 pt) at which `text` fits `width`, never wider.

    One line, shrunk from `max_size` down to `min_size`; two lines (if `max_lines` ≥ 2) split
    where they balance best, from `two_line_max_size` down to `min_size`, when that is the only way
    to fit or makes the text at least `WRAP_GAIN` times larger; failing both, at `min_size`, as
    many words as fit on each line and an ellipsis where the text is cut.
    """
    text = " ".join(text.split())
    if not text:
        return FittedText(("",), max_size)
    limit = width - 0.01  # room for rounding in the PDF's coordinates
    one_line = text_width(text, 1, bold=bold)
    single = _size_for(limit / one_line, max_size) if one_line * min_size <= limit else None
    if max_lines >= 2 and " " in text and (single is None or single < max_size):
        first, second = _balanced_split(text, bold)
        two_lines = max(text_width(first, 1, bold=bold), text_width(second, 1, bold=bold))
        if two_lines * min_size <= limit:
            double = _size_for(limit / two_lines, two_line_max_size or max_size)
            if single is None or single * WRAP_GAIN < double:
                return FittedText((first, second), double)
    if single is not None:
        return FittedText((text,), single)
    return FittedText(_cut_lines(text, limit, min_size, max_lines, bold), min_size)


def _size_for(largest: float, max_size: float) -> float:
    return float(min(max_size, math.floor(largest * 2) / 2))


def _balanced_split(text: str, bold: bool) -> tuple[str, str]:
    words = text.split(" ")
    candidates = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    return min(
        candidates,
        key=lambda pair: max(text_width(pair[0], 1, bold=bold), text_width(pair[1], 1, bold=bold)),
    )


def _cut_lines(text: str, width: float, size: float, max_lines: int, bold: bool) -> tuple[str, ...]:
    words = text.split(" ")
    lines: list[str] = []
    while words and len(lines) < max_lines - 1:
        count = len(words)
        while count and text_width(" ".join(words[:count]), size, bold=bold) > width:
            count -= 1
        if count == 0:
            break  # a single word wider than a line: cut it below
        lines.append(" ".join(words[:count]))
        words = words[count:]
    if words:
        lines.append(ellipsize(" ".join(words), width, size, bold=bold))
    return tuple(lines)


# --- Layout (A6 portrait, 105 × 148 mm; reportlab measures y upwards from the bottom) -----------

BADGE_WIDTH, BADGE_HEIGHT = A6
MARGIN = 7 * mm
CONTENT_WIDTH = BADGE_WIDTH - 2 * MARGIN
CENTRE_X = BADGE_WIDTH / 2
LEADING = 1.18

NAME_MAX_SIZE, NAME_TWO_LINE_MAX_SIZE, NAME_MIN_SIZE = 34, 26, 14
NAME_WIDTH = CONTENT_WIDTH

QR_MIN_SYMBOL = 36 * mm  # the code itself, without its quiet zone: read by a phone at arm's length
QR_BOTTOM = 9 * mm  # bottom of the quiet zone
SERIAL_BASELINE = 5.5 * mm
BAND_BOTTOM, BAND_HEIGHT, BAND_INSET = 61 * mm, 12 * mm, 6 * mm
ORGANISATION_BOTTOM, ORGANISATION_TOP = 75 * mm, 88 * mm
NAME_BOTTOM = 90 * mm
TITLE_TOP = BADGE_HEIGHT - 8 * mm

SERIAL_FONT = "Courier-Bold"  # one of the PDF standard fonts: monospace, nothing to embed
INK = HexColor("#1A1A1A")
GREY = HexColor("#555555")


def fit_name(name: str, width: float = NAME_WIDTH) -> tuple[tuple[str, ...], float]:
    """How a badge prints `name` in `width` points: its lines and their font size."""
    fitted = fit_text(
        name,
        width,
        max_size=NAME_MAX_SIZE,
        min_size=NAME_MIN_SIZE,
        max_lines=2,
        two_line_max_size=NAME_TWO_LINE_MAX_SIZE,
    )
    return fitted.lines, fitted.size


def _draw_line(canvas: Canvas, text: str, baseline: float, size: float, *, bold: bool) -> None:
    """`text` centred on the badge, run by run, each in the font that has its glyphs."""
    runs = visual_runs(text, bold=bold)
    widths = [pdfmetrics.stringWidth(run, font, size) for run, font in runs]
    x = CENTRE_X - sum(widths) / 2
    for (run, font), run_width in zip(runs, widths, strict=True):
        canvas.setFont(font, size)
        canvas.drawString(x, baseline, run)
        x += run_width


def _draw_block(canvas: Canvas, fitted: FittedText, top: float, *, bold: bool) -> float:
    """Lines from `top` downwards; returns the bottom of the block."""
    line_height = fitted.size * LEADING
    for index, line in enumerate(fitted.lines):
        baseline = top - fitted.size * 0.95 - index * line_height
        _draw_line(canvas, line, baseline, fitted.size, bold=bold)
    return top - line_height * len(fitted.lines)


def _block_height(fitted: FittedText) -> float:
    return fitted.size * LEADING * len(fitted.lines)


def _role_label(role: str, language: str) -> str:
    return in_language(language, gettext, ROLE_STYLES[role].label)


def badge_qr_matrix(text: str) -> list[list[bool]]:
    """The QR code of a badge at error correction M: the smallest version, a fixed mask.

    Trying all eight masks is most of what `qrcode` spends (~2 ms a code instead of ~0.4 ms,
    STACK.md); every mask is valid to every reader, the choice only tunes contrast patterns.
    """
    for version in range(1, 11):
        code = qrcode.QRCode(
            version=version, error_correction=ERROR_CORRECT_M, border=0, mask_pattern=0
        )
        code.add_data(text)
        try:
            code.make(fit=False)
        except DataOverflowError:
            continue
        return code.get_matrix()
    return qr_matrix(text)


def _draw_qr(canvas: Canvas, text: str) -> None:
    matrix = badge_qr_matrix(text)
    modules = len(matrix)
    module = QR_MIN_SYMBOL / modules
    box = module * (modules + 2 * QUIET_ZONE)
    canvas.saveState()
    # One module is one unit and rows go downwards, so every run is a rectangle of small integers,
    # and all of them make one filled path: no seam shows between neighbouring runs. The path is
    # written as PDF operators directly: through `PathObject.rect` its number formatting was
    # most of the time spent on a sheet of 2,000 badges.
    canvas.translate(
        CENTRE_X - box / 2 + QUIET_ZONE * module, QR_BOTTOM + box - QUIET_ZONE * module
    )
    canvas.scale(module, -module)
    canvas.setFillColor(black)
    rectangles = " ".join(
        f"{column} {row} {length} 1 re" for row, column, length in dark_runs(matrix)
    )
    canvas.addLiteral(f"{rectangles} f")
    canvas.restoreState()


def _draw_badge(canvas: Canvas, badge: BadgeData) -> None:
    """One badge with its bottom-left corner at the canvas's origin."""
    style = ROLE_STYLES[badge.role]

    canvas.setFillColor(INK)
    title = fit_text(badge.event_title, CONTENT_WIDTH, max_size=14, min_size=9, max_lines=2)
    header_bottom = _draw_block(canvas, title, TITLE_TOP, bold=True)
    when_and_where = " · ".join(part for part in (badge.event_date, badge.venue) if part.strip())
    if when_and_where:
        canvas.setFillColor(GREY)
        details = fit_text(when_and_where, CONTENT_WIDTH, max_size=9.5, min_size=7, bold=False)
        header_bottom = _draw_block(canvas, details, header_bottom - 1 * mm, bold=False)
    canvas.setStrokeColor(style.colour)
    canvas.setLineWidth(1.2)
    rule = header_bottom - 2.5 * mm
    canvas.line(MARGIN, rule, BADGE_WIDTH - MARGIN, rule)

    canvas.setFillColor(INK)
    lines, size = fit_name(badge.name)
    name = FittedText(lines, size)
    name_top = rule - 2 * mm
    centre = (name_top + NAME_BOTTOM) / 2
    _draw_block(canvas, name, centre + _block_height(name) / 2, bold=True)

    if badge.organisation.strip():
        canvas.setFillColor(GREY)
        organisation = fit_text(
            badge.organisation, CONTENT_WIDTH, max_size=13, min_size=8, max_lines=2, bold=False
        )
        centre = (ORGANISATION_TOP + ORGANISATION_BOTTOM) / 2
        _draw_block(canvas, organisation, centre + _block_height(organisation) / 2, bold=False)

    canvas.setFillColor(style.colour)
    band_width = BADGE_WIDTH - 2 * BAND_INSET
    canvas.roundRect(BAND_INSET, BAND_BOTTOM, band_width, BAND_HEIGHT, 2 * mm, stroke=0, fill=1)
    label = fit_text(
        _role_label(badge.role, badge.language), band_width - 6 * mm, max_size=18, min_size=9
    )
    canvas.setFillColor(white)
    # Cap height is about 0.7 em: this baseline centres capitals in the band.
    baseline = BAND_BOTTOM + BAND_HEIGHT / 2 - label.size * 0.35
    _draw_line(canvas, label.lines[0], baseline, label.size, bold=True)

    _draw_qr(canvas, badge.qr_text)

    canvas.setFillColor(INK)
    canvas.setFont(SERIAL_FONT, 12)
    canvas.drawCentredString(CENTRE_X, SERIAL_BASELINE, badge.serial)


INTERVIEWS_TITLE = lazy("My interviews")


def _draw_interviews(canvas: Canvas, badge: BadgeData) -> None:
    """The back of a personal badge: the person's interviews, as many as the page holds."""
    canvas.setFillColor(INK)
    title = fit_text(
        in_language(badge.language, gettext, INTERVIEWS_TITLE),
        CONTENT_WIDTH,
        max_size=16,
        min_size=10,
    )
    bottom = _draw_block(canvas, title, TITLE_TOP, bold=True)
    for line in badge.interviews:
        fitted = fit_text(line, CONTENT_WIDTH, max_size=12, min_size=8, max_lines=2, bold=False)
        if bottom - 3 * mm - _block_height(fitted) < MARGIN:
            break
        bottom = _draw_block(canvas, fitted, bottom - 3 * mm, bold=False)


def badge_pdf(badge: BadgeData) -> bytes:
    """One badge on one A6 portrait page, as a PDF; the person's interviews, if any, on a
    second page (its back)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A6, pageCompression=1)
    canvas.setTitle(f"{badge.name} — {badge.event_title}")
    canvas.setCreator("Tremplin")
    _draw_badge(canvas, badge)
    canvas.showPage()
    if badge.interviews:
        _draw_interviews(canvas, badge)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


# --- Sheets of four for printing ------------------------------------------------------------------

SHEET_WIDTH, SHEET_HEIGHT = A4
_ROW_GAP = (SHEET_HEIGHT - 2 * BADGE_HEIGHT) / 2  # A4 is 1 mm taller than two A6
# Bottom-left corners of the four badges of a sheet, in reading order.
SHEET_SLOTS = (
    (0.0, _ROW_GAP + BADGE_HEIGHT),
    (BADGE_WIDTH, _ROW_GAP + BADGE_HEIGHT),
    (0.0, _ROW_GAP),
    (BADGE_WIDTH, _ROW_GAP),
)
CUT_MARK = 4 * mm


def _draw_cut_marks(canvas: Canvas) -> None:
    """Light marks where the guillotine goes, only in the badges' empty margins."""
    canvas.saveState()
    canvas.setStrokeColor(HexColor("#BBBBBB"))
    canvas.setLineWidth(0.3)
    middle_x = BADGE_WIDTH
    for y in (_ROW_GAP, _ROW_GAP + BADGE_HEIGHT, _ROW_GAP + 2 * BADGE_HEIGHT):
        canvas.line(0, y, CUT_MARK, y)
        canvas.line(SHEET_WIDTH - CUT_MARK, y, SHEET_WIDTH, y)
        canvas.line(middle_x - CUT_MARK, y, middle_x + CUT_MARK, y)
    canvas.line(middle_x, 0, middle_x, _ROW_GAP + CUT_MARK)
    canvas.line(middle_x, SHEET_HEIGHT - _ROW_GAP - CUT_MARK, middle_x, SHEET_HEIGHT)
    centre_y = _ROW_GAP + BADGE_HEIGHT
    canvas.line(middle_x, centre_y - CUT_MARK, middle_x, centre_y + CUT_MARK)
    canvas.restoreState()


def write_badge_sheets(badges: Iterable[BadgeData], stream: BinaryIO) -> int:
    """Write one PDF of A4 pages, four A6 badges each, into `stream`; return how many badges.

    `badges` is read once, lazily, so a caller can pass a generator over a database cursor.
    Each sheet is written to `stream` as soon as it is drawn (`server.documents.pdf_stream`), and
    the
    fonts, the page tree and the cross-reference table at the end: a reader of `stream` can
    send the file while the rest is drawn, and no page stays in memory. Measured for 2,000
    badges: 1.5 s on one core, a 1.4 MB file, about 20 MB added to the process at its peak.
    An empty `badges` gives one blank page, as a PDF needs one.
    """
    canvas = StreamingCanvas(stream, pagesize=A4, pageCompression=1)
    canvas.setCreator("Tremplin")
    count = 0
    for count, badge in enumerate(badges, start=1):
        slot = (count - 1) % len(SHEET_SLOTS)
        if slot == 0:
            if count > 1:
                canvas.showPage()
            _draw_cut_marks(canvas)
        canvas.saveState()
        canvas.translate(*SHEET_SLOTS[slot])
        _draw_badge(canvas, badge)
        canvas.restoreState()
    canvas.showPage()
    canvas.save()
    return count
