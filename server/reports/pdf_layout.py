"""Building blocks of the report PDFs, for either reading direction: text that wraps and, in
Arabic, reads from the right; tables whose columns mirror; bar charts drawn with reportlab's
graphics; numbers in the reader's locale; the page frame with its footer.

Text is never given to platypus `Paragraph`, whose markup would need escaping and whose line
breaking works on the visual order (the first line of an Arabic paragraph would hold its end):
`Text` breaks lines in logical order and only then shapes and reorders each line
(`server.documents.pdf_text`). Everything here is pure and reads the current language for its
formats:
render inside `server.documents.pdf_text.in_language`.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    SimpleDocTemplate,
    Table,
    TableStyle,
)

from server.documents.pdf_text import ellipsize, fonts, text_width, visual_runs
from server.i18n import current_language
from server.values.formatting import number

PAGE_WIDTH = A4[0]
MARGIN = 18 * mm
FOOTER_ROOM = 12 * mm
FRAME_WIDTH = PAGE_WIDTH - 2 * MARGIN
HEADING_ROOM = 30 * mm  # a heading needs this much room under it for what it introduces
LOGO_HEIGHT = 20 * mm
CELL_PADDING = 4

# The web pages' palette (static/css/app.css).
GREEN_900 = HexColor("#063f2e")
GREEN_700 = HexColor("#0b6e4f")
GREEN_100 = HexColor("#e3f4ec")
SAND_50 = HexColor("#fbf8f2")
INK = HexColor("#1c2321")
INK_SOFT = HexColor("#4a5552")
LINE = HexColor("#d8dcd9")

# Arabic letters reach higher and lower than Latin ones: its lines need more room.
LEADING, ARABIC_LEADING = 1.45, 1.6
Align = Literal["start", "end", "centre"]


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: its label, the count it stands for (None when the count is hidden:
    no bar is drawn) and the text beside it (the count as written, or why it is hidden)."""

    label: str
    count: int | None
    text: str


# --- Text -----------------------------------------------------------------------------------------


# Where a line may break: not at a no-break space (French « <5 », 1 234, 83 %).
_BREAKS = re.compile(r"[ \t\r\f\v]+")


def wrap_lines(text: str, width: float, size: float, *, bold: bool) -> tuple[str, ...]:
    """`text` cut at spaces (never at a no-break space) into lines no wider than `width`, in
    logical order. A newline starts a line; a word wider than a whole line is cut where it must
    be.

    A line's width is the sum of its words' widths: shaping never joins letters across a space,
    and the space is counted at its widest in either font, so a line never overflows.
    """
    pair = fonts(bold)
    space = max(pdfmetrics.stringWidth(" ", font, size) for font in (pair.latin, pair.arabic))
    lines: list[str] = []
    for hard_line in text.split("\n"):
        words = [
            piece
            for word in _BREAKS.split(hard_line)
            if word
            for piece in _cut_word(word, width, size, bold)
        ]
        line: list[str] = []
        line_width = 0.0
        for word in words:
            word_width = text_width(word, size, bold=bold)
            if line and line_width + space + word_width > width:
                lines.append(" ".join(line))
                line, line_width = [], 0.0
            line_width += (space if line else 0.0) + word_width
            line.append(word)
        lines.append(" ".join(line))
    return tuple(lines)


def _cut_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    """`word` in pieces no wider than `width`: itself, unless it is wider than a line."""
    if text_width(word, size, bold=bold) <= width:
        return [word]
    # No glyph is narrower than a fifth of an em, so no piece has more letters than this: a long
    # string without spaces is cut in time proportional to its length.
    most = max(1, int(width / (0.2 * size)))
    pieces = []
    while word:
        low, high = 1, min(len(word), most)
        while low < high:
            middle = (low + high + 1) // 2
            if text_width(word[:middle], size, bold=bold) <= width:
                low = middle
            else:
                high = middle - 1
        pieces.append(word[:low])
        word = word[low:]
    return pieces


def _line_start(align: Align, right_to_left: bool, line_width: float, box_width: float) -> float:
    if align == "centre":
        return (box_width - line_width) / 2
    at_right = (align == "start") == right_to_left
    return box_width - line_width if at_right else 0.0


class Text(Flowable):
    """A paragraph of plain text (no markup: "<" and "&" are letters), wrapped in logical order
    and drawn line by line, shaped, each script run in its font; lines start at the right in a
    right-to-left document."""

    def __init__(
        self,
        text: str,
        *,
        size: float = 10,
        bold: bool = False,
        colour: Color = INK,
        align: Align = "start",
        right_to_left: bool = False,
        leading: float = LEADING,
        space_before: float = 0,
        space_after: float = 0,
    ) -> None:
        super().__init__()
        self.text = text
        self.size = size
        self.bold = bold
        self.colour = colour
        self.align = align
        self.right_to_left = right_to_left
        self.line_height = size * leading
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self._lines: tuple[str, ...] = ()
        self._wrapped_at: float | None = None

    def _wrap_lines(self, width: float) -> tuple[str, ...]:
        if self._wrapped_at != width:
            self._lines = wrap_lines(self.text, width, self.size, bold=self.bold)
            self._wrapped_at = width
        return self._lines

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        self.width = avail_width
        self.height = len(self._wrap_lines(avail_width)) * self.line_height
        return self.width, self.height

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        lines = self._wrap_lines(avail_width)
        fitting = int(avail_height // self.line_height)
        if fitting < 1 or fitting >= len(lines):
            return []
        return [
            self._with_lines(lines[:fitting], space_before=self.spaceBefore, space_after=0),
            self._with_lines(lines[fitting:], space_before=0, space_after=self.spaceAfter),
        ]

    def _with_lines(self, lines: Sequence[str], **spaces: float) -> Text:
        # Each of these lines fits the width, so wrapping them again gives them back unchanged.
        return Text(
            "\n".join(lines),
            size=self.size,
            bold=self.bold,
            colour=self.colour,
            align=self.align,
            right_to_left=self.right_to_left,
            leading=self.line_height / self.size,
            **spaces,
        )

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFillColor(self.colour)
        for index, line in enumerate(self._lines):
            # A quarter of an em above the baseline is midway between the top of the capitals
            # and the bottom of the descenders: there goes the middle of the line.
            middle = self.height - (index + 0.5) * self.line_height
            baseline = middle - 0.25 * self.size
            _draw_line(
                canvas,
                line,
                baseline=baseline,
                box_width=self.width,
                size=self.size,
                bold=self.bold,
                align=self.align,
                right_to_left=self.right_to_left,
            )


def _draw_line(
    canvas: Canvas,
    line: str,
    *,
    baseline: float,
    box_width: float,
    size: float,
    bold: bool,
    align: Align,
    right_to_left: bool,
    left: float = 0.0,
) -> None:
    """One line of text on a canvas, in a box from `left` that is `box_width` wide."""
    runs = visual_runs(line, bold=bold, right_to_left=right_to_left)
    widths = [pdfmetrics.stringWidth(run, font, size) for run, font in runs]
    x = left + _line_start(align, right_to_left, sum(widths), box_width)
    for (run, font), run_width in zip(runs, widths, strict=True):
        canvas.setFont(font, size)
        canvas.drawString(x, baseline, run)
        x += run_width


def _string_runs(
    text: str, x: float, y: float, size: float, colour: Color, *, bold: bool, right_to_left: bool
) -> Group:
    """`text` as graphics strings, one per script run, starting at `x` on the left."""
    group = Group()
    for run, font in visual_runs(text, bold=bold, right_to_left=right_to_left):
        group.add(String(x, y, run, fontName=font, fontSize=size, fillColor=colour))
        x += pdfmetrics.stringWidth(run, font, size)
    return group


# --- Blocks for one reading direction -------------------------------------------------------------


@dataclass(frozen=True)
class Blocks:
    """Makes the flowables of a document read in one direction: `right_to_left` for Arabic."""

    right_to_left: bool

    def text(self, text: str, **style: Any) -> Text:
        """A paragraph in the document's direction, unless `right_to_left` says otherwise (a
        text in another language than the document's)."""
        style.setdefault("right_to_left", self.right_to_left)
        rtl = style["right_to_left"]
        style.setdefault("leading", ARABIC_LEADING if rtl else LEADING)
        return Text(text, **style)

    def title(self, text: str) -> Text:
        return self.text(text, size=24, bold=True, colour=GREEN_900, leading=1.3, space_after=6)

    def heading(self, text: str) -> list[Flowable]:
        """A section's title, on the next page when too little room is left under it (rather
        than `keepWithNext`, which moves a long paragraph that follows to the next page whole)."""
        return [
            CondPageBreak(HEADING_ROOM),
            self.text(text, size=15, bold=True, colour=GREEN_900, space_before=16, space_after=6),
        ]

    def subheading(self, text: str) -> list[Flowable]:
        return [
            CondPageBreak(HEADING_ROOM),
            self.text(text, size=11.5, bold=True, colour=GREEN_700, space_before=10, space_after=4),
        ]

    def paragraphs(self, text: str) -> list[Text]:
        """The organiser's text: a blank line between paragraphs, a line break within one kept."""
        blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
        return [self.text(block, space_after=5) for block in blocks if block]

    def note(self, text: str) -> Text:
        return self.text(text, size=8.5, colour=INK_SOFT, space_before=2, space_after=4)

    def empty(self, text: str) -> Text:
        return self.text(text, size=9.5, colour=INK_SOFT, space_after=4)

    def _row(self, cells: Sequence[Any]) -> list[Any]:
        return list(reversed(cells)) if self.right_to_left else list(cells)

    def table(
        self,
        header: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        *,
        text_columns: int = 1,
        group_starts: Sequence[int] = (),
        size: float = 8.5,
    ) -> Table:
        """A table the width of the page: `widths` are fractions of it; the first
        `text_columns` columns are text (at the start of their cell), the others numbers (at the
        end). Columns run from the right in Arabic. A rule goes above each row of
        `group_starts`."""

        def cell(value: str, column: int, *, bold: bool = False, cell_size: float = size) -> Text:
            align: Align = "start" if column < text_columns else "end"
            return self.text(value, size=cell_size, bold=bold, align=align, leading=1.3)

        headers = [
            cell(value, i, bold=True, cell_size=_header_size(value, fraction, size))
            for i, (value, fraction) in enumerate(zip(header, widths, strict=True))
        ]
        data = [self._row(headers)]
        data += [self._row([cell(value, i) for i, value in enumerate(row)]) for row in rows]
        style = [
            ("BACKGROUND", (0, 0), (-1, 0), GREEN_100),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, GREEN_700),
            ("LINEBELOW", (0, 1), (-1, -1), 0.3, LINE),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
            ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ]
        style += [("LINEABOVE", (0, row + 1), (-1, row + 1), 0.8, INK_SOFT) for row in group_starts]
        table = Table(
            data,
            colWidths=self._row([fraction * FRAME_WIDTH for fraction in widths]),
            repeatRows=1,
            hAlign="CENTER",
            spaceBefore=2,
            spaceAfter=6,
        )
        table.setStyle(TableStyle(style))
        return table

    def logos(
        self, logos: Sequence[tuple[str, bytes | None]], *, height: float = LOGO_HEIGHT
    ) -> Table:
        """Logos side by side from the start side, each `height` tall at most and no wider than
        its share of the page; a logo missing or unreadable is replaced by its name."""
        room = FRAME_WIDTH / max(len(logos), 1) - 6 * mm
        cells = [_logo(name, data, room, height, self) for name, data in logos]
        table = Table(
            [self._row(cells)],
            colWidths=[FRAME_WIDTH / max(len(logos), 1)] * len(logos),
            hAlign="RIGHT" if self.right_to_left else "LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("ALIGN", (0, 0), (-1, -1), "RIGHT" if self.right_to_left else "LEFT"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        return table

    def key_figures(self, items: Sequence[tuple[str, str]], *, columns: int = 4) -> Table:
        """Big numbers with their labels, `columns` to a row."""
        cells = [
            [
                self.text(value, size=19, bold=True, colour=GREEN_700, leading=1.25),
                self.text(label, size=8.5, colour=INK_SOFT, leading=1.3),
            ]
            for label, value in items
        ]
        cells += [[] for _ in range(-len(cells) % columns)]
        rows = [self._row(cells[i : i + columns]) for i in range(0, len(cells), columns)]
        table = Table(rows, colWidths=[FRAME_WIDTH / columns] * columns, spaceAfter=4)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("BACKGROUND", (0, 0), (-1, -1), SAND_50),
                    ("GRID", (0, 0), (-1, -1), 2, HexColor("#ffffff")),
                    ("TOPPADDING", (0, 0), (-1, -1), 6),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
                    ("LEFTPADDING", (0, 0), (-1, -1), 7),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 7),
                ]
            )
        )
        return table

    def bars(self, rows: Sequence[Bar], *, width: float = FRAME_WIDTH) -> Drawing:
        """Horizontal bars, labels at the start side. A bar without a count (hidden: its length
        would tell it) is not drawn, and its text says why in its place."""
        row_height, size, gap = 15.0, 8.0, 5.0
        label_width = width * 0.34
        value_width = 40.0
        bar_room = width - label_width - value_width - 2 * gap
        drawing = Drawing(width, row_height * len(rows) + 4)
        largest = max((row.count or 0 for row in rows), default=0) or 1

        def box(x: float, w: float) -> float:
            # x and w measured from the start side; the left edge on the page.
            return width - x - w if self.right_to_left else x

        for index, row in enumerate(rows):
            y = drawing.height - (index + 1) * row_height
            label = ellipsize(row.label, label_width, size, bold=False)
            label_w = text_width(label, size, bold=False)
            # The label ends next to its bar.
            drawing.add(
                _string_runs(
                    label,
                    box(label_width - label_w, label_w),
                    y + 4,
                    size,
                    INK,
                    bold=False,
                    right_to_left=self.right_to_left,
                )
            )
            length = bar_room * (row.count or 0) / largest
            if length:
                drawing.add(
                    Rect(
                        box(label_width + gap, length),
                        y + 2,
                        length,
                        row_height - 4,
                        fillColor=GREEN_700,
                        strokeColor=None,
                    )
                )
            shown = row.count is not None
            value_w = text_width(row.text, size, bold=shown)
            drawing.add(
                _string_runs(
                    row.text,
                    box(label_width + 2 * gap + length - 2, value_w),
                    y + 4,
                    size,
                    INK_SOFT,
                    bold=shown,
                    right_to_left=self.right_to_left,
                )
            )
        axis_x = box(label_width + gap, 0)
        drawing.add(Line(axis_x, 0, axis_x, drawing.height, strokeColor=INK_SOFT, strokeWidth=0.6))
        return drawing

    def columns(
        self,
        values: Sequence[int],
        labels: Sequence[str],
        *,
        width: float = FRAME_WIDTH,
        height: float = 150,
    ) -> Drawing:
        """A column chart (reportlab's `VerticalBarChart`) of counts over time: `labels` under
        the columns ("" for none). Time runs from the right in Arabic, the scale on the right."""
        drawing = Drawing(width, height)
        chart = VerticalBarChart()
        chart.x, chart.y = 30, 18
        chart.width, chart.height = width - 60, height - 28
        values, labels = list(values), list(labels)
        if self.right_to_left:
            values.reverse()
            labels.reverse()
            chart.valueAxis.joinAxisMode = "right"
            chart.valueAxis.labels.boxAnchor = "w"
            chart.valueAxis.labels.dx = 4
            chart.valueAxis.tickLeft, chart.valueAxis.tickRight = 0, 3
        chart.data = [values]
        chart.categoryAxis.categoryNames = labels
        chart.categoryAxis.tickDown = 0
        chart.categoryAxis.strokeColor = INK_SOFT
        latin = fonts(False).latin
        for axis in (chart.categoryAxis, chart.valueAxis):
            axis.labels.fontName = latin
            axis.labels.fontSize = 7.5
            axis.labels.fillColor = INK_SOFT
        chart.valueAxis.valueMin = 0
        largest = max(values, default=0)
        step = _step(largest)
        chart.valueAxis.valueStep = step
        chart.valueAxis.valueMax = max(step, -(-largest // step) * step)
        chart.valueAxis.labelTextFormat = lambda value: number(int(value))
        chart.valueAxis.strokeColor = INK_SOFT
        chart.valueAxis.visibleGrid = True
        chart.valueAxis.gridStrokeColor = LINE
        chart.valueAxis.gridStrokeWidth = 0.4
        chart.barSpacing = 1
        chart.groupSpacing = 2 if len(values) > 24 else 6
        chart.bars[0].fillColor = GREEN_700
        chart.bars[0].strokeColor = None
        drawing.add(chart)
        return drawing


def _logo(name: str, data: bytes | None, width: float, height: float, blocks: Blocks) -> Flowable:
    """A logo scaled to fit `width` × `height`, keeping its proportions; its name when there is
    no image, or one that cannot be read."""
    if data:
        try:
            reader = ImageReader(io.BytesIO(data))
            image_width, image_height = reader.getSize()
        except Exception:  # an uploaded file: any failure to decode it means "no image"
            image_width = image_height = 0
        if image_width and image_height:
            scale = min(width / image_width, height / image_height)
            return Image(io.BytesIO(data), image_width * scale, image_height * scale)
    return blocks.text(name, size=11, bold=True)


def _header_size(text: str, fraction: float, size: float) -> float:
    """The size at which every word of a column's header fits its width (a header wraps
    between words, never inside one), down to 6 pt."""
    room = fraction * FRAME_WIDTH - 2 * CELL_PADDING
    widest = max((text_width(word, 1, bold=True) for word in _BREAKS.split(text)), default=0.0)
    while size > 6 and widest * size > room:
        size -= 0.5
    return size


def _step(largest: int) -> int:
    """A round tick step giving four or five whole-number ticks up to `largest`."""
    step = 1
    while largest / step > 5:
        for factor in (2, 2.5, 2):
            step = int(step * factor)
            if largest / step <= 5:
                break
    return step


# --- The document -------------------------------------------------------------------------------


def build_pdf(
    story: list[Flowable],
    *,
    title: str,
    author: str,
    footer: str,
    page_label: str,
    right_to_left: bool,
) -> bytes:
    """The story on A4 pages, each with `footer` at the start side and its number
    (`page_label` % {"number": n}) at the end side."""

    def decorate(canvas: Canvas, document: SimpleDocTemplate) -> None:
        canvas.saveState()
        canvas.setStrokeColor(LINE)
        canvas.setLineWidth(0.5)
        top = MARGIN + 2 * mm
        canvas.line(MARGIN, top + 1 * mm, PAGE_WIDTH - MARGIN, top + 1 * mm)
        canvas.setFillColor(INK_SOFT)
        page = page_label % {"number": document.page}
        footer_room = FRAME_WIDTH - text_width(page, 7.5, bold=False) - 6 * mm
        for line, align in (
            (ellipsize(footer, footer_room, 7.5, bold=False), "start"),
            (page, "end"),
        ):
            _draw_line(
                canvas,
                line,
                baseline=top - 3.5 * mm,
                box_width=FRAME_WIDTH,
                size=7.5,
                bold=False,
                align=align,
                right_to_left=right_to_left,
                left=MARGIN,
            )
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + FOOTER_ROOM,
        title=title,
        author=author,
        creator="Tremplin",
        lang=current_language().code,
    )
    document.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
